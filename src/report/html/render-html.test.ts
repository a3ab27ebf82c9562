// Tests of the HTML renderer's static guarantees (the browser test checks what Chromium shows).
import { describe, expect, it } from 'vitest';
import {
  createSyntheticAudit,
  SYNTHETIC_SECRETS,
} from '../../results/__fixtures__/synthetic-audit.js';
import { createReportModelFromAudit } from '../model/create-from-audit.js';
import type { ChartTimelinePoint } from '../model/report-model.js';
import { CHART_IDS, downsampleTimeline } from './charts.js';
import { REPORT_CSP, renderHtml } from './render-html.js';
import { niceTicks } from './svg/scale.js';

describe('renderHtml', () => {
  const html = renderHtml(createReportModelFromAudit(createSyntheticAudit()));

  it('is self-contained: no script, no external reference, a strict CSP', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html).toContain(`content="${REPORT_CSP.replace(/'/g, '&#39;')}"`);
  });

  it('marks statuses with inline SVG icons, never emoji (they need an emoji font)', () => {
    expect(html).toContain('<svg class="icon icon-');
    expect(html).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it('contains every chart and no secret', () => {
    for (const id of CHART_IDS) expect(html).toContain(`data-chart="${id}"`);
    for (const s of SYNTHETIC_SECRETS) expect(html).not.toContain(s);
  });
});

describe('chart helpers', () => {
  it('picks round ticks', () => {
    expect(niceTicks(0, 1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0, 7, 5)).toEqual([0, 2, 4, 6]);
  });

  it('downsamples long timelines, summing failures', () => {
    const points: ChartTimelinePoint[] = Array.from({ length: 1200 }, (_, i) => ({
      t: i + 1,
      p50: 10,
      p90: 20,
      p95: 30,
      p99: 40,
      rps: 100,
      vus: 5,
      failed: 1,
      errors: { timeout: 1 },
    }));
    const out = downsampleTimeline(points, 600);
    expect(out).toHaveLength(600);
    expect(out[0]).toMatchObject({ t: 2, rps: 100, failed: 2, errors: { timeout: 2 } });
  });
});

describe('status icons without an emoji font (issue 13 §3)', () => {
  it('draws every status as inline SVG with a text label, never an emoji', async () => {
    const { statusIcon, okIcon } = await import('./icons.js');
    for (const status of ['pass', 'acceptable', 'fail', 'unknown', 'neutral'] as const) {
      const svg = statusIcon(status);
      expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="[a-z ]+"><title>[a-z ]+<\/title>/);
      expect(svg).not.toMatch(/\p{Extended_Pictographic}/u);
    }
    expect(okIcon(true)).toBe(statusIcon('pass'));
  });
});
