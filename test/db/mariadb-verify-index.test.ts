/**
 * --verify-index on the machine's MariaDB: the index is measured on a temporary copy of the table
 * (the base table's rows, checksum and indexes stay exactly as they were), reads only, with the
 * server's limits and privileges deciding what may run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SILENT_PROGRESS } from '../../src/audit/progress.js';
import { runDbStep } from '../../src/audit/steps/db-step.js';
import {
  buildSuggestion,
  explainQuery,
  type IndexSuggestion,
  openDb,
  type PlanFindingData,
  parseDbTarget,
  verifyIndex,
} from '../../src/db/index.js';
import { listPlanNodes } from '../../src/db/plan/plan-node.js';
import { createMysqlDatabase, MYSQL_BASE, mysqlExec, scratchName } from './pg-scratch.js';
import { ROOT } from './probe-harness.js';

let db: { url: string; name: string; drop: () => Promise<void> };
const ROWS = 60_000;

/** `Order` (a reserved word, mixed case) with a `User` column, a generated column and no index on `User`. */
const SCHEMA = [
  `CREATE TABLE \`Order\` (id INT PRIMARY KEY, \`User\` INT NOT NULL, flag INT NOT NULL,
     note VARCHAR(40) NOT NULL, doubled INT AS (\`User\` * 2) VIRTUAL) ENGINE=InnoDB`,
  `INSERT INTO \`Order\` (id, \`User\`, flag, note) SELECT seq, seq % 2000, 1, REPEAT('x', 30) FROM seq_1_to_${ROWS}`,
  'ANALYZE TABLE `Order`',
];

/** What must never change: the table's checksum, row count and index list. */
async function baseState(): Promise<string> {
  const [checksum, indexes, count] = (await mysqlExec(db.url, [
    'CHECKSUM TABLE `Order`',
    'SHOW INDEX FROM `Order`',
    'SELECT COUNT(*) AS n FROM `Order`',
  ])) as Array<Array<Record<string, unknown>>>;
  const keys = (indexes ?? []).map((r) => `${r['Key_name']}:${r['Column_name']}`);
  return JSON.stringify({ checksum: checksum?.[0]?.['Checksum'], keys, n: count?.[0]?.['n'] });
}

async function suggestedIndex(sql: string, params: unknown[]): Promise<IndexSuggestion> {
  const report = await explainQuery(sql, { db: db.url, params });
  const index = report.findings
    .map((f) => (f.data as PlanFindingData | undefined)?.index)
    .find((i) => i !== undefined);
  if (!index) throw new Error(`no index suggested: ${report.findings.map((f) => f.id).join()}`);
  return index;
}

let original = '';
/** `redline db explain <args> --db <scratch> --verify-index` through the built CLI. */
const explainCli = (args: string[]) =>
  spawnSync(
    process.execPath,
    [join(ROOT, 'bin/redline.js'), 'db', 'explain', ...args, '--db', db.url, '--verify-index'],
    { encoding: 'utf8', timeout: 60_000 },
  );
/** The index a `User` filter gets, built as the plan rules build it. */
const userIndex = () => buildSuggestion('mariadb', 'Order', undefined, ['User']);

beforeAll(async () => {
  db = await createMysqlDatabase('rl_vi');
  await mysqlExec(db.url, SCHEMA);
  original = await baseState();
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe('--verify-index on MariaDB (temporary copy)', () => {
  it('measures a missing index on a reserved, mixed-case table and column: used, faster, base table untouched', async () => {
    const sql = 'SELECT id, note FROM `Order` o WHERE o.`User` = ?';
    const index = await suggestedIndex(sql, [42]);
    expect(index.createSql).toBe('CREATE INDEX `Order_User_idx` ON `Order` (`User`);');
    const v = await verifyIndex(sql, index, { db: db.url, params: [42] });
    expect(v.method).toBe('temporary-copy');
    expect(v.used).toBe(true);
    // Deterministic part: without the index every row is read, with it only the 30 matches.
    const scan = (plan: typeof v.before) =>
      listPlanNodes(plan.root).find((n) => n.relation === 'o');
    expect(scan(v.before)?.indexName).toBeUndefined();
    expect(scan(v.before)?.rowsRemovedByFilter).toBe(ROWS - ROWS / 2000);
    expect(scan(v.after)?.indexName).toBe('Order_User_idx');
    expect(scan(v.after)?.actualRows).toBe(ROWS / 2000);
    // Best of 3 runs each: a 60,000-row scan against a 30-row index lookup.
    expect(v.beforeMs).toBeGreaterThan(v.afterMs);
    expect(await baseState()).toBe(original);
  });

  it('quotes a schema-qualified statement and leaves the session on the base table', async () => {
    const sql = `SELECT COUNT(*) FROM \`${db.name}\`.\`Order\` WHERE \`User\` = ?`;
    const index = await suggestedIndex(sql, [7]);
    expect(index.schema).toBe(db.name);
    const session = await openDb(parseDbTarget(db.url));
    try {
      const v = await verifyIndex(sql, index, { session, params: [7], runs: 1 });
      expect(v.used).toBe(true);
      expect(v.runs).toBe(1);
      // The copy is gone: the same session sees the base table and its indexes again.
      const shown = await session.query<Record<string, unknown>>('SHOW CREATE TABLE `Order`');
      expect(String(shown.rows[0]?.['Create Table'])).toMatch(/^CREATE TABLE `Order`/);
      expect(String(shown.rows[0]?.['Create Table'])).not.toContain('Order_User_idx');
    } finally {
      await session.close();
    }
    expect(await baseState()).toBe(original);
  });

  it('measures a statement that reads the table twice (MariaDB reopens a temporary table)', async () => {
    const sql =
      'SELECT a.id FROM `Order` a JOIN `Order` b ON b.id = a.id + 1 WHERE a.`User` = ? AND b.flag = 1';
    const v = await verifyIndex(sql, userIndex(), { db: db.url, params: [21], runs: 1 });
    expect(v.used).toBe(true);
    expect(await baseState()).toBe(original);
  });

  it('reports an index the planner does not use (every row matches) as no gain', async () => {
    const sql = 'SELECT note FROM `Order` WHERE flag = 1';
    const useless = buildSuggestion('mariadb', 'Order', undefined, ['flag']);
    const v = await verifyIndex(sql, useless, { db: db.url });
    expect(v.used).toBe(false);
    expect(await baseState()).toBe(original);
  });

  it('refuses a write: the server refuses it in a READ ONLY transaction before any copy exists', async () => {
    await expect(
      verifyIndex('UPDATE `Order` SET note = ? WHERE `User` = ?', userIndex(), {
        db: db.url,
        params: ['changed', 5],
      }),
    ).rejects.toMatchObject({ code: 'DB_VERIFY_REFUSED', message: /writes/ });
    expect(await baseState()).toBe(original);
  });

  it('refuses a table larger than the copy limit (information_schema.TABLES)', async () => {
    const tooLarge = verifyIndex('SELECT id FROM `Order` WHERE `User` = 3', userIndex(), {
      db: db.url,
      maxCopyRows: 1000,
    });
    await expect(tooLarge).rejects.toMatchObject({
      code: 'DB_VERIFY_REFUSED',
      message: /too large to copy/,
    });
  });

  describe('privileges', () => {
    const user = scratchName('rl_vi_u');
    const base = new URL(MYSQL_BASE);
    const urlOf = () => {
      const u = new URL(db.url);
      u.username = user;
      return u.toString();
    };
    const admin = async (statements: string[]) => {
      const c = await mysql.createConnection({ uri: base.toString() });
      try {
        for (const s of statements) await c.query(s);
      } finally {
        await c.end();
      }
    };

    beforeAll(async () => {
      await admin([
        `CREATE USER '${user}'@'%'`,
        `GRANT SELECT ON \`${db.name}\`.* TO '${user}'@'%'`,
      ]);
    });
    afterAll(async () => {
      await admin([`DROP USER IF EXISTS '${user}'@'%'`]);
    });

    it('refuses without CREATE TEMPORARY TABLES, and works with it alone (no ALTER, no INDEX privilege)', async () => {
      const sql = 'SELECT id FROM `Order` WHERE `User` = ?';
      const index = userIndex();
      await expect(
        verifyIndex(sql, index, { db: urlOf(), params: [9], runs: 1 }),
      ).rejects.toMatchObject({
        code: 'DB_VERIFY_REFUSED',
        message: /may not create temporary tables/,
      });
      await admin([`GRANT CREATE TEMPORARY TABLES ON \`${db.name}\`.* TO '${user}'@'%'`]);
      const v = await verifyIndex(sql, index, { db: urlOf(), params: [9], runs: 1 });
      expect(v.used).toBe(true);
      expect(await baseState()).toBe(original);
    });
  });

  it('the audit’s DB step measures the advised index on a copy and reports the measured gain', async () => {
    const step = await runDbStep({
      url: db.url,
      queries: [
        {
          name: 'orders of a user',
          sql: 'SELECT id, note FROM `Order` WHERE `User` = ?',
          params: [77],
        },
      ],
      verifyIndex: true,
      analyzeWrites: false,
      statements: false,
      progress: SILENT_PROGRESS,
    });
    const missing = step.findings.find((f) => f.id === 'db.missing-index');
    expect(missing?.recommendation.text).toMatch(
      /measured with the real statement: [\d.]+ ms → [\d.]+ ms/,
    );
    expect(missing?.recommendation.sql).toBe('CREATE INDEX `Order_User_idx` ON `Order` (`User`);');
    expect(missing?.evidence.find((e) => e.label === 'verify-index Order_User_idx')?.source).toBe(
      'ANALYZE on a temporary copy of the table (best of 3 runs), dropped',
    );
    expect(step.gains.map((g) => [g.findingId, g.source])).toEqual([
      ['db.missing-index', 'verify-index'],
    ]);
    expect(await baseState()).toBe(original);
  }, 60_000);

  it('through the CLI: prints the measured index, on a temporary copy', () => {
    const out = explainCli(['SELECT id FROM `Order` WHERE `User` = ?', '-p', '11']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stderr).toContain('temporary table of this session');
    expect(out.stdout).toMatch(
      /verify-index Order_User_idx: [\d.]+ ms → [\d.]+ ms \(.*index used\); best of 3 runs each, on a temporary copy of the table, dropped/,
    );
  }, 60_000);

  it('through the CLI: a write gets a note, not a measurement', async () => {
    const out = explainCli(['DELETE FROM `Order` WHERE `User` = 13']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/verify-index: not run: the statement writes/);
    expect(await baseState()).toBe(original);
  }, 60_000);
});
