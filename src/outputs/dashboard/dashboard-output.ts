/**
 * The live web dashboard (`redline run --dashboard`): serves a page on 127.0.0.1 that follows the
 * run through server-sent events (req/s, VUs, latency percentiles, errors by class, thresholds;
 * a run without HTTP in the measure the report's charts use, see `timelineMeasure`), and can save the same page with the whole run embedded as a self-contained HTML file.
 *
 *   GET /        the page          GET /events  SSE: config, point (one per second, replayed
 *   GET /data    JSON snapshot                    to late clients, and to all when the measure
 *                                                 changes, after a new config), end
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { cannotWriteError } from '../../errors/redline-error.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../../results/run-meta.js';
import type { ResultThreshold, TimelineLatency, TimelinePoint } from '../../results/run-result.js';
import { timelinePoint, trendLatency } from '../../results/timeline.js';
import {
  type MeasuredPoint,
  measuredPoint,
  type TimelineMeasure,
  timelineMeasure,
} from '../../results/timeline-measure.js';
import { redactDeep, redactText } from '../../util/redact.js';
import type { Output } from '../output.js';
import { parseListenAddress } from '../prometheus/options.js';
import { close, listen } from '../prometheus/prometheus-output.js';
import { renderDashboardPage } from './page.js';

/** Default port (k6's web dashboard uses the same). */
export const DEFAULT_DASHBOARD_PORT = 5665;

/** Options of {@link createDashboardOutput}. */
export interface DashboardOptions {
  /** Listen port (default 5665; 0 picks a free one; -1 serves nothing, only exports). */
  port?: number;
  /** Listen host (default 127.0.0.1). */
  host?: string;
  /** Write the page with the run embedded here when the run ends. */
  exportPath?: string;
  /** Current threshold results, read once per interval (wired by the run command). */
  thresholds?: () => readonly ResultThreshold[];
}

/** One second of the run as the page receives it. */
export interface DashboardPoint extends TimelinePoint {
  seconds: number;
  totalRequests: number;
  totalFailed: number;
  thresholds: readonly ResultThreshold[];
  /** What the run's seconds so far measure (the report's choice); absent while nothing does. */
  measure?: TimelineMeasure;
  /**
   * This second in the terms of `measure`, with the run's totals of it so far and the percentiles
   * of the measure's latency over the run so far (`runLatency`: absent before its first sample,
   * and on the earlier seconds replayed after a measure change).
   */
  measured?: MeasuredPoint & { total: number; totalFailed: number; runLatency?: TimelineLatency };
}

/**
 * Gives `points` the measure the whole series has now, each point its values in it; true when the
 * measure changed (the earlier points were in another one, or had none).
 */
function applyMeasure(points: DashboardPoint[], httpRequests: number): boolean {
  const measure = timelineMeasure(points, httpRequests);
  const last = points[points.length - 1];
  const changed = points.length > 1 && points[points.length - 2]?.measure?.kind !== measure?.kind;
  let total = 0;
  let totalFailed = 0;
  for (const p of changed ? points : last ? [last] : []) {
    const previous = changed ? undefined : points[points.length - 2]?.measured;
    if (!measure) {
      delete p.measure;
      delete p.measured;
      continue;
    }
    const m = measuredPoint(p, measure.kind, Math.max(0.001, p.seconds));
    total = (previous?.total ?? total) + m.count;
    totalFailed = (previous?.totalFailed ?? totalFailed) + m.failed;
    p.measure = measure;
    p.measured = { ...m, total, totalFailed };
  }
  return changed;
}

/** The dashboard output, with its address once started. */
export interface DashboardOutput extends Output {
  /** The page's URL (undefined before start or without a server). */
  url(): string | undefined;
}

/** Creates the live dashboard output. */
export function createDashboardOutput(options: DashboardOptions = {}): DashboardOutput {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_DASHBOARD_PORT;
  const points: DashboardPoint[] = [];
  const clients = new Set<ServerResponse>();
  let config: Record<string, unknown> = {};
  let end: { reason: string; durationMs: number } | null = null;
  let server: Server | undefined;
  let address: { host: string; port: number } | undefined;

  const send = (res: ServerResponse, event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const broadcast = (event: string, data: unknown) => {
    for (const res of clients) send(res, event, data);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req.headers.host, address)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong host\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(renderDashboardPage());
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('retry: 2000\n\n');
      send(res, 'config', config);
      for (const p of points) send(res, 'point', p);
      if (end) send(res, 'end', end);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (path === '/data') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ config, points, end }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };

  return {
    get description() {
      return `dashboard (${address ? `http://${formatHost(address.host)}:${address.port}/` : 'export only'}${options.exportPath ? `, export ${options.exportPath}` : ''})`;
    },
    url: () => (address ? `http://${formatHost(address.host)}:${address.port}/` : undefined),
    async start(meta: RunMeta) {
      config = {
        runId: meta.runId,
        target: redactText(meta.target),
        startedAtMs: meta.startedAtMs,
        scenarios: meta.scenarios.map((s) => ({
          name: s.name,
          executor: s.executor,
          description: redactText(s.description),
        })),
      };
      if (port < 0) return;
      server = createServer(handle);
      address = await listen(server, host, port);
    },
    onInterval(update: IntervalUpdate) {
      const point = timelinePoint(update.delta, update.totals, update.startMs, update.endMs);
      const totalFailed = update.totals.summarize('http_req_failed')?.sum ?? 0;
      const p: DashboardPoint = {
        ...point,
        seconds: (update.endMs - update.startMs) / 1000,
        totalRequests: update.totals.summarize('http_reqs')?.sum ?? 0,
        totalFailed,
        thresholds: options.thresholds?.() ?? [],
      };
      points.push(p);
      const changed = applyMeasure(points, p.totalRequests);
      // The tiles' p95/p99: the run's so far, as the end-of-test summary computes them, so a
      // second without a sample (a run's last interval is the few ms before the cut) keeps them.
      const metric = p.measure?.latencyMetric;
      const runLatency = metric ? trendLatency(update.totals.summarize(metric)) : undefined;
      if (p.measured && runLatency) p.measured.runLatency = runLatency;
      if (changed) {
        // The earlier seconds were drawn in another measure: the pages start over.
        broadcast('config', config);
        for (const q of points) broadcast('point', q);
      } else broadcast('point', p);
    },
    async stop(runEnd: RunEnd) {
      end = { reason: runEnd.reason, durationMs: runEnd.durationMs };
      broadcast('end', end);
      for (const res of clients) res.end();
      clients.clear();
      await close(server);
      server = undefined;
      if (options.exportPath)
        await exportPage(options.exportPath, redactDeep({ config, points, end }));
    },
  };
}

async function exportPage(path: string, data: unknown): Promise<void> {
  try {
    await writeFile(path, renderDashboardPage(data));
  } catch (error) {
    throw cannotWriteError(path, error);
  }
}

/** Only answer requests addressed to the bound loopback name (guards against DNS rebinding). */
function isAllowedHost(
  header: string | undefined,
  address: { host: string; port: number } | undefined,
): boolean {
  if (!header || !address) return false;
  const name = header
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  const loopback = address.host === '127.0.0.1' || address.host === '::1';
  return !loopback || name === 'localhost' || name === '127.0.0.1' || name === '::1';
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Factory for `--out dashboard[=[host]:port]` (REDLINE_DASHBOARD_EXPORT=<file.html> also saves the page). */
export function createDashboardOutputFromArgument(
  argument: string,
  context: { cwd: string },
): DashboardOutput {
  const { host, port } = parseListenAddress(argument, DEFAULT_DASHBOARD_PORT, '--out dashboard');
  const exportPath = process.env['REDLINE_DASHBOARD_EXPORT'];
  return createDashboardOutput({
    host,
    port,
    ...(exportPath ? { exportPath: resolve(context.cwd, exportPath) } : {}),
  });
}
