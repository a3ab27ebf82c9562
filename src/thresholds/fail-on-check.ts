/**
 * `--fail-on-check` (k6#4065, beyond k6): the verdict of a run's checks. With `--fail-on-check`,
 * any failed check marks the run failed (110); the exit code itself is decided in one place,
 * `exitCodeFor` in errors/exit-codes.ts.
 */
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
