/** Analysis of one capture: CPU tables and findings, live-heap sites, diagnosis, leak, all ranked together. */
import type { Finding } from '../../findings/finding.js';
import { compareSeverity, rankFindings, severityFromShare } from '../../findings/rank.js';
import { formatPercent } from '../../util/units.js';
import type { CaptureResult } from '../capture/session.js';
import { importFromV8CpuProfile } from '../import/cpuprofile.js';
import { importFromV8HeapProfile } from '../import/heapprofile.js';
import type { Profile } from '../model/profile.js';
import { nameWasmFrames, type WasmNames } from '../model/wasm-names.js';
import {
  type AnalyzeOptions,
  analyzeProfile,
  type ProfileAnalysis,
  sharedAnalyzeOptions,
} from './analyze.js';
import { CPU_FINDING_THRESHOLDS } from './cpu-findings.js';
import { DIAGNOSIS_THRESHOLDS, type Diagnosis, diagnoseSignals } from './diagnose.js';
import { createDiagnosisFindings, notMeasurableNote } from './diagnosis-findings.js';
import { withoutForcedGc } from './forced-gc.js';
import { assessCapturedLeak, createLeakFinding, type LeakAssessment } from './leak.js';
import { withoutRedlineAllocations } from './redline-allocations.js';

/** Everything Redline concludes from one capture. */
export interface CaptureAnalysis {
  /** The CPU profile in the Profile model (for exports). */
  cpuProfile: Profile;
  cpu: ProfileAnalysis;
  /** Live-heap allocation sites (objects allocated in the window and still reachable). */
  heap?: ProfileAnalysis;
  diagnosis: Diagnosis;
  leak: LeakAssessment;
  /** GC time Redline forced (heap checks), taken out of the CPU profile before analysis (ms). */
  forcedGcExcludedMs: number;
  /** CPU, diagnosis and leak findings, ranked (rankFindings). */
  findings: Finding[];
}

/**
 * A CPU finding graded by what its code costs the event loop, not by its share of the little CPU
 * a lightly loaded service uses: severity from share × the main thread's busy share (its CPU time
 * over the time the machine let it run), never raised. A JSON.stringify at 17% of the CPU of a
 * loop busy 16% of the time costs 3% of the loop (calibration cases heap-check-big-heap,
 * fast-json-api: medium findings on healthy services at load 20, where a few descheduled
 * samples moved the shares). Shares of CPU time are samples, so the grade holds on a busy
 * machine; unchanged when the busy share is unknown.
 */
function gradedByLoopCapacity(finding: Finding, busyShare: number | undefined): Finding {
  if (
    busyShare === undefined ||
    (finding.area !== 'cpu' && finding.area !== 'gc') ||
    finding.impact?.share === undefined
  )
    return finding;
  const ofLoop = finding.impact.share * busyShare;
  const graded = severityFromShare(ofLoop);
  if (compareSeverity(graded, finding.severity) <= 0) return finding;
  return {
    ...finding,
    severity: graded,
    evidence: [
      ...(finding.evidence ?? []),
      {
        label: 'share of the event loop’s capacity',
        value: formatPercent(ofLoop, 1),
        source: `${formatPercent(finding.impact.share, 1)} of CPU × main thread busy ${formatPercent(busyShare, 0)} of the time it could run (schedstat)`,
      },
    ],
  };
}

/** Options of {@link analyzeCapture}. */
export interface CaptureAnalyzeOptions extends AnalyzeOptions {
  /**
   * Name sections of the WebAssembly modules the target runs (readWasmModules): its
   * `wasm-function[N]` frames are named from them, as `analyze --wasm` does.
   */
  wasm?: readonly WasmNames[];
}

/** Analyses a capture; one source resolver (cache) serves the CPU and heap profiles. */
export function analyzeCapture(
  capture: CaptureResult,
  options: CaptureAnalyzeOptions = {},
): CaptureAnalysis {
  const shared = sharedAnalyzeOptions(options);
  // GCs Redline forced (--heap-check) are not the service's GC pressure.
  const ownGc = withoutForcedGc(capture.cpuProfile, capture.signals);
  const cpuProfile = importFromV8CpuProfile(ownGc.profile, 'capture');
  if (options.wasm?.length) nameWasmFrames(cpuProfile, options.wasm);
  const cpu = analyzeProfile(cpuProfile, shared);
  const heap = capture.heapProfile
    ? analyzeProfile(
        importFromV8HeapProfile(withoutRedlineAllocations(capture.heapProfile), 'live-heap'),
        shared,
      )
    : undefined;
  const gcCategory = cpu.tables.categories.find((row) => row.category === 'gc');
  const diagnosis = diagnoseSignals(capture.signals, { gcShareOfCpu: gcCategory?.share ?? 0 });
  const leak = assessCapturedLeak(capture.signals);
  const diagnosisFindings = createDiagnosisFindings(
    diagnosis,
    capture.signals,
    cpu.tables.hotspots,
  );
  // GC pressure measured from pauses wins over the same conclusion drawn from CPU samples, both
  // ways: when the pauses were measured (enough samples) and stayed under the limit, the CPU
  // profile's GC share is no evidence of pressure. That share is of the main thread's active
  // time, so on a mostly idle loop 65 ms of GC read "22% of CPU" (calibration case
  // threadpool-cpu: 34 ms of pauses per second at most, 1.3% of wall time).
  // Except when the machine left the service too little time to judge some GC windows: then the
  // profile's GC share (CPU samples) decides, kept only when it is ≥ 10 % of the loop's capacity
  // (share × busy share) — calibration case gc-churn at 85 % run-queue waits had every window
  // unjudged; a healthy service's GC share of a lightly busy loop stays far below.
  const fromSignals = new Set(diagnosisFindings.map((f) => f.id));
  const busy = diagnosis.values.threadBusyShare;
  // Only on a starved machine: on a quiet one a single window can go unjudged too (healthy
  // calibration case bounded-cache: 1 unjudged window at 10 % run-queue waits, GC 8-11 % of the
  // samples at a busy share of 0.84, which crossed the 10 % line in 2 of 4 CI runs while its pauses
  // read 33-37 ms/s against the 100 ms/s limit).
  const starved =
    (diagnosis.values.runQueueShare ?? 0) >= DIAGNOSIS_THRESHOLDS.starvedRunQueueShare;
  const gcFromProfile =
    starved && diagnosis.values.gcUnjudgedWindows > 0 && !diagnosis.gcIssue && busy !== undefined;
  if (diagnosis.category !== 'data' && !gcFromProfile) fromSignals.add('gc.pressure');
  const findings = [
    ...cpu.findings
      .filter((f) => !fromSignals.has(f.id))
      .filter(
        (f) =>
          f.id !== 'gc.pressure' ||
          !gcFromProfile ||
          (f.impact?.share ?? 0) * (busy ?? 0) >= CPU_FINDING_THRESHOLDS.gc,
      )
      .map((f) => gradedByLoopCapacity(f, busy)),
    ...diagnosisFindings,
  ];
  const leakFinding = createLeakFinding(leak, heap?.tables.hotspots ?? []);
  if (leakFinding) findings.push(leakFinding);
  // Rules the starved run could not judge, unless another measure raised them anyway (the
  // profile's GC share): "not measurable" instead of a silence that reads as clean.
  const raised = new Set(findings.map((f) => f.id));
  const unjudged = notMeasurableNote(
    diagnosis,
    diagnosis.notMeasurable.filter((id) => !raised.has(id)),
  );
  if (unjudged) findings.push(unjudged);
  const result: CaptureAnalysis = {
    cpuProfile,
    cpu,
    diagnosis,
    leak,
    forcedGcExcludedMs: ownGc.removedUs / 1000,
    findings: rankFindings(findings),
  };
  if (heap) result.heap = heap;
  return result;
}
