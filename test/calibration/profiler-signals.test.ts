// Calibration: event-loop delay (timer period removed) and GC share (forced GCs excluded) on real
// child processes under real load. Cases: test/fixtures/calibration/{idle-service,blocked-loop,
// heap-check-big-heap,gc-churn}.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/index.js';
import type { Finding } from '../../src/findings/finding.js';
import { type ProfileTargetResult, profileTarget } from '../../src/profiler/index.js';
import { plantedVerdict } from './not-measurable.js';
import { CORPUS_DIR, readTruth } from './truth.js';

const ROOT = join(CORPUS_DIR, '../../..');

async function profileCase(
  name: string,
  load: (url: string, signal: AbortSignal) => Promise<unknown>,
  capture: Parameters<typeof profileTarget>[0]['capture'] = {},
): Promise<ProfileTargetResult> {
  return profileTarget({
    target: { command: [process.execPath, join(CORPUS_DIR, name, 'app.mjs')] },
    warmup: (url, signal) => runQuickTest({ url, connections: 2, durationMs: 500, signal }),
    load,
    capture,
    cwd: ROOT,
  });
}

const ids = (findings: readonly Finding[]): string[] => findings.map((f) => f.id);

/**
 * A planted rule on a live run is either raised, or named by the run's own
 * `capture.not-measurable` note (the machine starved the service: docs/rules.md); exactly one of
 * the two, never silence.
 */
function expectFoundOrNotMeasurable(result: ProfileTargetResult, rule: string) {
  const verdict = plantedVerdict(result.findings, rule);
  const why = JSON.stringify({
    findings: result.findings.map((f) => [f.id, f.severity, f.title]),
    values: result.analysis.diagnosis.values,
  });
  expect(['found', 'not-measurable'], `${rule}: ${verdict} ${why}`).toContain(verdict);
  // Which path the run took, for the log (a CI runner may be starved; the test accepts both).
  console.log(`${rule}: ${verdict}`);
  return verdict;
}

const serious = (findings: readonly Finding[]): Finding[] =>
  findings.filter(
    (f) => f.severity === 'high' || f.severity === 'medium' || f.severity === 'critical',
  );

/** One request every 200 ms for `ms`: an idle service with a heartbeat. */
async function trickle(url: string, ms: number): Promise<number> {
  let sent = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await (await fetch(url)).text();
    sent += 1;
    await new Promise((r) => setTimeout(r, 200));
  }
  return sent;
}

describe('event-loop delay beyond the timer period', () => {
  it('idle-service: no "event loop blocked", delay p50 far below the timer period', async () => {
    const truth = readTruth('idle-service');
    const result = await profileCase('idle-service', (url) => trickle(url, 2500));
    const delay = result.capture.signals.eventLoopDelay;
    // The raw histogram of an idle loop reads ~20 ms (the sampler's tick); corrected, the loop
    // was late by a fraction of a millisecond to a few ms on a busy machine, never ≥ 10 ms.
    expect(delay.count).toBeGreaterThan(50);
    expect(delay.p50Ms).toBeLessThan(5);
    expect(result.analysis.diagnosis.delayIssue).toBe(false);
    for (const id of truth.mustNotRaise ?? []) expect(ids(result.findings)).not.toContain(id);
    expect(serious(result.findings)).toEqual([]);
  }, 60_000);

  it('blocked-loop: 40 ms of synchronous work per request is reported as a blocked loop (or "not measurable" when starved)', async () => {
    const truth = readTruth('blocked-loop');
    const result = await profileCase('blocked-loop', (url, signal) =>
      runQuickTest({ url, connections: 4, durationMs: 2500, signal }),
    );
    const found = (truth.expected as string[]).map((id) => expectFoundOrNotMeasurable(result, id));
    // Found means the loop's own delay crossed a limit (p50 >= 10 ms or a stall >= 100 ms). Not the
    // histogram's p50: under two spinners (load 7-10, 2026-12-06) it read 1.8-2.6 ms while the
    // block was found from its own 100+ ms stalls (a starved client sends fewer requests, so
    // most ticks are on time).
    if (found.every((verdict) => verdict === 'found'))
      expect(
        result.analysis.diagnosis.delayIssue,
        JSON.stringify(result.analysis.diagnosis.values),
      ).toBe(true);
  }, 60_000);
});

describe('GC share without the GCs Redline forced', () => {
  it('heap-check-big-heap: forced full GCs over a large heap are not "GC pressure"', async () => {
    const truth = readTruth('heap-check-big-heap');
    const result = await profileCase(
      'heap-check-big-heap',
      (url, signal) => runQuickTest({ url, connections: 2, durationMs: 3000, signal }),
      { heapCheckIntervalMs: 250 },
    );
    const forced = result.capture.signals.gc.filter((e) => e.forced);
    const forcedMs = forced.reduce((sum, e) => sum + e.durationMs, 0);
    // The forced GCs happened inside the window and were taken out of the profile.
    expect(forced.length).toBeGreaterThanOrEqual(4);
    expect(result.analysis.forcedGcExcludedMs).toBeGreaterThan(forcedMs * 0.5);
    const gcRow = result.analysis.cpu.tables.categories.find((row) => row.category === 'gc');
    expect(gcRow?.share ?? 0).toBeLessThan(0.1);
    const why = JSON.stringify({
      values: result.analysis.diagnosis.values,
      stalls: result.capture.signals.stalls,
      forced: forced.map((e) => [Math.round(e.startMs), Math.round(e.durationMs)]),
    });
    for (const id of truth.mustNotRaise ?? []) expect(ids(result.findings), why).not.toContain(id);
  }, 90_000);

  it('gc-churn: GC the service causes itself is still reported with --heap-check on (or "not measurable" when starved)', async () => {
    const truth = readTruth('gc-churn');
    const result = await profileCase(
      'gc-churn',
      (url, signal) => runQuickTest({ url, connections: 4, durationMs: 3000, signal }),
      { heapCheckIntervalMs: 1000 },
    );
    for (const id of truth.expected as string[]) expectFoundOrNotMeasurable(result, id);
  }, 90_000);
});
