/**
 * A Grafana dashboard (JSON model, schemaVersion 39) for an SLO spec: a traffic row (request
 * rate, error ratio, latency percentiles from the SLIs' own series) and one row per SLO
 * (objective, SLI over the period, error budget left, burn rate against the alert factors,
 * firing alerts). The datasource is the `${DS_PROMETHEUS}` variable, so the file imports anywhere.
 */
import { type DashboardPanel, Layout, RATE, stat, timeseries } from './grafana-panels.js';

export type { DashboardPanel, DashboardTarget } from './grafana-panels.js';

import { sloSelector } from './rules.js';
import { errorRateExpr, selectorText, totalRateExpr } from './sli.js';
import { burnFactor, promDuration, type Slo, type SloSpec } from './spec.js';

function trafficRow(layout: Layout, spec: SloSpec): void {
  layout.row(`${spec.service}: traffic`);
  const traffic = spec.slos.find((s) => s.sli.kind !== 'latency') ?? spec.slos[0]!;
  layout.add(
    timeseries('Request rate', 'Events per second counted by the SLIs', 'reqps', [
      [totalRateExpr(traffic.sli, RATE), 'requests/s'],
    ]),
    8,
    8,
  );
  const errors = spec.slos.filter((s) => s.sli.kind !== 'latency');
  const errorQueries: Array<[string, string]> = errors.map((s) => [
    `${errorRateExpr(s.sli, RATE)}\n/\n(${totalRateExpr(s.sli, RATE)})`,
    s.name,
  ]);
  if (errorQueries.length > 0)
    layout.add(
      timeseries('Error ratio', 'Share of failed events per SLI', 'percentunit', errorQueries),
      8,
      8,
    );
  const latency = spec.slos.find((s) => s.sli.kind === 'latency');
  if (latency?.sli.kind === 'latency') {
    const h = latency.sli;
    const q = (p: number): [string, string] => [
      `histogram_quantile(${p}, sum by (le) (rate(${h.metric}_bucket${selectorText(h.selector)}[${RATE}])))`,
      `p${Math.round(p * 100)}`,
    ];
    layout.add(
      timeseries('Latency percentiles', `Estimated from the buckets of ${h.metric}`, 's', [
        q(0.5),
        q(0.9),
        q(0.95),
        q(0.99),
      ]),
      8,
      8,
    );
  }
}

function sloRow(layout: Layout, spec: SloSpec, slo: Slo): void {
  const sel = sloSelector(slo);
  const period = promDuration(spec.periodMs);
  layout.row(`SLO ${slo.name}: ${slo.objective}% over ${period}`);
  const budgetSteps: Array<[number | null, string]> = [
    [null, 'red'],
    [0, 'orange'],
    [0.25, 'green'],
  ];
  layout.add(
    stat(
      'Objective',
      slo.description || `Target share of good events over ${period}`,
      'percentunit',
      `slo:objective:ratio${sel}`,
      [[null, 'blue']],
    ),
    4,
    5,
  );
  layout.add(
    stat(
      `SLI over ${period}`,
      'Share of good events over the SLO period',
      'percentunit',
      `1 - slo:sli_error:ratio_rate${period}${sel}`,
      [[null, 'text']],
    ),
    5,
    5,
  );
  layout.add(
    stat(
      'Error budget remaining',
      `Share of the ${period} error budget not yet spent`,
      'percentunit',
      `slo:period_error_budget_remaining:ratio${sel}`,
      budgetSteps,
    ),
    5,
    5,
  );
  layout.add(
    stat(
      'Firing alerts',
      'Burn-rate alerts of this SLO firing now',
      'none',
      `count(ALERTS{slo_id=${JSON.stringify(slo.id)},alertstate="firing"}) or vector(0)`,
      [
        [null, 'green'],
        [1, 'red'],
      ],
    ),
    4,
    5,
  );
  layout.add(
    stat(
      'Burn rate now',
      'Error ratio over the shortest window divided by the error budget (1 = spending exactly the budget)',
      'suffix:x',
      `slo:current_burn_rate:ratio${sel}`,
      [
        [null, 'green'],
        [1, 'orange'],
        [6, 'red'],
      ],
    ),
    6,
    5,
  );
  const windows = [...new Set(spec.windows.flatMap((w) => [w.shortMs, w.longMs]))].sort(
    (a, b) => a - b,
  );
  const burn: Array<[string, string]> = windows.map((ms) => [
    `slo:sli_error:ratio_rate${promDuration(ms)}${sel}\n/ on (slo_id) group_left\nslo:error_budget:ratio${sel}`,
    `burn rate ${promDuration(ms)}`,
  ]);
  const factors = [...new Set(spec.windows.map((w) => burnFactor(w, spec.periodMs)))];
  const steps = [
    { value: null, color: 'green' },
    ...factors.sort((a, b) => a - b).map((f) => ({ value: f, color: 'red' })),
  ];
  layout.add(
    timeseries(
      'Burn rate by window',
      `Alert thresholds: ${factors.join('x, ')}x the budget rate`,
      'suffix:x',
      burn,
      {
        thresholds: { mode: 'absolute', steps },
        custom: { thresholdsStyle: { mode: 'line+area' } },
      },
    ),
    24,
    8,
  );
}

/** The dashboard JSON model of the spec. */
export function createSloDashboard(spec: SloSpec): Record<string, unknown> {
  const layout = new Layout();
  trafficRow(layout, spec);
  for (const slo of spec.slos) sloRow(layout, spec, slo);
  return {
    __inputs: [
      {
        name: 'DS_PROMETHEUS',
        label: 'Prometheus',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    title: `${spec.service} SLOs`,
    uid: `redline-slo-${spec.service}`.slice(0, 40),
    tags: ['redline', 'slo', spec.service],
    timezone: 'browser',
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '1m',
    time: { from: 'now-24h', to: 'now' },
    templating: {
      list: [
        {
          name: 'DS_PROMETHEUS',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    panels: layout.panels,
  };
}

/** Every PromQL expression of a dashboard with Grafana's variables made concrete (for checking). */
export function dashboardExpressions(dashboard: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (panels: DashboardPanel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push(t.expr.replaceAll(RATE, '5m'));
      if (p.panels) walk(p.panels);
    }
  };
  walk(dashboard['panels'] as DashboardPanel[]);
  return out;
}
