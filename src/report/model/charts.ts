/** Chart data of the report: one global timeline over all steps, distribution, stress, profile, plan. */

import type { AuditResultFile } from '../../results/audit-result.js';
import type { RunResultFile, TimelinePoint } from '../../results/run-result.js';
import { readRunStats } from '../../results/run-stats.js';
import { measuredPoint, timelineMeasure } from '../../results/timeline-measure.js';
import type { ChartData, ChartMeasure, ChartTimelinePoint } from './report-model.js';

/** A run placed on the global timeline. */
export interface TimelineSegmentInput {
  label: string;
  run: RunResultFile;
  valid: boolean;
}

/**
 * What the runs' timelines measure ({@link timelineMeasure}): HTTP requests when any run sent
 * one; otherwise the echo round trips, gRPC calls, WebSocket messages or iterations its points
 * carry; undefined when no point carries anything (an old result of a run without HTTP).
 */
export function chartMeasure(runs: readonly RunResultFile[]): ChartMeasure | undefined {
  return timelineMeasure(
    runs.flatMap((r) => r.timeline),
    runs.reduce((sum, r) => sum + readRunStats(r).requests, 0),
  );
}

/** A timeline point in the chart's terms: the measure's rate, latency and failures. */
function chartPoint(
  p: TimelinePoint,
  kind: ChartMeasure['kind'],
  seconds: number,
): Omit<ChartTimelinePoint, 't' | 'vus'> {
  const m = measuredPoint(p, kind, seconds);
  const l = m.latency;
  return {
    ...(l ? { p50: l.p50, p90: l.p90, p95: l.p95, p99: l.p99 } : {}),
    rps: m.rps,
    failed: m.failed,
    errors: m.errors,
  };
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
        const point = chartPoint(p, measure.kind, Math.max(0.001, p.t - previousT));
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
