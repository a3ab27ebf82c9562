/** Public surface of config/: buildPlan, describePlan, presets, host rules and the Plan types. */
export {
  type BuildPlanInput,
  type BuildPlanResult,
  buildPlan,
  checkPlan,
  type PlanCheck,
} from './build-plan.js';
export { type CliOverrides, parseStageSpec } from './cli-overrides.js';
export {
  type DescribePlanOptions,
  describePlan,
  maxDurationMs,
  maxVUs,
  planMaxDurationMs,
  planMaxVUs,
  sortScenarios,
} from './describe-plan.js';
export { envNamesOf } from './env-overrides.js';
export {
  EXECUTOR_NAMES,
  EXECUTORS,
  type ExecutorKind,
  executorKindOf,
  type FieldProblem,
} from './executors/index.js';
export { formatGoDuration } from './format.js';
export {
  createUrlRewriter,
  type HostRule,
  type HostScheme,
  hostRulesFromOptions,
  parseHostSpec,
  type RewrittenTarget,
  rewriteTarget,
  rewriteUrl,
  sortHostRules,
} from './hosts.js';
export {
  isNoopValue,
  OPTION_NAMES,
  OPTION_TABLE,
  type OptionInfo,
  type OptionSupport,
} from './option-names.js';
export * from './plan.js';
export {
  buildPreset,
  createPreset,
  isPresetKind,
  PRESET_DEFAULTS,
  PRESET_KINDS,
  PRESET_VU_SIZING,
  type PresetKind,
  type PresetOptions,
  type PresetPhase,
  type PresetResult,
  SPIKE_EDGE_MS,
  SUGGESTED_THRESHOLDS,
} from './presets/index.js';
export { formatProblem, ProblemList } from './problems.js';
export { DEFAULT_SUMMARY_TREND_STATS } from './test-options.js';
