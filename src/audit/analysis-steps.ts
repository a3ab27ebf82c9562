/**
 * The steps that look inside the target: a short endurance run (retained heap after forced GCs,
 * live-heap allocation sites, RSS: the leak check) and a CPU profile under normal load.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from '../findings/finding.js';
import type { AuditStep, ProfileSummary } from '../results/audit-result.js';
import { readRunStats } from '../results/run-stats.js';
import type { AuditConfig } from './config/types.js';
import { announce } from './run-steps.js';
import { createProfileSummary, runCapturedStep } from './steps/capture-step.js';
import { createLeakCheck, createSoakLeakFinding } from './steps/leak-check.js';
import { runMeasuredStep, type StepContext } from './steps/load-step.js';
import { nextSoakPart, SOAK_MIN_REQUESTS, SOAK_TIME_CAP_FACTOR } from './steps/soak-stop.js';
import {
  createStackProfileSummary,
  runStackCapturedStep,
  stackRuntimeOf,
} from './steps/stack-capture-step.js';
import type { ProcReading } from './target/proc-sampler.js';

/** Heap sampling interval of the soak (bytes): fine enough to catch small per-request leaks. */
export const SOAK_HEAP_SAMPLING_BYTES = 8 * 1024;
/** Share of the soak run inside the profiler capture (the last part). */
export const CAPTURED_SOAK_SHARE = 0.4;
/** CPU sampling interval of the soak (µs): coarse, the soak's CPU profile is not the audit's profile. */
export const SOAK_CPU_SAMPLING_US = 10_000;

/** What the plain parts of the soak measured (before the captured last part). */
interface SoakParts {
  steps: AuditStep[];
  rss: ProcReading[];
  requests: number;
  durationMs: number;
  /** Set when the time cap ended the plain parts before the minimum of requests was served. */
  capped?: { requests: number; minRequests: number; capMs: number };
}

/** The soak's bounds: the minimum of requests for a verdict and the hard time cap. */
interface SoakBounds {
  planned: number;
  partMs: number;
  capturedMs: number;
  minRequests: number;
  capMs: number;
}

/**
 * Runs the plain parts of the soak, each followed by a heap checkpoint: the `parts - 1` planned
 * ones, then more until the minimum of requests is served or the time cap comes (soak-stop.ts).
 */
async function runPlainParts(
  ctx: StepContext,
  users: number,
  bounds: SoakBounds,
): Promise<SoakParts> {
  const out: SoakParts = { steps: [], rss: [], requests: 0, durationMs: 0 };
  const started = performance.now();
  for (let i = 0; !ctx.signal.aborted; i++) {
    const decision = nextSoakPart({
      partsDone: i,
      partsPlanned: bounds.planned,
      requests: out.requests,
      minRequests: bounds.minRequests,
      elapsedMs: performance.now() - started,
      partMs: bounds.partMs,
      capturedMs: bounds.capturedMs,
      capMs: bounds.capMs,
    });
    if (decision === 'cap') {
      out.capped = { requests: out.requests, minRequests: bounds.minRequests, capMs: bounds.capMs };
      ctx.progress.result(
        `soak: ${out.requests} requests when the time cap (${Math.round(bounds.capMs / 1000)} s) came, ${bounds.minRequests} wanted for a leak verdict`,
      );
    }
    if (decision !== 'run') break;
    if (i === bounds.planned) {
      ctx.progress.result(
        `soak: ${out.requests} requests served, fewer than the ${bounds.minRequests} a leak verdict needs: more parts, at most ${Math.round(bounds.capMs / 1000)} s in all`,
      );
    }
    // Planned parts `soak i/parts`; the extra ones `soak i (extra)` (their number is not known ahead).
    const label =
      i < bounds.planned ? `soak ${i + 1}/${bounds.planned + 1}` : `soak ${i + 1} (extra)`;
    const m = await runMeasuredStep(ctx, 'soak', users, bounds.partMs, label);
    const stats = readRunStats(m.step.run);
    await ctx.heap?.record(stats.requests);
    out.steps.push(m.step);
    out.rss.push(...(m.resources?.samples ?? []));
    out.requests += stats.requests;
    out.durationMs += stats.durationMs;
  }
  return out;
}

/**
 * The soak: `parts` runs of X users (default 4) back to back. After each plain part a retained-heap
 * checkpoint joins the audit-wide trend; when the planned plain parts served fewer than
 * `minRequests`, more run until they have or the time cap `maxDuration` would be passed (then the
 * leak check says "cannot tell" unless it saw a leak). The last part (40% of the planned soak)
 * runs inside a profiler capture (retained heap every `heapCheck`, live allocation sites). The
 * leak check is attached to the last part.
 */
export async function runSoakStep(
  ctx: StepContext,
  config: AuditConfig,
  cwd: string,
): Promise<{ steps: AuditStep[]; findings: Finding[] }> {
  const s = config.steps.soak;
  if (!s.enabled || ctx.signal.aborted) return { steps: [], findings: [] };
  announce(
    ctx,
    'soak',
    s.users,
    s.durationMs,
    `short endurance in ${s.parts} parts (leak check: retained heap after forced GCs against requests served, live allocation sites, RSS trend)`,
  );
  const parts = ctx.target.inspector ? s.parts : 1;
  // The captured part gets 40% of the soak (allocation sites need samples), the plain parts the rest.
  const capturedMs = parts > 1 ? s.durationMs * CAPTURED_SOAK_SHARE : s.durationMs;
  const partMs = parts > 1 ? (s.durationMs - capturedMs) / (parts - 1) : s.durationMs;
  // Without plain parts (no inspector: no heap checkpoints, no leak verdict) nothing is extended.
  const plain = await runPlainParts(ctx, s.users, {
    planned: parts - 1,
    partMs,
    capturedMs,
    minRequests: parts > 1 ? (s.minRequests ?? SOAK_MIN_REQUESTS) : 0,
    capMs: s.maxDurationMs ?? SOAK_TIME_CAP_FACTOR * s.durationMs,
  });
  if (ctx.signal.aborted) return { steps: plain.steps, findings: [] };
  const label = parts > 1 ? `soak ${plain.steps.length + 1}/${plain.steps.length + 1}` : undefined;
  const captured = ctx.target.inspector
    ? await runCapturedStep(ctx, {
        kind: 'soak',
        users: s.users,
        durationMs: capturedMs,
        capture: {
          heapCheckIntervalMs: s.heapCheckIntervalMs,
          heapSamplingIntervalBytes: SOAK_HEAP_SAMPLING_BYTES,
          samplingIntervalUs: SOAK_CPU_SAMPLING_US,
        },
        outDir: join(config.outDir, 'soak'),
        cwd,
        ...(label ? { label } : {}),
      })
    : undefined;
  const measured = captured
    ? captured.measured
    : await runMeasuredStep(ctx, 'soak', s.users, partMs);
  if (!measured) return { steps: plain.steps, findings: [] };
  const stats = readRunStats(measured.step.run);
  const heapPoints = captured?.capture.signals.heapAfterGc ?? [];
  const verdict = createLeakCheck({
    ...(captured ? { soak: captured.capture.signals } : {}),
    ...(ctx.heap ? { checkpoints: ctx.heap.points } : {}),
    rss: [...plain.rss, ...(measured.resources?.samples ?? [])],
    requests: plain.requests + stats.requests,
    durationMs: plain.durationMs + stats.durationMs,
    ...(plain.capped ? { soakCapped: plain.capped } : {}),
  });
  measured.step.leakCheck = verdict.check;
  ctx.progress.result(
    `leak check: ${verdict.check.leakSuspected ? 'LEAK SUSPECTED: ' : ''}${verdict.check.note}`,
  );
  const steps = [...plain.steps, measured.step];
  if (!captured) return { steps, findings: [] };
  const evidence = {
    checkpoints: ctx.heap?.points ?? [],
    soakWindow: heapPoints,
    trend: verdict.trend ?? null,
  };
  await writeFile(
    join(config.outDir, 'soak', 'heap-checkpoints.json'),
    `${JSON.stringify(evidence, null, 2)}\n`,
  ).catch(() => {});
  const profilerLeak = captured.findings.find((f) => f.id === 'memory.leak');
  const leak = createSoakLeakFinding(
    verdict,
    profilerLeak,
    captured.analysis.heap?.tables.hotspots ?? [],
  );
  return { steps, findings: leak ? [leak] : [] };
}

/** The CPU profile under normal load (needs the inspector); its run is not graded (profiling costs a little). */
export async function runProfileStep(
  ctx: StepContext,
  config: AuditConfig,
  cwd: string,
): Promise<{ profile?: ProfileSummary; findings: Finding[] }> {
  const s = config.steps.profile;
  if (!s.enabled || ctx.signal.aborted) return { findings: [] };
  if (!ctx.target.inspector) {
    const runtime = stackRuntimeOf(ctx, config);
    if (runtime) return runStackProfileStep(ctx, config, cwd, runtime);
    ctx.progress.warn(
      'profile skipped: the target was not started by Redline with the inspector (set target.command), is not a JVM or Python target Redline started, and has no target.pprof',
    );
    return { findings: [] };
  }
  announce(
    ctx,
    'profile',
    s.users,
    s.durationMs,
    'CPU profile under normal load (hot functions at file:line, event-loop delay, GC pauses)',
  );
  const captured = await runCapturedStep(ctx, {
    kind: 'load',
    users: s.users,
    durationMs: s.durationMs,
    capture: {
      samplingIntervalUs: s.samplingIntervalUs,
      heapCheckIntervalMs: 0,
      heapSamplingIntervalBytes: 0,
    },
    outDir: join(config.outDir, 'profile'),
    cwd,
    label: 'profile',
  });
  const profile = createProfileSummary(captured, cwd);
  // A short window says nothing about leaks; the soak step judges memory.
  const findings = captured.findings.filter((f) => f.id !== 'memory.leak');
  const top = findings
    .slice(0, 3)
    .map(
      (f) => `${f.id}${f.location?.file ? ` at ${f.location.file}:${f.location.line ?? '?'}` : ''}`,
    );
  ctx.progress.result(
    `${profile.sampleCount} samples; top: ${top.join('; ') || 'nothing above the thresholds'}`,
  );
  return { profile, findings };
}

/** The profile step of a Go (target.pprof), JVM or Python target. */
async function runStackProfileStep(
  ctx: StepContext,
  config: AuditConfig,
  cwd: string,
  runtime: Parameters<typeof runStackCapturedStep>[2],
): Promise<{ profile?: ProfileSummary; findings: Finding[] }> {
  const s = config.steps.profile;
  const how = { go: 'net/http/pprof', jvm: 'Flight Recorder (jcmd)', python: 'the Python sampler' }[
    runtime
  ];
  announce(
    ctx,
    'profile',
    s.users,
    s.durationMs,
    `CPU profile under normal load with ${how} (hot functions at file:line, locks, GC)`,
  );
  const captured = await runStackCapturedStep(ctx, config, runtime, {
    kind: 'load',
    users: s.users,
    durationMs: s.durationMs,
    cwd,
    label: 'profile',
  });
  const profile = createStackProfileSummary(captured, cwd);
  const top = captured.findings
    .slice(0, 3)
    .map(
      (f) => `${f.id}${f.location?.file ? ` at ${f.location.file}:${f.location.line ?? '?'}` : ''}`,
    );
  for (const note of captured.result.analysis.notes) ctx.progress.warn(`profile: ${note}`);
  ctx.progress.result(
    `${profile?.sampleCount ?? 0} samples; top: ${top.join('; ') || 'nothing above the thresholds'}`,
  );
  return { ...(profile ? { profile } : {}), findings: captured.findings };
}
