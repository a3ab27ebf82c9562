/** db explain on PGlite (the embedded default database): planted problems flagged, writes rolled back. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbSession, explainQuery, openDb, parseDbTarget } from '../../src/db/index.js';

let dir: string;
let session: DbSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-pglite-'));
  const db = new PGlite(dir);
  await db.exec(`
    CREATE TABLE items (id serial PRIMARY KEY, owner int NOT NULL, label text NOT NULL);
    INSERT INTO items (owner, label) SELECT i % 2000, 'label ' || i FROM generate_series(1, 60000) AS i;
    ANALYZE items;
    CREATE TABLE audit (msg text);
    CREATE FUNCTION log_it() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES ('x'); RETURN 1; END $$;
  `);
  await db.close();
  session = await openDb(parseDbTarget(`pglite:${dir}`));
}, 180_000);

afterAll(async () => {
  await session?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('db explain on PGlite', () => {
  it('flags a missing index on a selective filter', async () => {
    const report = await explainQuery('SELECT id FROM items WHERE owner = $1', {
      session,
      params: [77],
    });
    expect(report.target).toBe(`pglite:${dir}`);
    const finding = report.findings.find((f) => f.id === 'db.missing-index');
    expect(finding, JSON.stringify(report.findings.map((f) => f.id))).toBeDefined();
    expect(finding?.recommendation.sql).toBe(
      'CREATE INDEX CONCURRENTLY items_owner_idx ON items (owner);',
    );
  });

  it('raises nothing for a healthy primary-key lookup', async () => {
    const report = await explainQuery('SELECT * FROM items WHERE id = $1', {
      session,
      params: [5],
    });
    expect(report.findings).toEqual([]);
  });

  it('runs a DELETE inside a rolled-back transaction: the table is unchanged', async () => {
    const report = await explainQuery('DELETE FROM items WHERE owner < 1000', { session });
    expect(report.isWrite).toBe(true);
    const count = await session.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    expect(count.rows[0]?.n).toBe(60000);
  });

  it('refuses text that hides a second statement (the server parses it: extended protocol)', async () => {
    for (const sql of [
      "SELECT 'a\\'; COMMIT; DROP TABLE items; --'",
      'SELECT 1 # 2; COMMIT; DROP TABLE items',
      'SELECT 1; DROP TABLE items',
    ]) {
      await expect(explainQuery(sql, { session }), sql).rejects.toMatchObject({
        code: 'DB_MULTI_STATEMENT',
        exitCode: 2,
      });
    }
    const count = await session.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    expect(count.rows[0]?.n).toBe(60000);
  });

  it('shows the plan without running a volatile function it cannot vouch for', async () => {
    const report = await explainQuery('SELECT log_it()', { session });
    expect(report.executed).toBe(false);
    expect(report.safety?.refused.join('\n')).toMatch(/public\.log_it\(\) is VOLATILE/);
    const audit = await session.query<{ n: number }>('SELECT count(*)::int AS n FROM audit');
    expect(audit.rows[0]?.n).toBe(0);
  });

  it('warns that an INSERT into a serial table advances its sequence', async () => {
    const report = await explainQuery("INSERT INTO items (owner, label) VALUES (1, 'x')", {
      session,
    });
    expect(report.safety?.mode).toBe('rolled-back');
    expect(report.safety?.caveats.join('\n')).toMatch(/may advance sequence items_id_seq/);
  });
});
