/** Turns the k6 transform's issues (bundle positions) into a RedlineError at the user's file:line. */
import { originalPositionFor, sourceContentFor, type TraceMap } from '@jridgewell/trace-mapping';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { K6TransformIssue } from '../k6-transform/transform.js';
import { formatProblems, locatedProblem, type ScriptProblem } from './build-errors.js';

/** One RedlineError (exit 107) listing every construct the k6 transform cannot support. */
export function transformIssuesError(
  scriptPath: string,
  issues: readonly K6TransformIssue[],
  trace: TraceMap,
): RedlineError {
  const problems: ScriptProblem[] = issues.map((issue) => {
    const o = originalPositionFor(trace, { line: issue.line, column: issue.column });
    if (o.source === null)
      return { position: { file: scriptPath }, message: issue.message, frame: '' };
    const content = sourceContentFor(trace, o.source) ?? undefined;
    return locatedProblem(o.source, o.line, o.column + 1, issue.message, content);
  });
  const count = problems.length;
  return new RedlineError(
    'E_K6_TRANSFORM_UNSUPPORTED',
    `the k6-style script cannot run on Redline's async runtime as written: ${count} place${count === 1 ? '' : 's'} to change`,
    {
      exitCode: ExitCode.ScriptException,
      position: problems[0]!.position,
      problems: formatProblems(problems),
      hint: 'Redline awaits http.* and sleep() by making the calling functions async; see docs/k6-transform.md for what it can follow, or write these parts with async/await',
    },
  );
}
