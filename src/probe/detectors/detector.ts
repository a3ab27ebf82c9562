/**
 * The shape every probe detector has: a finding id, hooks on finished queries and finished
 * requests that return detections, and the renderer that turns aggregated detections into a
 * finding. The list of detectors is {@link PROBE_DETECTORS} (registry.ts); the pipeline knows
 * no detector by name.
 */
import type { ProbeConfig } from '../config.js';
import type { Detection, DetectionRenderer } from '../findings-store.js';
import type { QueryRecord, RequestState } from '../state.js';

/** Hooks of one detector for one probe runtime (a stateful detector keeps its state in them). */
export interface DetectorHooks {
  /** Called for every finished query (failed ones too: the detector decides what it judges). */
  onQuery?(state: RequestState, record: QueryRecord): Detection | undefined;
  /** Called for every finished request that ran at least one query (`state.route` is set). */
  onRequestEnd?(state: RequestState): readonly Detection[];
  /**
   * Detections the detector batched instead of returning them one by one (summed per finding
   * key); the findings store pulls them before it renders, so findings read the same.
   */
  drain?(): readonly Detection[];
}

/** One probe detector. */
export interface ProbeDetector {
  /** Finding id, e.g. `probe.n-plus-one` (also the key of its renderer in the findings store). */
  readonly id: string;
  /** Creates the hooks for one probe runtime. */
  createHooks(config: ProbeConfig): DetectorHooks;
  /** Turns an aggregate of this detector's detections into the finding users read. */
  render: DetectionRenderer;
  /**
   * The thresholds the detector applies, written into the report's hello record (the names are
   * part of the probe report format: add, never rename).
   */
  thresholds?(config: ProbeConfig): Readonly<Record<string, number>>;
}
