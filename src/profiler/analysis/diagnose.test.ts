// Service diagnosis and leak rule on constructed signals (threshold boundaries).
import { describe, expect, it } from 'vitest';
import { type ProcessSample, runQueueBetween, type ServiceSignals } from '../capture/signals.js';
import {
  DIAGNOSIS_THRESHOLDS,
  diagnoseSignals,
  gcMsPerAvailableSecond,
  longestForcedStretchMs,
  maxGcMsPerSecond,
  ownGcEvents,
  threadBusyShare,
} from './diagnose.js';
import { createDiagnosisFindings } from './diagnosis-findings.js';
import { assessLeak, createLeakFinding, fitLine } from './leak.js';

const sample = (tMs: number, cpu: number, elu = 0.5): ProcessSample => ({
  tMs,
  cpu,
  rssBytes: 1,
  heapUsedBytes: 1,
  heapTotalBytes: 1,
  elu,
  delayMs: 0,
});
const delay = (p50Ms: number, maxMs: number) => ({
  minMs: 0,
  maxMs,
  meanMs: p50Ms,
  stddevMs: 0,
  p50Ms,
  p90Ms: p50Ms,
  p99Ms: maxMs,
  count: 100,
});

function signals(overrides: Partial<ServiceSignals>): ServiceSignals {
  return {
    durationMs: 5000,
    sampleIntervalMs: 100,
    eventLoopDelay: delay(1, 20),
    gc: [],
    samples: Array.from({ length: 50 }, (_, i) => sample(i * 100, 0.5)),
    heapAfterGc: [],
    ...overrides,
  };
}

describe('diagnoseSignals', () => {
  it('is I/O-bound when the CPU waits and the loop is responsive', () => {
    expect(diagnoseSignals(signals({})).category).toBe('io');
  });
  it('flags a blocked event loop at clinic thresholds (median 10 ms or max 100 ms)', () => {
    const busy = Array.from({ length: 50 }, (_, i) => sample(i * 100, 1, 0.9));
    expect(
      diagnoseSignals(signals({ samples: busy, eventLoopDelay: delay(9.9, 99) })).category,
    ).toBe('cpu');
    const saturated = Array.from({ length: 50 }, (_, i) => sample(i * 100, 1, 0.95));
    // ELU median ≥ 95 % with a small delay: a loop the load keeps busy, still answering at once
    // (capacity, the CPU diagnosis), not a blocked loop; eluIssue still records the saturation.
    const full = diagnoseSignals(signals({ samples: saturated }));
    expect(full.eluIssue).toBe(true);
    expect(full.category).toBe('cpu');
    expect(
      diagnoseSignals(signals({ samples: busy, eventLoopDelay: delay(10, 50) })).category,
    ).toBe('event-loop');
    expect(
      diagnoseSignals(signals({ samples: busy, eventLoopDelay: delay(1, 100) })).category,
    ).toBe('event-loop');
  });
  it('flags GC pressure from blocking pauses per second, ignoring forced and incremental ones', () => {
    const busy = Array.from({ length: 50 }, (_, i) => sample(i * 100, 1));
    const pause = (
      startMs: number,
      durationMs: number,
      kind: 'minor' | 'major' | 'incremental',
      forced = false,
    ) => ({ startMs, durationMs, kind, ...(forced ? { forced } : {}) });
    const gc = [
      pause(100, 60, 'major'),
      pause(400, 45, 'minor'),
      pause(600, 500, 'incremental'),
      pause(700, 400, 'major', true),
    ];
    expect(maxGcMsPerSecond(gc)).toBe(105);
    const diagnosis = diagnoseSignals(signals({ samples: busy, gc }));
    expect(diagnosis.category).toBe('gc');
    const findings = createDiagnosisFindings(diagnosis, signals({ gc }), []);
    expect(findings.map((f) => f.id)).toContain('gc.pressure');
    expect(maxGcMsPerSecond([pause(100, 99, 'major')])).toBeLessThan(
      DIAGNOSIS_THRESHOLDS.gcMsPerSecond,
    );
  });
  it('needs at least four samples', () => {
    expect(diagnoseSignals(signals({ samples: [sample(0, 1)] })).category).toBe('data');
  });
});

describe('leak rule', () => {
  const mb = 1024 * 1024;
  it('fits a line', () => {
    const fit = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.r2).toBeCloseTo(1);
  });
  it('flags steady growth of the retained heap and names the allocation site', () => {
    const points = [0, 1, 2, 3, 4, 5].map((i) => ({
      tMs: i * 2000,
      usedBytes: 8 * mb + i * 2 * mb,
    }));
    const leak = assessLeak(points);
    expect(leak.leaking).toBe(true);
    expect(leak.slopeBytesPerMin).toBeCloseTo(60 * mb, -3);
    const finding = createLeakFinding(leak, [
      {
        functionName: 'remember',
        file: 'src/leak.ts',
        line: 7,
        lineSource: 'profile',
        mapped: true,
        weight: 9 * mb,
        share: 0.9,
        selfShare: 0.9,
        via: [],
      },
    ]);
    expect(finding).toMatchObject({
      id: 'memory.leak',
      location: { file: 'src/leak.ts', line: 7 },
    });
  });
  it('does not flag a flat or noisy heap, or too few points', () => {
    const flat = [0, 1, 2, 3, 4].map((i) => ({
      tMs: i * 2000,
      usedBytes: 8 * mb + (i % 2) * 200_000,
    }));
    expect(assessLeak(flat).leaking).toBe(false);
    const noisy = [0, 1, 2, 3, 4, 5].map((i) => ({
      tMs: i * 2000,
      usedBytes: 8 * mb + [0, 9, 1, 8, 2, 10][i]! * mb,
    }));
    expect(assessLeak(noisy)).toMatchObject({ leaking: false });
    expect(assessLeak(flat.slice(0, 3)).reason).toMatch(/need 4/);
  });
  it('does not flag growth that is released once the load stops', () => {
    const warm = [0, 4, 6, 7, 8, 1].map((v, i) => ({ tMs: i * 1000, usedBytes: 6 * mb + v * mb }));
    expect(assessLeak(warm.slice(0, 5)).leaking).toBe(true);
    expect(assessLeak(warm)).toMatchObject({
      leaking: false,
      reason: expect.stringMatching(/released/),
    });
  });
});

describe('forced GCs and the loop delay (issue 13 §2)', () => {
  const signals = (maxMs: number, forcedMs: number[]) => ({
    durationMs: 3000,
    sampleIntervalMs: 100,
    eventLoopDelay: {
      minMs: 0,
      maxMs,
      meanMs: 0.5,
      stddevMs: 1,
      p50Ms: 0.3,
      p90Ms: 1,
      p99Ms: 5,
      count: 300,
    },
    gc: forcedMs.map((d, i) => ({
      startMs: i * 250,
      durationMs: d,
      kind: 'major' as const,
      forced: true,
    })),
    samples: Array.from({ length: 30 }, (_, i) => ({
      tMs: i * 100,
      cpu: 0.3,
      rssBytes: 1,
      heapUsedBytes: 1,
      heapTotalBytes: 1,
      elu: 0.3,
      delayMs: 0,
    })),
    heapAfterGc: [],
  });
  it('a maximum explained by a forced full GC is not a blocked loop', () => {
    expect(diagnoseSignals(signals(118, [80, 121, 95])).delayIssue).toBe(false);
  });
  it('a maximum longer than any forced GC still is', () => {
    expect(diagnoseSignals(signals(400, [80, 121, 95])).delayIssue).toBe(true);
    expect(diagnoseSignals(signals(150, [])).delayIssue).toBe(true);
  });
});

describe('forced GCs and event-loop utilisation (issue 13 §2)', () => {
  it('takes the forced GC time out of each sample', () => {
    const samples = [100, 200, 300, 400, 500].map((tMs) => ({
      tMs,
      cpu: 1,
      rssBytes: 1,
      heapUsedBytes: 1,
      heapTotalBytes: 1,
      elu: 0.98,
      delayMs: 0,
    }));
    const base = {
      durationMs: 500,
      sampleIntervalMs: 100,
      eventLoopDelay: {
        minMs: 0,
        maxMs: 1,
        meanMs: 0,
        stddevMs: 0,
        p50Ms: 0,
        p90Ms: 0,
        p99Ms: 0,
        count: 50,
      },
      samples,
      heapAfterGc: [],
    };
    const forced = [{ startMs: 0, durationMs: 500, kind: 'major' as const, forced: true }];
    expect(diagnoseSignals({ ...base, gc: forced }).eluIssue).toBe(false);
    expect(diagnoseSignals({ ...base, gc: [] }).eluIssue).toBe(true);
    // A natural GC is the service's own: it stays.
    expect(diagnoseSignals({ ...base, gc: [{ ...forced[0]!, forced: false }] }).eluIssue).toBe(
      true,
    );
  });
});

describe('longestForcedStretchMs', () => {
  it('joins back-to-back forced GCs (queued heap checks), not distant ones', () => {
    const gc = (startMs: number, durationMs: number, forced = true) => ({
      startMs,
      durationMs,
      kind: 'major' as const,
      forced,
    });
    expect(longestForcedStretchMs([gc(0, 250), gc(255, 219), gc(480, 150)])).toBe(630);
    expect(longestForcedStretchMs([gc(0, 100), gc(500, 120)])).toBe(120);
    expect(longestForcedStretchMs([gc(0, 100, false)])).toBe(0);
  });
});

describe('loop stalls: run-queue waits and forced GCs are not the loop’s own delay', () => {
  const busy = Array.from({ length: 50 }, (_, i) => sample(i * 100, 0.3, 0.3));
  const stall = (startMs: number, lateMs: number, runQueueMs?: number) => ({
    startMs,
    spanMs: lateMs + 20,
    lateMs,
    ...(runQueueMs === undefined ? {} : { runQueueMs }),
  });
  it('a stall spent waiting for a CPU (machine at load 20) is not a blocked loop', () => {
    // Measured on an idle service: 112 ms late, 105 ms of it on the run queue.
    const d = diagnoseSignals(
      signals({ samples: busy, eventLoopDelay: delay(0.3, 112), stalls: [stall(500, 112, 105)] }),
    );
    expect(d.delayIssue).toBe(false);
    expect(d.values.delayMaxMs).toBeCloseTo(7);
    expect(d.values.delayMaxRawMs).toBe(112);
    expect(d.values.delayMaxExcludedMs).toBeCloseTo(105);
  });
  it('subtracts the forced GCs inside the stall, keeps the rest as the loop’s own', () => {
    const forced = [{ startMs: 510, durationMs: 300, kind: 'major' as const, forced: true }];
    const quiet = diagnoseSignals(
      signals({
        samples: busy,
        eventLoopDelay: delay(0.3, 400),
        gc: forced,
        stalls: [stall(500, 380, 40)],
      }),
    );
    expect(quiet.values.delayMaxMs).toBeCloseTo(40);
    expect(quiet.delayIssue).toBe(false);
    // 150 ms of the loop's own work beyond the GC and the CPU wait: blocked.
    const loud = diagnoseSignals(
      signals({
        samples: busy,
        eventLoopDelay: delay(0.3, 500),
        gc: forced,
        stalls: [stall(500, 490, 40)],
      }),
    );
    expect(loud.values.delayMaxMs).toBeCloseTo(150);
    expect(loud.delayIssue).toBe(true);
  });
  it('without run-queue data (not Linux) the whole stall counts', () => {
    const d = diagnoseSignals(
      signals({ samples: busy, eventLoopDelay: delay(0.3, 120), stalls: [stall(500, 120)] }),
    );
    expect(d.values.delayMaxMs).toBe(120);
    expect(d.delayIssue).toBe(true);
  });
});

describe('judging on a busy machine (the main thread waited for a CPU)', () => {
  // A sample every 100 ms: `waited` ms of it on a run queue, `cpu` ms on a CPU, ELU as measured.
  const starved = (elu: number, waited: number, cpu: number): ProcessSample[] =>
    Array.from({ length: 50 }, (_, i) => ({
      ...sample((i + 1) * 100, cpu / 100, elu),
      runQueueMs: waited,
      threadCpuMs: cpu,
    }));
  // One run-queue mark per 20 ms tick, each tick waiting `perTick` ms.
  const marks = (perTick: number, untilMs = 5000): Array<[number, number, number]> =>
    Array.from({ length: untilMs / 20 }, (_, i) => [(i + 1) * 20, (i + 1) * perTick, 20]);

  it('spreads run-queue waits over the part of each tick inside an interval', () => {
    const m: Array<[number, number, number]> = [
      [20, 10, 20],
      [60, 30, 40],
    ];
    expect(runQueueBetween(m, 0, 20)).toBeCloseTo(10);
    expect(runQueueBetween(m, 10, 40)).toBeCloseTo(5 + 10); // half of the first tick, half of the second
    expect(runQueueBetween(m, 60, 100)).toBe(0);
    expect(runQueueBetween([], 0, 100)).toBe(0);
  });

  it('takes CPU waits out of ELU: busy in wall time, idle in its own time → no blocked loop', () => {
    // ELU 0.97 as measured, 80 ms of every 100 waiting for a CPU: of the 20 ms left, 17 busy.
    const d = diagnoseSignals(signals({ samples: starved(0.97, 80, 17) }));
    expect(d.values.eluMedianRaw).toBeCloseTo(0.97);
    expect(d.values.eluMedian).toBeCloseTo(0.85);
    expect(d.eluIssue).toBe(false);
    expect(d.machineBusy).toBe(true);
    expect(d.values.runQueueShare).toBeCloseTo(0.8);
    const findings = createDiagnosisFindings(d, signals({}), []);
    expect(findings.map((f) => [f.id, f.severity])).toContainEqual([
      'capture.machine-busy',
      'info',
    ]);
    expect(findings.some((f) => f.id === 'event-loop.blocked')).toBe(false);
  });

  it('still finds a loop saturated in its own time (ELU of the time it could run)', () => {
    const d = diagnoseSignals(signals({ samples: starved(1, 80, 20) }));
    expect(d.values.eluMedian).toBeCloseTo(1);
    expect(d.eluIssue).toBe(true);
    expect(d.values.threadBusyShare).toBeCloseTo(1);
  });

  it('judges delay p50 on the loop’s own delay when the sampler measured it', () => {
    const d = diagnoseSignals(
      signals({
        eventLoopDelay: delay(30, 60),
        ownLoopDelay: { p50Ms: 2, p90Ms: 5, maxMs: 20, count: 200 },
      }),
    );
    expect(d.values.delayP50RawMs).toBe(30);
    expect(d.values.delayP50Ms).toBe(2);
    expect(d.delayIssue).toBe(false);
  });

  it('GC pauses: CPU waits inside them out, then per second of the time the service could run', () => {
    // 150 ms of pauses in second 0, each pause half waiting for a CPU (marks: 10 of every 20 ms).
    const gc = Array.from({ length: 5 }, (_, i) => ({
      startMs: i * 200,
      durationMs: 30,
      kind: 'minor' as const,
    }));
    const quiet = diagnoseSignals(signals({ gc }));
    expect(quiet.values.gcMaxMsPerSecond).toBeCloseTo(150);
    expect(quiet.gcIssue).toBe(true);
    const busy = signals({ gc, runQueueMarks: marks(10) });
    const own = ownGcEvents(busy);
    expect(own[0]?.durationMs).toBeCloseTo(15);
    // 75 ms of own pauses in the 500 ms the machine left it: 150 ms per available second.
    expect(gcMsPerAvailableSecond(busy).maxMs).toBeCloseTo(150);
    // Waiting 19 of every 20 ms: 50 ms available in the second, not judged.
    const starvedGc = gcMsPerAvailableSecond(signals({ gc, runQueueMarks: marks(19) }));
    expect(starvedGc).toEqual({ maxMs: 0, unjudged: 1 });
  });

  it('GC pauses: at most the CPU the thread had in the spanning tick (helper waits out)', () => {
    // A 40 ms scavenge in a 50 ms tick that waited 10 ms on a run queue (spread: 8 ms in the
    // pause) and had 6 ms of CPU: the thread ran at most 6 ms of the pause and slept the rest
    // (GC helpers waiting for a CPU).
    const gc = [{ startMs: 5, durationMs: 40, kind: 'minor' as const }];
    const m: Array<[number, number, number, number]> = [[50, 10, 50, 6]];
    expect(ownGcEvents(signals({ gc, runQueueMarks: m }))[0]?.durationMs).toBeCloseTo(6);
    // With CPU to spare in the tick the run-queue correction alone decides.
    expect(
      ownGcEvents(signals({ gc, runQueueMarks: [[50, 10, 50, 45]] }))[0]?.durationMs,
    ).toBeCloseTo(32);
    // Older marks without the CPU field: the run-queue correction only.
    expect(ownGcEvents(signals({ gc, runQueueMarks: [[50, 10, 50]] }))[0]?.durationMs).toBeCloseTo(
      32,
    );
    // Two pauses in one tick share its CPU: together never more than the tick had.
    const two = [
      { startMs: 2, durationMs: 20, kind: 'minor' as const },
      { startMs: 25, durationMs: 20, kind: 'minor' as const },
    ];
    const own = ownGcEvents(signals({ gc: two, runQueueMarks: [[50, 0, 50, 30]] }));
    expect(own.map((e) => e.durationMs)).toEqual([20, 10]);
  });

  it('has no busy share without schedstat samples', () => {
    expect(threadBusyShare(signals({}))).toBeUndefined();
  });
});

describe('GC pressure needs the CPU samples to agree', () => {
  it('pauses over the limit with GC under 10 % of the main thread CPU samples: no pressure', () => {
    const gc = Array.from({ length: 5 }, (_, i) => ({
      startMs: i * 200,
      durationMs: 30,
      kind: 'major' as const,
    }));
    expect(diagnoseSignals(signals({ gc }), { gcShareOfCpu: 0.05 }).gcIssue).toBe(false);
    expect(diagnoseSignals(signals({ gc }), { gcShareOfCpu: 0.39 }).gcIssue).toBe(true);
    expect(diagnoseSignals(signals({ gc })).gcIssue).toBe(true); // no profile: pauses alone
  });
});
