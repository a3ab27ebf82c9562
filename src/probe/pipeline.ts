/** The probe's data flow: finished queries and finished requests → statistics, metrics and detections. */
import type http from 'node:http';
import type { ProbeConfig } from './config.js';
import {
  CACHE_CANDIDATE_ID,
  CacheTracker,
  renderCacheCandidate,
} from './detectors/cache-candidate.js';
import { detectNPlusOne, N_PLUS_ONE_ID, renderNPlusOne } from './detectors/n-plus-one.js';
import { isUnpaginated, NO_PAGINATION_ID, renderNoPagination } from './detectors/no-pagination.js';
import { detectPoolWait, POOL_WAIT_ID, renderPoolWait } from './detectors/pool-wait.js';
import { detectSelectStar, renderSelectStar, SELECT_STAR_ID } from './detectors/select-star.js';
import { FindingsStore } from './findings-store.js';
import type { RequestEndHandler } from './http-server.js';
import type { ProbeMetrics } from './metrics.js';
import { resolveSite } from './query-site.js';
import type { QuerySink } from './recorder.js';
import { frameworkRoute, routeTemplate } from './route.js';
import { now, type QueryRecord, type RequestState } from './state.js';
import type { ProbeStats } from './stats.js';

/** A findings store with every probe detector's renderer registered. */
export function createProbeFindingsStore(): FindingsStore {
  const store = new FindingsStore();
  store.setRenderer(N_PLUS_ONE_ID, renderNPlusOne);
  store.setRenderer(NO_PAGINATION_ID, renderNoPagination);
  store.setRenderer(SELECT_STAR_ID, renderSelectStar);
  store.setRenderer(POOL_WAIT_ID, renderPoolWait);
  store.setRenderer(CACHE_CANDIDATE_ID, renderCacheCandidate);
  return store;
}

/** What the handlers write into. */
export interface PipelineTargets {
  config: ProbeConfig;
  store: FindingsStore;
  stats: ProbeStats;
  metrics: ProbeMetrics | undefined;
}

/** Per finished query: statistics, the no-pagination check and cache-candidate tracking. */
export function createQuerySink({ config, store, stats, metrics }: PipelineTargets): QuerySink {
  const cache = new CacheTracker();
  return {
    selectStarSampling: config.selectStarSampling,
    repeatCaptures: config.nPlusOneCount + 1,
    onQuery(state: RequestState, record: QueryRecord) {
      stats.addQuery(record);
      metrics?.countQuery(record.driver);
      if (record.error) return;
      const ms = record.end - record.execStart;
      if (isUnpaginated(record.sql, record.rows)) {
        const site = resolveSite(record.site, config.root);
        store.add({
          id: NO_PAGINATION_ID,
          route: routeOf(state),
          query: record.sql,
          ...(site ? { site } : {}),
          executions: 1,
          timeMs: ms,
          detail: { rows: record.rows },
        });
      }
      if (record.key === undefined) return;
      const site = () => resolveSite(record.site, config.root);
      const hit = cache.note(
        record.text,
        record.key,
        record.sql,
        routeOf(state),
        state.id,
        ms,
        record.end,
        site,
      );
      if (hit) store.add(hit);
    },
  };
}

/** Per finished request: route template, statistics, metrics and the per-request detectors. */
export function createRequestEndHandler(
  { config, store, stats, metrics }: PipelineTargets,
  onRequest: () => void,
): RequestEndHandler {
  return (state: RequestState, request: http.IncomingMessage, response: http.ServerResponse) => {
    const duration = now() - state.start;
    const template = frameworkRoute(request) ?? routeTemplate(state.url);
    state.route = `${state.method} ${template}`;
    onRequest();
    stats.addRequest(state, duration, response.statusCode);
    metrics?.observeRequest(
      state.method,
      template,
      response.statusCode,
      duration / 1000,
      state.dbMs / 1000,
    );
    if (state.queryCount === 0) return;
    for (const d of detectNPlusOne(state, config)) store.add(d);
    for (const d of detectSelectStar(state, config.root)) store.add(d);
    for (const d of detectPoolWait(state, config.root)) store.add(d);
  };
}

function routeOf(state: RequestState): string {
  return state.route || `${state.method} ${routeTemplate(state.url)}`;
}
