/**
 * Public surface of report/: building the renderer-neutral ReportModel from a run or an audit
 * result, and rendering it (Markdown, HTML, JSON, JUnit), the Load Test Plan and `redline
 * compare`'s tables. Other folders import report/ only through this file.
 */
export { renderHtml } from './html/render-html.js';
export { renderJson } from './json/render-json.js';
export { renderJunit } from './junit/render-junit.js';
export { renderMarkdown, SECTION_TITLES } from './markdown/render-markdown.js';
export { renderLoadTestPlanMarkdown } from './markdown/render-plan.js';
export { createReportModelFromAudit } from './model/create-from-audit.js';
export { createReportModelFromRun, type RunReportOptions } from './model/create-from-run.js';
export { formatLocation } from './model/findings-view.js';
export { createLoadTestPlan, type LoadTestPlan } from './model/load-test-plan.js';
export type * from './model/report-model.js';
export { renderCompareMarkdown, renderCompareText } from './render-compare.js';
export {
  createReportModel,
  isReportFormat,
  RENDERERS,
  type Renderer,
  type ReportFormat,
} from './renderers.js';
