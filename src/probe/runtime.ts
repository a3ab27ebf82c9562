/** startProbe: wires the instrumentation, detectors, metrics and report channel together (once per process). */
import type http from 'node:http';
import type { Finding } from '../findings/index.js';
import { rankFindings } from '../findings/index.js';
import { resolveSite } from './call-site.js';
import { type ProbeConfig, parseProbeConfig } from './config.js';
import {
  CACHE_CANDIDATE_ID,
  CACHE_MIN_REPEATS,
  CACHE_WINDOW_MS,
  CacheTracker,
  renderCacheCandidate,
} from './detectors/cache-candidate.js';
import { detectNPlusOne, N_PLUS_ONE_ID, renderNPlusOne } from './detectors/n-plus-one.js';
import {
  isUnpaginated,
  NO_PAGINATION_ID,
  NO_PAGINATION_MIN_ROWS,
  renderNoPagination,
} from './detectors/no-pagination.js';
import {
  detectPoolWait,
  POOL_WAIT_ID,
  POOL_WAIT_MIN_MS,
  renderPoolWait,
} from './detectors/pool-wait.js';
import { detectSelectStar, renderSelectStar, SELECT_STAR_ID } from './detectors/select-star.js';
import { instrumentDrivers } from './drivers/load.js';
import { readPoolGauges } from './drivers/pools.js';
import { installExitFlush } from './exit.js';
import { FindingsStore } from './findings-store.js';
import { instrumentHttpClients } from './http-client.js';
import { instrumentHttpServers } from './http-server.js';
import type { ProbeMetrics } from './metrics.js';
import { setQuerySink } from './recorder.js';
import {
  appendRecords,
  findingKey,
  PROBE_REPORT_VERSION,
  type ProbeRecord,
  type StatsRecord,
} from './report-file.js';
import { frameworkRoute, routeTemplate } from './route.js';
import { now, type QueryRecord, type RequestState } from './state.js';
import { ProbeStats } from './stats.js';

/** A running probe. */
export interface ProbeHandle {
  readonly config: ProbeConfig;
  /** Port of the /metrics side server, when started. */
  readonly metricsPort: number | undefined;
  /** Drivers that were instrumented at start (module → how). */
  readonly drivers: Record<string, string>;
  /** Current findings, ranked. */
  findings(): Finding[];
  /** Current statistics. */
  stats(): StatsRecord;
  /** Writes pending records to the report file now. */
  flush(): void;
  /** Stops the timers and the metrics server (instrumentation stays in place). */
  stop(): void;
}

const GLOBAL = Symbol.for('redline.probe.runtime');

/** Starts the probe once per process (later calls return the running one). */
export async function startProbe(config: ProbeConfig = parseProbeConfig()): Promise<ProbeHandle> {
  const existing = (globalThis as Record<symbol, Promise<ProbeHandle> | undefined>)[GLOBAL];
  if (existing) return existing;
  const started = createRuntime(config);
  (globalThis as Record<symbol, Promise<ProbeHandle> | undefined>)[GLOBAL] = started;
  return started;
}

async function createRuntime(config: ProbeConfig): Promise<ProbeHandle> {
  const t0 = now();
  const store = new FindingsStore();
  store.setRenderer(N_PLUS_ONE_ID, renderNPlusOne);
  store.setRenderer(NO_PAGINATION_ID, renderNoPagination);
  store.setRenderer(SELECT_STAR_ID, renderSelectStar);
  store.setRenderer(POOL_WAIT_ID, renderPoolWait);
  store.setRenderer(CACHE_CANDIDATE_ID, renderCacheCandidate);
  const stats = new ProbeStats();
  const cache = new CacheTracker();
  // prom-client is loaded only when a metrics port is configured.
  const metrics: ProbeMetrics | undefined =
    config.metricsPort !== undefined
      ? new (await import('./metrics.js')).ProbeMetrics()
      : undefined;
  let requests = 0;

  setQuerySink({
    selectStarSampling: config.selectStarSampling,
    onQuery(state: RequestState, record: QueryRecord) {
      stats.addQuery(record);
      metrics?.countQuery(record.driver);
      if (record.error) return;
      if (isUnpaginated(record.sql, record.rows)) {
        const site = resolveSite(record.site, config.root);
        store.add({
          id: NO_PAGINATION_ID,
          route: routeOf(state),
          query: record.sql,
          ...(site ? { site } : {}),
          executions: 1,
          timeMs: record.end - record.execStart,
          detail: { rows: record.rows },
        });
      }
      if (record.key !== '') {
        const hit = cache.note(
          record.key,
          record.sql,
          routeOf(state),
          state.id,
          record.end - record.execStart,
          record.end,
          () => resolveSite(record.site, config.root),
        );
        if (hit) store.add(hit);
      }
    },
  });

  const onEnd = (
    state: RequestState,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ) => {
    const duration = now() - state.start;
    state.route = `${state.method} ${frameworkRoute(request) ?? routeTemplate(state.url)}`;
    requests++;
    stats.addRequest(state, duration, response.statusCode);
    metrics?.observeRequest(
      state.method,
      state.route.slice(state.method.length + 1),
      response.statusCode,
      duration / 1000,
      state.dbMs / 1000,
    );
    if (state.queryCount === 0) return;
    for (const d of detectNPlusOne(state, config)) store.add(d);
    for (const d of detectSelectStar(state, config.root)) store.add(d);
    for (const d of detectPoolWait(state, config.root)) store.add(d);
  };
  instrumentHttpServers(onEnd);
  instrumentHttpClients();
  const drivers = await instrumentDrivers(process.argv[1]);
  const server =
    metrics && config.metricsPort !== undefined
      ? await metrics.listen(config.metricsPort).catch(() => undefined)
      : undefined;

  const context = (route: string) => {
    const r = stats.route(route);
    return { routeRequests: r.requests, routeMs: r.totalMs };
  };
  const statsRecord = (): StatsRecord => ({
    type: 'stats',
    t: new Date().toISOString(),
    uptimeMs: Math.round(now() - t0),
    requests,
    ...stats.snapshot(),
    pools: readPoolGauges(),
  });
  const flush = (onlyChanged = true) => {
    if (!config.reportFile) return;
    const t = new Date().toISOString();
    const records: ProbeRecord[] = [statsRecord()];
    for (const finding of store.render(context, onlyChanged))
      records.push({ type: 'finding', t, key: findingKey(finding), finding });
    appendRecords(config.reportFile, records);
  };
  if (config.reportFile) {
    appendRecords(config.reportFile, [
      {
        type: 'hello',
        v: PROBE_REPORT_VERSION,
        pid: process.pid,
        startedAt: new Date().toISOString(),
        node: process.version,
        ...(server ? { metricsPort: server.port } : {}),
        drivers,
        thresholds: {
          nPlusOneCount: config.nPlusOneCount,
          nPlusOneMs: config.nPlusOneMs,
          noPaginationRows: NO_PAGINATION_MIN_ROWS,
          poolWaitMs: POOL_WAIT_MIN_MS,
          cacheRepeats: CACHE_MIN_REPEATS,
          cacheWindowMs: CACHE_WINDOW_MS,
        },
      },
    ]);
  }
  const timer = setInterval(() => flush(true), config.flushMs);
  timer.unref();
  const removeExit = installExitFlush((reason) => {
    flush(true);
    if (config.reportFile)
      appendRecords(config.reportFile, [{ type: 'end', t: new Date().toISOString(), reason }]);
  });
  return {
    config,
    metricsPort: server?.port,
    drivers,
    findings: () => rankFindings(store.render(context, false)),
    stats: statsRecord,
    flush: () => flush(true),
    stop: () => {
      clearInterval(timer);
      removeExit();
      server?.close();
      metrics?.close();
      stats.close();
    },
  };
}

function routeOf(state: RequestState): string {
  return state.route || `${state.method} ${routeTemplate(state.url)}`;
}
