/**
 * The worker-thread specs of a scripted run: one script shard per worker, each told its number,
 * the shard count and where the compiled shard and host-rules modules are. Used by local runs
 * (run-script.ts) and by a distributed agent for its part.
 */
import { compiledModuleUrl } from '../../util/runtime-path.js';
import type { ScriptShardConfig } from './script-shard.js';

/** What every shard of a run shares (the rest is filled in per shard). */
export type SharedShardConfig = Omit<
  ScriptShardConfig,
  'shard' | 'shards' | 'hostRules' | 'hostRulesModule'
>;

/** A script shard to start on a worker thread. */
export interface ScriptShardSpec {
  kind: 'module';
  module: string;
  config: ScriptShardConfig;
}

/** `workers` (at least 1) shard specs over `shared`, host rules taken from the plan. */
export function scriptShardSpecs(workers: number, shared: SharedShardConfig): ScriptShardSpec[] {
  const module = compiledModuleUrl('./script-shard.js', import.meta.url).href;
  const hostRulesModule = compiledModuleUrl('../../config/hosts.js', import.meta.url).href;
  const shards = Math.max(1, workers);
  return Array.from({ length: shards }, (_, shard) => ({
    kind: 'module',
    module,
    config: {
      shard,
      shards,
      ...shared,
      hostRules: shared.plan.options.hostRules ?? [],
      hostRulesModule,
    },
  }));
}
