/**
 * buildPlan: a script's exported `options`, environment variables and command-line overrides
 * (CLI > env > script, as k6), or a preset, into one validated {@link Plan}; every problem is
 * collected and reported together in one RedlineError (E_CONFIG_INVALID, exit 104).
 */

import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError, type SourcePosition } from '../errors/redline-error.js';
import type { ScenarioPlan } from '../executors/registry.js';
import { executorOf } from '../executors/registry.js';
import type { MetricDescriptor } from '../metrics/metric-types.js';
import {
  formatInputPath,
  formatInputProblem,
  type InputPath,
  type InputProblem,
  InputProblems,
} from '../util/input-reader.js';
import { type CliOverrides, createCliTier } from './cli-overrides.js';
import { createEnvTier } from './env-overrides.js';
import { type HostRule, hostRulesFromOptions, parseHostSpec, sortHostRules } from './hosts.js';
import type { Plan } from './plan.js';
import { createPreset, type PresetResult } from './presets/index.js';
import { checkExec, readScenario } from './scenarios.js';
import { deriveScenarioSources } from './shortcuts.js';
import { checkOptionNames, readTestOptions } from './test-options.js';
import { readThresholds } from './thresholds.js';
import { createScriptTier, type MergedOptions, mergeTiers } from './tiers.js';

/** Everything a plan is built from. */
export interface BuildPlanInput {
  /** The script's exported `options` (undefined when it exports none). */
  scriptOptions?: unknown;
  /** Command-line overrides (highest precedence). */
  cli?: CliOverrides;
  /** Environment (`process.env`): `K6_*` and `REDLINE_*` option variables. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names the script exports (to check `exec`); omit to skip the check. */
  exportedFunctions?: readonly string[];
  /** The script file (reported as the error's position). */
  source?: string | SourcePosition;
  /** Custom metrics already declared, so thresholds on them are checked against their type. */
  metrics?: Iterable<MetricDescriptor>;
  /**
   * How a problem or warning is shown (default {@link formatInputProblem}): a YAML plan's points
   * at the plan's own file:line:column instead of the generated `options`.
   */
  describeProblem?: (problem: InputProblem) => string;
}

/** A valid plan and the warnings to show before the run. */
export interface BuildPlanResult {
  plan: Plan;
  warnings: string[];
  /** The preset used (`--preset`), with its stage lines and phases for the audit. */
  preset?: PresetResult;
}

/** The outcome of {@link checkPlan}: a plan only when there are no problems. */
export interface PlanCheck {
  plan?: Plan;
  problems: InputProblem[];
  warnings: string[];
  preset?: PresetResult;
}

/** Builds the plan; throws one RedlineError listing every problem when anything is invalid. */
export function buildPlan(input: BuildPlanInput): BuildPlanResult {
  const checked = checkPlan(input);
  if (!checked.plan) {
    const count = checked.problems.length;
    const position = typeof input.source === 'string' ? { file: input.source } : input.source;
    throw new RedlineError(
      'E_CONFIG_INVALID',
      `invalid options: ${count} problem${count === 1 ? '' : 's'}`,
      {
        exitCode: ExitCode.InvalidConfig,
        problems: checked.problems.map(describerOf(input)),
        hint: 'fix every problem listed; docs/options.md lists each option and its default',
        ...(position ? { position } : {}),
      },
    );
  }
  const result: BuildPlanResult = { plan: checked.plan, warnings: checked.warnings };
  if (checked.preset) result.preset = checked.preset;
  return result;
}

/** Builds the plan without throwing: every problem and warning, and the plan when valid. */
export function checkPlan(input: BuildPlanInput): PlanCheck {
  const problems = new InputProblems();
  const cli = input.cli ?? {};
  const cliTier = createCliTier(presetAwareCli(cli, problems), problems);
  const merged = mergeTiers(
    [
      createScriptTier(input.scriptOptions, problems),
      createEnvTier(input.env ?? {}, problems),
      cliTier.tier,
    ],
    problems,
  );
  checkOptionNames(merged, problems);
  const options = readTestOptions(merged, problems);
  const rules = readHostRules(cliTier.hostSpecs, merged, problems);
  options.hostRules = rules;
  options.hosts = Object.fromEntries(
    rules.map((rule) => [
      rule.spec.slice(0, rule.spec.indexOf('=')),
      rule.spec.slice(rule.spec.indexOf('=') + 1),
    ]),
  );
  options.env = cliTier.env;
  const thresholds = readThresholds(
    merged.values['thresholds'],
    merged.paths['thresholds'] ?? ['options', 'thresholds'],
    problems,
    input.metrics,
  );
  const preset = cli.preset === undefined ? undefined : readPreset(cli, merged, problems);
  const scenarios = preset
    ? preset.scenarios
    : readScenarios(merged, input.exportedFunctions, problems);
  if (preset) checkExec(scenarios, input.exportedFunctions, () => ['preset', 'exec'], problems);
  const check: PlanCheck = {
    problems: problems.problems,
    warnings: problems.warnings.map(describerOf(input)),
  };
  if (preset) check.preset = preset;
  if (problems.count === 0) check.plan = { scenarios, thresholds, options };
  return check;
}

function describerOf(input: BuildPlanInput): (problem: InputProblem) => string {
  return input.describeProblem ?? ((problem) => formatInputProblem(problem));
}

/** With a preset, --vus/--duration/--rate describe X and the hold time, not k6 shortcuts. */
function presetAwareCli(cli: CliOverrides, problems: InputProblems): CliOverrides {
  if (cli.preset === undefined) {
    if (cli.rate !== undefined)
      problems.add(
        ['--rate'],
        'only applies with --preset; in a script, use a constant-arrival-rate scenario',
      );
    if (cli.presetOptions !== undefined)
      problems.add(['preset'], 'preset settings were given without --preset');
    return cli;
  }
  if (cli.stages !== undefined)
    problems.add(['--stage'], "can't be combined with --preset (the preset defines the stages)");
  if (cli.iterations !== undefined)
    problems.add(['--iterations'], "can't be combined with --preset");
  const { vus: _vus, duration: _duration, stages: _stages, iterations: _iterations, ...rest } = cli;
  return rest;
}

function readPreset(
  cli: CliOverrides,
  merged: MergedOptions,
  problems: InputProblems,
): PresetResult | undefined {
  const own = cli.presetOptions ?? {};
  const options = { ...own };
  if (options.vus === undefined && cli.vus !== undefined) options.vus = cli.vus;
  if (options.rate === undefined && cli.rate !== undefined) options.rate = cli.rate;
  if (options.duration === undefined && cli.duration !== undefined) options.duration = cli.duration;
  const replaced = ['vus', 'duration', 'iterations', 'stages', 'scenarios'].filter(
    (k) => merged.values[k] !== undefined,
  );
  if (replaced.length > 0) {
    const what = replaced.map((k) => formatInputPath(merged.paths[k] ?? ['options', k])).join(', ');
    problems.warn(['--preset'], `replaces the execution options ${what}`);
  }
  const preset = createPreset(cli.preset as string, options, problems);
  if (!preset) return undefined;
  for (const scenario of preset.scenarios) {
    for (const problem of executorOf(scenario).validate(scenario))
      problems.add(['preset', ...problem.path], problem.message);
  }
  return preset;
}

function readScenarios(
  merged: MergedOptions,
  exported: readonly string[] | undefined,
  problems: InputProblems,
): ScenarioPlan[] {
  const sources = deriveScenarioSources(merged, problems);
  const scenarios: ScenarioPlan[] = [];
  const execPaths = new Map<string, InputPath>();
  for (const source of sources) {
    const scenario = readScenario(source, problems);
    if (!scenario) continue;
    scenarios.push(scenario);
    execPaths.set(scenario.name, source.pathOf('exec'));
  }
  checkExec(
    scenarios,
    exported,
    (s) => execPaths.get(s.name) ?? ['options', 'scenarios', s.name, 'exec'],
    problems,
  );
  return scenarios;
}

function readHostRules(
  specs: readonly string[],
  merged: MergedOptions,
  problems: InputProblems,
): HostRule[] {
  const rules: HostRule[] = [];
  for (const spec of specs) {
    const rule = parseHostSpec(spec);
    if (typeof rule === 'string') problems.add(['--host'], rule);
    else rules.push(rule);
  }
  rules.push(
    ...hostRulesFromOptions(
      merged.values['hosts'],
      merged.paths['hosts'] ?? ['options', 'hosts'],
      problems,
    ),
  );
  return sortHostRules(rules);
}
