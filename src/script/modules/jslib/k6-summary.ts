/**
 * Native equivalent of jslib's k6-summary (`https://jslib.k6.io/k6-summary/<version>/index.js`),
 * written for Redline from k6's documentation: `textSummary(data, {indent, enableColors})`
 * renders handleSummary()'s data as k6's text summary, `jUnit(data, {name, classname})` its
 * thresholds as a JUnit XML report (one test case per threshold, a failure when it failed).
 */

interface SummaryMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

interface SummaryCheck {
  name: string;
  passes: number;
  fails: number;
}

interface SummaryGroup {
  name: string;
  groups?: SummaryGroup[];
  checks?: SummaryCheck[];
}

/** handleSummary()'s `data` (the parts these helpers read). */
export interface SummaryData {
  metrics?: Record<string, SummaryMetric>;
  root_group?: SummaryGroup;
  options?: { summaryTrendStats?: string[]; summaryTimeUnit?: string };
}

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

function colour(enabled: boolean, code: number, text: string): string {
  return enabled ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function round(value: number, digits = 2): string {
  return String(Number(value.toFixed(digits)));
}

/** Milliseconds as k6 prints durations (`812µs`, `12.34ms`, `1.5s`, `2m3s`), or in `unit`. */
function duration(ms: number, unit?: string): string {
  if (unit === 's') return `${round(ms / 1000)}s`;
  if (unit === 'ms') return `${round(ms)}ms`;
  if (unit === 'us') return `${round(ms * 1000)}µs`;
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${round(ms * 1e6)}ns`;
  if (ms < 1) return `${round(ms * 1000)}µs`;
  if (ms < 1000) return `${round(ms)}ms`;
  if (ms < 60_000) return `${round(ms / 1000)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms - minutes * 60_000) / 1000;
  if (minutes < 60) return `${minutes}m${round(seconds, 0)}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m${round(seconds, 0)}s`;
}

function bytes(value: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = value;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${round(v, i === 0 ? 0 : 1)} ${units[i]}`;
}

function number(value: number, contains: string | undefined, unit?: string): string {
  if (contains === 'time') return duration(value, unit);
  if (contains === 'data') return bytes(value);
  return round(value, 6);
}

function metricValue(
  metric: SummaryMetric,
  stats: readonly string[],
  unit?: string,
  colours = false,
): string {
  const v = metric.values;
  switch (metric.type) {
    case 'counter': {
      const rate =
        metric.contains === 'data' ? `${bytes(v['rate'] ?? 0)}/s` : `${round(v['rate'] ?? 0)}/s`;
      return `${number(v['count'] ?? 0, metric.contains, unit)} ${rate}`;
    }
    case 'gauge':
      return `${number(v['value'] ?? 0, metric.contains, unit)} min=${number(v['min'] ?? 0, metric.contains, unit)} max=${number(v['max'] ?? 0, metric.contains, unit)}`;
    case 'rate': {
      const passes = v['passes'] ?? 0;
      const fails = v['fails'] ?? 0;
      return `${round((v['rate'] ?? 0) * 100)}% ${colour(colours, 32, '✓')} ${passes} ${colour(colours, 31, '✗')} ${fails}`;
    }
    default:
      return stats
        .filter((s) => v[s] !== undefined)
        .map((s) => `${s}=${number(v[s] as number, metric.contains, unit)}`)
        .join(' ');
  }
}

function renderChecks(group: SummaryGroup, indent: string, colours: boolean, out: string[]): void {
  for (const check of group.checks ?? []) {
    if (check.fails === 0) out.push(`${indent}${colour(colours, 32, '✓')} ${check.name}`);
    else {
      const total = check.passes + check.fails;
      const share = total === 0 ? 0 : Math.floor((check.passes / total) * 100);
      out.push(`${indent}${colour(colours, 31, '✗')} ${check.name}`);
      out.push(
        `${indent} ${colour(colours, 2, `↳  ${share}% — ✓ ${check.passes} / ✗ ${check.fails}`)}`,
      );
    }
  }
  for (const child of group.groups ?? []) {
    out.push('', `${indent}█ ${child.name}`, '');
    renderChecks(child, `${indent}  `, colours, out);
  }
}

/**
 * k6's text summary of handleSummary()'s `data`: checks by group, then every metric with its
 * values (trend statistics from `data.options.summaryTrendStats`) and its thresholds' outcome.
 */
export function textSummary(
  data: SummaryData,
  options: { indent?: string; enableColors?: boolean } = {},
): string {
  const indent = options.indent ?? ' ';
  const colours = options.enableColors ?? false;
  const lines: string[] = [];
  if (data.root_group) {
    renderChecks(data.root_group, `${indent}   `, colours, lines);
    if (lines.length > 0) lines.push('');
  }
  const stats = data.options?.summaryTrendStats ?? DEFAULT_TREND_STATS;
  const unit = data.options?.summaryTimeUnit || undefined;
  const metrics = Object.entries(data.metrics ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(0, ...metrics.map(([name]) => displayName(name).length)) + 3;
  for (const [name, metric] of metrics) {
    const thresholds = Object.values(metric.thresholds ?? {});
    const mark =
      thresholds.length === 0
        ? ' '
        : thresholds.every((t) => t.ok)
          ? colour(colours, 32, '✓')
          : colour(colours, 31, '✗');
    const label = displayName(name);
    lines.push(
      `${indent}${mark} ${label}${'.'.repeat(width - label.length)}: ${metricValue(metric, stats, unit, colours)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Sub-metrics (`name{tag:value}`) are listed under their metric, indented (as k6). */
function displayName(name: string): string {
  const brace = name.indexOf('{');
  return brace > 0 ? `  ${name.slice(brace)}` : name;
}

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/**
 * A JUnit XML report of the thresholds: one `<testcase>` per threshold (`metric - expression`),
 * with a `<failure>` when it failed. `name` names the suite (default `k6 thresholds`),
 * `classname` the test cases (default `Unnamed folder`).
 */
export function jUnit(
  data: SummaryData,
  options: { name?: string; classname?: string } = {},
): string {
  const name = options.name ?? 'k6 thresholds';
  const classname = options.classname ?? 'Unnamed folder';
  const cases: string[] = [];
  let failures = 0;
  for (const [metric, m] of Object.entries(data.metrics ?? {})) {
    for (const [expression, outcome] of Object.entries(m.thresholds ?? {})) {
      const caseName = xml(`${metric} - ${expression}`);
      if (outcome.ok) cases.push(`<testcase name="${caseName}" classname="${xml(classname)}" />`);
      else {
        failures++;
        cases.push(
          `<testcase name="${caseName}" classname="${xml(classname)}"><failure message="failed" /></testcase>`,
        );
      }
    }
  }
  return (
    '<?xml version="1.0"?>\n' +
    `<testsuites tests="${cases.length}" failures="${failures}">\n` +
    `<testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}">${cases.join('\n')}\n` +
    '</testsuite>\n</testsuites>\n'
  );
}
