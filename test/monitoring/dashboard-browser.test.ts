// The live dashboard in Debian's Chromium: numbers move while a run goes; the export works offline.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/index.js';
import { trendStat } from '../../src/metrics/aggregate.js';
import { BUILTIN_METRICS } from '../../src/metrics/builtin.js';
import { createDashboardOutput } from '../../src/outputs/dashboard/dashboard-output.js';
import {
  createIntervalFeed,
  testMeta,
} from '../../src/outputs/prometheus/__fixtures__/interval-feed.js';
import { findBinary, requireBinaries } from '../helpers/require-binary.js';
import { spawnCli } from '../k6-compat/helpers/run-corpus.js';
import { startWsServer } from '../k6-compat/helpers/ws-server.js';
import { startTarget, targetUrl } from './helpers/target.js';

const need = requireBinaries('chromium');
const CHROMIUM = findBinary('chromium') ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'redline-dash-browser-'));

/**
 * Asserts that a tile's text (`1,234.5`, `312 µs`, `2.09 ms`, `1.2 s`) shows `expected` (in ms
 * for a duration): equal up to the rounding of its last shown digit.
 */
function expectTile(text: string | null, expected: number): void {
  const m = /^([\d,]+(?:\.(\d+))?)(?: (µs|ms|s))?$/.exec(text ?? '');
  expect(m, `tile text '${text}'`).not.toBeNull();
  const scale = m![3] === 'µs' ? 0.001 : m![3] === 's' ? 1000 : 1;
  const shown = Number(m![1]!.replace(/,/g, '')) * scale;
  const halfDigit = 0.5 * 10 ** -(m![2]?.length ?? 0) * scale;
  expect(Math.abs(shown - expected), `'${text}' for ${expected}`).toBeLessThanOrEqual(
    halfDigit * (1 + 1e-9),
  );
}

describe.skipIf(need.skip)('live dashboard in Chromium', () => {
  let browser: Browser;
  let target: Server;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    target = await startTarget();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (target ? target.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens an exported dashboard file once its page has drawn the finished run. */
  async function openExport(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${path}`);
    await page.waitForSelector('body[data-state="finished"]');
    return page;
  }

  it('shows numbers that move while the run goes, then the end, and exports a page that works offline', async () => {
    const exportPath = join(dir, 'report.html');
    const out = createDashboardOutput({ port: 0, exportPath });
    const run = runQuickTest({
      url: targetUrl(target),
      connections: 2,
      durationMs: 10_000,
      outputs: [out],
    });
    try {
      for (let i = 0; i < 100 && !out.url(); i++) await new Promise((r) => setTimeout(r, 50));
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(out.url()!);
      const number = async (id: string) =>
        Number((await page.textContent(`#${id}`))!.replace(/,/g, ''));
      // Polling from the test side: the page's CSP forbids eval, so no string predicates.
      await expect.poll(() => page.textContent('#requests'), { timeout: 10_000 }).not.toBe('-');
      // Both tiles in one read (document order), so they come from the same render: from two
      // reads, a second arriving between them made requests look moved and the time not.
      const tiles = async () => {
        const [requests, elapsed] = await page.locator('#requests, #elapsed').allTextContents();
        return { requests: Number(requests!.replace(/,/g, '')), elapsed };
      };
      const first = await tiles();
      expect(await page.textContent('#status')).toBe('running');
      await expect
        .poll(
          async () => {
            const now = await tiles();
            return now.requests > first.requests && now.elapsed !== first.elapsed;
          },
          { timeout: 10_000 },
        )
        .toBe(true);
      expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3);
      expect(await number('rps')).toBeGreaterThan(0);

      const { totals, result } = await run;
      await page.waitForSelector('body[data-state="finished"]', { timeout: 10_000 });
      expect(await page.textContent('#status')).toBe('finished: completed');
      const sent = totals.summarize('http_reqs')!.sum;
      expect(await number('requests')).toBe(sent);
      // Finished, the tiles read as the end-of-test summary: the run's rate and percentiles.
      expect(await page.textContent('#rps-label')).toBe('Requests/s (average)');
      expectTile(await page.textContent('#rps'), sent / (result.durationMs / 1000));
      const duration = totals.summarize('http_req_duration')!;
      expectTile(await page.textContent('#p95'), trendStat(duration, 'p(95)')!);
      expectTile(await page.textContent('#p99'), trendStat(duration, 'p(99)')!);
      await page.close();

      const offline = await browser.newPage();
      const requests: string[] = [];
      offline.on('request', (r) => requests.push(r.url()));
      await offline.goto(`file://${exportPath}`);
      await offline.waitForSelector('body[data-state="finished"]');
      expect(Number((await offline.textContent('#requests'))!.replace(/,/g, ''))).toBe(
        totals.summarize('http_reqs')!.sum,
      );
      expect(await offline.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3);
      // An HTTP run keeps its titles and tiles; no panel says it has nothing.
      expect(await offline.locator('.u-title').allTextContents()).toEqual([
        'Requests/s and VUs',
        'Latency percentiles',
        'Errors by class (per second)',
      ]);
      expect(await offline.textContent('#rps-label')).toBe('Requests/s (average)');
      expectTile(await offline.textContent('#p95'), trendStat(duration, 'p(95)')!);
      expect(await offline.locator('.notice:visible').count()).toBe(0);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      await offline.close();
    } finally {
      // Never leave the run going (its export would outlive the temp folder).
      await run.catch(() => undefined);
    }
  });

  it('a WebSocket echo run plots its round trips (ws_echo_round_trip), not HTTP zeros', async () => {
    const ws = await startWsServer();
    try {
      const exportPath = join(dir, 'echo.html');
      const cli = spawnCli(
        [
          'run',
          `${ws.url}/echo`,
          '--message',
          'hi',
          '-c',
          '2',
          '-d',
          '2s',
          '-q',
          '--json',
          'echo.json',
          '--out',
          'dashboard=127.0.0.1:0',
        ],
        { cwd: dir, env: { REDLINE_DASHBOARD_EXPORT: exportPath }, timeoutMs: 30_000 },
      );
      const out = await cli.done;
      expect(out.code, out.stderr).toBe(0);
      const island = /<script id="redline-data" type="application\/json">(.*?)<\/script>/s.exec(
        readFileSync(exportPath, 'utf8'),
      )![1]!;
      const data = JSON.parse(island) as {
        end: { durationMs: number };
        points: Array<{
          totalRequests: number;
          measure?: { kind: string };
          measured?: { total: number };
        }>;
      };
      const last = data.points[data.points.length - 1]!;
      const result = JSON.parse(readFileSync(join(dir, 'echo.json'), 'utf8')) as {
        metrics: Record<string, { values: Record<string, number> }>;
      };
      const roundTrip = result.metrics['ws_echo_round_trip']!.values;
      expect(last.totalRequests).toBe(0);
      expect(last.measure?.kind).toBe('ws-echo');
      expect(last.measured!.total).toBeGreaterThan(0);

      const page = await openExport(exportPath);
      expect(await page.getAttribute('body', 'data-measure')).toBe('ws-echo');
      expect(await page.textContent('#requests-label')).toBe('WebSocket echo round trips');
      expect(Number((await page.textContent('#requests'))!.replace(/,/g, ''))).toBe(
        last.measured!.total,
      );
      expect(last.measured!.total).toBe(roundTrip['count']);
      // p95/p99 are the run's, as the summary's: the last interval (often only the few ms
      // before the cut, with no round trip) leaves them as they were.
      expect(await page.textContent('#p95-label')).toBe('p95 ws_echo_round_trip');
      expectTile(await page.textContent('#p95'), roundTrip['p(95)']!);
      expectTile(await page.textContent('#p99'), roundTrip['p(99)']!);
      expect(await page.textContent('#rps-label')).toBe('Round trips/s (average)');
      expectTile(
        await page.textContent('#rps'),
        roundTrip['count']! / (data.end.durationMs / 1000),
      );
      const titles = await page.locator('.u-title').allTextContents();
      expect(titles).toEqual([
        'Round trips/s and VUs',
        'Latency percentiles (ws_echo_round_trip)',
        'Echo messages unanswered by class (per second)',
      ]);
      expect(titles.join(' ')).not.toMatch(/Requests|req\/s/);
      const legend = await page.locator('.u-legend').allTextContents();
      expect(legend.join(' ')).not.toContain('req/s');
      await page.close();
    } finally {
      await ws.close();
    }
  });

  it('a run measured in iterations says where an HTTP-only panel has nothing', async () => {
    const exportPath = join(dir, 'iterations.html');
    const out = createDashboardOutput({ port: -1, exportPath });
    const feed = createIntervalFeed();
    await out.start!(testMeta());
    for (const n of [4, 6]) {
      feed.registry.counter(BUILTIN_METRICS.iterations).add(n);
      out.onInterval!(feed.next());
    }
    await out.stop!({ totals: feed.totals, durationMs: 2000, reason: 'completed' });
    const page = await openExport(exportPath);
    expect(await page.getAttribute('body', 'data-measure')).toBe('iterations');
    expect(await page.textContent('#rps-label')).toBe('Iterations/s (average)');
    expect(await page.textContent('#rps')).toBe('5');
    expect(await page.textContent('#requests')).toBe('10');
    expect(await page.textContent('#p95')).toBe('-');
    expect(await page.textContent('#error-rate')).toBe('not counted');
    expect(await page.locator('.u-title').allTextContents()).toEqual(['Iterations/s and VUs']);
    expect(await page.textContent('#chart-latency-notice')).toBe(
      'No HTTP requests in this run, and iterations have no latency.',
    );
    expect(await page.textContent('#chart-errors-notice')).toBe(
      "No HTTP requests in this run: errors per second are counted for HTTP requests only (see the run's own metrics).",
    );
    expect(await page.isVisible('#chart-latency')).toBe(false);
    await page.close();
  });
});
