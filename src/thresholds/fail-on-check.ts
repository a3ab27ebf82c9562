/**
 * `--fail-on-check` (k6#4065, beyond k6) and the exit-code rule of thresholds: a failed threshold
 * exits 99 (as k6); otherwise, with `--fail-on-check`, any failed check marks the run failed (110).
 */
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';
import type { Aggregate } from '../metrics/aggregate.js';
import { formatPercent } from '../util/units.js';

/** The `checks` rate of a run and whether `--fail-on-check` fails it. */
export interface CheckVerdict {
  /** False when at least one check failed. */
  ok: boolean;
  passes: number;
  fails: number;
  /** passes / (passes + fails); 1 when no check ran. */
  rate: number;
  /** One line for the terminal. */
  message: string;
}

/** Reads the `checks` rate from `totals` (no checks at all counts as ok). */
export function evaluateChecks(totals: Aggregate): CheckVerdict {
  const summary = totals.summarize('checks');
  const total = summary?.count ?? 0;
  const passes = summary?.sum ?? 0;
  const fails = total - passes;
  const rate = total > 0 ? passes / total : 1;
  const ok = fails === 0;
  const message = ok
    ? total > 0
      ? `all ${total} checks passed`
      : 'no checks ran'
    : `${fails} of ${total} checks failed (checks rate ${formatPercent(rate)}); --fail-on-check marks the run failed`;
  return { ok, passes, fails, rate, message };
}

/**
 * The exit code the thresholds and checks call for: 99 when a threshold failed, else 110 when
 * `failOnCheck` is set and a check failed, else 0. Other causes (interrupt, script errors) are the
 * caller's to combine.
 */
export function thresholdExitCode(
  thresholdsFailed: boolean,
  checks: CheckVerdict | undefined,
  failOnCheck: boolean,
): ExitCodeValue {
  if (thresholdsFailed) return ExitCode.ThresholdsFailed;
  if (failOnCheck && checks && !checks.ok) return ExitCode.MarkedFailed;
  return ExitCode.Ok;
}
