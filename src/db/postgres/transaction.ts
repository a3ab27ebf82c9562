/**
 * The only way Redline runs anything of the user's on PostgreSQL/PGlite: one statement per
 * protocol message (see DbSession), inside BEGIN [READ ONLY] ... ROLLBACK, with a check before the
 * ROLLBACK that the transaction Redline opened is still the one in progress.
 */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { DbSession } from '../connection.js';
import { transactionEscapedError } from '../safety.js';

/** Options of {@link inRolledBackTransaction}. */
export interface PgTransactionOptions {
  /** BEGIN READ ONLY: the server refuses any write, DDL, nextval/setval, even inside functions. */
  readOnly: boolean;
  /** statement_timeout for the transaction (ms). */
  timeoutMs: number;
  /** Settings applied with set_config(name, value, true): local to this transaction. */
  settings?: Readonly<Record<string, string>>;
}

interface TransactionMark {
  pid: number;
  started: string;
  xid: string | null;
}

const MARK_SQL = `SELECT pg_backend_pid() AS pid,
  floor(extract(epoch FROM now()) * 1000000)::bigint::text AS started,
  txid_current_if_assigned()::text AS xid`;

const SETTING_NAME = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$/i;

async function readMark(session: DbSession): Promise<TransactionMark> {
  const row = (await session.query<TransactionMark>(MARK_SQL)).rows[0];
  if (!row) throw transactionEscapedError('the transaction marker returned no row');
  return { pid: Number(row.pid), started: String(row.started), xid: row.xid ?? null };
}

/**
 * Runs `run` inside a transaction that is always rolled back. Before the ROLLBACK it checks that
 * the same backend is still inside the same transaction (same transaction start time, same or
 * newly assigned transaction id); if not, it throws `DB_TRANSACTION_ESCAPED` instead of
 * pretending nothing happened.
 */
export async function inRolledBackTransaction<T>(
  session: DbSession,
  options: PgTransactionOptions,
  run: () => Promise<T>,
): Promise<T> {
  await session.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
  let result: T;
  try {
    const start = await readMark(session);
    await session.query(
      `SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.timeoutMs))}`,
    );
    for (const [name, value] of Object.entries(options.settings ?? {})) {
      if (!SETTING_NAME.test(name)) {
        throw new RedlineError('DB_SETTING', `not a setting name: ${JSON.stringify(name)}`, {
          exitCode: ExitCode.Usage,
        });
      }
      await session.query('SELECT set_config($1, $2, true)', [name, value]);
    }
    if (options.readOnly) {
      const ro = await session.query<{ v: string }>(
        "SELECT current_setting('transaction_read_only') AS v",
      );
      if (ro.rows[0]?.v !== 'on') throw transactionEscapedError('the transaction is not read-only');
    }
    try {
      result = await run();
    } catch (error) {
      await assertStillInside(session, start, true);
      throw error;
    }
    await assertStillInside(session, start, false);
  } finally {
    await session.query('ROLLBACK').catch(() => {});
  }
  return result;
}

async function assertStillInside(
  session: DbSession,
  start: TransactionMark,
  afterError: boolean,
): Promise<void> {
  let now: TransactionMark;
  try {
    now = await readMark(session);
  } catch (error) {
    // After a failed statement the transaction is aborted: the server refusing further commands
    // "until end of transaction block" proves the block is still open.
    if (afterError && (error as { code?: unknown })?.code === '25P02') return;
    if (afterError) return; // the original error says more than this one (e.g. a lost connection)
    throw error;
  }
  const sameXid = start.xid === null || start.xid === now.xid;
  if (now.pid !== start.pid || now.started !== start.started || !sameXid) {
    throw transactionEscapedError(
      `backend ${start.pid}→${now.pid}, transaction start ${start.started}→${now.started}`,
    );
  }
}
