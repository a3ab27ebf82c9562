/**
 * Public surface of audit/: load and validate the config, run the audit, plan only. Other folders
 * import audit/ only through this file.
 */
export { type AuditRecord, createBaselineVerification } from './baseline.js';
export { CONFIG_FILE_NAMES, findConfigFile, loadAuditConfig } from './config/load-config.js';
export { type ParsedConfig, parseAuditConfig } from './config/parse-config.js';
export { type AuditSizing, createDefaultSteps, isStepName } from './config/steps.js';
export * from './config/types.js';
export { createMonitoringPlan } from './monitoring.js';
export { renderAuditPlan, writeAuditPlan } from './plan-only.js';
export {
  type AuditProgress,
  countProgressSteps,
  createProgress,
  SILENT_PROGRESS,
} from './progress.js';
export { renderAuditSummary } from './render-summary.js';
export { type AuditRun, type RunAuditOptions, runAudit } from './run-audit.js';
export { AUDIT_LEAK_THRESHOLDS, createLeakCheck, fitTrafficTrend } from './steps/leak-check.js';
export { detectBreakingPoint, judgeStressPoint, type StressPoint } from './steps/stress.js';
