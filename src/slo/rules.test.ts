import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSloSpec } from './parse-spec.js';
import { counterValues } from './promtool-tests.js';
import { createSloRuleGroups, renderRulesYaml } from './rules.js';
import { errorRatioExpr, leMatcher, selectorText } from './sli.js';

const spec = parseSloSpec(`
service: checkout
labels: { team: shop }
slos:
  - name: availability
    objective: 99.9
    sli: { availability: { selector: { method: "!=OPTIONS" } } }
  - name: latency
    objective: 99
    sli: { latency: { threshold: 1s } }
`);

describe('SLO rules', () => {
  it('records the error ratio per window and the period average, with Sloth-style names', () => {
    const groups = createSloRuleGroups(spec);
    expect(groups.map((g) => g.name)).toEqual([
      'redline-slo-checkout-availability-sli',
      'redline-slo-checkout-availability-meta',
      'redline-slo-checkout-availability-alerts',
      'redline-slo-checkout-latency-sli',
      'redline-slo-checkout-latency-meta',
      'redline-slo-checkout-latency-alerts',
    ]);
    const records = groups[0]!.rules.map((r) =>
      'record' in r ? `${r.record}@${r.labels['slo_window']}` : '',
    );
    const windows = ['5m', '30m', '1h', '6h', '3d', '30d'];
    expect(records).toEqual(windows.map((w) => `slo:sli_error:ratio_rate${w}@${w}`));
    const meta = groups[1]!.rules;
    expect(meta.find((r) => 'record' in r && r.record === 'slo:objective:ratio')!.expr).toBe(
      'vector(0.999)',
    );
    expect(meta.find((r) => 'record' in r && r.record === 'slo:error_budget:ratio')!.expr).toBe(
      'vector(0.001)',
    );
  });

  it('alerts on both windows of each tier with factor x budget', () => {
    const alerts = createSloRuleGroups(spec)[2]!.rules;
    const page = alerts.find((r) => 'alert' in r && r.labels['severity'] === 'page')!;
    expect('alert' in page && page.alert).toBe('CheckoutAvailabilityErrorBudgetBurnPage');
    expect(page.expr).toContain(
      'max(slo:sli_error:ratio_rate5m{slo_id="checkout-availability"} > (14.4 * 0.001)) without (slo_window)',
    );
    expect(page.expr).toContain(
      'max(slo:sli_error:ratio_rate6h{slo_id="checkout-availability"} > (6 * 0.001)) without (slo_window)',
    );
    const ticket = alerts.find((r) => 'alert' in r && r.labels['severity'] === 'ticket')!;
    expect(ticket.expr).toContain('ratio_rate3d{slo_id="checkout-availability"} > (1 * 0.001)');
  });

  it('builds SLI queries: errors or zero over total, latency from the threshold bucket', () => {
    expect(errorRatioExpr(spec.slos[0]!.sli, '5m')).toBe(
      '(sum(rate(redline_http_reqs_total{method!="OPTIONS",expected_response="false"}[5m])) or vector(0))\n/\n(sum(rate(redline_http_reqs_total{method!="OPTIONS"}[5m])))',
    );
    expect(errorRatioExpr(spec.slos[1]!.sli, '1h')).toContain(
      'sum(rate(redline_http_req_duration_seconds_bucket{le=~"1(\\\\.0)?"}[1h]))',
    );
    expect(leMatcher(0.25)).toBe('le="0.25"');
    expect(selectorText({ a: 'x"y', b: '=~5..' })).toBe('{a="x\\"y",b=~"5.."}');
  });

  it('renders a rule file Prometheus reads back as data, without YAML aliases', () => {
    const text = renderRulesYaml(spec);
    expect(text).not.toMatch(/[&*]a\d/);
    const parsed = parse(text) as { groups: Array<{ rules: unknown[] }> };
    expect(parsed.groups.flatMap((g) => g.rules)).toHaveLength(
      createSloRuleGroups(spec).flatMap((g) => g.rules).length,
    );
  });

  it('writes counters in promtool expanding notation, continuous across phases', () => {
    expect(
      counterValues([
        { perMinute: 10, minutes: 3 },
        { perMinute: 2, minutes: 2 },
      ]),
    ).toBe('0+10x3 32+2x1');
  });
});
