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
  /**
   * The compiled CLI (dist/) is missing: `npm run build` was not run. bin/redline.js writes this
   * number itself (it cannot load this table without dist/); a test keeps the two equal.
   */
  NotBuilt: 70,
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
  /**
   * A distributed run lost an agent (it died, went silent or was interrupted): the merged result
   * is partial and says which execution segment is missing (docs/distributed.md).
   */
  AgentLost: 113,
  /**
   * A second Ctrl-C (SIGINT) quit at once: what was measured so far was written, but outputs were
   * not flushed and teardown()/handleSummary() did not run (128 + SIGINT, the shell convention).
   */
  ForcedInterrupt: 130,
  /** As {@link ExitCode.ForcedInterrupt}, after a second SIGTERM (128 + SIGTERM). */
  ForcedTerminate: 143,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means, in a few words (for tools that report a child's exit, e.g. MCP). */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCodeValue, string>> = {
  0: 'ok',
  1: 'internal error (a Redline bug)',
  2: 'bad arguments',
  65: 'unreadable input',
  66: 'input file missing',
  69: 'target unreachable',
  70: 'Redline is not built (run npm run build)',
  72: 'a required service is unavailable',
  73: 'cannot write an output',
  99: 'thresholds failed',
  100: 'setup() timed out',
  101: 'teardown() timed out',
  104: 'invalid options',
  105: 'interrupted (partial results written)',
  107: 'script error',
  108: 'aborted by the script or a threshold',
  110: 'marked failed (checks failed with failOnCheck, or exec.test.fail())',
  112: 'significant regression',
  113: 'a distributed run lost an agent (partial result)',
  130: 'stopped at once (second interrupt; what was measured was written)',
  143: 'stopped at once (second SIGTERM; what was measured was written)',
};

/**
 * What decides the exit code of a run (a scripted or quick load test, a profile capture, an
 * audit): how it ended and its verdicts. Structural, so any run fills it without this base
 * module knowing the run's types.
 */
export interface RunOutcome {
  /** How the run ended (`EndReason`): `interrupted` and `aborted-by-script` decide alone. */
  reason?: string;
  /** At least one threshold failed. */
  thresholdsFailed?: boolean;
  /** At least one check failed and the run was asked to fail on it (`--fail-on-check`). */
  failedChecks?: boolean;
  /** The script marked the run failed (`exec.test.fail()`). */
  markedFailed?: boolean;
  /** HTTP requests were sent and not one got a response: never a green run. */
  targetNeverAnswered?: boolean;
}

/**
 * The one exit-code decision of a run, first match wins: interrupted (105), aborted by the
 * script (108), a failed threshold (99, as k6), failed checks with `--fail-on-check` or a run
 * marked failed (110), no response at all (69), else 0.
 */
export function exitCodeFor(outcome: RunOutcome): ExitCodeValue {
  if (outcome.reason === 'interrupted') return ExitCode.Interrupted;
  if (outcome.reason === 'aborted-by-script') return ExitCode.ScriptAborted;
  if (outcome.thresholdsFailed) return ExitCode.ThresholdsFailed;
  if (outcome.failedChecks || outcome.markedFailed) return ExitCode.MarkedFailed;
  if (outcome.targetNeverAnswered) return ExitCode.TargetUnreachable;
  return ExitCode.Ok;
}
