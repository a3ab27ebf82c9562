/** The report renderers by format name, and building a ReportModel from any parsed result. */

import type { ParsedResult } from '../results/parse-result.js';
import { renderHtml } from './html/render-html.js';
import { renderJson } from './json/render-json.js';
import { renderJunit } from './junit/render-junit.js';
import { renderMarkdown } from './markdown/render-markdown.js';
import { createReportModelFromAudit } from './model/create-from-audit.js';
import { createReportModelFromRun, type RunReportOptions } from './model/create-from-run.js';
import type { ReportModel } from './model/report-model.js';

/** A renderer: ReportModel in, file content out. */
export type Renderer = (model: ReportModel) => string;

/** Output formats of `redline report`. */
export type ReportFormat = 'md' | 'html' | 'json' | 'junit';

/** Every renderer with the file name it writes. */
export const RENDERERS: Readonly<Record<ReportFormat, { render: Renderer; fileName: string }>> = {
  md: { render: renderMarkdown, fileName: 'report.md' },
  html: { render: renderHtml, fileName: 'report.html' },
  json: { render: renderJson, fileName: 'report.json' },
  junit: { render: renderJunit, fileName: 'junit.xml' },
};

/** True when `value` names a report format. */
export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(RENDERERS, value);
}

/** Builds the model of a parsed run or audit (redacted inside). */
export function createReportModel(
  parsed: ParsedResult,
  options: RunReportOptions = {},
): ReportModel {
  return parsed.kind === 'run'
    ? createReportModelFromRun(parsed.run, options)
    : createReportModelFromAudit(parsed.audit, options);
}
