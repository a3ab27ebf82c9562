import { describe, expect, it } from 'vitest';
import { parseMariaDbPlan } from '../mysql/parse-mariadb.js';
import { parsePostgresPlan } from '../postgres/parse-plan.js';
import { runPlanRules } from '../rules/index.js';
import { nodesCutByLimit } from './limit-cut.js';

type Json = Record<string, unknown>;
const node = (
  type: string,
  ms: number,
  rows: [number, number],
  extra: Json = {},
  plans: Json[] = [],
): Json => ({
  'Node Type': type,
  'Plan Rows': rows[0],
  'Actual Rows': rows[1],
  'Actual Loops': 1,
  'Actual Total Time': ms,
  ...extra,
  ...(plans.length > 0 ? { Plans: plans } : {}),
});
const pg = (plan: Json) =>
  parsePostgresPlan(
    [{ Plan: plan, 'Execution Time': (plan['Actual Total Time'] as number) + 0.1 }],
    'SELECT 1',
  );

/** Limit 20 → Sort (top-N) → Seq Scan: the sort is planned for every row, hands 20 up. */
const topN = (limitRows: number, scan: [number, number]) =>
  pg(
    node('Limit', 12, [20, limitRows], {}, [
      node('Sort', 12, [scan[0], limitRows], { 'Sort Method': 'top-N heapsort' }, [
        node('Seq Scan', 8, scan, { 'Relation Name': 'orders' }),
      ]),
    ]),
  );
const ids = (plan: ReturnType<typeof pg>) => runPlanRules(plan).map((f) => f.id);

describe('row limits and the misestimate rule', () => {
  it('a Sort under a reached LIMIT is cut off, the scan below the sort is not', () => {
    const plan = topN(20, [3000, 3000]);
    const cut = nodesCutByLimit(plan);
    expect([...cut]).toEqual([1]);
    expect(ids(plan)).not.toContain('db.row-misestimate');
  });

  it('still flags an over-estimate below the sort (the sort read all of it)', () => {
    expect(ids(topN(20, [300_000, 3000]))).toContain('db.row-misestimate');
  });

  it('a LIMIT that ran out of input cut nothing: the sort returned 5 of 3,000 planned', () => {
    const plan = topN(5, [3000, 5]);
    expect(nodesCutByLimit(plan).size).toBe(0);
    expect(ids(plan)).toContain('db.row-misestimate');
  });

  it('an under-estimate under a LIMIT is still a misestimate', () => {
    const plan = pg(
      node('Limit', 30, [5, 5], {}, [
        node('Nested Loop', 30, [5, 5], {}, [
          node('Seq Scan', 20, [10, 5000], { 'Relation Name': 'a' }),
          node('Index Scan', 5, [1, 1], { 'Relation Name': 'b', 'Index Name': 'b_pkey' }),
        ]),
      ]),
    );
    expect(ids(plan)).toContain('db.row-misestimate');
  });

  it('MariaDB: a statement LIMIT cuts the tables read in index order', () => {
    const plan = parseMariaDbPlan(
      {
        query_block: {
          select_id: 1,
          r_loops: 1,
          r_total_time_ms: 5,
          table: {
            table_name: 'orders',
            access_type: 'index',
            key: 'orders_total_idx',
            r_loops: 1,
            rows: 60000,
            r_rows: 20,
            filtered: 100,
            r_filtered: 100,
            r_table_time_ms: 4,
          },
        },
      },
      'SELECT id FROM orders ORDER BY total DESC LIMIT 20',
    );
    expect(nodesCutByLimit(plan).has(1)).toBe(true);
    expect(ids(plan)).not.toContain('db.row-misestimate');
  });
});
