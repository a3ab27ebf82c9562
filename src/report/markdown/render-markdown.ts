/**
 * Markdown renderer: the Performance Analysis Report, section by section, in its order [ref:
 * report-layout].
 */
import type { ReportModel } from '../model/report-model.js';
import { text } from './md.js';
import { renderBottlenecks, renderPerformance, renderSummary } from './sections-analysis.js';
import {
  renderChecklist,
  renderImprovements,
  renderMonitoring,
  renderPlan,
} from './sections-plan.js';
import { renderLoadTest } from './sections-results.js';

/**
 * The report's section headings, in order (the renderers' shared contract) [ref: report-layout].
 */
export const SECTION_TITLES = [
  'Executive Summary',
  'Current Performance',
  'Bottleneck Analysis',
  'Load Test Results',
  'Optimization Plan',
  'Expected Improvements',
  'Monitoring Recommendations',
  'Final Checklist',
] as const;

/** Renders the report as GitHub-flavoured Markdown. Everything from a target is escaped. */
export function renderMarkdown(model: ReportModel): string {
  const started = new Date(model.startedAtMs).toISOString();
  const header = [
    '## Performance Analysis Report',
    '',
    `_${text(model.title.replace(/^Performance Analysis Report: /, ''))} · ${model.kind} started ${started} · redline ${text(model.redlineVersion)}_`,
  ].join('\n');
  const sections = [
    header,
    renderSummary(model),
    renderPerformance(model),
    renderBottlenecks(model),
    renderLoadTest(model),
    renderPlan(model),
    renderImprovements(model),
    renderMonitoring(model),
    renderChecklist(model),
  ];
  return `${sections.join('\n\n')}\n`;
}
