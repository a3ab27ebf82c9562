/** Parsing real PostgreSQL 15 plans (saved from this machine) and PEV2-style exclusive times. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listPlanNodes } from '../plan/plan-node.js';
import { runPlanRules } from '../rules/index.js';
import { parsePostgresPlan } from './parse-plan.js';

const load = (name: string) =>
  parsePostgresPlan(readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url), 'utf8'));

/** Exclusive times must add up to the root's inclusive time (each millisecond counted once). */
function selfSum(name: string): { sum: number; total: number } {
  const plan = load(name);
  const sum = listPlanNodes(plan.root).reduce((acc, n) => acc + (n.selfMs ?? 0), 0);
  return { sum, total: plan.root.totalMs ?? 0 };
}

describe('parsePostgresPlan', () => {
  it('reads times, rows, buffers and the statement totals', () => {
    const plan = load('parallel-seq-scan');
    expect(plan.analyzed).toBe(true);
    expect(plan.executionMs).toBeGreaterThan(0);
    expect(plan.planningMs).toBeGreaterThan(0);
    const scan = listPlanNodes(plan.root).find((n) => n.nodeType === 'Parallel Seq Scan');
    expect(scan?.relation).toBe('orders');
    expect(scan?.filter).toBe('(customer_id = 42)');
    expect(scan?.buffers?.sharedHit).toBeGreaterThan(0);
    // Rows removed are printed per loop (per process): the parser folds them into a total.
    expect(
      (scan?.rowsRemovedByFilter ?? 0) + (scan?.actualRows ?? 0) * (scan?.loops ?? 1),
    ).toBeCloseTo(300000, -2);
  });

  it('divides parallel workers out of loop totals (PEV2)', () => {
    const plan = load('parallel-seq-scan');
    const gather = listPlanNodes(plan.root).find((n) => n.nodeType === 'Gather');
    const scan = listPlanNodes(plan.root).find((n) => n.nodeType === 'Parallel Seq Scan');
    expect(gather?.workersLaunched).toBeGreaterThan(0);
    const workers = gather?.workersLaunched ?? 0;
    expect(scan?.totalMs).toBeCloseTo(
      ((scan?.actualTotalMs ?? 0) * (scan?.loops ?? 1)) / (workers + 1),
      6,
    );
    const { sum, total } = selfSum('parallel-seq-scan');
    expect(sum).toBeCloseTo(total, 0);
  });

  it('charges a CTE once, to the CTE scans that read it', () => {
    // PEV2 semantics: the CTE's time is taken out of its scans; timing skew between the CTE and
    // its scans (it starts before they read) leaves a few percent on the parent.
    const { sum, total } = selfSum('cte-scans');
    expect(Math.abs(sum - total) / total).toBeLessThan(0.15);
    const plan = load('cte-scans');
    const scans = listPlanNodes(plan.root).filter((n) => n.nodeType === 'CTE Scan');
    expect(scans.length).toBe(2);
    for (const scan of scans) expect(scan.selfMs ?? 0).toBeLessThan(scan.totalMs ?? 0);
  });

  it('charges an InitPlan to the node that uses its result', () => {
    const plan = load('initplan');
    const init = listPlanNodes(plan.root).find((n) => n.parentRelationship === 'InitPlan');
    expect(init?.subplanName).toMatch(/^InitPlan 1/);
    const { sum, total } = selfSum('initplan');
    expect(Math.abs(sum - total) / total).toBeLessThan(0.02);
    // Gather evaluates $1 (Params Evaluated), so the InitPlan's time comes out of the Gather...
    expect(plan.root.selfMs).toBeCloseTo(
      (plan.root.totalMs ?? 0) -
        (init?.totalMs ?? 0) -
        (plan.root.children.find((c) => c.parentRelationship !== 'InitPlan')?.totalMs ?? 0),
      3,
    );
    // ... and is not divided by the Gather's workers (it runs in the leader).
    expect(init?.totalMs).toBe(init?.actualTotalMs);
  });

  it('flags the saved spilled sort with db.sort-spill', () => {
    const plan = load('sort-spill');
    const sort = listPlanNodes(plan.root).find((n) => n.nodeType === 'Sort');
    expect(sort?.sortSpaceType).toBe('Disk');
    expect(runPlanRules(plan).map((f) => f.id)).toContain('db.sort-spill');
  });

  it('rejects text that is not a plan with a clear error', () => {
    expect(() => parsePostgresPlan('{"nope": 1}')).toThrow(/no "Plan" object/);
    expect(() => parsePostgresPlan('not json')).toThrow(/not valid JSON/);
  });
});
