/**
 * k6's execution shortcuts: `vus`+`duration` -> constant-vus, `iterations` (+`vus`) ->
 * shared-iterations, `stages` -> ramping-vus, `vus` alone -> shared-iterations (vus iterations),
 * nothing -> 1 VU, 1 iteration; conflicting combinations are ExecutionConflict problems.
 */
import { formatInputPath, type InputPath, type InputProblems } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import { createPathOf, type RawObject } from './option-paths.js';
import type { ScenarioSource } from './scenarios.js';
import { isHigherTier, type MergedOptions } from './tiers.js';

/** Name of the scenario the shortcuts create (as k6). */
export const DEFAULT_SCENARIO_NAME = 'default';

const CONFLICT_HINT = 'use one of them, or describe the execution in scenarios';

/**
 * The scenarios to read, from `scenarios` or from the shortcuts. Conflicts are recorded (every
 * conflicting pair); then `scenarios`, if present, and each shortcut in the conflict are still
 * returned, so their own problems (`vus: 0`, `duration: "10x"`) are reported in the same pass
 * rather than one by one (the conflict is a problem, so no plan is built from them).
 */
export function deriveScenarioSources(
  merged: MergedOptions,
  problems: InputProblems,
): ScenarioSource[] {
  const { values } = merged;
  const path = (key: string): InputPath => merged.paths[key] ?? ['options', key];
  const named = (key: string) => formatInputPath(path(key));
  const set = (key: string) => values[key] !== undefined && values[key] !== null;
  const hasStages =
    set('stages') && !(Array.isArray(values['stages']) && values['stages'].length === 0);
  const hasScenarios = set('scenarios');
  const conflicts: Array<[string, boolean]> = [
    ['iterations+stages', set('iterations') && hasStages],
    ['iterations+scenarios', set('iterations') && hasScenarios],
    ['duration+stages', set('duration') && hasStages],
    ['duration+scenarios', set('duration') && hasScenarios],
    ['stages+scenarios', hasStages && hasScenarios],
  ];
  let conflicted = false;
  for (const [pair, active] of conflicts) {
    if (!active) continue;
    const [a, b] = pair.split('+') as [string, string];
    problems.add(
      path(a),
      `ExecutionConflict: ${named(a)} and ${named(b)} can't be used together; ${CONFLICT_HINT}`,
    );
    conflicted = true;
  }
  if (conflicted) {
    const sources = hasScenarios
      ? fromScenarios(values['scenarios'], path('scenarios'), problems)
      : [];
    if (set('iterations'))
      sources.push(shortcut('shared-iterations', merged, { vus: 'vus', iterations: 'iterations' }));
    if (set('duration'))
      sources.push(shortcut('constant-vus', merged, { vus: 'vus', duration: 'duration' }));
    if (hasStages)
      sources.push(shortcut('ramping-vus', merged, { startVUs: 'vus', stages: 'stages' }));
    return sources;
  }
  if (set('iterations'))
    return [
      shortcut('shared-iterations', merged, {
        vus: 'vus',
        iterations: 'iterations',
        maxDuration: 'duration',
      }),
    ];
  if (set('duration'))
    return [shortcut('constant-vus', merged, { vus: 'vus', duration: 'duration' })];
  if (hasStages) return [shortcut('ramping-vus', merged, { startVUs: 'vus', stages: 'stages' })];
  if (set('vus') && !set('stages')) {
    if (hasScenarios && !isHigherTier(merged.tierOf['vus'], merged.tierOf['scenarios'])) {
      const vus = values['vus'];
      if (typeof vus !== 'number' || !Number.isInteger(vus) || vus < 0) {
        problems.add(path('vus'), `must be a whole number >= 0, got ${JSON.stringify(vus)}`);
      }
      problems.warn(
        path('vus'),
        `ignored because ${named('scenarios')} is set; give each scenario its own vus`,
        { atKey: true },
      );
      return fromScenarios(values['scenarios'], path('scenarios'), problems);
    }
    if (hasScenarios)
      problems.warn(path('vus'), `replaces the scenarios of ${named('scenarios')} (as k6)`, {
        atKey: true,
      });
    return [shortcut('shared-iterations', merged, { vus: 'vus', iterations: 'vus' })];
  }
  if (
    hasScenarios &&
    !(isRecord(values['scenarios']) && Object.keys(values['scenarios']).length === 0)
  ) {
    return fromScenarios(values['scenarios'], path('scenarios'), problems);
  }
  const empty = 'is empty: running 1 iteration with 1 VU';
  if (set('stages')) problems.warn(path('stages'), empty, { atKey: true });
  if (hasScenarios) problems.warn(path('scenarios'), empty, { atKey: true });
  return [shortcut('per-vu-iterations', merged, {})];
}

/**
 * A `default` scenario of `executor` whose fields are taken from top-level options:
 * `fields` maps scenario field -> option name (e.g. `{ maxDuration: 'duration' }`).
 */
function shortcut(
  executor: string,
  merged: MergedOptions,
  fields: Record<string, string>,
): ScenarioSource {
  const raw: RawObject = { executor };
  const origins: Record<string, InputPath> = {};
  for (const [field, option] of Object.entries(fields)) {
    const value = merged.values[option];
    if (value === undefined || value === null) continue;
    raw[field] = value;
    origins[field] = merged.paths[option] ?? ['options', option];
  }
  return {
    name: DEFAULT_SCENARIO_NAME,
    raw,
    pathOf: createPathOf(['options', 'scenarios', DEFAULT_SCENARIO_NAME], origins),
  };
}

function fromScenarios(value: unknown, path: InputPath, problems: InputProblems): ScenarioSource[] {
  if (!isRecord(value)) {
    problems.add(path, 'must be an object of scenario name: { executor, ... }');
    return [];
  }
  return Object.entries(value).map(([name, raw]) => ({
    name,
    raw,
    pathOf: createPathOf([...path, name]),
  }));
}
