/**
 * Types of the test-type presets (load, peak, stress, spike, soak, volume) and the small builder
 * that turns a load shape (ramps and holds) into stages, human-readable stage lines and the hold
 * windows ("phases") the audit evaluates one by one.
 */

import type { Stage } from '../../executors/executor.js';
import type { ScenarioPlan } from '../../executors/registry.js';
import { formatGoDuration } from '../../util/duration.js';

/** The presets' test types ([ref: k6-test-types], sized as in [ref: load-test-plan]). */
export const PRESET_KINDS = ['load', 'peak', 'stress', 'spike', 'soak', 'volume'] as const;

/** One of {@link PRESET_KINDS}. */
export type PresetKind = (typeof PRESET_KINDS)[number];

/** A duration as k6 text (`30s`) or milliseconds. */
export type DurationInput = string | number;

/** Settings of a preset; X (the base load) is `vus` or `rate`, everything else has a default. */
export interface PresetOptions {
  /** Base load X in VUs (closed model: ramping-vus scenarios). */
  vus?: number;
  /** Base load X in iterations per second (open model: arrival-rate scenarios). */
  rate?: number;
  /** Hold time at the main level (load/peak/volume 2m, soak 1h; spike: the baseline, 30s). */
  duration?: DurationInput;
  /** Ramp from 0 to the first level (load/peak/volume 30s, stress/spike 10s, soak 1m). */
  rampUp?: DurationInput;
  /** Ramp from the last level to 0 (10s; soak 30s). */
  rampDown?: DurationInput;
  /** peak: level = multiplier * X (3); spike: jump to multiplier * X (5). */
  multiplier?: number;
  /** stress: number of steps (10). */
  steps?: number;
  /** stress: increase per step (X), so the last step is X + (steps - 1) * step. */
  step?: number;
  /** stress: hold time of each step (20s), after a ramp of `rampUp`. */
  stepDuration?: DurationInput;
  /** spike: hold time at the spike (20s). */
  spikeDuration?: DurationInput;
  /** spike: hold time back at X after the spike (1m). */
  recovery?: DurationInput;
  /** volume: request body size the script should send, in bytes (1 MiB), as __ENV.PAYLOAD_BYTES. */
  payloadBytes?: number;
  /** Function each iteration runs (default `default`). */
  exec?: string;
  /** Open model: VUs started up front (default: enough for 100 ms iterations at the peak rate). */
  preAllocatedVUs?: number;
  /** Open model: most VUs (default: enough for 1 s iterations at the peak rate). */
  maxVUs?: number;
}

/** A window where the load is held at one level: what the audit evaluates separately. */
export interface PresetPhase {
  /** `hold`, `step 3`, `baseline`, `spike`, `recovery`. */
  name: string;
  /** The level held: VUs, or iterations per second. */
  target: number;
  /** Offsets from the scenario start, in ms. */
  startMs: number;
  endMs: number;
}

/** What a preset produces. */
export interface PresetResult {
  kind: PresetKind;
  /** `VUs` (closed model) or `iterations/s` (open model). */
  unit: 'VUs' | 'iterations/s';
  /** X. */
  base: number;
  scenarios: ScenarioPlan[];
  /** One human line per stage, e.g. `ramp 0 -> 100 VUs over 30s`. */
  stages: string[];
  /** Hold windows; for stress one per step, in order, so the audit can find the breaking point. */
  phases: PresetPhase[];
  /** Environment every VU of the preset sees (REDLINE_PRESET, REDLINE_PRESET_BASE, PAYLOAD_BYTES). */
  env: Record<string, string>;
  /** volume: the body size in bytes. */
  payloadBytes?: number;
  /** One-sentence summary. */
  description: string;
  /** Thresholds the load test plan suggests for this test type ([ref: load-test-plan]; not applied automatically). */
  suggestedThresholds: Record<string, string[]>;
}

/** Builds a piecewise-linear load shape from 0: ramps and holds, with phases and stage lines. */
export class ShapeBuilder {
  readonly stages: Stage[] = [];
  readonly lines: string[] = [];
  readonly phases: PresetPhase[] = [];
  #level = 0;
  #timeMs = 0;
  readonly #unit: string;

  constructor(unit: string) {
    this.#unit = unit;
  }

  /** Ramps linearly from the current level to `target` over `durationMs`. */
  ramp(target: number, durationMs: number): this {
    this.stages.push({ durationMs, target });
    this.lines.push(
      `ramp ${this.#level} -> ${target} ${this.#unit} over ${formatGoDuration(durationMs)}`,
    );
    this.#level = target;
    this.#timeMs += durationMs;
    return this;
  }

  /** Holds the current level for `durationMs`, recorded as phase `name`. */
  hold(durationMs: number, name: string): this {
    this.stages.push({ durationMs, target: this.#level });
    const label = name === 'hold' ? '' : ` (${name})`;
    this.lines.push(
      `hold ${this.#level} ${this.#unit} for ${formatGoDuration(durationMs)}${label}`,
    );
    this.phases.push({
      name,
      target: this.#level,
      startMs: this.#timeMs,
      endMs: this.#timeMs + durationMs,
    });
    this.#timeMs += durationMs;
    return this;
  }

  /** Total length so far. */
  get totalMs(): number {
    return this.#timeMs;
  }
}
