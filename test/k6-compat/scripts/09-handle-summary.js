// handleSummary(data) in k6's shape: metrics with values and thresholds, root_group with groups and checks, options, state; it replaces the default summary and may write files.
import http from 'k6/http';
import { check, group } from 'k6';

export const options = {
  vus: 1,
  iterations: 3,
  summaryTrendStats: ['avg', 'p(90)', 'max', 'count'],
  thresholds: { http_req_duration: ['p(90)<5000'], 'http_reqs{group:::g}': ['count==3'] },
};

export default function () {
  group('g', () => {
    check(http.get(`${__ENV.BASE_URL}/ok`), { 'in group': (r) => r.status === 200 });
  });
  check(true, { 'at root': (v) => v });
}

export function handleSummary(data) {
  const d = data.metrics.http_req_duration;
  const g = data.root_group.groups.find((x) => x.name === 'g');
  const digest = {
    durationType: d.type,
    durationContains: d.contains,
    durationKeys: Object.keys(d.values).sort(),
    durationThreshold: d.thresholds['p(90)<5000'],
    subMetricThreshold: data.metrics['http_reqs{group:::g}'].thresholds['count==3'],
    reqs: data.metrics.http_reqs.values.count,
    checksRate: data.metrics.checks.values.rate,
    rootChecks: data.root_group.checks.map((c) => `${c.name}:${c.passes}/${c.fails}`),
    groupPath: g && g.path,
    groupChecks: g && g.checks.map((c) => `${c.path}:${c.passes}`),
    trendStats: data.options.summaryTrendStats,
    runMs: data.state.testRunDurationMs > 0,
  };
  return {
    stdout: `custom summary: ${digest.reqs} requests\n`,
    [__ENV.SUMMARY_FILE || 'summary-digest.json']: JSON.stringify(digest),
  };
}
