/** db explain on the real PostgreSQL: each planted problem is flagged by the right rule. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainQuery, verifyIndex } from '../../src/db/index.js';
import type { PlanFindingData } from '../../src/db/rules/plan-rule.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';

let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_explain');
  await pgExec(db.url, [
    `CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL,
       total numeric(10,2) NOT NULL, note text) WITH (autovacuum_enabled = false)`,
    `INSERT INTO orders (customer_id, status, total, note)
       SELECT i % 5000, CASE WHEN i % 10 = 0 THEN 'open' ELSE 'paid' END, (i * 7919 % 100000) / 100.0, repeat('x', 40)
       FROM generate_series(1, 200000) AS i`,
    'ANALYZE orders',
    // Stale statistics: analysed while it held 100 'a' rows, then 50 000 'b' rows arrived.
    `CREATE TABLE events (id serial PRIMARY KEY, kind text NOT NULL, order_ref int NOT NULL) WITH (autovacuum_enabled = false)`,
    `INSERT INTO events (kind, order_ref) SELECT 'a', i FROM generate_series(1, 100) AS i`,
    'ANALYZE events',
    `INSERT INTO events (kind, order_ref) SELECT 'b', (i * 37) % 200000 + 1 FROM generate_series(1, 50000) AS i`,
  ]);
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

function ids(findings: { id: string }[]): string[] {
  return findings.map((f) => f.id);
}

describe('db explain on PostgreSQL', () => {
  it('flags a missing index on a selective filter with a CREATE INDEX statement', async () => {
    const report = await explainQuery('SELECT id, total FROM orders WHERE customer_id = $1', {
      db: db.url,
      params: ['42'],
    });
    const finding = report.findings.find((f) => f.id === 'db.missing-index');
    expect(finding, JSON.stringify(ids(report.findings))).toBeDefined();
    expect(finding?.recommendation.sql).toBe(
      'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
    );
    expect(report.findings[0]?.id).toBe('db.missing-index');
    expect(report.plan.root.selfMs).toBeGreaterThan(0);
  });

  it('--verify-index measures the suggested index and leaves no index behind', async () => {
    const sql = 'SELECT id, total FROM orders WHERE customer_id = $1';
    const report = await explainQuery(sql, { db: db.url, params: ['42'] });
    const index = (report.findings[0]?.data as PlanFindingData | undefined)?.index;
    expect(index).toBeDefined();
    const result = await verifyIndex(sql, index!, { db: db.url, params: ['42'] });
    expect(result.used).toBe(true);
    expect(result.speedup).toBeGreaterThan(1);
    const [rows] = await pgExec(db.url, [
      "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'orders'",
    ]);
    expect(rows?.[0]?.['n']).toBe(1);
  });

  it('flags a row misestimate from stale statistics', async () => {
    const report = await explainQuery("SELECT count(*) FROM events WHERE kind = 'b'", {
      db: db.url,
    });
    const finding = report.findings.find((f) => f.id === 'db.row-misestimate');
    expect(finding, JSON.stringify(ids(report.findings))).toBeDefined();
    expect(finding?.recommendation.sql).toBe('ANALYZE events;');
  });

  it('flags a sort spilling to disk under a small work_mem', async () => {
    const report = await explainQuery(
      'SELECT id, total, note FROM orders ORDER BY total DESC, note',
      {
        db: db.url,
        settings: { work_mem: '64kB' },
      },
    );
    expect(ids(report.findings)).toContain('db.sort-spill');
  });

  it('flags a nested loop over many rows', async () => {
    const report = await explainQuery(
      "SELECT sum(o.total) FROM events e JOIN orders o ON o.id = e.order_ref WHERE e.kind = 'b'",
      { db: db.url },
    );
    expect(ids(report.findings)).toContain('db.nested-loop');
  });

  it('raises nothing for a healthy indexed lookup', async () => {
    const report = await explainQuery('SELECT * FROM orders WHERE id = $1', {
      db: db.url,
      params: ['1234'],
    });
    expect(report.findings).toEqual([]);
    expect(report.plan.root.nodeType).toBe('Index Scan');
  });

  it('runs a DELETE inside a rolled-back transaction: the table is unchanged', async () => {
    const [before] = await pgExec(db.url, ['SELECT count(*)::int AS n FROM orders']);
    const report = await explainQuery('DELETE FROM orders WHERE customer_id = 7', { db: db.url });
    expect(report.isWrite).toBe(true);
    expect(report.plan.root.nodeType).toBe('ModifyTable');
    const [after] = await pgExec(db.url, ['SELECT count(*)::int AS n FROM orders']);
    expect(after?.[0]?.['n']).toBe(before?.[0]?.['n']);
    expect(before?.[0]?.['n']).toBe(200000);
  });

  it('cancels a statement past the timeout with a clear error', async () => {
    await expect(
      explainQuery('SELECT pg_sleep(2)', { db: db.url, timeoutMs: 100 }),
    ).rejects.toMatchObject({ code: 'DB_TIMEOUT' });
  });

  it('never prints the password of an unreachable database', async () => {
    const error = await explainQuery('SELECT 1', { db: 'postgres://u:s3cret@127.0.0.1:1/x' }).catch(
      (e) => e,
    );
    expect(error.code).toBe('DB_UNREACHABLE');
    expect(error.exitCode).toBe(72);
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('***');
  });
});
