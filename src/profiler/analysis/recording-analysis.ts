/**
 * analyzeRecording: every profile of a Go, JVM or Python recording analysed like a Node profile
 * (tables, hot spots at file:line or class.method:line), plus the runtime's own rules (JVM GC
 * pauses and safepoints, GIL-bound Python threads), ranked together.
 */
import type { Finding } from '../../findings/finding.js';
import { rankFindings } from '../../findings/rank.js';
import { type Profile, type ProfiledRuntime, totalWeight } from '../model/profile.js';
import type { RuntimeRecording } from '../model/recording.js';
import {
  type AnalyzeOptions,
  analyzeProfile,
  type ProfileAnalysis,
  sharedAnalyzeOptions,
} from './analyze.js';
import { createJvmGcFindings, createJvmSafepointFindings } from './jvm-findings.js';
import { createGilFindings } from './python-findings.js';

/** One analysed profile of a recording, with what it measures. */
export interface RecordingView {
  kind: 'cpu' | 'alloc' | 'live-heap' | 'contention' | 'goroutines';
  /** Where it came from, e.g. `pprof mutex`, `jdk.JavaMonitorEnter`. */
  source: string;
  analysis: ProfileAnalysis;
}

/** The analysis of a recording: the CPU view first, then the others, and all findings ranked. */
export interface RecordingAnalysis extends ProfileAnalysis {
  runtime: ProfiledRuntime;
  source: string;
  durationMs: number;
  /** Allocation, live-heap, contention and goroutine views (the CPU one is the top level). */
  views: RecordingView[];
  /** What could not be measured or concluded. */
  notes: string[];
  /** JVM pause totals (ms) when the recording has them. */
  pauses?: { gcMs: number; gcCount: number; safepointMs: number; safepointCount: number };
}

/** Fewer CPU samples than this in a window say nothing reliable about hot spots. */
export const MIN_CPU_SAMPLES = 30;

/** Samples behind a CPU profile: weights that count samples, time over the sampling period, or counts. */
function cpuSampleCount(profile: Profile): number {
  if (profile.unit === 'samples') return totalWeight(profile);
  if (profile.period && profile.period > 0)
    return Math.round(totalWeight(profile) / profile.period);
  return profile.samples.reduce((n, s) => n + (s.count ?? 1), 0);
}

const EMPTY_TABLES = (runtime: ProfiledRuntime): ProfileAnalysis['tables'] => ({
  runtime,
  valueKind: 'cpu',
  unit: 'samples',
  total: 0,
  idle: 0,
  active: 0,
  idleShare: 0,
  categories: [],
  packages: [],
  functions: [],
  lines: [],
  hotspots: [],
});

/** Analyses every profile and event of a recording; one source resolver serves them all. */
export function analyzeRecording(
  recording: RuntimeRecording,
  options: AnalyzeOptions = {},
): RecordingAnalysis {
  const shared = sharedAnalyzeOptions(options);
  const notes = [...recording.notes];
  const cpu = recording.cpu ? analyzeProfile(recording.cpu, shared) : undefined;
  if (!cpu) notes.push('no CPU samples were recorded in the window');
  const views: RecordingView[] = [];
  const add = (
    kind: RecordingView['kind'],
    profile: RuntimeRecording['cpu'],
  ): ProfileAnalysis | undefined => {
    if (!profile) return undefined;
    const analysis = analyzeProfile(profile, shared);
    views.push({ kind, source: String(profile.meta.source ?? profile.format), analysis });
    return analysis;
  };
  const alloc = add('alloc', recording.alloc);
  add('live-heap', recording.liveHeap);
  for (const profile of recording.contention ?? []) add('contention', profile);
  add('goroutines', recording.goroutines);
  const samples = recording.cpu ? cpuSampleCount(recording.cpu) : 0;
  const tooFew = cpu !== undefined && samples < MIN_CPU_SAMPLES;
  if (tooFew)
    notes.push(
      `only ${samples} CPU samples in the window: too few to rank hot spots (the service mostly waited: I/O, locks, sleeps); no CPU finding is drawn from them`,
    );
  const findings: Finding[] = tooFew ? [] : [...(cpu?.findings ?? [])];
  for (const view of views) findings.push(...view.analysis.findings);
  const result: RecordingAnalysis = {
    profile: cpu?.profile ?? {
      format: recording.cpu?.format ?? 'pprof',
      valueKind: 'cpu',
      unit: 'samples',
      runtime: recording.runtime,
      meta: {},
    },
    tables: cpu?.tables ?? EMPTY_TABLES(recording.runtime),
    findings: [],
    runtime: recording.runtime,
    source: recording.source,
    durationMs: recording.durationMs,
    views,
    notes,
  };
  if (recording.gcPauses || recording.safepoints) {
    const gc = recording.gcPauses ?? [];
    const safepoints = recording.safepoints ?? [];
    // Pauses are measured directly: they replace the estimate from CPU samples.
    const fromPauses = createJvmGcFindings(gc, recording.durationMs, alloc?.tables.hotspots ?? []);
    if (fromPauses.length > 0) {
      for (let i = findings.length - 1; i >= 0; i--)
        if (findings[i]?.id === 'gc.pressure') findings.splice(i, 1);
    }
    findings.push(...fromPauses, ...createJvmSafepointFindings(safepoints, recording.durationMs));
    result.pauses = {
      gcMs: gc.reduce((s, p) => s + p.durationMs, 0),
      gcCount: gc.length,
      safepointMs: safepoints.reduce((s, p) => s + p.durationMs, 0),
      safepointCount: safepoints.length,
    };
  }
  if (recording.processes) {
    const gil = createGilFindings(recording.processes, cpu?.tables.hotspots ?? []);
    findings.push(...gil.findings);
    notes.push(...gil.notes);
  }
  result.findings = rankFindings(findings);
  return result;
}

/** True when an analysis is a whole recording's (Go, JVM, Python capture or file). */
export function isRecordingAnalysis(analysis: ProfileAnalysis): analysis is RecordingAnalysis {
  return 'views' in analysis && 'notes' in analysis;
}
