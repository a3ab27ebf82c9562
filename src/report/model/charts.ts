/** Chart data of the report: one global timeline over all steps, distribution, stress, profile, plan. */

import type { AuditResultFile } from '../../results/audit-result.js';
import type { RunResultFile } from '../../results/run-result.js';
import { readRunStats } from '../../results/run-stats.js';
import type { ChartData, ChartTimelinePoint } from './report-model.js';

/** A run placed on the global timeline. */
export interface TimelineSegmentInput {
  label: string;
  run: RunResultFile;
  valid: boolean;
}

/** Concatenates the runs' per-second timelines, each shifted to start where the previous ended. */
export function createTimeline(
  inputs: readonly TimelineSegmentInput[],
): Pick<ChartData, 'timeline' | 'segments'> {
  const timeline: ChartTimelinePoint[] = [];
  const segments: ChartData['segments'] = [];
  let offset = 0;
  for (const input of inputs) {
    const points = input.run.timeline;
    const length = points.reduce((m, p) => Math.max(m, p.t), 0) || input.run.durationMs / 1000;
    for (const p of points) {
      timeline.push({
        t: offset + p.t,
        p50: p.p50,
        p90: p.p90,
        p95: p.p95,
        p99: p.p99,
        rps: p.rps,
        vus: p.vus,
        failed: p.failed,
        errors: { ...p.errors },
      });
    }
    segments.push({
      label: input.label,
      startT: offset,
      endT: offset + length,
      valid: input.valid,
    });
    offset += length;
  }
  return { timeline, segments };
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
