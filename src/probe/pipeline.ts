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
import { routeOf, routeTemplate, withBoundSegments } from './route.js';
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
    for (const h of hooks) if (h.drain) targets.store.addSource(h.drain);
  }
  return hooks;
}

/*
 * Detections made while their request was still running are held until it ends (on the request's
 * state, `RequestState.held`: a WeakMap lookup per request cost more than the field): a query can run
 * before the framework has matched the route (an authentication middleware's user lookup runs
 * before koa-router's dispatch), and its detection is filed under the route the request finally
 * got, not under the raw path (one "route" per user name or slug).
 */
/** Detections held per request at most (later ones are filed under the route known then). */
const HELD_LIMIT = 256;

/** Per finished query: statistics, metrics, then the detectors' query hooks. */
export function createQuerySink(targets: PipelineTargets): QuerySink {
  const { config, store, stats, metrics } = targets;
  const onQuery = hooksOf(targets).flatMap((h) => (h.onQuery ? [h.onQuery] : []));
  return {
    selectStarSampling: config.selectStarSampling,
    repeatCaptures: config.nPlusOneCount + 1,
    routeOf,
    root: config.root,
    onQuery(state: RequestState, record: QueryRecord) {
      stats.addQuery(record);
      metrics?.countQuery(record.driver);
      for (const hook of onQuery) {
        const detection = hook(state, record);
        if (!detection) continue;
        if (state.route === '' && (state.held?.length ?? 0) < HELD_LIMIT) {
          state.held ??= [];
          state.held.push(detection);
        } else store.add(detection);
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
    const template = frameworkRoute(request) ?? withBoundSegments(routeTemplate(state.url), state);
    state.route = `${state.method} ${template}`;
    const held = state.held;
    if (held) {
      state.held = undefined;
      for (const detection of held) store.add({ ...detection, route: state.route });
    }
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
