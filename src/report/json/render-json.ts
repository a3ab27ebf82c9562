/** JSON renderer: the ReportModel itself (already redacted), pretty-printed and versioned. */
import type { ReportModel } from '../model/report-model.js';

/** Renders the model as JSON (`format: 'redline-report'`, `version: 1`). */
export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}
