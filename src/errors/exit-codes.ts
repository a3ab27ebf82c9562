/** The process exit codes of every `redline` command: one documented table (see docs/exit-codes.md). */

/**
 * Exit codes. Where k6 has a code for the same situation we use k6's number, so CI jobs written
 * for k6 keep working; codes below 97 follow the BSD `sysexits` convention where one fits.
 */
export const ExitCode = {
  /** Everything ran and every threshold passed. */
  Ok: 0,
  /** An unexpected internal error (a bug in Redline): please report it with the printed stack. */
  Internal: 1,
  /** Bad command line: an unknown flag, a missing argument, a value that does not parse. */
  Usage: 2,
  /** An input file has a format Redline cannot read (e.g. an unknown profile format). */
  DataError: 65,
  /** An input file does not exist or cannot be read. */
  NoInput: 66,
  /**
   * The target could not be reached at all (every connection refused, DNS failure, ...), or it
   * answered none of the HTTP requests a run sent (hung, garbage, resets): never a green run.
   */
  TargetUnreachable: 69,
  /** A required external program or service is missing (e.g. the database, promtool). */
  Unavailable: 72,
  /** An output file could not be written. */
  CannotWrite: 73,
  /** At least one threshold failed (same as k6). */
  ThresholdsFailed: 99,
  /** `setup()` did not finish within `setupTimeout` (same as k6). */
  SetupTimeout: 100,
  /** `teardown()` did not finish within `teardownTimeout` (same as k6). */
  TeardownTimeout: 101,
  /** The options or plan are invalid; every problem was listed (same as k6). */
  InvalidConfig: 104,
  /** The run was interrupted (Ctrl-C / SIGTERM); partial results were written (same as k6). */
  Interrupted: 105,
  /** The script threw outside an iteration (init, setup, teardown, handleSummary) (same as k6). */
  ScriptException: 107,
  /** The script aborted the test (`exec.test.abort()` or a threshold with abortOnFail) (same as k6). */
  ScriptAborted: 108,
  /** The run was marked as failed: failed checks with `--fail-on-check`, `exec.test.fail()` (same as k6). */
  MarkedFailed: 110,
  /** `redline compare` found a significant regression. */
  Regression: 112,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
