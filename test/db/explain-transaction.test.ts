/**
 * The transaction every explained statement runs in, on the real servers: one statement per
 * protocol message, always rolled back, and a transaction that was closed behind Redline's back
 * (a COMMIT, or a COMMIT followed by a new BEGIN) is reported instead of passing silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbSession, openDb, parseDbTarget } from '../../src/db/index.js';
import { inRolledBackMysqlTransaction } from '../../src/db/mysql/transaction.js';
import { inRolledBackTransaction } from '../../src/db/postgres/transaction.js';
import { createMysqlDatabase, createPgDatabase, mysqlExec, pgExec } from './pg-scratch.js';

let pgDb: { url: string; drop: () => Promise<void> };
let myDb: { url: string; drop: () => Promise<void> };
let pgSession: DbSession;
let mySession: DbSession;

beforeAll(async () => {
  pgDb = await createPgDatabase('rl_dbsafety_tx');
  myDb = await createMysqlDatabase('rl_dbsafety_tx');
  await pgExec(pgDb.url, ['CREATE TABLE t (n int)']);
  await mysqlExec(myDb.url, ['CREATE TABLE t (n INT) ENGINE=InnoDB']);
  pgSession = await openDb(parseDbTarget(pgDb.url));
  mySession = await openDb(parseDbTarget(myDb.url));
}, 60_000);

afterAll(async () => {
  await pgSession?.close();
  await mySession?.close();
  await pgDb?.drop();
  await myDb?.drop();
});

const count = async (session: DbSession) =>
  Number((await session.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM t')).rows[0]?.n);

describe('one statement per protocol message', () => {
  it('PostgreSQL refuses two statements in one call, also without parameters', async () => {
    await expect(pgSession.query('SELECT 1; DELETE FROM t')).rejects.toThrow(
      /cannot insert multiple commands into a prepared statement/,
    );
  });

  it('MariaDB refuses two statements in one call', async () => {
    await expect(mySession.query('SELECT 1; DELETE FROM t')).rejects.toMatchObject({ errno: 1064 });
  });
});

describe('the explain transaction', () => {
  it('PostgreSQL: writes are rolled back; READ ONLY refuses them', async () => {
    await inRolledBackTransaction(pgSession, { readOnly: false, timeoutMs: 5000 }, async () => {
      await pgSession.query('INSERT INTO t VALUES (1)');
    });
    expect(await count(pgSession)).toBe(0);
    await expect(
      inRolledBackTransaction(pgSession, { readOnly: true, timeoutMs: 5000 }, () =>
        pgSession.query('INSERT INTO t VALUES (1)'),
      ),
    ).rejects.toMatchObject({ code: '25006' });
    expect(await count(pgSession)).toBe(0);
  });

  it('PostgreSQL: a COMMIT inside is detected (alone, or followed by a new BEGIN)', async () => {
    for (const steps of [['COMMIT'], ['COMMIT', 'BEGIN']]) {
      await expect(
        inRolledBackTransaction(pgSession, { readOnly: false, timeoutMs: 5000 }, async () => {
          await pgSession.query('INSERT INTO t VALUES (1)');
          for (const statement of steps) await pgSession.query(statement);
        }),
        steps.join(' + '),
      ).rejects.toMatchObject({ code: 'DB_TRANSACTION_ESCAPED', exitCode: 1 });
    }
    await pgSession.query('DELETE FROM t');
  });

  it('MariaDB: writes are rolled back; READ ONLY refuses them; a COMMIT inside is detected', async () => {
    await inRolledBackMysqlTransaction(mySession, false, async () => {
      await mySession.query('INSERT INTO t VALUES (1)');
    });
    expect(await count(mySession)).toBe(0);
    await expect(
      inRolledBackMysqlTransaction(mySession, true, () =>
        mySession.query('INSERT INTO t VALUES (1)'),
      ),
    ).rejects.toMatchObject({ errno: 1792 });
    await expect(
      inRolledBackMysqlTransaction(mySession, false, async () => {
        await mySession.query('INSERT INTO t VALUES (1)');
        await mySession.query('COMMIT');
      }),
    ).rejects.toMatchObject({ code: 'DB_TRANSACTION_ESCAPED' });
    await mySession.query('DELETE FROM t');
  });
});
