/** The probe's data flow: finished queries and finished requests → statistics, metrics and detections. */
import type http from 'node:http';
import type { ProbeConfig } from './config.js';
import type { DetectorHooks, ProbeDetector } from './detectors/detector.js';
import { PROBE_DETECTORS } from './detectors/registry.js';
import { FindingsStore } from './findings-store.js';
import { frameworkRoute } from './frameworks.js';
import type { RequestEndHandler } from './http-server.js';
import type { ProbeMetrics } from './metrics.js';
import type { QuerySink } from './recorder.js';
import { routeTemplate } from './route.js';
import { now, type QueryRecord, type RequestState } from './state.js';
import type { ProbeStats } from './stats.js';

/** A findings store with the renderer of every detector in `detectors` registered. */
export function createProbeFindingsStore(
  detectors: readonly ProbeDetector[] = PROBE_DETECTORS,
): FindingsStore {
  const store = new FindingsStore();
  for (const detector of detectors) store.setRenderer(detector.id, detector.render);
  return store;
}

/** What the handlers write into. */
export interface PipelineTargets {
  config: ProbeConfig;
  store: FindingsStore;
  stats: ProbeStats;
  metrics: ProbeMetrics | undefined;
  /** The detectors to run (default: every one, {@link PROBE_DETECTORS}). */
  detectors?: readonly ProbeDetector[];
}

/** Each runtime's detector hooks, created once so a detector's state is shared by both handlers. */
const hooksByTargets = new WeakMap<PipelineTargets, readonly DetectorHooks[]>();
function hooksOf(targets: PipelineTargets): readonly DetectorHooks[] {
  let hooks = hooksByTargets.get(targets);
  if (!hooks) {
    hooks = (targets.detectors ?? PROBE_DETECTORS).map((d) => d.createHooks(targets.config));
    hooksByTargets.set(targets, hooks);
  }
  return hooks;
}

/** Per finished query: statistics, metrics, then the detectors' query hooks. */
export function createQuerySink(targets: PipelineTargets): QuerySink {
  const { config, store, stats, metrics } = targets;
  const onQuery = hooksOf(targets).flatMap((h) => (h.onQuery ? [h.onQuery] : []));
  return {
    selectStarSampling: config.selectStarSampling,
    repeatCaptures: config.nPlusOneCount + 1,
    onQuery(state: RequestState, record: QueryRecord) {
      stats.addQuery(record);
      metrics?.countQuery(record.driver);
      for (const hook of onQuery) {
        const detection = hook(state, record);
        if (detection) store.add(detection);
      }
    },
  };
}

/** Per finished request: route template, statistics, metrics and the detectors' request hooks. */
export function createRequestEndHandler(
  targets: PipelineTargets,
  onRequest: () => void,
): RequestEndHandler {
  const { store, stats, metrics } = targets;
  const onRequestEnd = hooksOf(targets).flatMap((h) => (h.onRequestEnd ? [h.onRequestEnd] : []));
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
    // Every detector today judges database work: a request without queries has nothing to show.
    if (state.queryCount === 0) return;
    for (const hook of onRequestEnd) for (const d of hook(state)) store.add(d);
  };
}
