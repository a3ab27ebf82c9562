/** MariaDB ANALYZE FORMAT=JSON (saved from this machine's MariaDB 10.11) and MySQL 8 tree plans. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listPlanNodes } from '../plan/plan-node.js';
import { runPlanRules } from '../rules/index.js';
import { parseMariaDbPlan, repairMariaDbEscapes } from './parse-mariadb.js';
import { parseMysqlTree } from './parse-mysql-tree.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('parseMariaDbPlan', () => {
  it('builds nodes from query_block, filesort, temporary table, join buffer and tables', () => {
    const plan = parseMariaDbPlan(
      fixture('mariadb-bnl-filesort.json'),
      'select x.b, count(*) from x join y on y.x_a = x.a where x.a < 50 group by x.b order by 2 desc limit 5',
    );
    expect(plan.engine).toBe('mariadb');
    expect(plan.analyzed).toBe(true);
    const types = listPlanNodes(plan.root).map((n) => n.nodeType);
    expect(types).toEqual([
      'query_block',
      'filesort',
      'temporary_table',
      'table',
      'block-nl-join',
      'table',
    ]);
    const tables = listPlanNodes(plan.root).filter((n) => n.nodeType === 'table');
    expect(tables.map((t) => t.relation)).toEqual(['y', 'x']);
    expect(tables[0]?.mysql?.accessType).toBe('ALL');
    // MariaDB's own per-table times are the exclusive times; inclusive ones add up to the query.
    const sum = listPlanNodes(plan.root).reduce((acc, n) => acc + (n.selfMs ?? 0), 0);
    expect(sum).toBeCloseTo(plan.root.totalMs ?? 0, 6);
    expect(plan.executionMs).toBe(plan.root.totalMs);
  });

  it('flags the join buffer with an index on the inner table’s join column', () => {
    const plan = parseMariaDbPlan(
      fixture('mariadb-bnl-filesort.json'),
      'select x.b, count(*) from x join y on y.x_a = x.a where x.a < 50 group by x.b order by 2 desc limit 5',
    );
    const finding = runPlanRules(plan).find((f) => f.id === 'db.join-buffer');
    expect(finding?.recommendation.sql).toBe('CREATE INDEX `x_a_idx` ON `x` (`a`);');
  });

  it('reads removed rows from r_rows and r_filtered', () => {
    const plan = parseMariaDbPlan(
      fixture('mariadb-full-scan.json'),
      'select id, b from x where a = 7',
    );
    const table = listPlanNodes(plan.root).find((n) => n.nodeType === 'table');
    expect(table?.filter).toBe('x.a = 7');
    expect(table?.rowsRemovedByFilter).toBeCloseTo(4950, 0);
    expect(table?.actualRows).toBeCloseTo(50, 0);
  });

  it('rejects other JSON', () => {
    expect(() => parseMariaDbPlan('{"Plan": {}}')).toThrow(/query_block/);
  });
});

describe('parseMysqlTree', () => {
  it('parses the iterator tree and lends a Filter to the scan below it', () => {
    const plan = parseMysqlTree(
      fixture('mysql8-tree.txt'),
      'SELECT * FROM orders o WHERE o.customer_id = 42 ORDER BY o.total DESC',
    );
    expect(plan.engine).toBe('mysql');
    const scan = listPlanNodes(plan.root).find((n) => n.nodeType === 'Table scan');
    expect(scan?.relation).toBe('o');
    expect(scan?.filter).toBe('(o.customer_id = 42)');
    expect(scan?.rowsRemovedByFilter).toBe(59980);
    expect(scan?.selfMs).toBeCloseTo(40.2, 6);
    const finding = runPlanRules(plan).find((f) => f.id === 'db.missing-index');
    expect(finding?.recommendation.sql).toBe(
      'CREATE INDEX `orders_customer_id_idx` ON `orders` (`customer_id`);',
    );
  });

  it('flags a nested loop whose inner side runs 2000 times', () => {
    const plan = parseMysqlTree(fixture('mysql8-nested-loop.txt'));
    const inner = listPlanNodes(plan.root).find((n) => n.indexName === 'idx_customer');
    expect(inner?.totalMs).toBeCloseTo(116, 0);
    expect(runPlanRules(plan).map((f) => f.id)).toContain('db.nested-loop');
  });

  it('rejects text without iterator lines', () => {
    expect(() => parseMysqlTree('id select_type table')).toThrow(/no "->/);
  });
});

describe('repairMariaDbEscapes', () => {
  it("reads a plan whose condition quotes a string with \\' (MariaDB prints it so)", () => {
    // Printed by MariaDB 10.11 for: SELECT * FROM i WHERE v = ? with the value 1' OR 1=1; -- \
    const text = String.raw`{"query_block": {"select_id": 1, "table": {"table_name": "i", "attached_condition": "i.v = '1\' OR 1=1; -- \\'"}}}`;
    expect(() => JSON.parse(text)).toThrow();
    const plan = parseMariaDbPlan(text);
    expect(plan.root.children[0]?.filter).toBe("i.v = '1' OR 1=1; -- \\'");
    expect(repairMariaDbEscapes(String.raw`"a\"b\\c\n"`)).toBe(String.raw`"a\"b\\c\n"`);
  });
});
