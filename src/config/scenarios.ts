/**
 * Reading one raw scenario into its normalised {@link ScenarioPlan}: the executor by name (with a
 * suggestion when misspelled), unknown fields, k6's defaults and checks, and `exec` against the
 * script's exported functions.
 */

import type { Executor } from '../executors/executor.js';
import { COMMON_SCENARIO_KEYS, readScenarioBase } from '../executors/options.js';
import type { ScenarioPlan } from '../executors/registry.js';
import { EXECUTOR_NAMES, EXECUTORS } from '../executors/registry.js';
import {
  describeInput,
  type InputPath,
  type InputProblems,
  InputReader,
  type PathOf,
} from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import { findNearest } from '../util/nearest.js';

/** A scenario to read: its name, raw object and how its fields are named in messages. */
export interface ScenarioSource {
  name: string;
  raw: unknown;
  pathOf: PathOf;
}

/** Reads and validates one scenario; undefined when it has problems (all recorded). */
export function readScenario(
  source: ScenarioSource,
  problems: InputProblems,
): ScenarioPlan | undefined {
  const { raw, pathOf } = source;
  if (!isRecord(raw)) {
    problems.add(
      pathOf(),
      `a scenario must be an object with an executor, got ${describeInput(raw)}`,
    );
    return undefined;
  }
  const kind = executorNamed(raw['executor'], pathOf, problems);
  if (!kind) return undefined;
  const before = problems.count;
  checkScenarioKeys(raw, kind, pathOf, problems);
  if (raw['options'] !== undefined) {
    problems.add(
      pathOf('options'),
      'browser scenarios (options.browser) are not supported by Redline',
    );
  }
  const fields = new InputReader(problems).fields(raw, pathOf);
  const scenario = kind.read(fields, readScenarioBase(source.name, fields));
  const reported = problems.problems.slice(before).map((p) => p.path);
  for (const problem of kind.validate(scenario)) {
    const path = pathOf(...problem.path);
    if (reported.some((p) => path.every((segment, i) => p[i] === segment))) continue;
    problems.add(path, problem.message);
  }
  return problems.count > before ? undefined : scenario;
}

function executorNamed(
  value: unknown,
  pathOf: PathOf,
  problems: InputProblems,
): Executor<ScenarioPlan> | undefined {
  if (value === undefined || value === null) {
    problems.add(pathOf('executor'), `is required (one of ${EXECUTOR_NAMES.join(', ')})`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.add(pathOf('executor'), `must be an executor name, got ${describeInput(value)}`);
    return undefined;
  }
  if (value === 'externally-controlled') {
    problems.add(
      pathOf('executor'),
      'externally-controlled was removed in k6 v2 and is not supported by Redline',
    );
    return undefined;
  }
  const kind = (EXECUTORS as Record<string, Executor<ScenarioPlan>>)[value];
  if (!kind) problems.unknownName(pathOf('executor'), 'executor', value, EXECUTOR_NAMES);
  return kind;
}

function checkScenarioKeys(
  raw: Record<string, unknown>,
  kind: Executor<ScenarioPlan>,
  pathOf: PathOf,
  problems: InputProblems,
): void {
  const valid = [...COMMON_SCENARIO_KEYS, ...kind.keys];
  for (const key of Object.keys(raw)) {
    if (valid.includes(key)) continue;
    const owners = EXECUTOR_NAMES.filter((name) =>
      (EXECUTORS[name] as Executor<ScenarioPlan>).keys.includes(key),
    );
    if (owners.length > 0) {
      problems.add(
        pathOf(key),
        `is not an option of ${kind.name} (it belongs to ${owners.join(', ')})`,
      );
    } else {
      problems.add(pathOf(key), `unknown scenario option "${key}" for ${kind.name}`, {
        suggestion: findNearest(key, valid),
      });
    }
  }
}

/**
 * Checks every scenario's `exec` against the functions the script exports (skipped when the
 * list is unknown). `pathOfExec` names the `exec` field of a scenario.
 */
export function checkExec(
  scenarios: readonly ScenarioPlan[],
  exported: readonly string[] | undefined,
  pathOfExec: (scenario: ScenarioPlan) => InputPath,
  problems: InputProblems,
): void {
  if (exported === undefined) return;
  for (const scenario of scenarios) {
    if (exported.includes(scenario.exec)) continue;
    const path = pathOfExec(scenario);
    if (scenario.exec === 'default') {
      problems.add(
        path,
        `the script has no default export, which scenario "${scenario.name}" runs; export a default function or set exec`,
      );
    } else {
      const candidates = exported.filter(
        (name) => name !== 'setup' && name !== 'teardown' && name !== 'handleSummary',
      );
      problems.add(path, `function "${scenario.exec}" is not exported by the script`, {
        suggestion: findNearest(scenario.exec, candidates),
      });
    }
  }
}
