/**
 * Starts shards in this thread (one worker) or in worker threads (several), behind one
 * {@link ShardHandle}. A shard kind is a name plus a serialisable config; the worker entry
 * (shard-worker.ts) starts the same code on the other side.
 */
import { Worker } from 'node:worker_threads';
import { compiledModuleUrl } from '../util/runtime-path.js';
import { QuickShard } from './quick/quick-shard.js';
import type { QuickShardConfig } from './quick/quick-config.js';
import type { ShardHandle, ShardReport } from './shard-report.js';

/** A shard to start: its kind and config. Script shards are added by the scripting engine. */
export type ShardSpec = { kind: 'quick'; config: QuickShardConfig } | { kind: 'module'; module: string; config: unknown };

/** A module-provided shard factory (for shard kinds defined outside the engine core). */
export interface ShardModule {
  startShard(config: unknown, emit: (report: ShardReport) => void): Promise<ShardHandle> | ShardHandle;
}

/** Starts a shard in the calling thread. */
export async function startShardInThisThread(spec: ShardSpec, emit: (report: ShardReport) => void): Promise<ShardHandle> {
  if (spec.kind === 'quick') {
    const shard = new QuickShard(spec.config, emit);
    shard.start();
    return shard;
  }
  const module = (await import(spec.module)) as ShardModule;
  return module.startShard(spec.config, emit);
}

/** Starts a shard in a new worker thread; reports arrive through `emit` in this thread. */
export function startShardInWorker(spec: ShardSpec, index: number, emit: (report: ShardReport) => void): ShardHandle {
  const worker = new Worker(compiledModuleUrl('./shard-worker.js', import.meta.url), { workerData: spec });
  let settle!: () => void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  worker.on('message', (message: { type: string; report?: ShardReport }) => {
    if (message.type === 'report' && message.report) emit(message.report);
    if (message.type === 'done') settle();
  });
  worker.on('error', (error) => {
    // What the shard reported before the crash is kept; it counts as finished from now on.
    emit({
      snapshot: { shard: index, interval: -1, startMs: 0, endMs: 0, metrics: [], series: [] },
      health: { lagP99Ms: 0, lagMaxMs: 0 },
      final: true,
      warnings: [`worker thread ${index} crashed: ${error.message}`],
    });
    settle();
  });
  worker.on('exit', () => settle());
  return {
    done,
    stop: () => worker.postMessage({ type: 'stop' }),
  };
}

/** Starts every shard: in this thread when there is one, in worker threads otherwise. */
export async function startShards(specs: ShardSpec[], emit: (report: ShardReport) => void): Promise<ShardHandle[]> {
  if (specs.length === 1) return [await startShardInThisThread(specs[0]!, emit)];
  return specs.map((spec, index) => startShardInWorker(spec, index, emit));
}
