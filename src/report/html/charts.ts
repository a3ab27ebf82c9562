/** Builds every chart of the HTML report from ReportModel.charts (SVG strings, or undefined when no data). */
import type { ChartTimelinePoint, ReportModel } from '../model/report-model.js';
import { renderBarChart, renderStackedTimeBars } from './svg/bar-chart.js';
import { renderFlamegraph } from './svg/flamegraph.js';
import { type Band, renderLineChart } from './svg/line-chart.js';
import { renderPlanTree } from './svg/plan-tree.js';
import { formatTick, PALETTE } from './svg/scale.js';

/** The chart ids, in page order (the browser test checks each one). */
export const CHART_IDS = [
  'latency-over-time',
  'throughput-vus',
  'errors-over-time',
  'latency-distribution',
  'stress-curve',
  'flamegraph',
  'query-plan',
] as const;

/** Id of one chart. */
export type ChartId = (typeof CHART_IDS)[number];

/**
 * Averages consecutive points so at most `max` remain (percentiles, rps and VUs are averaged,
 * failures and error classes summed). Long soaks stay light in the page.
 */
export function downsampleTimeline(
  points: readonly ChartTimelinePoint[],
  max = 600,
): ChartTimelinePoint[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: ChartTimelinePoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const group = points.slice(i, i + size);
    const avg = (f: (p: ChartTimelinePoint) => number) =>
      group.reduce((s, p) => s + f(p), 0) / group.length;
    // A percentile is averaged over the seconds that measured one; absent when none did.
    const avgOf = (f: (p: ChartTimelinePoint) => number | undefined) => {
      const values = group.map(f).filter((v): v is number => v !== undefined);
      return values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : undefined;
    };
    const latency: Partial<ChartTimelinePoint> = {};
    for (const key of ['p50', 'p90', 'p95', 'p99'] as const) {
      const v = avgOf((p) => p[key]);
      if (v !== undefined) latency[key] = v;
    }
    const errors: Record<string, number> = {};
    for (const p of group)
      for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
    out.push({
      t: group[group.length - 1]!.t,
      ...latency,
      rps: avg((p) => p.rps),
      vus: avg((p) => p.vus),
      failed: group.reduce((s, p) => s + p.failed, 0),
      errors,
    });
  }
  return out;
}

function bands(model: ReportModel): Band[] {
  if (model.charts.segments.length < 2) return [];
  return model.charts.segments.map((s) => ({
    from: s.startT,
    to: s.endT,
    label: s.label,
    invalid: !s.valid,
  }));
}

function formatSeconds(v: number): string {
  const s = Math.round(v);
  if (s < 120) return `${s}s`;
  const rest = s % 60;
  return `${Math.floor(s / 60)}m${rest ? `${rest}s` : ''}`;
}

function latencyChart(model: ReportModel, points: ChartTimelinePoint[]): string | undefined {
  const measure = model.charts.measure;
  if (points.length === 0 || !measure?.latencyMetric) return undefined;
  const line = (name: string, f: (p: ChartTimelinePoint) => number | undefined, color: string) => ({
    name,
    color,
    points: points.flatMap((p) => {
      const v = f(p);
      return v !== undefined && v > 0 ? [[p.t, v] as const] : [];
    }),
  });
  const series = [
    line('p50', (p) => p.p50, PALETTE[2]!),
    line('p90', (p) => p.p90, PALETTE[0]!),
    line('p95', (p) => p.p95, PALETTE[1]!),
    line('p99', (p) => p.p99, PALETTE[3]!),
  ];
  if (series.every((s) => s.points.length === 0)) return undefined;
  return renderLineChart({
    id: 'latency-over-time',
    title:
      measure.kind === 'http'
        ? 'Latency percentiles over time'
        : `Latency percentiles over time (${measure.latencyMetric})`,
    xLabel: 'time (s)',
    yLabel: 'latency (ms)',
    series,
    bands: bands(model),
    formatX: formatSeconds,
  });
}

function throughputChart(model: ReportModel, points: ChartTimelinePoint[]): string | undefined {
  const measure = model.charts.measure;
  if (points.length === 0 || !measure) return undefined;
  const http = measure.kind === 'http';
  return renderLineChart({
    id: 'throughput-vus',
    title: http
      ? 'Requests per second and virtual users'
      : `Throughput: ${measure.name} per second and virtual users`,
    xLabel: 'time (s)',
    yLabel: measure.rateUnit,
    yRightLabel: 'VUs',
    series: [
      {
        name: http ? 'req/s' : measure.rateUnit,
        color: PALETTE[0]!,
        points: points.map((p) => [p.t, p.rps] as const),
      },
      {
        name: 'VUs',
        color: PALETTE[1]!,
        points: points.map((p) => [p.t, p.vus] as const),
        axis: 'right',
        dashed: true,
      },
    ],
    bands: bands(model),
    formatX: formatSeconds,
  });
}

function errorsChart(points: ChartTimelinePoint[]): string | undefined {
  const withErrors = points.map((p) => ({
    t: p.t,
    values: Object.keys(p.errors).length > 0 ? p.errors : p.failed > 0 ? { failed: p.failed } : {},
  }));
  if (!withErrors.some((p) => Object.values(p.values).some((v) => v > 0))) return undefined;
  return renderStackedTimeBars({
    id: 'errors-over-time',
    title: 'Errors over time by class',
    xLabel: 'time (s)',
    yLabel: 'errors',
    points: withErrors,
  });
}

function distributionChart(model: ReportModel): string | undefined {
  const buckets = model.charts.distribution.filter((b) => b.count > 0);
  if (buckets.length === 0) return undefined;
  return renderBarChart({
    id: 'latency-distribution',
    title: 'Latency distribution',
    xLabel: 'latency bucket (ms, lower bound)',
    yLabel: 'requests',
    bars: buckets.map((b) => ({
      label: formatTick(b.fromMs),
      value: b.count,
      tooltip: `${b.fromMs}–${b.toMs} ms: ${b.count} requests`,
    })),
  });
}

function stressChart(model: ReportModel): string | undefined {
  const stress = model.charts.stress;
  if (!stress || stress.points.length === 0) return undefined;
  const knee = stress.points[stress.kneeIndex];
  const hollow = stress.points.map((p) => !p.valid);
  return renderLineChart({
    id: 'stress-curve',
    title: 'Stress ramp: throughput and p95 by users',
    xLabel: 'users',
    yLabel: 'requests/s',
    yRightLabel: 'p95 (ms)',
    series: [
      {
        name: 'req/s',
        color: PALETTE[0]!,
        points: stress.points.map((p) => [p.users, p.rps] as const),
        dots: true,
        hollow,
      },
      {
        name: 'p95',
        color: PALETTE[3]!,
        points: stress.points.map((p) => [p.users, p.p95] as const),
        axis: 'right',
        dots: true,
        hollow,
      },
    ],
    markers: knee
      ? [{ x: knee.users, label: `breaking point: ${knee.users} users`, color: '#D55E00' }]
      : [],
  });
}

/** Every chart's SVG (undefined where there is no data), keyed by id. */
export function renderCharts(model: ReportModel): Record<ChartId, string | undefined> {
  const points = downsampleTimeline(model.charts.timeline);
  const flame = model.charts.flame;
  const plan = model.charts.plan;
  return {
    'latency-over-time': latencyChart(model, points),
    'throughput-vus': throughputChart(model, points),
    'errors-over-time': errorsChart(points),
    'latency-distribution': distributionChart(model),
    'stress-curve': stressChart(model),
    flamegraph: flame
      ? renderFlamegraph({
          id: 'flamegraph',
          title: 'CPU flame graph of the top stacks',
          stacks: flame.stacks,
          unit: flame.unit,
        })
      : undefined,
    'query-plan': plan
      ? renderPlanTree({ id: 'query-plan', title: 'Worst query plan', root: plan.root })
      : undefined,
  };
}
