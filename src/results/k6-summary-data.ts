/**
 * k6's end-of-test data shapes built from a Redline result: the object `handleSummary(data)`
 * receives, and the legacy `--summary-export` JSON. Both are read by existing k6 tooling.
 */
import { createHash } from 'node:crypto';
import type { ResultCheck, ResultMetric, RunResultFile } from './run-result.js';

/** A group node of k6's `root_group`. */
export interface K6Group {
  name: string;
  path: string;
  id: string;
  groups: K6Group[];
  checks: Array<{ name: string; path: string; id: string; passes: number; fails: number }>;
}

function id(path: string): string {
  return createHash('md5').update(path).digest('hex');
}

/** Builds k6's group tree from check paths (`::a::b`). */
export function rootGroup(checks: readonly ResultCheck[]): K6Group {
  const root: K6Group = { name: '', path: '', id: id(''), groups: [], checks: [] };
  for (const check of checks) {
    let node = root;
    const names = check.path.split('::').filter(Boolean);
    let path = '';
    for (const name of names) {
      path += `::${name}`;
      let child = node.groups.find((g) => g.name === name);
      if (!child) {
        child = { name, path, id: id(path), groups: [], checks: [] };
        node.groups.push(child);
      }
      node = child;
    }
    node.checks.push({
      name: check.name,
      path: `${check.path}::${check.name}`,
      id: id(`${check.path}::${check.name}`),
      passes: check.passes,
      fails: check.fails,
    });
  }
  return root;
}

function k6Values(metric: ResultMetric): Record<string, number> {
  if (metric.type !== 'rate') return metric.values;
  // k6 names the rate's value `rate` in handleSummary data.
  return {
    rate: metric.values['rate'] ?? 0,
    passes: metric.values['passes'] ?? 0,
    fails: metric.values['fails'] ?? 0,
  };
}

/** The `data` argument of `handleSummary` (k6's shape). */
export function handleSummaryData(
  result: RunResultFile,
  trendStats: readonly string[],
  timeUnit?: string,
): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  const thresholdsByMetric = new Map<string, Record<string, { ok: boolean }>>();
  for (const t of result.thresholds) {
    const map = thresholdsByMetric.get(t.metric) ?? {};
    map[t.expression] = { ok: t.ok };
    thresholdsByMetric.set(t.metric, map);
  }
  for (const [name, metric] of Object.entries(result.metrics)) {
    const entry: Record<string, unknown> = {
      type: metric.type,
      contains: metric.contains,
      values: k6Values(metric),
    };
    const thresholds = thresholdsByMetric.get(name);
    if (thresholds) entry['thresholds'] = thresholds;
    metrics[name] = entry;
  }
  return {
    metrics,
    root_group: rootGroup(result.checks),
    options: {
      summaryTrendStats: [...trendStats],
      summaryTimeUnit: timeUnit ?? '',
      noColor: false,
    },
    state: {
      isStdOutTTY: process.stdout.isTTY === true,
      isStdErrTTY: process.stderr.isTTY === true,
      testRunDurationMs: result.durationMs,
    },
  };
}

/** The legacy `--summary-export` file of k6 (flat values, thresholds as name -> failed?). */
export function summaryExport(result: RunResultFile): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const [name, metric] of Object.entries(result.metrics)) {
    const values: Record<string, unknown> =
      metric.type === 'rate'
        ? {
            passes: metric.values['passes'] ?? 0,
            fails: metric.values['fails'] ?? 0,
            value: metric.values['rate'] ?? 0,
          }
        : { ...metric.values };
    const thresholds = result.thresholds.filter((t) => t.metric === name);
    // k6's export maps each threshold to true when it FAILED.
    if (thresholds.length > 0)
      values['thresholds'] = Object.fromEntries(thresholds.map((t) => [t.expression, !t.ok]));
    metrics[name] = values;
  }
  const toLegacy = (group: K6Group): Record<string, unknown> => ({
    name: group.name,
    path: group.path,
    id: group.id,
    groups: Object.fromEntries(group.groups.map((g) => [g.name, toLegacy(g)])),
    checks: Object.fromEntries(group.checks.map((c) => [c.name, c])),
  });
  return { root_group: toLegacy(rootGroup(result.checks)), metrics };
}
