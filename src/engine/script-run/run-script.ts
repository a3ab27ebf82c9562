/**
 * `runScriptTest`: a scripted load test from start to end — load and bundle the script, read its
 * options in the init context, build and validate the plan, run setup(), run the scenarios on
 * shards (worker threads when several), teardown(), thresholds, and the saved result.
 */

import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { type BuildPlanResult, buildPlan } from '../../config/build-plan.js';
import type { CliOverrides } from '../../config/cli-overrides.js';
import { readPairs } from '../../config/cli-overrides.js';
import { describePlan, planMaxDurationMs, planMaxVUs } from '../../config/describe-plan.js';
import { createUrlRewriter } from '../../config/hosts.js';
import { k6OptionsView } from '../../config/k6-options-view.js';
import type { Plan } from '../../config/plan.js';
import { ExitCode, type ExitCodeValue, exitCodeFor } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { createExecutionTuple } from '../../executors/execution-segment.js';
import { executorOf } from '../../executors/registry.js';
import type { Aggregate } from '../../metrics/aggregate.js';
import { MetricRegistry } from '../../metrics/registry.js';
import type { Output } from '../../outputs/output.js';
import type { RunMeta } from '../../results/run-meta.js';
import type { ResultThreshold, RunResultFile } from '../../results/run-result.js';
import { installScriptGlobals } from '../../script/api/globals.js';
import {
  instantiateModule,
  type LoadedScript,
  loadScript,
  type RemoteModuleOptions,
} from '../../script/loader/index.js';
import { scriptModuleMap } from '../../script/modules/module-map.js';
import {
  createThreadRuntime,
  installThreadRuntime,
  type ThreadRuntime,
} from '../../script/runtime/thread-runtime.js';
import { configureHttpSettings } from '../../script/vu-http/configure.js';
import { describeScriptData, isYamlPlanPath, loadYamlPlan } from '../../script/yaml/index.js';
import {
  assertValidThresholds,
  createThresholdEvaluator,
  evaluateChecks,
  type ParsedThresholds,
  type ThresholdDefinition,
  type ThresholdEvaluator,
} from '../../thresholds/index.js';
import { InputProblems } from '../../util/input-reader.js';
import { addRedactedNames } from '../../util/redact.js';
import { type AbortReason, runShards } from '../controller.js';
import {
  buildRunResult,
  metricValues,
  RESULT_TREND_STATS,
  targetNeverAnswered,
} from '../result-builder.js';
import { tuneHeapForVus } from './heap-tuning.js';
import { initContextError } from './init-errors.js';
import { LifecycleInterrupted, runHandleSummary, runLifecycle } from './lifecycle.js';
import type { RemoteLauncher } from './remote.js';
import { scriptShardSpecs } from './script-shard-specs.js';
import { readVuInitError } from './vu-runner.js';

/** Options of a scripted run. */
export interface ScriptRunOptions {
  scriptPath: string;
  cli?: CliOverrides;
  /** Worker threads (default 1: everything runs in this thread). */
  workers?: number;
  outputs?: Output[];
  signal?: AbortSignal;
  onWarning?: (text: string) => void;
  /** Script errors inside iterations, with stacks mapped to the user's files. */
  onScriptError?: (message: string, stack: string) => void;
  /** Remote modules (`import … from 'https://…'`): mirrors, offline, cache folder. */
  remoteModules?: RemoteModuleOptions;
  /** Receives a live view of the thresholds' outcomes (e.g. for the dashboard's table). */
  onThresholds?: (outcomes: () => ResultThreshold[]) => void;
  /** Run the scenarios in other processes (a distributed run's agents) instead of local shards. */
  remote?: RemoteLauncher;
  /**
   * What the result names as its target; default the script's path. The WebSocket echo mode
   * gives its ws:// URL (its generated script is deleted after the run).
   */
  target?: string;
}

/** A finished scripted run. */
export interface ScriptRunResult {
  result: RunResultFile;
  totals: Aggregate;
  plan: Plan;
  /** What handleSummary returned (undefined when the script has none, or when it failed). */
  summaryOutputs: Record<string, string | ArrayBuffer> | undefined;
  /**
   * Why handleSummary() failed (it threw, timed out or returned something unusable): the CLI
   * prints it and the default summary instead; the exit code stays the run's (as k6).
   */
  summaryError?: RedlineError;
  exitCode: ExitCodeValue;
  /** Lines describing the plan (k6's header). */
  header: string[];
}

function thresholdsInput(plan: Plan): Record<string, unknown[]> {
  const raw: Record<string, unknown[]> = {};
  for (const [metric, specs] of Object.entries(plan.thresholds)) {
    raw[metric] = specs.map((s) => ({
      threshold: s.threshold,
      abortOnFail: s.abortOnFail,
      // Only with abortOnFail: buildPlan already warned about a delay on a threshold that cannot abort.
      ...(s.abortOnFail ? { delayAbortEval: `${s.delayAbortEvalMs}ms` } : {}),
      ...(s.windowMs !== undefined ? { window: `${s.windowMs}ms` } : {}),
    }));
  }
  return raw;
}

/** `warn` called with each distinct text once (scripts warn in every iteration). */
function onceEach(warn: (text: string) => void): (text: string) => void {
  const seen = new Set<string>();
  return (text) => {
    if (seen.has(text)) return;
    seen.add(text);
    warn(text);
  };
}

async function importInitContext(loaded: LoadedScript): Promise<Record<string, unknown>> {
  try {
    // The main thread's own instance of the init code (options, setup, teardown, handleSummary);
    // VUs get theirs in the shards (k6: the first init run reads the options, then one per VU).
    return await instantiateModule((await import(loaded.bundleUrl)) as Record<string, unknown>);
  } catch (error) {
    throw await initContextError(loaded, error);
  }
}

/**
 * Adds every sub-metric a threshold key names (`http_reqs{group:::g}`) to the result, keyed as
 * written, as k6 lists them in the summary and in handleSummary's `data.metrics`: also a key with
 * no threshold at all (`'http_req_duration{name:login}': []`, the usual way to have a sub-metric
 * in the summary). A sub-metric without samples is left out, as k6 leaves it.
 */
function addThresholdSubMetrics(
  result: RunResultFile,
  subMetrics: ParsedThresholds['subMetrics'],
  totals: Aggregate,
  trendStats: string[],
): void {
  for (const { metricKey, metric } of subMetrics) {
    if (result.metrics[metricKey]) continue;
    const summary = totals.summarize(metric.name, metric.tags);
    if (!summary) continue;
    result.metrics[metricKey] = {
      type: summary.type,
      contains: summary.contains,
      values: metricValues(summary, result.durationMs, trendStats),
    };
  }
}

/** Runs a script (k6-style or native) and returns the result with the exit code it calls for. */
export async function runScriptTest(options: ScriptRunOptions): Promise<ScriptRunResult> {
  const remoteModules: RemoteModuleOptions = {
    ...options.remoteModules,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  };
  const loaded = await (isYamlPlanPath(options.scriptPath)
    ? loadYamlPlan(options.scriptPath, {
        modules: scriptModuleMap(),
        ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      })
    : loadScript(options.scriptPath, { modules: scriptModuleMap(), remoteModules }));
  try {
    return await runLoaded(loaded, options);
  } finally {
    await loaded.dispose();
  }
}

/** What the init phase leaves: the script's main-thread module and the runtime it ran in. */
interface InitState {
  loaded: LoadedScript;
  options: ScriptRunOptions;
  scriptDir: string;
  /** Metrics of the main thread: setup(), teardown() and the script's own declarations. */
  mainRegistry: MetricRegistry;
  runtime: ThreadRuntime;
  module: Record<string, unknown>;
  /** Files the init context read through open() (a distributed run ships them to its agents). */
  openedFiles: Set<string>;
}

/** What the plan phase adds: the validated plan, its parsed thresholds and the run's description. */
interface PlanState extends InitState {
  plan: Plan;
  thresholds: ThresholdDefinition[];
  /** Every sub-metric a threshold key names, judged or not (listed in the result). */
  subMetrics: ParsedThresholds['subMetrics'];
  env: Record<string, string>;
  /** Lines describing the plan (k6's header), with this instance's numbers. */
  header: string[];
  meta: RunMeta;
}

/** What the setup phase adds: setup()'s data and the runner of the lifecycle functions. */
interface SetupState extends PlanState {
  lifecycle: Lifecycle;
  setupData: unknown;
  setupStarted: number;
}

/** What the run phase adds: the shards' run and the thresholds that watched it. */
interface RunState extends SetupState {
  run: ShardsRun;
  evaluator: ThresholdEvaluator;
  /** How many shards reported (the main thread's setup/teardown snapshot takes the next index). */
  workers: number;
}

type ShardsRun = Awaited<ReturnType<typeof runShards>>;

/** The scripted run in phases: init, plan, setup, run, teardown, summary. */
async function runLoaded(
  loaded: LoadedScript,
  options: ScriptRunOptions,
): Promise<ScriptRunResult> {
  const init = await initPhase(loaded, options);
  const planned = planPhase(init);
  const setUp = await setupPhase(planned);
  const ran = await runPhase(setUp);
  await teardownPhase(ran);
  return summaryPhase(ran);
}

/** init: installs the main thread's runtime and runs the script's init context once. */
async function initPhase(loaded: LoadedScript, options: ScriptRunOptions): Promise<InitState> {
  const scriptDir = dirname(loaded.scriptPath);
  const mainRegistry = new MetricRegistry();
  // Files the init context reads (open()): a distributed run ships them to its agents.
  const openedFiles = new Set<string>();
  const resolvePath = (path: string, stack?: string): string => {
    const full = loaded.resolvePath(path, stack);
    openedFiles.add(full);
    return full;
  };
  // `--env` values are in __ENV already in the init context (k6: `vus: __ENV.VUS`); buildPlan reports malformed ones.
  const initEnv = {
    ...(process.env as Record<string, string>),
    ...readPairs(options.cli?.env, '=', '--env', new InputProblems()),
  };
  const runtime = createThreadRuntime({
    registry: mainRegistry,
    scriptDir,
    inInit: true,
    resolvePath,
    env: initEnv,
    ...(options.onWarning ? { warn: onceEach(options.onWarning) } : {}),
  });
  installThreadRuntime(runtime);
  installScriptGlobals();
  const module = await importInitContext(loaded);
  runtime.inInit = false;
  return { loaded, options, scriptDir, mainRegistry, runtime, module, openedFiles };
}

/**
 * plan: builds and validates the plan from the script's options, the CLI and the environment,
 * configures the runtime with it and describes it (k6's header and the outputs' RunMeta).
 */
function planPhase(state: InitState): PlanState {
  const { loaded, options, mainRegistry, runtime, module } = state;
  const exported = Object.keys(module).filter((k) => typeof module[k] === 'function');
  const built: BuildPlanResult = buildPlan({
    scriptOptions: module['options'],
    ...(options.cli ? { cli: options.cli } : {}),
    env: process.env,
    exportedFunctions: exported,
    source: loaded.scriptPath,
    metrics: [...mainRegistry.descriptors()],
    ...(loaded.describeOptionProblem ? { describeProblem: loaded.describeOptionProblem } : {}),
  });
  const plan = built.plan;
  for (const w of built.warnings) options.onWarning?.(w);
  // buildPlan validated the thresholds (and returned their warnings); parse them for the evaluator.
  const parsed = assertValidThresholds(thresholdsInput(plan), {
    metrics: mainRegistry.descriptors(),
  });

  const env = { ...(process.env as Record<string, string>), ...(plan.options.env ?? {}) };
  runtime.env = env;
  runtime.testTags = plan.options.tags;
  runtime.options = plan.options;
  runtime.k6Options = k6OptionsView(plan);
  runtime.rewriteUrl = createUrlRewriter(plan.options.hostRules ?? []);
  configureHttpSettings(plan.options);
  // Before setup(): its requests are tagged too. Worker shards receive the names (shard-host).
  addRedactedNames(plan.options.redactParams ?? []);

  // k6's `(50.00%)`: the share of the whole test this instance runs (its execution segment).
  // Each scenario line shows this instance's numbers, as k6's header does.
  const tuple = createExecutionTuple(
    plan.options.executionSegment,
    plan.options.executionSegmentSequence,
  );
  const header = describePlan(
    { scenarios: plan.scenarios.map((s) => executorOf(s).scale(s, tuple)) },
    { segment: tuple.share },
  );
  const meta: RunMeta = {
    runId: randomUUID(),
    startedAtMs: 0,
    intervalMs: 1000,
    target: options.target ?? loaded.scriptPath,
    tags: plan.options.tags,
    scenarios: plan.scenarios.map((s) => ({
      name: s.name,
      executor: s.executor,
      description: s.executor,
    })),
    maxDurationMs: planMaxDurationMs(plan.scenarios),
    // The script as given (a YAML plan runs as the script compiled from it).
    testData: describeScriptData(state.options.scriptPath),
  };
  return {
    ...state,
    plan,
    thresholds: parsed.thresholds,
    subMetrics: parsed.subMetrics,
    env,
    header,
    meta,
  };
}

/**
 * Runs setup() and teardown() (unless absent, skipped by `noSetup`/`noTeardown`, or the run was
 * interrupted before they started). Ctrl-C during one of them ends it at once; the run then
 * reports what it measured, and `interruptedIn` says where.
 */
class Lifecycle {
  interruptedIn: 'setup' | 'teardown' | undefined;

  constructor(
    private readonly module: Record<string, unknown>,
    private readonly plan: Plan,
    private readonly loaded: LoadedScript,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Runs setup() or teardown() with `data`; undefined when it did not run or was interrupted. */
  async run(name: 'setup' | 'teardown', data: unknown): Promise<unknown> {
    const fn = this.module[name];
    const { options } = this.plan;
    const skip = name === 'setup' ? options.noSetup : options.noTeardown;
    // Not started once interrupted (e.g. Ctrl-C while the script loaded): the run says so.
    if (typeof fn !== 'function' || skip || this.signal?.aborted) return undefined;
    const timeoutMs = name === 'setup' ? options.setupTimeoutMs : options.teardownTimeoutMs;
    try {
      return await runLifecycle(
        name,
        fn as (d?: unknown) => unknown,
        data,
        timeoutMs,
        options.tags,
        this.loaded.userStack,
        this.signal,
      );
    } catch (error) {
      if (!(error instanceof LifecycleInterrupted)) throw error;
      this.interruptedIn = name;
      return undefined;
    }
  }
}

/** setup: runs setup() in the main thread; its data goes to every VU as JSON. */
async function setupPhase(state: PlanState): Promise<SetupState> {
  const lifecycle = new Lifecycle(state.module, state.plan, state.loaded, state.options.signal);
  const setupStarted = performance.now();
  const setupData = await lifecycle.run('setup', undefined);
  return { ...state, lifecycle, setupData, setupStarted };
}

/**
 * run: the scenarios on shards (worker threads when several), watched by the thresholds, which
 * may abort the run (abortOnFail).
 */
async function runPhase(state: SetupState): Promise<RunState> {
  const { loaded, options, plan, mainRegistry, module, setupData, meta } = state;
  tuneHeapForVus(planMaxVUs(plan.scenarios));
  const thresholdAbort = new AbortController();
  const evaluator: ThresholdEvaluator = createThresholdEvaluator({
    thresholds: state.thresholds,
    declaredMetrics: [...mainRegistry.descriptors()].map((d) => d.name),
    onAbort: (reason) =>
      thresholdAbort.abort({
        reason: 'aborted-by-threshold',
        detail: reason,
      } satisfies AbortReason),
  });
  options.onThresholds?.(() => evaluator.outcomes());
  const signal = options.signal
    ? AbortSignal.any([options.signal, thresholdAbort.signal])
    : thresholdAbort.signal;
  const workers = Math.max(1, options.workers ?? 1);
  const specs = scriptShardSpecs(workers, {
    bundleUrl: loaded.bundleUrl,
    scriptDir: state.scriptDir,
    plan,
    setupData: setupData === undefined ? undefined : JSON.stringify(setupData),
    env: state.env,
    intervalMs: 1000,
    perVuInit: loaded.initFactory && (loaded.isK6Style || module['perVuInit'] === true),
  });
  const launch = options.remote
    ? await options.remote({
        plan,
        setupData: setupData === undefined ? undefined : JSON.stringify(setupData),
        env: { ...(plan.options.env ?? {}) },
        perVuInit: specs[0]?.config.perVuInit === true,
        intervalMs: 1000,
        script: {
          scriptPath: loaded.scriptPath,
          bundlePath: loaded.bundlePath,
          openedFiles: [...state.openedFiles],
        },
      })
    : undefined;
  // Every shard reports (local worker threads, or the agents' shards of a distributed run).
  const shardCount = launch?.shards ?? workers;
  const run = await runShards({
    meta,
    specs,
    outputs: [evaluator, ...(options.outputs ?? [])],
    cores: shardCount,
    ...(launch ? { launch } : {}),
    signal,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    onScriptError: (e) => options.onScriptError?.(e.message, loaded.userStack(e.stack)),
  }).catch(async (error: unknown) => {
    // A VU's own init code threw before the test started: an init error, as in k6 (exit 107).
    const failed = readVuInitError(error);
    if (failed) throw await initContextError(loaded, failed.error, failed.vu);
    throw error;
  });
  return { ...state, run, evaluator, workers: shardCount };
}

/**
 * teardown: runs teardown() (not after an interrupt), records how an interrupted setup() or
 * teardown() ended the run, and adds their metrics to the totals.
 */
async function teardownPhase(state: RunState): Promise<void> {
  const { run, lifecycle } = state;
  // A shard running in this thread installed its own runtime: teardown() records into ours.
  installThreadRuntime(state.runtime);
  if (run.reason !== 'interrupted') await lifecycle.run('teardown', state.setupData);
  if (lifecycle.interruptedIn) {
    run.reason = 'interrupted';
    run.detail = `interrupted during ${lifecycle.interruptedIn}()`;
    // No load ran: rates of setup()'s requests are over the time setup() ran, not over 0 ms.
    if (lifecycle.interruptedIn === 'setup' && run.durationMs === 0)
      run.durationMs = performance.now() - state.setupStarted;
  }
  // setup() and teardown() requests count in the totals (not in the per-second timeline), as in k6.
  // Merged here, in this thread: the histograms go over unencoded (`local`).
  run.totals.addSnapshot(state.mainRegistry.snapshot(state.workers, 0, 0, run.durationMs, true));
}

/**
 * summary: the saved result with the thresholds' outcomes, handleSummary() (its failure is
 * reported, never fatal), and the exit code the outcome calls for.
 */
async function summaryPhase(state: RunState): Promise<ScriptRunResult> {
  const { options, plan, run, evaluator, meta } = state;
  const trendStats = [...new Set([...RESULT_TREND_STATS, ...plan.options.summaryTrendStats])];
  const result = buildRunResult({ meta, ...run, trendStats });
  addThresholdSubMetrics(result, state.subMetrics, run.totals, trendStats);
  result.thresholds = evaluator.outcomes();
  for (const w of [...evaluator.warnings(), ...(result.warnings ?? [])]) options.onWarning?.(w);
  const summary = await handleSummaryPhase(state, result);
  const checks = evaluateChecks(run.totals);
  const exitCode = exitCodeFor({
    reason: run.reason,
    thresholdsFailed: evaluator.failed,
    failedChecks: plan.options.failOnCheck && !checks.ok,
    markedFailed: run.markedFailed.length > 0,
    targetNeverAnswered: targetNeverAnswered(result),
  });
  const finished: ScriptRunResult = {
    result,
    totals: run.totals,
    plan,
    summaryOutputs: summary.outputs,
    exitCode,
    header: state.header,
  };
  if (summary.error) finished.summaryError = summary.error;
  return finished;
}

/** Runs the script's handleSummary(data), if any, with k6's data built from the result. */
async function handleSummaryPhase(
  state: RunState,
  result: RunResultFile,
): Promise<{ outputs: ScriptRunResult['summaryOutputs']; error?: RedlineError }> {
  const { plan, loaded } = state;
  const handleSummary = state.module['handleSummary'];
  if (typeof handleSummary !== 'function') return { outputs: undefined };
  const { handleSummaryData } = await import('../../results/k6-summary-data.js');
  const data = handleSummaryData(
    result,
    plan.options.summaryTrendStats,
    plan.options.summaryTimeUnit,
  );
  try {
    return {
      outputs: await runHandleSummary(
        handleSummary as (d: unknown) => unknown,
        data,
        plan.options.handleSummaryTimeoutMs ?? 120_000,
        loaded.userStack,
      ),
    };
  } catch (error) {
    // As k6: the failure is reported and does not change the exit code; unlike k6, the
    // default summary is still printed, so the run's numbers are never lost.
    return {
      outputs: undefined,
      error:
        error instanceof RedlineError
          ? error
          : new RedlineError('E_SCRIPT_SUMMARY', `handleSummary() failed: ${String(error)}`, {
              exitCode: ExitCode.ScriptException,
              cause: error,
            }),
    };
  }
}
