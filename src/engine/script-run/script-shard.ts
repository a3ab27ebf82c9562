/**
 * A shard of a scripted run (in this thread or a worker): installs the thread runtime, imports the
 * bundled script (init context), runs its scenarios' executors for this execution segment and
 * reports metrics every interval.
 */

import { k6OptionsView } from '../../config/k6-options-view.js';
import type { Plan } from '../../config/plan.js';
import { createExecutionTuple } from '../../executors/execution-segment.js';
import type { ScenarioRun } from '../../executors/executor.js';
import type { ScenarioPlan } from '../../executors/registry.js';
import { executorOf } from '../../executors/registry.js';
import { ShardPart } from '../../executors/segment.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { MetricRegistry } from '../../metrics/registry.js';
import { installScriptGlobals } from '../../script/api/globals.js';
import {
  hasInitFactory,
  instantiateModule,
  loadScriptPathResolver,
} from '../../script/loader/index.js';
import {
  createThreadRuntime,
  installThreadRuntime,
  threadRuntime,
} from '../../script/runtime/thread-runtime.js';
import { runInVuInitContext } from '../../script/runtime/vu-state.js';
import { configureHttpSettings } from '../../script/vu-http/configure.js';
import { epochToLocal, ShardClock } from '../shard-clock.js';
import { emptyShardReport, type ShardHandle, type ShardReport } from '../shard-report.js';
import { type IterationFn, type VuInit, VuRunner } from './vu-runner.js';

/** Everything a script shard needs (structured-clone safe). */
export interface ScriptShardConfig {
  shard: number;
  shards: number;
  bundleUrl: string;
  scriptDir: string;
  plan: Plan;
  /** JSON of setup()'s result (undefined when there is no setup). */
  setupData: string | undefined;
  env: Record<string, string>;
  /** URL rewriting rules (serialisable), applied by `rewriteUrl`. */
  hostRules: unknown;
  /** Module exporting `createUrlRewriter(rules)`, resolved by the main thread. */
  hostRulesModule?: string;
  intervalMs: number;
  /**
   * Each VU runs the script's init code for its own module instance (k6 scripts; native scripts
   * that export `perVuInit = true`); else one instance per thread serves every VU.
   */
  perVuInit?: boolean;
  /**
   * Files the script reads, shipped from another machine (distributed runs): the path the
   * script's `open()` resolves to there → where the copy is here.
   */
  fileMap?: Record<string, string>;
}

/** A resolver that maps shipped files (see {@link ScriptShardConfig.fileMap}) to their copies. */
function withFileMap(
  resolvePath: (path: string, stack?: string) => string,
  fileMap: Record<string, string> | undefined,
): (path: string, stack?: string) => string {
  if (!fileMap) return resolvePath;
  return (path, stack) => {
    const full = resolvePath(path, stack);
    return Object.hasOwn(fileMap, full) ? (fileMap[full] as string) : full;
  };
}

/** How many distinct script errors each shard reports. */
const MAX_REPORTED_ERRORS = 10;

/**
 * Prepares a script shard in the calling thread (also the worker entry's `startShard`). `local`:
 * the reports are merged in this thread (a lone shard run by the controller's thread), so its
 * per-interval snapshots carry their trend histograms unencoded (see TrendDelta).
 */
export async function startShard(
  config: ScriptShardConfig,
  emit: (report: ShardReport) => void,
  local = false,
): Promise<ShardHandle> {
  let t0 = performance.now();
  const registry = new MetricRegistry(() => performance.now() - t0);
  const events: NonNullable<ShardReport['events']> = [];
  const errors: NonNullable<ShardReport['scriptErrors']> = [];
  const seenErrors = new Set<string>();
  // Warnings the script caused (each text once), sent with the next interval's report.
  const scriptWarnings: string[] = [];
  const seenWarnings = new Set<string>();
  const sendEvents = () => {
    emit(emptyShardReport(config.shard, { final: false, warnings: [], events: events.splice(0) }));
  };
  let rewriteUrl = (url: string) => url;
  if (config.hostRulesModule) {
    const mod = (await import(config.hostRulesModule)) as {
      createUrlRewriter: (rules: unknown) => (url: string) => string;
    };
    rewriteUrl = mod.createUrlRewriter(config.hostRules);
  }
  // In the main thread (one shard) the run's runtime is installed: keep its SharedArray data.
  const { dataStore } = threadRuntime();
  installThreadRuntime(
    createThreadRuntime({
      dataStore,
      scenarioStages: Object.fromEntries(
        config.plan.scenarios.flatMap((s) => {
          const stages = executorOf(s).stages?.(s);
          return stages ? [[s.name, stages]] : [];
        }),
      ),
      registry,
      testTags: config.plan.options.tags,
      options: config.plan.options,
      k6Options: k6OptionsView(config.plan),
      env: config.env,
      scriptDir: config.scriptDir,
      resolvePath: withFileMap(
        loadScriptPathResolver(config.scriptDir, config.bundleUrl),
        config.fileMap,
      ),
      rewriteUrl,
      shard: config.shard,
      shards: config.shards,
      testStart: t0,
      abortTest: (message) => {
        events.push({ type: 'abort', message });
        sendEvents();
      },
      failTest: (message) => {
        events.push({ type: 'fail', message });
        sendEvents();
      },
      warn: (text) => {
        if (seenWarnings.has(text) || seenWarnings.size >= MAX_REPORTED_ERRORS) return;
        seenWarnings.add(text);
        scriptWarnings.push(text);
      },
    }),
  );
  configureHttpSettings(config.plan.options);
  installScriptGlobals();
  const bundle = (await import(config.bundleUrl)) as Record<string, unknown>;
  const perVu = config.perVuInit === true && hasInitFactory(bundle);
  // Shared init: one instance for this thread. Per-VU init: each VU gets its own (below).
  const module = perVu ? {} : await instantiateModule(bundle);
  const initVu =
    (exec: string): VuInit =>
    async (ids) => {
      const instance = await runInVuInitContext(
        { id: ids.id, idInInstance: ids.idInInstance },
        () => instantiateModule(bundle),
      );
      return instance[exec] as IterationFn;
    };
  let nextLocalVu = 0;
  const runners: VuRunner[] = [];
  const onError = (error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (seenErrors.has(message) || seenErrors.size >= MAX_REPORTED_ERRORS) return;
    seenErrors.add(message);
    errors.push({ message, stack: error instanceof Error ? (error.stack ?? message) : message });
  };
  // This process's execution segment (validated by buildPlan), striped over the shards.
  const part = new ShardPart(
    config.shard,
    config.shards,
    createExecutionTuple(
      config.plan.options.executionSegment,
      config.plan.options.executionSegmentSequence,
    ),
  );
  const partOf = (scenario: ScenarioPlan) =>
    executorOf(scenario).iterationPart?.(scenario, part) ?? part;
  for (const scenario of config.plan.scenarios) {
    runners.push(
      new VuRunner({
        scenario: {
          name: scenario.name,
          executor: scenario.executor,
          startTimeMs: scenario.startTimeMs,
          iterationsStarted: 0,
          iterationStride: config.shards,
          iterationOffset: config.shard,
          iterationInTest: (n: number) => partOf(scenario).index(n),
          tags: scenario.tags,
          env: scenario.env,
        },
        fn: module[scenario.exec] as IterationFn,
        ...(perVu ? { init: initVu(scenario.exec) } : {}),
        setupJson: config.setupData,
        registry,
        testTags: config.plan.options.tags,
        newVuId: () => {
          const local = nextLocalVu++;
          const id = local * config.shards + config.shard + 1;
          // In a segmented run, k6's idInTest is unique across all instances (striped VU numbers).
          return part.tuple.whole
            ? { id, idInInstance: local + 1 }
            : { id, idInInstance: local + 1, idInTest: part.index(local) + 1 };
        },
        onError,
      }),
    );
  }
  // `vus` follows the active VUs while the test runs, as k6 samples it (k6 every second; here at
  // every change, and every 100 ms). When the last scenario's schedule ends, the value it ends
  // with is recorded and the gauge stops: the drain during the graceful stop is not a value of
  // the test, so a steady 3-VU test ends with vus = 3 (`vus: ['value>2']` holds) and a ramp
  // down to 0 ends at 0.
  const vus = registry.gauge(BUILTIN_METRICS.vus);
  const vusMax = registry.gauge(BUILTIN_METRICS.vus_max);
  let sampling = false;
  let settled = false;
  const activeVus = () => runners.reduce((n, r) => n + r.active, 0);
  const sampleVus = () => {
    if (sampling && !settled) vus.add(activeVus());
    vusMax.add(runners.reduce((n, r) => n + Math.max(r.allocated, r.reserved), 0));
  };
  const onActiveChange = (changed: VuRunner) => {
    if (!sampling || settled) return;
    if (runners.every((r) => r.endedWith !== undefined)) {
      settled = true;
      vus.add(runners.reduce((n, r) => n + (r === changed ? (r.endedWith ?? 0) : r.active), 0));
    } else vus.add(activeVus());
  };
  for (const r of runners) r.onActiveChange = onActiveChange;
  // k6 initialises the VUs before the test starts: the ones each scenario holds from its start.
  if (perVu) {
    for (const [i, scenario] of config.plan.scenarios.entries())
      await runners[i]!.prepare(part.count(executorOf(scenario).initialVUs(scenario)));
  }
  let executors: ScenarioRun[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let stopped = false;
  return {
    done,
    start(loadStartEpochMs) {
      t0 = epochToLocal(loadStartEpochMs);
      threadRuntime().testStart = t0;
      const clock = new ShardClock(
        registry,
        config.shard,
        t0,
        config.intervalMs,
        (report) => {
          if (errors.length > 0) report.scriptErrors = errors.splice(0);
          if (scriptWarnings.length > 0) report.warnings.push(...scriptWarnings.splice(0));
          emit(report);
        },
        local,
      );
      executors = config.plan.scenarios.map((scenario, i) =>
        executorOf(scenario).start(scenario, {
          runner: runners[i]!,
          shard: config.shard,
          shards: config.shards,
          part: partOf(scenario),
          startAt: t0 + scenario.startTimeMs,
          dropped: registry.counter(BUILTIN_METRICS.dropped_iterations, {
            ...config.plan.options.tags,
            ...scenario.tags,
            scenario: scenario.name,
          }),
        }),
      );
      if (stopped) for (const e of executors) e.stop();
      // Executors reserve their VUs synchronously when they start running: sample after that.
      const running = Promise.all(executors.map((e) => e.run()));
      sampleVus(); // vus_max only: no VU has started yet
      sampling = true;
      const sampler = setInterval(sampleVus, 100);
      clock.start();
      void running.then(() => {
        clearInterval(sampler);
        sampling = false;
        sampleVus();
        for (const r of runners) r.closeConnections();
        clock.finish();
        resolveDone();
      });
    },
    stop() {
      stopped = true;
      for (const e of executors) e.stop();
    },
  };
}
