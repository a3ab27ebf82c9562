/** Chart data of the report: one global timeline over all steps, distribution, stress, profile, plan. */

import type { AuditResultFile } from '../../results/audit-result.js';
import type { RunResultFile, TimelineLatency, TimelinePoint } from '../../results/run-result.js';
import { readRunStats } from '../../results/run-stats.js';
import type { ChartData, ChartMeasure, ChartTimelinePoint } from './report-model.js';

/** A run placed on the global timeline. */
export interface TimelineSegmentInput {
  label: string;
  run: RunResultFile;
  valid: boolean;
}

const MEASURES: Record<ChartMeasure['kind'], ChartMeasure> = {
  http: {
    kind: 'http',
    name: 'HTTP requests',
    rateUnit: 'requests/s',
    latencyMetric: 'http_req_duration',
    errors: true,
  },
  'ws-echo': {
    kind: 'ws-echo',
    name: 'WebSocket echo round trips',
    rateUnit: 'round trips/s',
    latencyMetric: 'ws_echo_round_trip',
    errors: true,
  },
  grpc: {
    kind: 'grpc',
    name: 'gRPC calls',
    rateUnit: 'calls/s',
    latencyMetric: 'grpc_req_duration',
    errors: false,
  },
  ws: {
    kind: 'ws',
    name: 'WebSocket messages received',
    rateUnit: 'messages/s',
    latencyMetric: 'ws_session_duration',
    errors: false,
  },
  iterations: { kind: 'iterations', name: 'iterations', rateUnit: 'iterations/s', errors: false },
};

/**
 * What the runs' timelines measure: HTTP requests when any run sent one; otherwise the echo
 * quick mode's round trips, gRPC calls, WebSocket messages or iterations, the first any point
 * carries; undefined when no point carries anything (an old result of a run without HTTP).
 */
export function chartMeasure(runs: readonly RunResultFile[]): ChartMeasure | undefined {
  const points = runs.flatMap((r) => r.timeline);
  if (runs.some((r) => readRunStats(r).requests > 0)) return MEASURES.http;
  if (points.some((p) => p.wsEcho)) return MEASURES['ws-echo'];
  if (points.some((p) => p.grpc?.calls)) return MEASURES.grpc;
  if (points.some((p) => p.ws)) return MEASURES.ws;
  if (points.some((p) => p.iterations !== undefined)) return MEASURES.iterations;
  return undefined;
}

type Latency = Pick<ChartTimelinePoint, 'p50' | 'p90' | 'p95' | 'p99'>;

function latency(l: TimelineLatency | undefined): Latency {
  return l ? { p50: l.p50, p90: l.p90, p95: l.p95, p99: l.p99 } : {};
}

/**
 * A timeline point in the terms of `kind`: its rate, latency and failures of that interval
 * (`seconds` long: the point's `t` minus the previous one's).
 */
function measuredPoint(
  p: TimelinePoint,
  kind: ChartMeasure['kind'],
  seconds: number,
): Omit<ChartTimelinePoint, 't' | 'vus'> {
  switch (kind) {
    case 'http':
      return {
        ...(p.requests > 0 ? { p50: p.p50, p90: p.p90, p95: p.p95, p99: p.p99 } : {}),
        rps: p.rps,
        failed: p.failed,
        errors: { ...p.errors },
      };
    case 'ws-echo': {
      const errors = { ...(p.wsEcho?.unanswered ?? {}) };
      return {
        ...latency(p.wsEcho?.latency),
        rps: p.wsEcho?.roundTripsPerSecond ?? 0,
        failed: Object.values(errors).reduce((sum, n) => sum + n, 0),
        errors,
      };
    }
    case 'grpc':
      return {
        ...latency(p.grpc?.latency),
        rps: p.grpc?.callsPerSecond ?? 0,
        failed: 0,
        errors: {},
      };
    case 'ws':
      return {
        ...latency(p.ws?.sessionDuration),
        rps: p.ws?.msgsReceivedPerSecond ?? 0,
        failed: 0,
        errors: {},
      };
    case 'iterations':
      return { rps: (p.iterations ?? 0) / seconds, failed: 0, errors: {} };
  }
}

/**
 * Concatenates the runs' per-second timelines, each shifted to start where the previous ended,
 * in the terms of their {@link chartMeasure} (no points when nothing was measured per second).
 */
export function createTimeline(
  inputs: readonly TimelineSegmentInput[],
): Pick<ChartData, 'timeline' | 'segments' | 'measure'> {
  const timeline: ChartTimelinePoint[] = [];
  const segments: ChartData['segments'] = [];
  const measure = chartMeasure(inputs.map((i) => i.run));
  let offset = 0;
  for (const input of inputs) {
    const points = input.run.timeline;
    const length = points.reduce((m, p) => Math.max(m, p.t), 0) || input.run.durationMs / 1000;
    let previousT = 0;
    for (const p of points) {
      if (measure) {
        const point = measuredPoint(p, measure.kind, Math.max(0.001, p.t - previousT));
        timeline.push({ t: offset + p.t, vus: p.vus, ...point });
      }
      previousT = p.t;
    }
    segments.push({
      label: input.label,
      startT: offset,
      endT: offset + length,
      valid: input.valid,
    });
    offset += length;
  }
  return { ...(measure ? { measure } : {}), timeline, segments };
}

/** Stress curve points (users vs throughput and p95) and the knee index, when the audit ran a stress ramp. */
export function createStressChart(audit: AuditResultFile): ChartData['stress'] {
  const stress = audit.steps.filter((s) => s.kind === 'stress');
  if (stress.length === 0) return undefined;
  return {
    points: stress.map((s, i) => {
      const stats = readRunStats(s.run);
      return {
        label: s.label ?? `stress ${i + 1}`,
        users: s.users ?? s.rate ?? stats.maxVus,
        rps: stats.rps,
        p95: stats.p95,
        errorRate: stats.errorRate,
        valid: s.valid,
      };
    }),
    kneeIndex: audit.breakingPoint?.kneeIndex ?? -1,
  };
}

/** Flamegraph and plan data of an audit, when it profiled and explained. */
export function createAuditDetailCharts(audit: AuditResultFile): Pick<ChartData, 'flame' | 'plan'> {
  const out: Pick<ChartData, 'flame' | 'plan'> = {};
  const profile = audit.profile;
  if (profile && profile.stacks.length > 0) {
    const stacks = profile.stacks.filter((s) => s.value > 0 && s.frames.length > 0);
    out.flame = { unit: profile.unit, total: stacks.reduce((sum, s) => sum + s.value, 0), stacks };
  }
  const worst = audit.worstQuery;
  if (worst)
    out.plan = {
      engine: worst.engine,
      query: worst.query,
      totalMs: worst.totalMs,
      root: worst.plan,
    };
  return out;
}
