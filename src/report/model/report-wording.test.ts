// Report wording on test/fixtures/calibration/report-duplicates: distinct titles, one row per check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../findings/finding.js';
import { summarizeChecks } from './checks-view.js';
import { createBottleneckViews, createOptimizationPlan } from './findings-view.js';
import type { LoadTestView } from './report-model.js';

const dir = join(import.meta.dirname, '../../../test/fixtures/calibration/report-duplicates');
const findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as Finding[];
const checks = JSON.parse(readFileSync(join(dir, 'checks.json'), 'utf8')) as LoadTestView['checks'];

describe('titles are distinct across the report', () => {
  it('tells same-titled findings apart by statement or file:line', () => {
    const { bottlenecks } = createBottleneckViews(findings);
    const titles = bottlenecks.map((b) => b.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).toContain(
      'Cache candidate on GET /items (SELECT id, name, price FROM items WHERE category = $1 ORDER…)',
    );
    expect(titles).toContain(
      'Cache candidate on GET /items (SELECT count(*) FROM items WHERE category = $1)',
    );
    expect(titles).toContain('Hot code in render (src/a.ts:3)');
    const plan = createOptimizationPlan(findings);
    const planTitles = [...plan.immediate, ...plan.shortTerm, ...plan.longTerm].map((i) => i.title);
    expect(new Set(planTitles).size).toBe(planTitles.length);
  });

  it('leaves unique titles alone (healthy)', () => {
    const { bottlenecks } = createBottleneckViews([findings[0] as Finding, findings[2] as Finding]);
    expect(bottlenecks.map((b) => b.title).sort()).toEqual(
      ['Cache candidate on GET /items', 'Hot code in render'].sort(),
    );
  });
});

describe('checks summed over steps', () => {
  it('5 rows for 5 checks over 11 steps, naming the step where one failed', () => {
    expect(checks).toHaveLength(55);
    const rows = summarizeChecks(checks);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.steps === 'all 11 steps')).toBe(true);
    const checkout = rows.find((r) => r.check === '::flow::checkout ok');
    expect(checkout).toMatchObject({ passes: 1100, fails: 7, failedIn: ['stress 6'] });
    expect(rows.filter((r) => r.failedIn.length > 0)).toHaveLength(1);
  });

  it('lists the steps of a check that ran in only some of them', () => {
    const rows = summarizeChecks([
      { step: 'load', name: 'a', path: '', passes: 3, fails: 0 },
      { step: 'peak', name: 'a', path: '', passes: 3, fails: 0 },
      { step: 'peak', name: 'b', path: '', passes: 1, fails: 0 },
    ]);
    expect(rows.find((r) => r.check === 'b')?.steps).toBe('peak');
    expect(rows.find((r) => r.check === 'a')?.steps).toBe('all 2 steps');
  });
});
