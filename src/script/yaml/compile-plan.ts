/**
 * compileYamlPlan: a YAML plan file -> a generated ES module (plus its source map and payload
 * data) in a temp folder, ready for the script loader. Every problem — YAML syntax, unknown keys,
 * bad values, unknown variables, and the k6 options the plan builder rejects — is reported at
 * once with file:line:column in one RedlineError (exit 104).
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPlan } from '../../config/build-plan.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import {
  formatInputProblem,
  type InputPath,
  type InputProblem,
  InputProblems,
} from '../../util/input-reader.js';
import { generateModule } from './codegen.js';
import type { YamlPlan } from './model.js';
import type { OriginMap } from './origins.js';
import { formatPlanProblem, planProblemsError } from './plan-problems.js';
import { readPlan } from './read-plan.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/** File extensions of YAML plans. */
export const YAML_PLAN_EXTENSIONS = ['.yaml', '.yml'];

/** A compiled plan: the generated module to load, and how to clean up. */
export interface CompiledPlan {
  /** Absolute path of the plan file. */
  planPath: string;
  /** Absolute path of the generated module (inside `dir`). */
  scriptPath: string;
  /** The temp folder holding the module, its map and payload data. */
  dir: string;
  plan: YamlPlan;
  /** Warnings (`plan.yaml:3:1: ...`), shown before the run. */
  warnings: string[];
  /** Shows a problem or warning of the generated k6 options at the plan's file:line:column. */
  describeOptionProblem: (problem: InputProblem) => string;
  /** Removes the temp folder; idempotent. */
  dispose(): Promise<void>;
}

/** True when `path` names a YAML plan (`.yaml`, `.yml`). */
export function isYamlPlanPath(path: string): boolean {
  return YAML_PLAN_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** The runtime helper module the generated code imports (compiled .js, or the .ts source in tests). */
function runtimeModulePath(): string {
  const js = fileURLToPath(new URL('./runtime/yaml-runtime.js', import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

function readPlanFile(path: string): { file: string; text: string } {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new RedlineError('E_SCRIPT_NOT_FOUND', `plan not found: ${path}`, {
      exitCode: ExitCode.NoInput,
      hint: 'check the path; it is resolved from the current directory',
    });
  }
  return { file, text: readFileSync(file, 'utf8') };
}

/** True when `prefix` is `path` or one of its ancestors. */
function isPrefix(prefix: InputPath, path: InputPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/**
 * How a problem or warning of the k6 options generated from the plan is shown: at the plan key it
 * came from (`plan.yaml:5:3: thresholds.my_metric: ...`); one with no origin in the plan (a
 * command-line flag, an environment variable) as the options reader words it.
 */
function optionProblemDescriber(
  source: YamlSource,
  origins: OriginMap,
): (problem: InputProblem) => string {
  return (problem) => {
    const path = origins.resolve(problem.path);
    return path ? formatPlanProblem(source, { ...problem, path }) : formatInputProblem(problem);
  };
}

/**
 * Reads and checks the plan; throws one RedlineError listing every problem. The warnings of the
 * k6 options check are not returned here: the run builds its plan from the generated options
 * (with the command line and environment) and shows them once, through `describeOptionProblem`,
 * as it does a script's.
 */
export function readYamlPlan(
  file: string,
  text: string,
): {
  plan: YamlPlan;
  source: YamlSource;
  warnings: string[];
  describeOptionProblem: (problem: InputProblem) => string;
} {
  const parsed = parseYamlSource(file, text);
  if (!parsed.source)
    throw planProblemsError({ file, positionOf: () => undefined }, parsed.problems, true);
  const source = parsed.source;
  const problems = new InputProblems();
  const { plan, origins } = readPlan(source, problems);
  // The k6 options are checked even when the plan already has problems, so every problem is
  // reported at once. A part the reader already rejected (a phase with a bad duration) is
  // half-built in the options: what the plan builder says about it is a consequence of that
  // problem, not another one, so problems at or inside an already reported path are dropped.
  const reported = problems.problems.map((p) => p.path);
  const exported = [
    'default',
    ...plan.scenarioFlows.map((s) => s.exec),
    ...(plan.before ? ['setup'] : []),
    ...(plan.after ? ['teardown'] : []),
  ];
  const checked = checkPlan({ scriptOptions: plan.options, exportedFunctions: exported });
  for (const problem of checked.problems) {
    const path = origins.resolve(problem.path);
    if (path && reported.some((r) => isPrefix(r, path) || isPrefix(path, r))) continue;
    problems.add(path ?? problem.path, problem.message, {
      suggestion: problem.suggestion,
      ...(problem.atKey ? { atKey: true } : {}),
    });
  }
  if (problems.count > 0) throw planProblemsError(source, problems.problems);
  return {
    plan,
    source,
    warnings: problems.warnings.map((w) => formatPlanProblem(source, w)),
    describeOptionProblem: optionProblemDescriber(source, origins),
  };
}

/** Compiles the plan at `path` into a module in a new temp folder (see {@link CompiledPlan}). */
export async function compileYamlPlan(path: string): Promise<CompiledPlan> {
  const { file, text } = readPlanFile(path);
  const { plan, warnings, describeOptionProblem } = readYamlPlan(file, text);
  const dir = await mkdtemp(join(tmpdir(), 'redline-plan-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const payloadFiles = plan.payloads.map((_, i) => join(dir, `payload-${i + 1}.json`));
    await Promise.all(
      plan.payloads.map((p, i) => writeFile(payloadFiles[i]!, JSON.stringify(p.rows))),
    );
    const fileName = `${basename(file, extname(file))}.plan.mjs`;
    const generated = generateModule(
      { plan, runtimeModule: runtimeModulePath(), payloadFiles, sourceText: text },
      fileName,
    );
    const scriptPath = join(dir, fileName);
    await writeFile(scriptPath, generated.code);
    await writeFile(`${scriptPath}.map`, JSON.stringify(generated.map));
    return { planPath: file, scriptPath, dir, plan, warnings, describeOptionProblem, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
