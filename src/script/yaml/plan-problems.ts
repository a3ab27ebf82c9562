/**
 * The error of a YAML plan's problems (collected by util/input-reader's `InputProblems`), each
 * shown with its file:line:column, all at once in one RedlineError (E_YAML_INVALID, exit 104).
 */
import { relative } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { formatInputProblem, type InputProblem } from '../../util/input-reader.js';
import type { YamlSource } from './yaml-source.js';

/** How the plan file is shown in messages: relative to the working directory when inside it. */
export function displayFile(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') ? rel : file;
}

/** `plan.yaml:12:7: phases[0].arrivalRate: message; did you mean "x"?` */
export function formatPlanProblem(
  source: Pick<YamlSource, 'file' | 'positionOf'>,
  problem: InputProblem,
): string {
  const position = problem.position ?? source.positionOf(problem.path, problem.atKey === true);
  const where = position
    ? `${displayFile(source.file)}:${position.line}:${position.column}`
    : displayFile(source.file);
  return formatInputProblem(problem, where);
}

/** The error listing every problem (sorted by position), located at the first one. */
export function planProblemsError(
  source: Pick<YamlSource, 'file' | 'positionOf'>,
  problems: readonly InputProblem[],
  syntax = false,
): RedlineError {
  const located = problems.map((p) => ({
    p,
    at: p.position ?? source.positionOf(p.path, p.atKey === true),
  }));
  located.sort(
    (a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.column ?? 0) - (b.at?.column ?? 0),
  );
  const first = located[0]?.at;
  const count = problems.length;
  return new RedlineError(
    syntax ? 'E_YAML_SYNTAX' : 'E_YAML_INVALID',
    `${syntax ? 'the YAML plan does not parse' : 'invalid YAML plan'}: ${count} problem${count === 1 ? '' : 's'}`,
    {
      exitCode: ExitCode.InvalidConfig,
      problems: located.map(({ p }) => formatPlanProblem(source, p)),
      position: { file: source.file, ...(first ? { line: first.line, column: first.column } : {}) },
      hint: 'fix every problem listed; docs/yaml-plans.md describes every key',
    },
  );
}
