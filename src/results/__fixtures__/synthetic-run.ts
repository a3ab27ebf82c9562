/**
 * Synthetic RunResultFile builder for report and compare tests. Clearly synthetic: the numbers
 * come from a seeded generator with known parameters, never from a real run.
 */
import type { DistributionBucket, RunResultFile, TimelinePoint } from '../run-result.js';

/** Parameters of a synthetic run; latencies in ms. */
export interface SyntheticRunOptions {
  seed?: number;
  seconds?: number;
  users?: number;
  rps?: number;
  p50?: number;
  /** Relative per-interval noise of latencies and rps (0.05 = ±5%). */
  noise?: number;
  errorRate?: number;
  target?: string;
  runId?: string;
  checkName?: string;
  errorClass?: string;
  generatorCpuPercent?: number;
  saturated?: boolean;
}

/** A small seeded PRNG (mulberry32) so fixtures are reproducible. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function buildTimeline(o: Required<SyntheticRunOptions>): TimelinePoint[] {
  const rnd = createRandom(o.seed);
  const jitter = () => 1 + (rnd() * 2 - 1) * o.noise;
  const points: TimelinePoint[] = [];
  let owed = 0; // fractional failures carried over so small error rates survive rounding
  for (let t = 1; t <= o.seconds; t++) {
    const requests = Math.max(0, Math.round(o.rps * jitter()));
    owed += requests * o.errorRate * jitter();
    const failed = Math.min(requests, Math.floor(owed));
    owed -= failed;
    const p50 = o.p50 * jitter();
    points.push({
      t,
      requests,
      rps: requests,
      failed,
      vus: o.users,
      p50,
      p90: p50 * 1.6,
      p95: p50 * 2,
      p99: p50 * 3,
      max: p50 * 5,
      dataReceived: requests * 1200,
      dataSent: requests * 180,
      dropped: 0,
      errors: failed > 0 ? { [o.errorClass]: failed } : {},
    });
  }
  return points;
}

function buildDistribution(p50: number, total: number): DistributionBucket[] {
  const bounds = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  const buckets: DistributionBucket[] = [];
  let weightSum = 0;
  const weights: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const mid = Math.sqrt(Math.max(bounds[i]!, 0.5) * bounds[i + 1]!);
    const z = Math.log(mid / p50) / 0.6;
    const w = Math.exp(-0.5 * z * z);
    weights.push(w);
    weightSum += w;
  }
  for (let i = 0; i < weights.length; i++) {
    const count = Math.round((total * weights[i]!) / weightSum);
    if (count > 0) buckets.push({ fromMs: bounds[i]!, toMs: bounds[i + 1]!, count });
  }
  return buckets;
}

/** Builds a complete, self-consistent synthetic run. */
export function createSyntheticRun(options: SyntheticRunOptions = {}): RunResultFile {
  const o: Required<SyntheticRunOptions> = {
    seed: 1,
    seconds: 30,
    users: 10,
    rps: 100,
    p50: 50,
    noise: 0.05,
    errorRate: 0,
    target: 'http://127.0.0.1:3000/',
    runId: `synthetic-${options.seed ?? 1}`,
    checkName: 'status is 200',
    errorClass: 'http-5xx',
    generatorCpuPercent: 30,
    saturated: false,
    ...options,
  };
  const timeline = buildTimeline(o);
  const requests = timeline.reduce((s, p) => s + p.requests, 0);
  const failed = timeline.reduce((s, p) => s + p.failed, 0);
  const med = mean(timeline.map((p) => p.p50));
  const durationMs = o.seconds * 1000;
  const errors: Record<string, number> = failed > 0 ? { [o.errorClass]: failed } : {};
  return {
    format: 'redline-run',
    version: 1,
    redlineVersion: '0.1.0',
    meta: {
      runId: o.runId,
      startedAtMs: Date.UTC(2025, 0, 1, 12, 0, 0),
      intervalMs: 1000,
      target: o.target,
      tags: { env: 'synthetic' },
      scenarios: [
        {
          name: 'default',
          executor: 'constant-vus',
          description: `${o.users} VUs for ${o.seconds}s`,
        },
      ],
      maxDurationMs: durationMs + 30_000,
    },
    environment: {
      hostname: 'synthetic-host',
      platform: 'linux x64',
      cpus: 2,
      cpuModel: 'Synthetic CPU @ 2.0GHz',
      memoryBytes: 24 * 1024 ** 3,
      node: 'v20.20.0',
    },
    durationMs,
    reason: 'completed',
    metrics: {
      http_reqs: {
        type: 'counter',
        contains: 'default',
        values: { count: requests, rate: requests / o.seconds },
      },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: {
          rate: requests ? failed / requests : 0,
          passes: failed,
          fails: requests - failed,
        },
      },
      http_req_duration: {
        type: 'trend',
        contains: 'time',
        values: {
          avg: med * 1.2,
          min: med * 0.2,
          med,
          max: Math.max(...timeline.map((p) => p.max)),
          'p(90)': med * 1.6,
          'p(95)': med * 2,
          'p(99)': med * 3,
          'p(99.9)': med * 4,
          count: requests,
        },
        thresholds: { 'p(95)<800': { ok: med * 2 < 800 } },
      },
      vus: { type: 'gauge', contains: 'default', values: { value: o.users, min: 0, max: o.users } },
      vus_max: {
        type: 'gauge',
        contains: 'default',
        values: { value: o.users, min: o.users, max: o.users },
      },
    },
    timeline,
    distribution: buildDistribution(o.p50, requests),
    statusCodes: { '200': requests - failed, ...(failed > 0 ? { '503': failed } : {}) },
    errors,
    checks: [{ name: o.checkName, path: '', passes: requests - failed, fails: failed }],
    thresholds: [
      {
        metric: 'http_req_duration',
        expression: 'p(95)<800',
        ok: med * 2 < 800,
        observed: med * 2,
        abortOnFail: false,
      },
    ],
    generator: {
      cpuPercent: o.generatorCpuPercent,
      eventLoopLagP99Ms: o.saturated ? 180 : 4,
      saturated: o.saturated,
      warnings: o.saturated ? ['generator CPU above 90%: numbers measure the generator'] : [],
    },
  };
}
