// Browser test: the HTML report opened in Debian's Chromium renders every section and chart,
// makes no network request, logs no console error, shows `<script>` from a target as text and
// leaks no secret. The JUnit XML is checked for well-formedness with the browser's XML parser.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_IDS } from '../../src/report/html/charts.js';
import { renderHtml } from '../../src/report/html/render-html.js';
import { renderJunit } from '../../src/report/junit/render-junit.js';
import { SECTION_TITLES } from '../../src/report/markdown/render-markdown.js';
import { createReportModelFromAudit } from '../../src/report/model/create-from-audit.js';
import { createReportModelFromRun } from '../../src/report/model/create-from-run.js';
import {
  createSyntheticAudit,
  HOSTILE_SCRIPT,
  SYNTHETIC_SECRETS,
} from '../../src/results/__fixtures__/synthetic-audit.js';
import { createSyntheticRun } from '../../src/results/__fixtures__/synthetic-run.js';
import { findBinary, requireBinaries } from '../helpers/require-binary.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

interface Visit {
  page: Page;
  requests: string[];
  consoleErrors: string[];
  url: string;
}

let browser: Browser;
let dir: string;

async function open(html: string, name: string): Promise<Visit> {
  const file = join(dir, name);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, consoleErrors, url };
}

/** For each chart: how many marks it drew and how many of them have a visible size. */
async function chartMarks(page: Page): Promise<Record<string, { marks: number; visible: number }>> {
  return page.evaluate(() => {
    const out: Record<string, { marks: number; visible: number }> = {};
    for (const svg of document.querySelectorAll('svg[data-chart]')) {
      const marks = [...svg.querySelectorAll('.mark')] as SVGGraphicsElement[];
      const visible = marks.filter((m) => {
        const b = m.getBBox();
        return b.width > 0 || b.height > 0;
      }).length;
      out[svg.getAttribute('data-chart') ?? '?'] = { marks: marks.length, visible };
    }
    return out;
  });
}

const need = requireBinaries('chromium');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-report-browser-'));
  if (need.skip) return;
  browser = await chromium.launch({
    executablePath: findBinary('chromium') ?? '/usr/bin/chromium',
    args: ARGS,
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(need.skip)('HTML report in Chromium', () => {
  it('renders every section and chart of an audit, offline and without errors', async () => {
    const v = await open(
      renderHtml(createReportModelFromAudit(createSyntheticAudit())),
      'audit.html',
    );
    const sections = await v.page.$$eval('section[data-section]', (els) =>
      els.map((e) => ({
        title: e.querySelector('h2')?.textContent,
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
        text: (e as HTMLElement).innerText.length,
        h: e.getBoundingClientRect().height,
      })),
    );
    expect(sections.map((s) => s.title)).toEqual([...SECTION_TITLES]);
    for (const s of sections) {
      expect(s.text).toBeGreaterThan(50);
      expect(s.h).toBeGreaterThan(20);
    }
    const marks = await chartMarks(v.page);
    for (const id of CHART_IDS) {
      expect(marks[id], id).toBeDefined();
      expect(marks[id]!.marks, id).toBeGreaterThan(0);
      expect(marks[id]!.visible, id).toBeGreaterThan(0);
    }
    const knee = await v.page.$eval(
      'svg[data-chart="stress-curve"]',
      (s) =>
        s.querySelector('.knee') !== null && s.textContent?.includes('breaking point: 300 users'),
    );
    expect(knee).toBe(true);
    expect(v.requests).toEqual([v.url]);
    expect(v.consoleErrors).toEqual([]);
    await v.page.close();
  });

  it('shows <script> from the target as text and leaks no secret', async () => {
    const html = renderHtml(createReportModelFromAudit(createSyntheticAudit()));
    const v = await open(html, 'hostile.html');
    const state = await v.page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
      text: document.body.innerText,
    }));
    expect(state.scripts).toBe(0);
    expect(state.pwned).toBeUndefined();
    expect(state.text).toContain(HOSTILE_SCRIPT);
    for (const s of SYNTHETIC_SECRETS) {
      expect(html).not.toContain(s);
      expect(state.text).not.toContain(s);
    }
    await v.page.close();
  });

  it('renders a plain run, explaining the charts it has no data for', async () => {
    const v = await open(
      renderHtml(createReportModelFromRun(createSyntheticRun({ errorRate: 0.01, seconds: 40 }))),
      'run.html',
    );
    const marks = await chartMarks(v.page);
    for (const id of [
      'latency-over-time',
      'throughput-vus',
      'errors-over-time',
      'latency-distribution',
    ]) {
      expect(marks[id]?.visible, id).toBeGreaterThan(0);
    }
    const empty = await v.page.$$eval('figure.chart.empty', (els) =>
      els.map((e) => e.getAttribute('data-chart-figure')),
    );
    expect(empty.sort()).toEqual(['flamegraph', 'query-plan', 'stress-curve']);
    expect(v.requests).toEqual([v.url]);
    expect(v.consoleErrors).toEqual([]);
    await v.page.close();
  });

  it('writes JUnit XML that an XML parser accepts', async () => {
    const xml = renderJunit(createReportModelFromAudit(createSyntheticAudit()));
    const page = await browser.newPage();
    const result = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        cases: doc.querySelectorAll('testcase').length,
      };
    }, xml);
    expect(result.error).toBeNull();
    expect(result.cases).toBeGreaterThan(20);
    await page.close();
  });
});
