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
});
