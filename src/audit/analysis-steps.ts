/**
 * The steps that look inside the target: a short endurance run (retained heap after forced GCs,
 * live-heap allocation sites, RSS: the leak check) and a CPU profile under normal load.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from '../findings/finding.js';
import type { AuditStep, ProfileSummary } from '../report/model/audit-result.js';
import { readRunStats } from '../report/model/run-stats.js';
import type { AuditConfig } from './config/types.js';
import { announce } from './run-steps.js';
import { createProfileSummary, runCapturedStep } from './steps/capture-step.js';
import { createLeakCheck, createSoakLeakFinding } from './steps/leak-check.js';
import { runMeasuredStep, type StepContext } from './steps/load-step.js';

/** Heap sampling interval of the soak (bytes): fine enough to catch small per-request leaks. */
export const SOAK_HEAP_SAMPLING_BYTES = 16 * 1024;
/** CPU sampling interval of the soak (µs): coarse, the soak's CPU profile is not the audit's profile. */
export const SOAK_CPU_SAMPLING_US = 10_000;

/** The soak step with its leak check, and the memory finding when a leak is suspected. */
export async function runSoakStep(
  ctx: StepContext,
  config: AuditConfig,
  cwd: string,
): Promise<{ step?: AuditStep; findings: Finding[] }> {
  const s = config.steps.soak;
  if (!s.enabled || ctx.signal.aborted) return { findings: [] };
  announce(ctx, 'soak', s.users, s.durationMs, 'short endurance (leak check: retained heap after forced GCs, live allocation sites, RSS trend)');
  if (!ctx.target.inspector) {
    const measured = await runMeasuredStep(ctx, 'soak', s.users, s.durationMs);
    const stats = readRunStats(measured.step.run);
    const verdict = createLeakCheck({ ...(measured.resources ? { rss: measured.resources.samples } : {}), requests: stats.requests, durationMs: stats.durationMs });
    measured.step.leakCheck = verdict.check;
    ctx.progress.result(`leak check: ${verdict.check.note}`);
    return { step: measured.step, findings: [] };
  }
  const captured = await runCapturedStep(ctx, {
    kind: 'soak',
    users: s.users,
    durationMs: s.durationMs,
    capture: { heapCheckIntervalMs: s.heapCheckIntervalMs, heapSamplingIntervalBytes: SOAK_HEAP_SAMPLING_BYTES, samplingIntervalUs: SOAK_CPU_SAMPLING_US },
    outDir: join(config.outDir, 'soak'),
    cwd,
  });
  const measured = captured.measured;
  if (!measured) return { findings: [] };
  const stats = readRunStats(measured.step.run);
  const heapPoints = captured.capture.signals.heapAfterGc;
  const verdict = createLeakCheck({
    heapPoints,
    ...(ctx.heap ? { checkpoints: ctx.heap.points } : {}),
    ...(measured.resources ? { rss: measured.resources.samples } : {}),
    requests: stats.requests,
    durationMs: stats.durationMs,
  });
  measured.step.leakCheck = verdict.check;
  ctx.progress.result(`leak check: ${verdict.check.leakSuspected ? 'LEAK SUSPECTED: ' : ''}${verdict.check.note}`);
  const evidence = { checkpoints: ctx.heap?.points ?? [], soakWindow: heapPoints, trend: verdict.trend ?? null };
  await writeFile(join(config.outDir, 'soak', 'heap-checkpoints.json'), `${JSON.stringify(evidence, null, 2)}\n`).catch(() => {});
  const profilerLeak = captured.findings.find((f) => f.id === 'memory.leak');
  const leak = createSoakLeakFinding(verdict, heapPoints, profilerLeak, captured.analysis.heap?.tables.hotspots ?? []);
  return { step: measured.step, findings: leak ? [leak] : [] };
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
    ctx.progress.warn('profile skipped: the target was not started by Redline with the inspector (set target.command)');
    return { findings: [] };
  }
  announce(ctx, 'profile', s.users, s.durationMs, 'CPU profile under normal load (hot functions at file:line, event-loop delay, GC pauses)');
  const captured = await runCapturedStep(ctx, {
    kind: 'load',
    users: s.users,
    durationMs: s.durationMs,
    capture: { samplingIntervalUs: s.samplingIntervalUs, heapCheckIntervalMs: 0, heapSamplingIntervalBytes: 0 },
    outDir: join(config.outDir, 'profile'),
    cwd,
    label: 'profile',
  });
  const profile = createProfileSummary(captured, cwd);
  // A short window says nothing about leaks; the soak step judges memory.
  const findings = captured.findings.filter((f) => f.id !== 'memory.leak');
  const top = findings.slice(0, 3).map((f) => `${f.id}${f.location?.file ? ` at ${f.location.file}:${f.location.line ?? '?'}` : ''}`);
  ctx.progress.result(`${profile.sampleCount} samples; top: ${top.join('; ') || 'nothing above the thresholds'}`);
  return { profile, findings };
}
