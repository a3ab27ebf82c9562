/**
 * The end-of-test summary in k6's layout (THRESHOLDS, TOTAL RESULTS with checks and metrics
 * grouped HTTP / EXECUTION / NETWORK / WEBSOCKET / GRPC / CUSTOM), plus what autocannon and wrk users look for:
 * status-code counts, error classes, p99/p99.9 and the generator-health warning.
 */

import {
  DEFAULT_SUMMARY_TREND_STATS,
  type ResultMetric,
  type RunResultFile,
} from '../../results/run-result.js';
import { formatDuration, formatLatency } from '../../util/duration.js';
import { formatBytes, formatCount, formatPercent } from '../../util/units.js';

/** Rendering options. */
export interface SummaryOptions {
  /** Trend statistics to show (k6 `summaryTrendStats`). */
  trendStats?: readonly string[];
  /** Use ANSI colours. */
  color?: boolean;
}

const HTTP_ORDER = [
  'http_req_duration',
  'http_req_duration_corrected',
  'http_req_failed',
  'http_reqs',
  'http_req_retries',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
];
const EXECUTION_ORDER = [
  'iteration_duration',
  'iterations',
  'dropped_iterations',
  'vus',
  'vus_max',
];
const NETWORK_ORDER = ['data_received', 'data_sent'];
const WEBSOCKET_ORDER = [
  'ws_connecting',
  'ws_msgs_received',
  'ws_msgs_sent',
  'ws_ping',
  'ws_session_duration',
  'ws_sessions',
];
const GRPC_ORDER = [
  'grpc_req_duration',
  'grpc_streams',
  'grpc_streams_msgs_received',
  'grpc_streams_msgs_sent',
];
const OTHER_BUILTINS = new Set(['checks', 'group_duration']);
const DOTS_WIDTH = 40;

function paint(text: string, code: number, on: boolean): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function dotted(label: string, indent: string): string {
  const width = Math.max(DOTS_WIDTH - indent.length, label.length + 3);
  return `${indent}${label}${'.'.repeat(width - label.length)}:`;
}

function formatValue(metric: ResultMetric, value: number): string {
  if (metric.contains === 'time') return formatLatency(value);
  if (metric.contains === 'data') return formatBytes(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** One metric's value text in k6's style. */
export function metricText(
  metric: ResultMetric,
  durationMs: number,
  trendStats: readonly string[],
): string {
  const v = metric.values;
  switch (metric.type) {
    case 'trend':
      return trendStats.map((s) => `${s}=${formatValue(metric, v[s] ?? 0)}`).join(' ');
    case 'rate': {
      const passes = v['passes'] ?? 0;
      const total = passes + (v['fails'] ?? 0);
      return `${formatPercent(v['rate'] ?? 0)} ${formatCount(passes)} out of ${formatCount(total)}`;
    }
    case 'counter': {
      const count = v['count'] ?? 0;
      const rate = durationMs > 0 ? count / (durationMs / 1000) : 0;
      if (metric.contains === 'data') return `${formatBytes(count)} ${formatBytes(rate)}/s`;
      return `${formatCount(count)} ${rate.toFixed(rate >= 100 ? 0 : 2)}/s`;
    }
    case 'gauge':
      return `${formatValue(metric, v['value'] ?? 0)} min=${formatValue(metric, v['min'] ?? 0)} max=${formatValue(metric, v['max'] ?? 0)}`;
  }
}

function section(
  title: string,
  names: readonly string[],
  result: RunResultFile,
  trendStats: readonly string[],
): string[] {
  const lines: string[] = [];
  for (const name of names) {
    const metric = result.metrics[name];
    if (!metric) continue;
    lines.push(`${dotted(name, '    ')} ${metricText(metric, result.durationMs, trendStats)}`);
    for (const [key, sub] of Object.entries(result.metrics)) {
      if (!key.startsWith(`${name}{`)) continue;
      const label = `{ ${key.slice(name.length + 1, -1).replaceAll(',', ', ')} }`;
      lines.push(`${dotted(label, '      ')} ${metricText(sub, result.durationMs, trendStats)}`);
    }
  }
  return lines.length > 0 ? [`    ${title}`, ...lines, ''] : [];
}

/** Renders the summary text of a finished run. */
export function renderSummaryText(result: RunResultFile, options: SummaryOptions = {}): string {
  const color = options.color ?? false;
  const stats = options.trendStats ?? DEFAULT_SUMMARY_TREND_STATS;
  const out: string[] = [''];
  if (result.thresholds.length > 0) {
    out.push('  █ THRESHOLDS', '');
    const byMetric = new Map<string, typeof result.thresholds>();
    for (const t of result.thresholds)
      byMetric.set(t.metric, [...(byMetric.get(t.metric) ?? []), t]);
    for (const [metric, list] of byMetric) {
      out.push(`    ${metric}`);
      for (const t of list) {
        const mark = t.ok ? paint('✓', 32, color) : paint('✗', 31, color);
        const observed =
          t.observed === null
            ? 'no data'
            : formatObserved(result.metrics[metric], t.expression, t.observed);
        out.push(`    ${mark} '${t.expression}' ${observed}`);
      }
      out.push('');
    }
  }
  out.push('  █ TOTAL RESULTS', '');
  if (result.checks.length > 0) {
    const passes = result.checks.reduce((n, c) => n + c.passes, 0);
    const fails = result.checks.reduce((n, c) => n + c.fails, 0);
    const total = passes + fails;
    out.push(`${dotted('checks_total', '    ')} ${formatCount(total)}`);
    out.push(
      `${dotted('checks_succeeded', '    ')} ${formatPercent(total ? passes / total : 0)} ${formatCount(passes)} out of ${formatCount(total)}`,
    );
    out.push(
      `${dotted('checks_failed', '    ')} ${formatPercent(total ? fails / total : 0)} ${formatCount(fails)} out of ${formatCount(total)}`,
      '',
    );
    for (const c of result.checks) {
      const ok = c.fails === 0;
      const mark = ok ? paint('✓', 32, color) : paint('✗', 31, color);
      const where = c.path ? `${c.path}::` : '';
      out.push(
        `    ${mark} ${where}${c.name}${ok ? '' : `  ↳ ${formatPercent(c.passes / Math.max(1, c.passes + c.fails), 0)} — ✓ ${c.passes} / ✗ ${c.fails}`}`,
      );
    }
    out.push('');
  }
  const builtin = new Set([
    ...HTTP_ORDER,
    ...EXECUTION_ORDER,
    ...NETWORK_ORDER,
    ...WEBSOCKET_ORDER,
    ...GRPC_ORDER,
    ...OTHER_BUILTINS,
  ]);
  const custom = Object.keys(result.metrics)
    .filter((k) => !k.includes('{') && !builtin.has(k))
    .sort();
  out.push(...section('CUSTOM', custom, result, stats));
  out.push(...section('HTTP', HTTP_ORDER, result, stats));
  out.push(...section('EXECUTION', ['group_duration', ...EXECUTION_ORDER], result, stats));
  out.push(...section('NETWORK', NETWORK_ORDER, result, stats));
  out.push(...section('WEBSOCKET', WEBSOCKET_ORDER, result, stats));
  out.push(...section('GRPC', GRPC_ORDER, result, stats));
  const codes = Object.entries(result.statusCodes).filter(([code]) => code !== '0');
  if (codes.length > 0)
    out.push(`    STATUS CODES  ${codes.map(([c, n]) => `${c}: ${formatCount(n)}`).join('  ')}`);
  const errors = Object.entries(result.errors);
  if (errors.length > 0)
    out.push(
      `    ${paint('ERRORS', 31, color)}        ${errors.map(([c, n]) => `${c}: ${formatCount(n)}`).join('  ')}`,
    );
  if (codes.length > 0 || errors.length > 0) out.push('');
  const ended =
    result.reason === 'completed'
      ? ''
      : ` (${result.reason}${result.detail ? `: ${result.detail}` : ''})`;
  out.push(`  ran for ${formatDuration(Math.round(result.durationMs))}${ended}`);
  for (const w of [...(result.warnings ?? []), ...result.generator.warnings])
    out.push(`  ${paint('WARN', 33, color)} ${w}`);
  out.push('');
  return out.join('\n');
}

function formatObserved(
  metric: ResultMetric | undefined,
  expression: string,
  value: number,
): string {
  const agg = expression.split(/[<>=!]/)[0]?.trim() ?? 'value';
  if (agg === 'rate' && metric?.type === 'rate') return `${agg}=${formatPercent(value)}`;
  if (metric?.contains === 'time' && agg !== 'count' && agg !== 'rate')
    return `${agg}=${formatLatency(value)}`;
  return `${agg}=${Number.isInteger(value) ? value : value.toFixed(4)}`;
}
