/**
 * `node dist/mcp/child/inspect.js script <file> <cli-overrides.json>` or `... audit <config>`:
 * what a script's plan or an audit config asks for (duration, VUs, rates, URLs, commands), printed
 * as one JSON line, so the MCP server can check it against the guard rails *before* the run
 * starts — k6's `inspect --execution-requirements`. It runs in a child process (under the network
 * guard) because reading a script's options executes its init code, and an audit config may be
 * TypeScript. Nothing else runs: no setup(), no iteration, no request from Redline itself.
 *
 * The script part follows runScriptTest's init phase (engine/script-run/run-script.ts: load, init
 * context, buildPlan); keep the two in step.
 */

import { buildPlan } from '../../config/build-plan.js';
import { type CliOverrides, readPairs } from '../../config/cli-overrides.js';
import { describePlan, planMaxDurationMs, planMaxVUs } from '../../config/describe-plan.js';
import { initContextError } from '../../engine/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { executorOf } from '../../executors/registry.js';
import { MetricRegistry } from '../../metrics/registry.js';
import { installScriptGlobals } from '../../script/api/globals.js';
import { instantiateModule, loadScript } from '../../script/loader/index.js';
import { scriptModuleMap } from '../../script/modules/module-map.js';
import { createThreadRuntime, installThreadRuntime } from '../../script/runtime/thread-runtime.js';
import { isYamlPlanPath, loadYamlPlan } from '../../script/yaml/index.js';
import { InputProblems } from '../../util/input-reader.js';
import { errorData } from '../errors.js';

/** What a script's plan asks for. */
export interface ScriptRequirements {
  kind: 'script';
  /** Longest the plan can run, gracefulStop included (the plan's own bound). */
  maxDurationMs: number;
  /** When the last time-scheduled scenario (constant/ramping VUs or arrival rate) ends, ms. */
  scheduledMs: number;
  maxVUs: number;
  /** Highest arrival rate of an arrival-rate scenario, iterations per second (0 when none). */
  maxIterationRate: number;
  scenarios: Array<{ name: string; executor: string }>;
  header: string[];
  warnings: string[];
}

/** One audit step as configured: whether it runs, how long, how many users at most. */
export interface AuditStepRequirement {
  name: string;
  enabled: boolean;
  durationMs: number;
  maxUsers: number;
}

/** What an audit config asks for (the parts the guard rails check). */
export interface AuditRequirements {
  kind: 'audit';
  url: string;
  command?: string[];
  databaseUrl?: string;
  queries: Array<{ sql: string }>;
  flowUrls: string[];
  steps: AuditStepRequirement[];
}

async function inspectScript(path: string, cli: CliOverrides): Promise<ScriptRequirements> {
  const loaded = await (isYamlPlanPath(path)
    ? loadYamlPlan(path, { modules: scriptModuleMap() })
    : loadScript(path, { modules: scriptModuleMap() }));
  try {
    const registry = new MetricRegistry();
    const runtime = createThreadRuntime({
      registry,
      scriptDir: loaded.scriptPath.replace(/[\\/][^\\/]*$/, ''),
      inInit: true,
      resolvePath: loaded.resolvePath,
      env: {
        ...(process.env as Record<string, string>),
        ...readPairs(cli.env, '=', '--env', new InputProblems()),
      },
    });
    installThreadRuntime(runtime);
    installScriptGlobals();
    let module: Record<string, unknown>;
    try {
      module = await instantiateModule((await import(loaded.bundleUrl)) as Record<string, unknown>);
    } catch (error) {
      throw await initContextError(loaded, error);
    }
    const built = buildPlan({
      scriptOptions: module['options'],
      cli,
      env: process.env,
      exportedFunctions: Object.keys(module).filter((k) => typeof module[k] === 'function'),
      source: loaded.scriptPath,
      metrics: [...registry.descriptors()],
      ...(loaded.describeOptionProblem ? { describeProblem: loaded.describeOptionProblem } : {}),
    });
    const scenarios = built.plan.scenarios;
    return {
      kind: 'script',
      maxDurationMs: planMaxDurationMs(scenarios),
      scheduledMs: Math.max(
        0,
        ...scenarios
          .filter((s) => executorOf(s).timeScheduled)
          .map((s) => s.startTimeMs + executorOf(s).durationMs(s)),
      ),
      maxVUs: planMaxVUs(scenarios),
      maxIterationRate: Math.max(
        0,
        ...scenarios.map((s) => executorOf(s).peakIterationRate?.(s) ?? 0),
      ),
      scenarios: scenarios.map((s) => ({ name: s.name, executor: s.executor })),
      header: describePlan(built.plan),
      warnings: built.warnings,
    };
  } finally {
    await loaded.dispose();
  }
}

async function inspectAudit(path: string): Promise<AuditRequirements> {
  const { loadAuditConfig, STEP_NAMES } = await import('../../audit/index.js');
  const config = await loadAuditConfig(path);
  const steps: AuditStepRequirement[] = STEP_NAMES.map((name) => {
    if (name === 'db')
      return { name, enabled: config.steps.db.enabled, durationMs: 0, maxUsers: 0 };
    if (name === 'stress') {
      const s = config.steps.stress;
      const count = s.maxSteps + s.stepsAfterBreak;
      return {
        name,
        enabled: s.enabled,
        durationMs: s.stepDurationMs * count,
        maxUsers: s.startUsers + s.stepUsers * Math.max(0, count - 1),
      };
    }
    const s = config.steps[name];
    return { name, enabled: s.enabled, durationMs: s.durationMs, maxUsers: s.users };
  });
  const flow = config.flow;
  return {
    kind: 'audit',
    url: config.target.url,
    ...(config.target.command ? { command: config.target.command } : {}),
    ...(config.database?.url ? { databaseUrl: config.database.url } : {}),
    queries: (config.database?.queries ?? []).map((q) => ({ sql: q.sql })),
    flowUrls: flow.kind === 'urls' ? flow.urls : [],
    steps,
  };
}

async function main(argv: string[]): Promise<void> {
  const [kind, file, overrides] = argv;
  // Script console output must not mix with the JSON line on stdout.
  console.log = console.info = console.debug = console.warn;
  try {
    const result =
      kind === 'audit'
        ? await inspectAudit(file as string)
        : await inspectScript(file as string, JSON.parse(overrides ?? '{}') as CliOverrides);
    process.stdout.write(`${JSON.stringify({ ok: true, result })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: errorData(error) })}\n`);
  }
  // Init code may leave timers or sockets open: this process only reports.
  process.exit(ExitCode.Ok);
}

await main(process.argv.slice(2));
