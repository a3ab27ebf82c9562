/** Public surface of the engine: quick-mode runs (and, later, scripted runs). */
export {
  type AbortReason,
  type ControlledRun,
  type RunShardsOptions,
  runShards,
} from './controller.js';
export { planQuickShards, type QuickRunOptions, splitEvenly } from './quick/quick-config.js';
export { describeQuickRun, type RunResult, runQuickTest } from './quick/run-quick.js';
export { buildRunResult, metricValues, resultMetrics } from './result-builder.js';
