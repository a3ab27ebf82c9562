/**
 * Public surface of the engine: quick-mode runs, the shards' controller and the run result.
 * Scripted runs have their own entry, `script-run/run-script.ts` (`runScriptTest`), which the
 * commands that run scripts load lazily (it brings the script loader and runtime); the MCP
 * server's script inspection shares their init errors (`initContextError`).
 */

// The test data a YAML plan's iterations use, for reports (audits run their flows as plans).
export {
  describePlanFileData,
  describePlanTextData,
  describeScriptData,
  isYamlPlanPath,
} from '../script/yaml/index.js';
export {
  type AbortReason,
  type ControlledRun,
  type LaunchedShards,
  type RunShardsOptions,
  runShards,
} from './controller.js';
export { checkReachable } from './preflight.js';
export { planQuickShards, type QuickRunOptions, splitEvenly } from './quick/quick-config.js';
export { describeQuickRun, type RunResult, runQuickTest } from './quick/run-quick.js';
export { buildRunResult, metricValues, resultMetrics } from './result-builder.js';
export { initContextError } from './script-run/init-errors.js';
// Distributed runs (src/distributed/): the remote-shard hook of scripted runs, the shard
// reports agents forward, and the local shard start-up an agent uses.
export type { RemoteLauncher, RemotePlan } from './script-run/remote.js';
export type { ScriptShardConfig } from './script-run/script-shard.js';
export { scriptShardSpecs } from './script-run/script-shard-specs.js';
export { startShards } from './shard-host.js';
export { emptyShardReport, type ShardHandle, type ShardReport } from './shard-report.js';
