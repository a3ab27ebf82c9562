/**
 * Problems found in a YAML plan, each with its path and file:line:column, collected so all of
 * them are reported at once in one RedlineError (E_YAML_INVALID, exit 104).
 */
import { relative } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { findNearest, nearestHint } from '../../util/nearest.js';
import type { YamlPath } from './model.js';
import type { LineColumn, YamlSource } from './yaml-source.js';

/** One problem: where (path and/or position) and what. */
export interface YamlProblem {
  path: YamlPath;
  message: string;
  suggestion?: string;
  /** Point at the key rather than the value (unknown keys). */
  atKey?: boolean;
  /** Known position (syntax errors); otherwise found from the path. */
  position?: LineColumn;
}

/** Renders a path as `phases[0].arrivalRate`. */
export function formatYamlPath(path: YamlPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** How the plan file is shown in messages: relative to the working directory when inside it. */
export function displayFile(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') ? rel : file;
}

/** Collects problems and warnings while a plan is read. */
export class PlanProblems {
  readonly problems: YamlProblem[] = [];
  readonly warnings: YamlProblem[] = [];

  /** Records a problem at `path`. */
  add(path: YamlPath, message: string, suggestion?: string, atKey = false): void {
    const problem: YamlProblem = { path, message };
    if (suggestion !== undefined) problem.suggestion = suggestion;
    if (atKey) problem.atKey = true;
    this.problems.push(problem);
  }

  /** Records a warning (shown before the run, never fatal). */
  warn(path: YamlPath, message: string): void {
    this.warnings.push({ path, message });
  }

  /** Records `unknown <noun> "name" [in <where>]` at the key, with the nearest valid name. */
  unknownKey(path: YamlPath, noun: string, valid: readonly string[], where?: string): void {
    const name = String(path[path.length - 1]);
    this.add(
      path,
      `unknown ${noun} "${name}"${where ? ` in ${where}` : ''}`,
      findNearest(name, valid),
      true,
    );
  }

  get count(): number {
    return this.problems.length;
  }
}

/** `plan.yaml:12:7: phases[0].arrivalRate: message; did you mean "x"?` */
export function formatYamlProblem(
  source: Pick<YamlSource, 'file' | 'positionOf'>,
  problem: YamlProblem,
): string {
  const position = problem.position ?? source.positionOf(problem.path, problem.atKey === true);
  const where = position
    ? `${displayFile(source.file)}:${position.line}:${position.column}`
    : displayFile(source.file);
  const path = formatYamlPath(problem.path);
  const hint = nearestHint(problem.suggestion);
  return `${where}: ${path === '' ? '' : `${path}: `}${problem.message}${hint}`;
}

/** The error listing every problem (sorted by position), located at the first one. */
export function planProblemsError(
  source: Pick<YamlSource, 'file' | 'positionOf'>,
  problems: readonly YamlProblem[],
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
      problems: located.map(({ p }) => formatYamlProblem(source, p)),
      position: { file: source.file, ...(first ? { line: first.line, column: first.column } : {}) },
      hint: 'fix every problem listed; docs/yaml-plans.md describes every key',
    },
  );
}
