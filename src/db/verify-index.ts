/**
 * --verify-index: build the suggested index inside a transaction, re-run the plan, roll back
 * (PostgreSQL, PGlite); on MySQL/MariaDB, on a temporary copy of the table.
 */
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import {
  type IndexSuggestion,
  type IndexVerification,
  indexVerification,
} from './advice/index-advice.js';
import { type DbSession, openDb, parseDbTarget } from './connection.js';
import { type MysqlVerifyOptions, verifyMysqlIndex } from './mysql/verify-index.js';
import { explainPostgres } from './postgres/explain.js';
import { eventTriggersOn } from './postgres/statement-safety.js';

/** Warning printed before --verify-index runs on PostgreSQL (CREATE INDEX holds a lock until rollback). */
export const VERIFY_INDEX_LOCK_WARNING =
  'CREATE INDEX inside the test transaction takes a SHARE lock on the table: writes to it wait until the rollback. Run it on a replica or a quiet moment.';

/** Note printed before --verify-index runs on MySQL/MariaDB (the table is read once to copy it). */
export const VERIFY_INDEX_COPY_NOTE =
  "the table is copied into a temporary table of this session (one read of every row, no locks on InnoDB tables, disk space in the server's temporary tablespace) and the index is built on the copy.";

/**
 * Verifies `index` for `sql`. PostgreSQL/PGlite: runs EXPLAIN ANALYZE without the index, then
 * in a new transaction creates the index, runs EXPLAIN ANALYZE again and rolls back (the index
 * never becomes visible to others). Both runs go through the explain safety check (the second
 * switches the transaction to READ ONLY after the CREATE INDEX for reads); a statement whose
 * ANALYZE is refused cannot be verified (`DB_VERIFY_REFUSED`). MySQL/MariaDB commit DDL
 * implicitly: there the index is built on a session-private temporary copy of the table, for
 * reads only (mysql/verify-index.ts).
 */
export async function verifyIndex(
  sql: string,
  index: IndexSuggestion,
  options: MysqlVerifyOptions & { db?: string; session?: DbSession },
): Promise<IndexVerification> {
  const session =
    options.session ?? (options.db ? await openDb(parseDbTarget(options.db)) : undefined);
  if (!session)
    throw new RedlineError('DB_URL_MISSING', 'no database given', { exitCode: ExitCode.Usage });
  try {
    if (session.kind === 'mysql') return await verifyMysqlIndex(session, sql, index, options);
    const blockers = await eventTriggersOn(session, 'CREATE INDEX');
    if (blockers.length > 0) {
      throw new RedlineError(
        'DB_VERIFY_REFUSED',
        `--verify-index would fire the event triggers on CREATE INDEX (${blockers.join(', ')})`,
        {
          exitCode: ExitCode.Usage,
          hint: 'event triggers run code Redline has not checked; measure the index on a copy of the database',
        },
      );
    }
    const first = await explainPostgres(session, sql, options);
    if (first.safety.mode === 'plan-only') {
      throw new RedlineError(
        'DB_VERIFY_REFUSED',
        `--verify-index needs EXPLAIN ANALYZE, which was not run: ${first.safety.refused.join('; ') || 'plan only'}`,
        {
          exitCode: ExitCode.Usage,
          hint: 'the index can only be measured for a statement Redline may run (and roll back)',
        },
      );
    }
    const second = await explainPostgres(
      session,
      sql,
      { ...options, before: [...(options.before ?? []), index.verifySql] },
      first.assessment,
    );
    return indexVerification(index, first.plan, second.plan, 'transaction', 1);
  } finally {
    if (!options.session) await session.close().catch(() => {});
  }
}
