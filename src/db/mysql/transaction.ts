/**
 * The only way Redline runs anything of the user's on MySQL/MariaDB: one statement per call (no
 * multi-statements, parameters bound server-side), inside START TRANSACTION [READ ONLY] ...
 * ROLLBACK, with a check before the ROLLBACK that the transaction is still open.
 */
import type { DbSession } from '../connection.js';
import { transactionEscapedError } from '../safety.js';

/**
 * Runs `run` inside a transaction that is always rolled back. `readOnly` makes the server refuse
 * any write to a table — also through stored functions and triggers, and also for MyISAM/Aria —
 * before the statement starts. On MariaDB, throws `DB_TRANSACTION_ESCAPED` when @@in_transaction
 * shows the transaction was closed (an implicit commit) before Redline's ROLLBACK.
 */
export async function inRolledBackMysqlTransaction<T>(
  session: DbSession,
  readOnly: boolean,
  run: () => Promise<T>,
): Promise<T> {
  await session.query(readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
  try {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      await assertInTransaction(session).catch((escaped: unknown) => {
        if ((escaped as { code?: unknown })?.code === 'DB_TRANSACTION_ESCAPED') throw escaped;
      });
      throw error;
    }
    await assertInTransaction(session);
    return result;
  } finally {
    await session.query('ROLLBACK').catch(() => {});
  }
}

async function assertInTransaction(session: DbSession): Promise<void> {
  // MySQL has no @@in_transaction (MariaDB only); there the one-statement protocol is the guard.
  if (session.flavor !== 'mariadb') return;
  const row = await session.query<{ t: number | string }>('SELECT @@in_transaction AS t');
  if (Number(row.rows[0]?.t) !== 1) throw transactionEscapedError('@@in_transaction is 0');
}
