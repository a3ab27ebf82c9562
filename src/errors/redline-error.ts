/** RedlineError: the one error type users see, with a stable code, a hint and an exit code. */
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** Where in a user's file a problem is (1-based line and column). */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

/** Options of a {@link RedlineError}. */
export interface RedlineErrorOptions {
  /** What the user can do about it, in one sentence. */
  hint?: string;
  /** The underlying error, kept for `--verbose` output. */
  cause?: unknown;
  /** The process exit code this error leads to (default: {@link ExitCode.Internal}). */
  exitCode?: ExitCodeValue;
  /** Where in a user's file (script, config, plan) the problem is. */
  position?: SourcePosition;
  /** Several problems found at once (config validation lists them all). */
  problems?: readonly string[];
}

/**
 * An error meant for the user: `code` is stable (documented in docs/exit-codes.md, safe to match
 * on in CI), `message` says what is wrong, `hint` how to fix it, `position` where.
 */
export class RedlineError extends Error {
  override readonly name = 'RedlineError';
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;
  readonly position: SourcePosition | undefined;
  readonly problems: readonly string[];

  constructor(code: string, message: string, options: RedlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Internal;
    this.position = options.position;
    this.problems = options.problems ?? [];
  }
}

/** True when `value` is a {@link RedlineError} (also across module copies). */
export function isRedlineError(value: unknown): value is RedlineError {
  return value instanceof RedlineError || (value instanceof Error && value.name === 'RedlineError');
}

/**
 * The error for a file or folder Redline cannot write (`E_OUTPUT_WRITE`, exit CannotWrite):
 * `cannot write <path>: <cause>` (or `cannot create` for a folder), with a hint.
 */
export function cannotWriteError(
  path: string,
  cause: unknown,
  options: { create?: boolean; hint?: string } = {},
): RedlineError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new RedlineError(
    'E_OUTPUT_WRITE',
    `cannot ${options.create ? 'create' : 'write'} ${path}: ${message}`,
    {
      hint: options.hint ?? 'check that the folder exists and is writable',
      exitCode: ExitCode.CannotWrite,
      cause,
    },
  );
}

/** Formats a position as `file:line:column` (omitting what is unknown). */
export function formatPosition(position: SourcePosition): string {
  let text = position.file;
  if (position.line !== undefined) text += `:${position.line}`;
  if (position.line !== undefined && position.column !== undefined) text += `:${position.column}`;
  return text;
}

/**
 * Renders an error for the terminal: `redline: <message>` then the position, every listed
 * problem, the hint and the code. Unknown errors are shown with their stack (they are bugs).
 */
export function formatErrorForTerminal(error: unknown): string {
  if (!isRedlineError(error)) {
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return `redline: internal error (please report it)\n${stack}\n`;
  }
  const lines = [`redline: ${error.message}`];
  if (error.position) lines.push(`  at ${formatPosition(error.position)}`);
  for (const problem of error.problems) lines.push(`  - ${problem}`);
  if (error.hint) lines.push(`hint: ${error.hint}`);
  lines.push(`(code ${error.code}, exit ${error.exitCode})`);
  return `${lines.join('\n')}\n`;
}
