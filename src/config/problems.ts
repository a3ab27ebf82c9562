/** Collects every configuration problem and warning (with its path) so all are reported at once. */
import { findNearest, nearestHint } from '../util/nearest.js';
import type { PlanProblem } from './plan.js';

/** The problems and warnings found while building a plan; never throws by itself. */
export class ProblemList {
  readonly problems: PlanProblem[] = [];
  readonly warnings: string[] = [];

  /**
   * Records a problem at `path` (e.g. `options.scenarios.login.rate`). The same problem found
   * twice (one value read by two checks) is recorded once.
   */
  add(path: string, message: string, suggestion?: string): void {
    if (this.problems.some((p) => p.path === path && p.message === message)) return;
    const problem: PlanProblem = { path, message };
    if (suggestion !== undefined) problem.suggestion = suggestion;
    this.problems.push(problem);
  }

  /** Records a warning (shown to the user, never fatal). */
  warn(path: string, message: string): void {
    this.warnings.push(`${path}: ${message}`);
  }

  /** Records "unknown <what> "x"" with the nearest valid name among `valid`, if one is close. */
  unknown(path: string, what: string, name: string, valid: Iterable<string>): void {
    const nearest = findNearest(name, valid);
    this.add(path, `unknown ${what} "${name}"`, nearest);
  }

  /** Number of problems so far. */
  get count(): number {
    return this.problems.length;
  }
}

/** Renders a problem as one line: `path: message; did you mean "x"?`. */
export function formatProblem(problem: PlanProblem): string {
  const hint = nearestHint(problem.suggestion);
  return `${problem.path}: ${problem.message}${hint}`;
}
