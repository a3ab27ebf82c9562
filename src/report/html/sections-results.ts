/** HTML of Load Test Results: configuration, results, the timeline/stress charts and the step table. */

import { leakCheckVerdict } from '../../results/audit-result.js';
import {
  formatFraction,
  formatInteger,
  formatMemory,
  formatPercentValue,
  formatReportDuration,
  formatRps,
  formatStepCpu,
  stepHttpCells,
} from '../format.js';
import { summarizeChecks } from '../model/checks-view.js';
import { LEAK_STATUS } from '../model/leak-view.js';
import type { ReportModel, StepView } from '../model/report-model.js';
import type { ChartId } from './charts.js';
import { figure, h, htmlList, htmlTable } from './html.js';
import { okIcon, statusIcon } from './icons.js';

function stepRow(s: StepView): string[] {
  const mem =
    s.targetMemoryPercent !== undefined
      ? `${formatPercentValue(s.targetMemoryPercent)}${s.targetRssBytes !== undefined ? ` (${formatMemory(s.targetRssBytes)})` : ''}`
      : formatMemory(s.targetRssBytes);
  return [
    h(s.label),
    s.users !== undefined ? formatInteger(s.users) : s.rate !== undefined ? `${s.rate}/s` : '—',
    formatReportDuration(s.durationMs),
    formatInteger(s.requests),
    formatRps(s.rps),
    ...stepHttpCells(s),
    formatStepCpu(s),
    h(mem),
    `${formatPercentValue(s.generatorCpuPercent)}${s.generatorSaturated ? ' saturated' : ''}`,
    s.valid ? okIcon(true) : `${okIcon(false)} ${h(s.invalidReason ?? 'invalid')}`,
  ];
}

function counts(title: string, record: Record<string, number>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '';
  return `<h3>${h(title)}</h3>${htmlTable(
    ['Name', 'Count'],
    entries.map(([k, n]) => [`<code>${h(k)}</code>`, formatInteger(n)]),
  )}`;
}

function resultsList(model: ReportModel): string {
  const r = model.loadTest.results;
  const items = [
    `Maximum capacity: ${r.maxCapacityRps !== undefined ? formatRps(r.maxCapacityRps) : 'not measured'} <span class="muted">(${h(r.maxCapacityNote)})</span>`,
    `Breaking point: ${r.breakingPointUsers !== undefined ? `${formatInteger(r.breakingPointUsers)} users` : 'not reached'} <span class="muted">(${h(r.breakingPointNote)})</span>`,
    `Error threshold: ${r.errorThreshold ? `${formatFraction(r.errorThreshold.errorRate)} at ${formatInteger(r.errorThreshold.users)} users` : 'not reached'}`,
  ];
  const leak = model.loadTest.leakCheck;
  if (leak) {
    items.push(
      `Endurance (leak check): ${statusIcon(LEAK_STATUS[leakCheckVerdict(leak)])} ${leakCheckVerdict(leak)}: RSS ${formatMemory(leak.startRssBytes)} → ${formatMemory(leak.endRssBytes)}, ${formatMemory(leak.rssSlopeBytesPerMin)}/min (${h(leak.note)})`,
    );
  }
  return htmlList(items);
}

function checksTables(model: ReportModel): string {
  const v = model.loadTest;
  let out = '';
  if (v.thresholds.length > 0) {
    const rows = v.thresholds.map((t) => [
      h(t.step),
      `<code>${h(t.metric)}</code>`,
      `<code>${h(t.expression)}</code>`,
      t.observed === null ? '—' : h(String(Number(t.observed.toFixed(3)))),
      okIcon(t.ok),
    ]);
    out += `<h3>Thresholds</h3>${htmlTable(['Step', 'Metric', 'Threshold', 'Observed', 'Result'], rows)}`;
  }
  if (v.checks.length > 0) {
    const rows = summarizeChecks(v.checks).map((c) => {
      const total = c.passes + c.fails;
      return [
        h(c.check),
        h(c.steps),
        formatInteger(c.passes),
        formatInteger(c.fails),
        total > 0 ? formatFraction(c.passes / total) : '—',
        c.failedIn.length > 0 ? h(c.failedIn.join(', ')) : '—',
      ];
    });
    out += `<h3>Checks</h3>${htmlTable(['Check', 'Steps', 'Passes', 'Fails', 'Pass rate', 'Failed in'], rows)}`;
  }
  return out;
}

/**
 * What a timeline chart's place says when it has nothing to draw: a run without HTTP requests
 * says so rather than showing an HTTP chart of zeros.
 */
function timelineFallbacks(model: ReportModel): {
  latency: string;
  throughput: string;
  errors: string;
  distribution: string;
} {
  const m = model.charts.measure;
  const noData = 'No per-second data in this result.';
  if (
    m?.kind === 'http' ||
    (model.charts.timeline.length === 0 && !m && model.charts.segments.length === 0)
  )
    return {
      latency: noData,
      throughput: noData,
      errors: 'No errors were recorded.',
      distribution: 'No latency distribution in this result.',
    };
  const noHttp = 'No HTTP requests in this run';
  const nothing = `${noHttp}, and this result has no per-second measure of another protocol.`;
  return {
    latency: !m
      ? nothing
      : m.latencyMetric
        ? `${noHttp}, and no ${m.latencyMetric} was recorded.`
        : `${noHttp}, and ${m.name} have no latency.`,
    throughput: m ? noData : nothing,
    errors:
      m?.kind === 'ws-echo'
        ? `${noHttp}, and every echo message sent was answered.`
        : `${noHttp}: errors per second are counted for HTTP requests only (see the run's own metrics).`,
    distribution: `${noHttp}: the latency distribution is of HTTP requests.`,
  };
}

/** Load Test Results. */
export function htmlLoadTest(
  model: ReportModel,
  charts: Record<ChartId, string | undefined>,
): string {
  const c = model.loadTest.configuration;
  const users =
    model.kind === 'audit' && c.users !== undefined
      ? `${formatInteger(c.users)} (base load X; peak 3X = ${formatInteger(c.users * 3)})`
      : c.users !== undefined
        ? formatInteger(c.users)
        : 'not recorded';
  const config = htmlList([
    `Concurrent users: ${users}`,
    `Test duration: ${formatReportDuration(c.durationMs)}`,
    `Infrastructure: ${h(c.infrastructure)}`,
    `Target: <code>${h(c.target)}</code>`,
    `User flow: ${c.flow.length > 0 ? c.flow.map((f) => `<code>${h(f)}</code>`).join(' → ') : 'not recorded'}`,
    `Test data: ${h(c.testData)}`,
  ]);
  const stepCols = [
    'Step',
    'Users',
    'Duration',
    'Requests',
    'req/s',
    'p50',
    'p95',
    'p99',
    'Errors',
    'Target CPU',
    'Target memory',
    'Generator CPU',
    'Valid',
  ];
  const fallback = timelineFallbacks(model);
  const measure = model.charts.measure;
  const http = !measure || measure.kind === 'http';
  const per = http ? '' : ` of ${measure.name}`;
  const latencyOf = http || !measure.latencyMetric ? '' : ` (${measure.latencyMetric})`;
  return [
    `<h3>Test Configuration</h3>${config}`,
    `<h3>Results</h3>${resultsList(model)}`,
    figure(
      'latency-over-time',
      `Latency percentiles${latencyOf} per second across all steps (shaded bands: steps; hatched: invalid).`,
      charts['latency-over-time'],
      fallback.latency,
    ),
    figure(
      'throughput-vus',
      `Throughput${per} (left axis) and virtual users (right axis).`,
      charts['throughput-vus'],
      fallback.throughput,
    ),
    figure(
      'errors-over-time',
      `Errors${measure?.kind === 'ws-echo' ? ' (echo messages unanswered)' : ''} per second by class.`,
      charts['errors-over-time'],
      fallback.errors,
    ),
    figure(
      'latency-distribution',
      'Latency distribution of the graded step.',
      charts['latency-distribution'],
      fallback.distribution,
    ),
    figure(
      'stress-curve',
      'Stress ramp: throughput and p95 per step; the dashed line marks the breaking point (hollow dots: invalid steps).',
      charts['stress-curve'],
      'No stress ramp in this result (redline audit ramps users until failure).',
    ),
    `<h3>Steps</h3>${htmlTable(stepCols, model.loadTest.steps.map(stepRow), 'steps')}`,
    `<h3>Test environment (measured)</h3>${htmlTable(
      ['Item', 'Value'],
      model.loadTest.environment.map(([k, v]) => [h(k), h(v)]),
    )}`,
    counts('Status codes', model.loadTest.statusCodes),
    counts('Errors by class', model.loadTest.errors),
    checksTables(model),
  ].join('');
}
