/** Checks summed over the steps of a run: one row per check instead of one per check and step. */
import type { LoadTestView } from './report-model.js';

/** One check over all steps. */
export interface CheckRow {
  /** `path::name` (group path when there is one). */
  check: string;
  passes: number;
  fails: number;
  /** Where it ran: "all 11 steps", or the step names when it ran in only some. */
  steps: string;
  /** Steps where it failed at least once (empty when it never failed). */
  failedIn: string[];
}

/**
 * Sums the per-step check counts by check. A report with 11 steps and 5 checks had 55 rows that
 * said the same thing; this keeps 5, and names the steps where a check failed.
 */
export function summarizeChecks(checks: LoadTestView['checks']): CheckRow[] {
  const allSteps = [...new Set(checks.map((c) => c.step))];
  const rows = new Map<string, CheckRow & { stepSet: Set<string> }>();
  for (const c of checks) {
    const key = c.path ? `${c.path}::${c.name}` : c.name;
    let row = rows.get(key);
    if (!row) {
      row = { check: key, passes: 0, fails: 0, steps: '', failedIn: [], stepSet: new Set() };
      rows.set(key, row);
    }
    row.passes += c.passes;
    row.fails += c.fails;
    row.stepSet.add(c.step);
    if (c.fails > 0 && !row.failedIn.includes(c.step)) row.failedIn.push(c.step);
  }
  return [...rows.values()].map(({ stepSet, ...row }) => ({
    ...row,
    steps:
      stepSet.size === allSteps.length
        ? allSteps.length === 1
          ? (allSteps[0] as string)
          : `all ${allSteps.length} steps`
        : [...stepSet].join(', '),
  }));
}
