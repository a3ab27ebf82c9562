/** Public surface of report/: the audit input, the model, the renderers, compare and redaction. */

export {
  isSensitiveKey,
  REDACTED,
  type RedactOptions,
  redactDeep,
  redactHeaders,
  redactText,
} from '../util/redact.js';
export {
  type CompareOptions,
  type CompareResult,
  type CompareRow,
  compareRuns,
} from './compare/compare-runs.js';
export { mannWhitneyU } from './compare/mann-whitney.js';
export { renderCompareMarkdown, renderCompareText } from './compare/render-compare.js';
export { createVerification } from './compare/verification.js';
export { renderHtml } from './html/render-html.js';
export { renderJson } from './json/render-json.js';
export { renderJunit } from './junit/render-junit.js';
export { renderMarkdown, SECTION_TITLES } from './markdown/render-markdown.js';
export { renderLoadTestPlanMarkdown } from './markdown/render-plan.js';
export type * from './model/audit-result.js';
export { createReportModelFromAudit, selectBasisStep } from './model/create-from-audit.js';
export { createReportModelFromRun, type RunReportOptions } from './model/create-from-run.js';
export * from './model/criteria.js';
export { createLoadTestPlan, defaultStepUsers, type LoadTestPlan } from './model/load-test-plan.js';
export {
  isAuditResultFile,
  isRunResultFile,
  type ParsedResult,
  parseResultText,
  selectComparableRun,
} from './model/parse-result.js';
export type * from './model/report-model.js';
export { type RunStats, readRunStats } from './model/run-stats.js';
export {
  createReportModel,
  isReportFormat,
  RENDERERS,
  type Renderer,
  type ReportFormat,
} from './renderers.js';
