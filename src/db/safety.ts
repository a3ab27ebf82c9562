/**
 * What `db explain` guarantees about an explained statement: how it ran (a read-only transaction,
 * a read-write transaction that was rolled back, or not at all), why EXPLAIN ANALYZE was refused,
 * and which effects a rollback does not undo (sequences, AUTO_INCREMENT).
 */
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/**
 * How the statement was handled:
 * - `read-only`: executed (EXPLAIN ANALYZE) in a READ ONLY transaction, then rolled back;
 * - `rolled-back`: executed in a read-write transaction that was rolled back (writes, row locks,
 *   sequence calls);
 * - `plan-only`: not executed (plain EXPLAIN: estimates only).
 */
export type ExplainMode = 'read-only' | 'rolled-back' | 'plan-only';

/** The safety record attached to every explained statement. */
export interface ExplainSafety {
  mode: ExplainMode;
  /** Why EXPLAIN ANALYZE was not run although it was asked for (empty otherwise). */
  refused: string[];
  /** Effects the statement may have had that a rollback does not undo. */
  caveats: string[];
}

/** What a safety check concluded before anything of the user's ran. */
export interface StatementAssessment {
  /** The statement writes (or locks rows, or calls a sequence): it cannot run READ ONLY. */
  writes: boolean;
  /** Reasons not to run EXPLAIN ANALYZE; empty = it may run. */
  refused: string[];
  /** Effects a rollback will not undo, to print whenever the statement runs. */
  caveats: string[];
}

/** The note printed under a plan when ANALYZE was refused. */
export const ANALYZE_REFUSED_NOTE =
  'EXPLAIN ANALYZE was not run: showing the plan without running the statement (estimates only)';

/** The refusal reason when the caller did not allow writes to run (`analyzeWrites: false`). */
export const WRITES_NOT_ALLOWED =
  'the statement writes, and running writes was not allowed here (analyzeWrites: false)';

/** Caveat text for sequences (the wording follows PostgreSQL's documentation of nextval). */
export function sequenceCaveat(sequences: readonly string[]): string {
  const which = sequences.length > 0 ? ` ${sequences.join(', ')}` : '';
  return `may advance sequence${sequences.length === 1 ? '' : 's'}${which}: sequence values are never rolled back, so the next value stays consumed although the transaction was rolled back`;
}

/** Caveat text for AUTO_INCREMENT counters (InnoDB does not give consumed values back). */
export function autoIncrementCaveat(tables: readonly string[]): string {
  return `may advance the AUTO_INCREMENT counter of ${tables.join(', ')}: InnoDB does not give consumed values back on rollback`;
}

/** Thrown when the transaction is found closed before Redline's ROLLBACK: data may have been committed. */
export function transactionEscapedError(detail: string): RedlineError {
  return new RedlineError(
    'DB_TRANSACTION_ESCAPED',
    `the explain transaction was no longer open before ROLLBACK (${detail}): changes may have been committed`,
    {
      exitCode: ExitCode.Internal,
      hint: 'this should be impossible (one statement per protocol message); please report it with the statement',
    },
  );
}

/** Thrown when a statement cannot even be planned without possibly running code with lasting effects. */
export function unsafeStatementError(reasons: readonly string[]): RedlineError {
  return new RedlineError(
    'DB_UNSAFE_STATEMENT',
    'refusing to explain this statement: even planning it may run code whose effects a rollback does not undo',
    {
      exitCode: ExitCode.Usage,
      hint: 'explain the statements inside the function instead, or run it against a copy of the database',
      problems: [...reasons],
    },
  );
}
