// Tests of `compare` on runs without HTTP requests: each run is compared in its own measure
// (timelineMeasure), on RunResultFiles in the shape the runner writes for an echo run (a
// `redline run ws://… --message hi -c 2` result: no http_* metric, HTTP fields 0, a `ws` and a
// `wsEcho` block and `iterations: 0` on every point, the end's in-flight messages as
// `interrupted` in the last, partial point), a gRPC script run and an iteration-only run.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../errors/exit-codes.js';
import { isRedlineError } from '../errors/redline-error.js';
import { renderCompareText } from '../report/render-compare.js';
import { createRandom, createSyntheticRun } from '../results/__fixtures__/synthetic-run.js';
import type { RunResultFile, TimelineLatency, TimelinePoint } from '../results/run-result.js';
import { compareRuns } from './compare-runs.js';

interface ProtocolRunOptions {
  seed: number;
  seconds?: number;
  /** Completed per second (round trips, calls, iterations). */
  rate?: number;
  /** Median latency, ms. */
  p50?: number;
  /** Echoes lost to a reset per second (counted as failures). */
  resetPerSecond?: number;
}

const latency = (p50: number): TimelineLatency => ({
  p50,
  p90: p50 * 1.4,
  p95: p50 * 1.6,
  p99: p50 * 2.5,
  max: p50 * 4,
});

const trend = (p50: number, count: number) => ({
  type: 'trend' as const,
  contains: 'time' as const,
  values: {
    avg: p50 * 1.1,
    min: p50 * 0.3,
    med: p50,
    max: p50 * 4,
    'p(90)': p50 * 1.4,
    'p(95)': p50 * 1.6,
    'p(99)': p50 * 2.5,
    'p(99.9)': p50 * 3.5,
    count,
  },
});

const counter = (count: number, seconds: number) => ({
  type: 'counter' as const,
  contains: 'default' as const,
  values: { count, rate: count / seconds },
});

/** A run without HTTP requests: its HTTP fields and metrics as the runner leaves them. */
function withoutHttp(seed: number, seconds: number, points: TimelinePoint[]): RunResultFile {
  const run = createSyntheticRun({ seed, seconds: 3 });
  const durationMs = seconds * 1000 + 7;
  return {
    ...run,
    durationMs,
    metrics: {
      vus: run.metrics['vus']!,
      vus_max: run.metrics['vus_max']!,
    },
    timeline: points,
    distribution: [],
    statusCodes: {},
    errors: {},
    checks: [],
    thresholds: [],
    requests: { sent: 0, answered: 0, failed: 0, interrupted: 0, retried: 0 },
  };
}

const httpFields = (t: number) => ({
  t,
  requests: 0,
  rps: 0,
  failed: 0,
  vus: 2,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  max: 0,
  dataReceived: 0,
  dataSent: 0,
  dropped: 0,
  errors: {},
});

/** `redline run ws://… --message hi -c 2 -d <seconds>s`: `seconds` full points and a 7 ms tail. */
function echoRun(o: ProtocolRunOptions): RunResultFile {
  const { seed, seconds = 30, rate = 1000, p50 = 2, resetPerSecond = 0 } = o;
  const rnd = createRandom(seed);
  const jitter = () => 1 + (rnd() * 2 - 1) * 0.05;
  const points: TimelinePoint[] = [];
  for (let t = 1; t <= seconds + 1; t++) {
    const last = t === seconds + 1;
    const roundTrips = last ? 10 : Math.round(rate * jitter());
    const unanswered: Record<string, number> = {};
    if (last) unanswered['interrupted'] = 2;
    if (!last && resetPerSecond > 0) unanswered['reset'] = resetPerSecond;
    const perSecond = last ? roundTrips / 0.007 : roundTrips;
    points.push({
      ...httpFields(last ? seconds + 0.007 : t),
      iterations: 0,
      ws: {
        sessions: t === 1 ? 2 : 0,
        msgsSent: roundTrips + (last ? 2 : 0),
        msgsReceived: roundTrips,
        msgsReceivedPerSecond: perSecond,
      },
      wsEcho: {
        roundTrips,
        roundTripsPerSecond: perSecond,
        latency: latency(p50 * jitter()),
        unanswered,
        dropped: 0,
      },
    });
  }
  const run = withoutHttp(seed, seconds, points);
  const answered = points.reduce((s, p) => s + p.wsEcho!.roundTrips, 0);
  const reset = resetPerSecond * seconds;
  run.metrics['ws_echo_round_trip'] = trend(p50, answered);
  run.metrics['ws_echo_unanswered'] = counter(2 + reset, seconds);
  run.metrics['ws_msgs_received'] = counter(answered, seconds);
  run.metrics['ws_sessions'] = counter(2, seconds);
  run.echo = {
    sent: answered + 2 + reset,
    answered,
    unanswered: { interrupted: 2, ...(reset > 0 ? { reset } : {}) },
    failedHandshakes: 0,
    dropped: 0,
  };
  return run;
}

/** A `k6/net/grpc` script run: a `grpc` block and iterations on every point, no HTTP. */
function grpcRun(o: ProtocolRunOptions): RunResultFile {
  const { seed, seconds = 30, rate = 500, p50 = 3 } = o;
  const rnd = createRandom(seed);
  const jitter = () => 1 + (rnd() * 2 - 1) * 0.05;
  const points: TimelinePoint[] = [];
  for (let t = 1; t <= seconds; t++) {
    const calls = Math.round(rate * jitter());
    points.push({
      ...httpFields(t),
      iterations: calls,
      grpc: {
        calls,
        callsPerSecond: calls,
        latency: latency(p50 * jitter()),
        streams: 0,
        streamMsgsSent: 0,
        streamMsgsReceived: 0,
      },
    });
  }
  const run = withoutHttp(seed, seconds, points);
  const calls = points.reduce((s, p) => s + p.grpc!.calls, 0);
  run.metrics['grpc_req_duration'] = trend(p50, calls);
  run.metrics['iterations'] = counter(calls, seconds);
  return run;
}

/** A `k6/ws` script run: 2 sessions for the whole run, a `ws` block on every point, no HTTP. */
function wsScriptRun(o: ProtocolRunOptions): RunResultFile {
  const { seed, seconds = 30, rate = 300 } = o;
  const rnd = createRandom(seed);
  const points: TimelinePoint[] = [];
  for (let t = 1; t <= seconds; t++) {
    const received = Math.round(rate * (0.95 + rnd() * 0.1));
    const last = t === seconds;
    points.push({
      ...httpFields(t),
      iterations: last ? 2 : 0,
      ws: {
        sessions: t === 1 ? 2 : 0,
        msgsSent: received,
        msgsReceived: received,
        msgsReceivedPerSecond: received,
        ...(last ? { sessionDuration: latency(seconds * 1000) } : {}),
      },
    });
  }
  const run = withoutHttp(seed, seconds, points);
  run.metrics['ws_session_duration'] = trend(seconds * 1000, 2);
  run.metrics['ws_msgs_received'] = counter(
    points.reduce((s, p) => s + p.ws!.msgsReceived, 0),
    seconds,
  );
  return run;
}

/** A script that only iterates (no protocol module): `iterations` on every point. */
function iterationRun(o: ProtocolRunOptions): RunResultFile {
  const { seed, seconds = 30, rate = 200 } = o;
  const rnd = createRandom(seed);
  const points: TimelinePoint[] = [];
  for (let t = 1; t <= seconds; t++)
    points.push({ ...httpFields(t), iterations: Math.round(rate * (0.95 + rnd() * 0.1)) });
  const run = withoutHttp(seed, seconds, points);
  run.metrics['iterations'] = counter(
    points.reduce((s, p) => s + (p.iterations ?? 0), 0),
    seconds,
  );
  return run;
}

const row = (r: ReturnType<typeof compareRuns>, key: string) => r.rows.find((x) => x.key === key);

describe('compare of WebSocket echo runs (ws_echo_round_trip)', () => {
  it('finds a slower echo server a regression in latency and round trips/s', () => {
    const a = echoRun({ seed: 1, p50: 2, rate: 1000 });
    const r = compareRuns([a], [echoRun({ seed: 2, p50: 42, rate: 48 })]);
    expect(r.measure.kind).toBe('ws-echo');
    expect(r.mode).toBe('intervals');
    const percentiles = ['p50', 'p90', 'p95', 'p99'].map((p) => `${p} ws_echo_round_trip`);
    expect(r.rows.map((x) => x.label)).toEqual([
      ...percentiles,
      'error rate (unanswered echoes)',
      'throughput',
    ]);
    // Whole-run values from the summary's trend (p50 = med) and count / duration.
    expect(row(r, 'p50')).toMatchObject({ a: 2, b: 42, unit: 'ms', verdict: 'regression' });
    expect(row(r, 'p95')).toMatchObject({ a: 3.2, verdict: 'regression' });
    expect(row(r, 'p95')!.samplesA).toBe(29);
    const rps = row(r, 'rps')!;
    expect(rps.unit).toBe('round trips/s');
    expect(rps.a).toBe(a.echo!.answered / 30.007);
    expect(rps.verdict).toBe('regression');
    // The 2 messages still in flight when the test ended are no failure: both error rates are 0.
    expect(row(r, 'errorRate')).toMatchObject({ a: 0, b: 0, verdict: 'no-change' });
    expect(r.regression).toBe(true);
    expect(r.warnings.join('\n')).not.toContain('no HTTP request');
    const text = renderCompareText(r);
    expect(text).toContain(
      'compare: WebSocket echo round trips (ws_echo_round_trip), per-interval',
    );
    expect(text).toMatch(/p95 ws_echo_round_trip\s+3\.20 ms\s+67\.2 ms/);
    expect(text).toMatch(/throughput\s+998 round trips\/s\s+4\d\.\d round trips\/s\s+−9\d\.\d%/);
  });

  it('stays silent on two runs against the same server', () => {
    const r = compareRuns([echoRun({ seed: 3 })], [echoRun({ seed: 4 })]);
    expect(r.measure.kind).toBe('ws-echo');
    for (const x of r.rows) expect(x.verdict, x.label).toBe('no-change');
    expect(r.regression).toBe(false);
  });

  it('counts echoes lost to resets as errors, per run and per interval', () => {
    const r = compareRuns([echoRun({ seed: 5 })], [echoRun({ seed: 6, resetPerSecond: 50 })]);
    const errors = row(r, 'errorRate')!;
    expect(errors.a).toBe(0);
    expect(errors.b).toBeCloseTo(1500 / (1500 + 30_000), 3);
    expect(errors.pValue).toBeLessThan(0.001);
    expect(errors.verdict).toBe('regression');
  });

  it('leaves out the latency rows when a side got no echo at all', () => {
    const none = echoRun({ seed: 7, seconds: 10 });
    delete none.metrics['ws_echo_round_trip'];
    for (const p of none.timeline) {
      p.wsEcho = { roundTrips: 0, roundTripsPerSecond: 0, unanswered: {}, dropped: 0 };
    }
    none.timeline.at(-1)!.wsEcho!.unanswered = { interrupted: 2 };
    none.echo = { ...none.echo!, answered: 0, sent: 2, unanswered: { interrupted: 2 } };
    const r = compareRuns([echoRun({ seed: 8, seconds: 10 })], [none]);
    expect(r.rows.map((x) => x.key)).toEqual(['rps']);
    expect(row(r, 'rps')!.verdict).toBe('regression');
    expect(r.warnings[0]).toBe(
      'not compared, not recorded in every run: p50 ws_echo_round_trip, p90 ws_echo_round_trip, p95 ws_echo_round_trip, p99 ws_echo_round_trip, error rate (unanswered echoes)',
    );
  });
});

describe('compare of gRPC and iteration-only runs', () => {
  it('gRPC: grpc_req_duration and calls/s, no error-rate row (no per-status counts)', () => {
    const r = compareRuns([grpcRun({ seed: 11 })], [grpcRun({ seed: 12, p50: 6 })]);
    expect(r.measure.kind).toBe('grpc');
    expect(r.rows.map((x) => `${x.label} [${x.unit}]`)).toEqual([
      'p50 grpc_req_duration [ms]',
      'p90 grpc_req_duration [ms]',
      'p95 grpc_req_duration [ms]',
      'p99 grpc_req_duration [ms]',
      'throughput [calls/s]',
    ]);
    expect(row(r, 'p99')).toMatchObject({ a: 7.5, b: 15, verdict: 'regression' });
    expect(row(r, 'rps')!.verdict).toBe('no-change');
  });

  it('k6/ws: ws_session_duration and messages/s, no error-rate row', () => {
    const r = compareRuns([wsScriptRun({ seed: 15 })], [wsScriptRun({ seed: 16, rate: 150 })]);
    expect(r.measure.kind).toBe('ws');
    expect(r.rows.map((x) => `${x.key} ${x.label} [${x.unit}]`)).toEqual([
      'p50 p50 ws_session_duration [ms]',
      'p90 p90 ws_session_duration [ms]',
      'p95 p95 ws_session_duration [ms]',
      'p99 p99 ws_session_duration [ms]',
      'rps throughput [messages/s]',
    ]);
    // Sessions end with the run (last interval): no per-second latency, whole-run values only;
    // messages/s is tested per second.
    expect(r.mode).toBe('intervals');
    expect(row(r, 'p50')).toMatchObject({
      a: 30_000,
      b: 30_000,
      samplesA: 0,
      verdict: 'no-change',
    });
    expect(row(r, 'p50')!.pValue).toBeUndefined();
    expect(row(r, 'rps')).toMatchObject({ samplesA: 28, verdict: 'regression' });
    expect(r.warnings[0]).toBe(
      'no per-interval values of p50 ws_session_duration, p90 ws_session_duration, p95 ws_session_duration, p99 ws_session_duration: whole-run values only (the floor alone decides)',
    );
    expect(r.warnings[1]).toBe(
      'only 28 steady-state intervals on the smaller side (30 or more recommended)',
    );
  });

  it('iterations: throughput only (no latency, no errors)', () => {
    const r = compareRuns([iterationRun({ seed: 13 })], [iterationRun({ seed: 14, rate: 100 })]);
    expect(r.measure.kind).toBe('iterations');
    expect(r.rows).toHaveLength(1);
    expect(row(r, 'rps')).toMatchObject({ unit: 'iterations/s', verdict: 'regression' });
    expect(row(r, 'rps')!.samplesA).toBe(28);
  });
});

describe('compare of runs that measure different things', () => {
  const refused = (
    a: RunResultFile[],
    b: RunResultFile[],
    names?: { a: string[]; b: string[] },
  ) => {
    try {
      compareRuns(a, b, names ? { names } : {});
    } catch (error) {
      if (isRedlineError(error)) return error;
      throw error;
    }
    throw new Error('compareRuns accepted runs of different measures');
  };

  it('an HTTP run and an echo run: usage error naming both measures', () => {
    const e = refused([createSyntheticRun({ seed: 21 })], [echoRun({ seed: 22 })], {
      a: ['http.json'],
      b: ['ws.json'],
    });
    expect(e.code).toBe('E_COMPARE_MEASURES');
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toBe(
      "A and B measure different things: http.json measured HTTP requests (http_req_duration), ws.json measured WebSocket echo round trips (ws_echo_round_trip); compare reads each run's own measure and will not compare one with the other",
    );
    expect(e.hint).toMatch(/^compare runs of the same kind: an HTTP run with an HTTP run/);
  });

  it('runs of one side that differ: gRPC and echo among the runs of B', () => {
    const e = refused([grpcRun({ seed: 23 })], [grpcRun({ seed: 24 }), echoRun({ seed: 25 })]);
    expect(e.message).toMatch(
      /^the runs of B measure different things: B run 1 measured gRPC calls \(grpc_req_duration\), B run 2 measured WebSocket echo round trips/,
    );
  });

  it('an old echo result without per-protocol blocks is read as HTTP, with the warning', () => {
    const old = echoRun({ seed: 26, seconds: 10 });
    old.timeline = old.timeline.map(({ ws: _ws, wsEcho: _echo, iterations: _i, ...p }) => p);
    const r = compareRuns([old], [old]);
    expect(r.measure.kind).toBe('http');
    expect(r.rows.map((x) => x.label)).toContain('p95 latency');
    expect(r.warnings[0]).toMatch(
      /^no HTTP request in 1 of 1 run\(s\) of A and 1 of 1 of B: compare reads HTTP requests only/,
    );
    // Against a new echo result too: today's reading, never a throughput read from no blocks.
    const mixed = compareRuns([old], [echoRun({ seed: 27, seconds: 10 })]);
    expect(mixed.measure.kind).toBe('http');
    expect(mixed.warnings[0]).toMatch(/^no HTTP request in 1 of 1 run\(s\) of A and 1 of 1 of B/);
  });
});
