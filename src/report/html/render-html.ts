/**
 * HTML renderer: one self-contained page (inline CSS and SVG, no script, no network request;
 * a Content-Security-Policy forbids loading anything), sections in the report's order [ref: report-layout].
 */
import { SECTION_TITLES } from '../markdown/render-markdown.js';
import type { ReportModel } from '../model/report-model.js';
import { renderCharts } from './charts.js';
import { h } from './html.js';
import { htmlBottlenecks, htmlPerformance, htmlSummary } from './sections-analysis.js';
import { htmlChecklist, htmlImprovements, htmlMonitoring, htmlPlan } from './sections-plan.js';
import { htmlLoadTest } from './sections-results.js';
import { REPORT_CSS } from './styles.js';

/** The page's Content-Security-Policy: nothing may load from anywhere; inline styles only. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Anchor id of a section title: 'Executive Summary' → 'executive-summary'. */
export function sectionId(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** Renders the report as one HTML document. Everything from a target is escaped. */
export function renderHtml(model: ReportModel): string {
  const charts = renderCharts(model);
  const bodies: Record<(typeof SECTION_TITLES)[number], string> = {
    'Executive Summary': htmlSummary(model),
    'Current Performance': htmlPerformance(model),
    'Bottleneck Analysis': htmlBottlenecks(model, charts),
    'Load Test Results': htmlLoadTest(model, charts),
    'Optimization Plan': htmlPlan(model),
    'Expected Improvements': htmlImprovements(model),
    'Monitoring Recommendations': htmlMonitoring(model),
    'Final Checklist': htmlChecklist(model),
  };
  const sections = SECTION_TITLES.map(
    (t) =>
      `<section class="report-section" id="${sectionId(t)}" data-section="${h(t)}"><h2>${h(t)}</h2>${bodies[t]}</section>`,
  );
  const toc = SECTION_TITLES.map((t) => `<a href="#${sectionId(t)}">${h(t)}</a>`).join('');
  const started = new Date(model.startedAtMs).toISOString();
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(REPORT_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${h(model.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body>',
    `<header class="report-header"><h1>${h(model.title)}</h1><p class="meta">${h(model.kind)} started ${h(started)} · redline ${h(model.redlineVersion)} · target <code>${h(model.subject)}</code></p></header>`,
    `<nav class="toc">${toc}</nav>`,
    `<main>${sections.join('')}</main>`,
    '</body></html>',
    '',
  ].join('\n');
}
