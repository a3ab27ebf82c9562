/**
 * Starts shards in this thread (one worker) or in worker threads (several), behind one
 * {@link ShardHandle}. A shard kind is a name plus a serialisable config; the worker entry
 * (shard-worker.ts) starts the same code on the other side.
 */
import { Worker } from 'node:worker_threads';
import { redactedNames } from '../util/redact.js';
import { compiledModuleUrl } from '../util/runtime-path.js';
import type { QuickShardConfig } from './quick/quick-config.js';
import { QuickShard } from './quick/quick-shard.js';
import { emptyShardReport, type ShardHandle, type ShardReport } from './shard-report.js';

/** A shard to start: its kind and config. Script shards are added by the scripting engine. */
export type ShardSpec =
  | { kind: 'quick'; config: QuickShardConfig }
  | { kind: 'module'; module: string; config: unknown };

/** What a worker thread receives: the shard and the secret names to redact in its tags. */
export type WorkerSpec = ShardSpec & { redactNames: string[] };

/** A module-provided shard factory (for shard kinds defined outside the engine core). */
export interface ShardModule {
  /**
   * `local`: `emit` merges the reports in this thread (see {@link startShardInThisThread}), so
   * the shard may hand its histograms over unencoded.
   */
  startShard(
    config: unknown,
    emit: (report: ShardReport) => void,
    local?: boolean,
  ): Promise<ShardHandle> | ShardHandle;
}

/**
 * Prepares a shard in the calling thread (call `start` on the handle to begin). `local`: `emit`
 * merges the reports in this thread too (the controller's own shard, not a worker's), so quick
 * and script shards hand their histograms over unencoded.
 */
export async function startShardInThisThread(
  spec: ShardSpec,
  emit: (report: ShardReport) => void,
  local = false,
): Promise<ShardHandle> {
  if (spec.kind === 'quick') return new QuickShard(spec.config, emit, local);
  const module = (await import(spec.module)) as ShardModule;
  return module.startShard(spec.config, emit, local);
}

/** Prepares a shard in a new worker thread; resolves once it is ready. Reports arrive through `emit`. */
export async function startShardInWorker(
  spec: ShardSpec,
  index: number,
  emit: (report: ShardReport) => void,
): Promise<ShardHandle> {
  const worker = new Worker(compiledModuleUrl('./shard-worker.js', import.meta.url), {
    // The secret names added in this thread (--redact-param, redactParams) go with the shard.
    workerData: { ...spec, redactNames: redactedNames() } satisfies WorkerSpec,
  });
  let settle!: () => void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  let markReady!: () => void;
  let failReady!: (error: Error) => void;
  let isReady = false;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = () => {
      isReady = true;
      resolve();
    };
    failReady = reject;
  });
  worker.on('message', (message: { type: string; report?: ShardReport }) => {
    if (message.type === 'ready') markReady();
    if (message.type === 'report' && message.report) emit(message.report);
    if (message.type === 'done') settle();
  });
  worker.on('error', (error) => {
    // The shard could not start (e.g. a VU's init code threw): the run cannot either.
    if (!isReady) {
      failReady(error);
      settle();
      return;
    }
    // What the shard reported before the crash is kept; it counts as finished from now on.
    emit(
      emptyShardReport(index, {
        final: true,
        warnings: [`worker thread ${index} crashed: ${error.message}`],
      }),
    );
    markReady();
    settle();
  });
  worker.on('exit', () => {
    markReady();
    settle();
  });
  await ready;
  return {
    done,
    start: (loadStartEpochMs) => worker.postMessage({ type: 'start', loadStartEpochMs }),
    stop: () => worker.postMessage({ type: 'stop' }),
    terminate: () => void worker.terminate(),
  };
}

/**
 * Starts every shard: in this thread when there is one, in worker threads otherwise. `local`:
 * `emit` merges the reports in this thread (the run controller); false when they go elsewhere
 * (a distributed agent sends them over the network), so they stay encoded.
 */
export async function startShards(
  specs: ShardSpec[],
  emit: (report: ShardReport) => void,
  local = false,
): Promise<ShardHandle[]> {
  if (specs.length === 1) return [await startShardInThisThread(specs[0]!, emit, local)];
  const settled = await Promise.allSettled(
    specs.map((spec, index) => startShardInWorker(spec, index, emit)),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    // The shards that did start wait for a start that never comes: end them.
    for (const s of settled) if (s.status === 'fulfilled') s.value.terminate?.();
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<ShardHandle>).value);
}
