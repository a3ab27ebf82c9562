// Generated SLO rules checked by promtool (syntax and behaviour) and the dashboard checked offline.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUILTIN_METRICS } from '../../src/metrics/builtin.js';
import {
  createIntervalFeed,
  testMeta,
} from '../../src/outputs/prometheus/__fixtures__/interval-feed.js';
import { PrometheusModel } from '../../src/outputs/prometheus/model.js';
import {
  generateSloArtifacts,
  type SloArtifacts,
  verifySloArtifacts,
  writeSloArtifacts,
} from '../../src/slo/generate.js';
import { type DashboardPanel, dashboardExpressions } from '../../src/slo/grafana.js';
import { parseSloSpec } from '../../src/slo/parse-spec.js';
import { runPromtool } from '../../src/slo/promtool.js';
import { requireBinaries } from '../helpers/require-binary.js';

const promtool = requireBinaries('promtool');
const dir = mkdtempSync(join(tmpdir(), 'redline-slo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPECS: Record<string, string> = {
  'three SLI kinds over 30d': `
service: checkout
labels: { team: shop }
slos:
  - { name: availability, objective: 99.9, sli: { availability: {} } }
  - { name: latency, objective: 99, sli: { latency: { threshold: 500ms } } }
  - name: custom
    objective: 99.5
    sli: { events: { errorQuery: 'sum(rate(app_requests_total{code=~"5.."}[{{window}}]))', totalQuery: 'sum(rate(app_requests_total[{{window}}]))' } }
`,
  '28d, four nines, for: clauses, integer latency bound': `
service: payments
period: 28d
selector: { testid: soak }
alerting: { pageFor: 2m, ticketFor: 10m }
slos:
  - { name: availability, objective: 99.99, sli: { availability: { errors: { status: "500" } } } }
  - { name: slow, objective: 99.5, sli: { latency: { threshold: 1s } } }
`,
  'success criteria of a load test plan': `
service: api
criteria: { p50: 200ms, p95: 400ms, p99: 500ms, errorRate: 0.1% }
`,
  'a loose 95% objective (first page tier cannot fire)': `
service: batch
slos:
  - { name: availability, objective: 95, sli: { availability: {} } }
`,
};

function generate(name: string, yaml: string): SloArtifacts {
  const artifacts = generateSloArtifacts(parseSloSpec(yaml));
  writeSloArtifacts(artifacts, join(dir, name));
  return artifacts;
}

function firingExpectations(testsYaml: string): number {
  const tests = (
    parse(testsYaml) as { tests: Array<{ alert_rule_test?: Array<{ exp_alerts: unknown[] }> }> }
  ).tests;
  return tests.flatMap((t) => t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0)
    .length;
}

describe.skipIf(promtool.skip)('generated SLO rules under promtool', () => {
  let i = 0;
  for (const [title, yaml] of Object.entries(SPECS)) {
    it(`pass promtool check and test: ${title}`, () => {
      const name = `spec-${i++}`;
      const artifacts = generate(name, yaml);
      const v = verifySloArtifacts(artifacts, join(dir, name));
      expect(v.check.output).toMatch(/SUCCESS: \d+ rules found/);
      expect(v.test.ok, v.test.output).toBe(true);
      expect(v.dashboard).toEqual([]);
      const slos = parseSloSpec(yaml).slos.filter((s) => s.sli.kind !== 'events').length;
      // Each testable SLO has a page story and a ticket story that must fire, unless its
      // objective makes one impossible (listed as untested, e.g. a 50% objective cannot page).
      const impossible = artifacts.untested.filter((u) => !u.includes('raw PromQL')).length;
      expect(firingExpectations(artifacts.testsYaml)).toBe(2 * slos - impossible);
    });
  }

  it('has teeth: rules that never page, or always open tickets, fail the generated tests', () => {
    const artifacts = generate('teeth', SPECS['three SLI kinds over 30d']!);
    const folder = join(dir, 'teeth');
    const rules = join(folder, artifacts.rulesFile);
    const original = readFileSync(rules, 'utf8');
    writeFileSync(
      rules,
      original
        .replaceAll('(14.4 * 0.001)', '(144 * 0.001)')
        .replaceAll('(6 * 0.001)', '(60 * 0.001)'),
    );
    const neverPages = runPromtool(['test', 'rules', artifacts.testsFile], folder);
    expect(neverPages.ok).toBe(false);
    expect(neverPages.output).toMatch(/CheckoutAvailabilityErrorBudgetBurnPage/);
    writeFileSync(rules, original.replaceAll('> (1 * 0.001)', '>= (0 * 0.001)'));
    const alwaysTickets = runPromtool(['test', 'rules', artifacts.testsFile], folder);
    expect(alwaysTickets.ok).toBe(false);
    expect(alwaysTickets.output).toMatch(/CheckoutAvailabilityErrorBudgetBurnTicket/);
  });
});

describe('generated Grafana dashboard', () => {
  const artifacts = generateSloArtifacts(parseSloSpec(SPECS['three SLI kinds over 30d']!));
  const dashboard = artifacts.dashboard;
  const panels = dashboard['panels'] as DashboardPanel[];

  it('matches the schema subset we emit', () => {
    const schema = JSON.parse(
      readFileSync(new URL('./grafana-dashboard.schema.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv({ allErrors: true });
    const valid = ajv.validate(schema, dashboard);
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has unique panel ids and refIds, and every panel fits the 24-column grid without overlap', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      const refs = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refs).size).toBe(refs.length);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
    for (const a of panels) {
      for (const b of panels) {
        if (a === b) continue;
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w &&
          b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h &&
          b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
    const titles = panels.map((p) => p.title);
    for (const t of [
      'Request rate',
      'Error ratio',
      'Latency percentiles',
      'Error budget remaining',
      'Burn rate by window',
    ])
      expect(titles).toContain(t);
  });

  it('only queries series that Redline exports or the rules record', () => {
    const feed = createIntervalFeed();
    const model = new PrometheusModel();
    model.start(testMeta());
    feed.registry.counter(BUILTIN_METRICS.http_reqs, { expected_response: 'true' }).add(1);
    feed.registry.trend(BUILTIN_METRICS.http_req_duration).add(1);
    const u = feed.next();
    model.update(u.delta, u.totals, 0);
    const exported = new Set(model.families().flatMap((f) => f.samples.map((s) => s.name)));
    const recorded = new Set(
      (
        parse(artifacts.rulesYaml) as { groups: Array<{ rules: Array<{ record?: string }> }> }
      ).groups.flatMap((g) => g.rules.map((r) => r.record)),
    );
    const used = new Set(
      [
        ...dashboardExpressions(dashboard)
          .join('\n')
          .matchAll(/\b(redline_[a-z_]+|slo:[a-z_:0-9]+)/g),
      ].map((m) => m[1]!),
    );
    for (const name of used) expect(exported.has(name) || recorded.has(name), name).toBe(true);
    expect(used.size).toBeGreaterThan(5);
  });
});
