/**
 * Where a VU's HTTP requests record their metrics: the series of the built-in HTTP metrics for a
 * request's tags (`HttpSeriesCache`) and the `data_sent`/`data_received` series of the VU's
 * scenario and group. Series are cached per registry (a thread may switch registries between
 * init, setup and the run) and each VU remembers its last lookup, so a VU repeating the same
 * request in the same context does not even build the cache key.
 */
import { type ExpectedStatus, HttpSeriesCache } from '../../http/http-metrics.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { Tags } from '../../metrics/metric-types.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { CounterSeries } from '../../metrics/series.js';
import { hasKeys } from '../../util/has-keys.js';
import { contextKey } from '../api/sample-tags.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import type { VuState } from '../runtime/vu-state.js';

/** What of a request decides its series (besides the VU's context). */
export interface RequestSeriesKey {
  method: string;
  /** The protocol the request went over (`HTTP/1.1`, `HTTP/2.0`): the `proto` tag. */
  proto: string;
  url: string;
  /** The `name` tag (the URL unless the request names itself). */
  name: string;
  /** k6's `responseCallback` (which statuses count as expected); null: every status. */
  callback: ExpectedStatus | null;
  /** The request's own tags, as passed (compared by identity in the memo). */
  tags: Record<string, string> | undefined;
}

/** The `data_sent` / `data_received` series of one scenario and group. */
export interface NetworkSeries {
  sent: CounterSeries;
  received: CounterSeries;
}

const cachesByRegistry = new WeakMap<
  MetricRegistry,
  { http: Map<string, HttpSeriesCache>; net: Map<string, NetworkSeries> }
>();

function caches(registry: MetricRegistry) {
  let entry = cachesByRegistry.get(registry);
  if (!entry) {
    entry = { http: new Map(), net: new Map() };
    cachesByRegistry.set(registry, entry);
  }
  return entry;
}

const callbackIds = new WeakMap<object, number>();
let nextCallbackId = 1;

/** A small number naming a response callback in cache keys (0: none). */
function callbackId(cb: ExpectedStatus | null): number {
  if (cb === null) return 0;
  let id = callbackIds.get(cb);
  if (id === undefined) {
    id = nextCallbackId++;
    callbackIds.set(cb, id);
  }
  return id;
}

/** The last series lookup of a VU. */
interface SeriesMemo extends RequestSeriesKey {
  registry: MetricRegistry;
  group: string;
  scenario: string;
  cache: HttpSeriesCache;
}

/** The metric series of one VU's requests, in the thread's current registry. */
export class VuSeries {
  readonly #vu: () => VuState;
  #memo: SeriesMemo | undefined;
  /** The last {@link network} lookup of this VU. */
  #netMemo:
    | { registry: MetricRegistry; scenario: string; group: string; series: NetworkSeries }
    | undefined;

  constructor(vu: () => VuState) {
    this.#vu = vu;
  }

  /** The HTTP metrics' series of `request` in the VU's current context (scenario, group, tags). */
  forRequest(request: RequestSeriesKey): HttpSeriesCache {
    const vu = this.#vu();
    const rt = threadRuntime();
    // One-entry memo: a VU repeating the same request in the same context skips the key build.
    const memo = this.#memo;
    if (
      memo &&
      memo.registry === rt.registry &&
      memo.method === request.method &&
      memo.proto === request.proto &&
      memo.url === request.url &&
      memo.name === request.name &&
      memo.callback === request.callback &&
      memo.tags === request.tags &&
      memo.group === vu.group &&
      memo.scenario === vu.scenario.name &&
      !hasKeys(vu.tags)
    ) {
      return memo.cache;
    }
    const key = `${request.method}\u0001${request.proto}\u0001${request.url}\u0001${request.name}\u0001${callbackId(request.callback)}\u0001${contextKey(request.tags, vu)}`;
    const httpCaches = caches(rt.registry).http;
    let cache = httpCaches.get(key);
    if (!cache) {
      const tags: Tags = {
        ...rt.testTags,
        ...vu.scenario.tags,
        ...vu.tags,
        ...(request.tags ?? {}),
        method: request.method,
        // Raw here: MetricRegistry redacts credentials and secret query values of every tag.
        url: request.url,
        name: request.name,
        group: vu.group,
        scenario: vu.scenario.name,
        proto: request.proto,
      };
      const cb = request.callback;
      cache = new HttpSeriesCache(rt.registry, tags, cb ?? (() => true), false);
      httpCaches.set(key, cache);
    }
    // VU tags can change in place (exec.vu.tags), so only tag-less VUs use the memo.
    this.#memo = hasKeys(vu.tags)
      ? undefined
      : {
          registry: rt.registry,
          method: request.method,
          proto: request.proto,
          url: request.url,
          name: request.name,
          callback: request.callback,
          tags: request.tags,
          group: vu.group,
          scenario: vu.scenario.name,
          cache,
        };
    return cache;
  }

  /** data_sent / data_received series of the VU's current scenario and group. */
  network(): NetworkSeries {
    const vu = this.#vu();
    const rt = threadRuntime();
    // One-entry memo as in forRequest: no key string per request while the context is the same.
    const memo = this.#netMemo;
    if (
      memo !== undefined &&
      memo.registry === rt.registry &&
      memo.scenario === vu.scenario.name &&
      memo.group === vu.group
    ) {
      return memo.series;
    }
    const key = `${vu.scenario.name}\u0001${vu.group}`;
    const netCaches = caches(rt.registry).net;
    let series = netCaches.get(key);
    if (!series) {
      const tags = { ...rt.testTags, scenario: vu.scenario.name, group: vu.group };
      series = {
        sent: rt.registry.counter(BUILTIN_METRICS.data_sent, tags),
        received: rt.registry.counter(BUILTIN_METRICS.data_received, tags),
      };
      netCaches.set(key, series);
    }
    this.#netMemo = { registry: rt.registry, scenario: vu.scenario.name, group: vu.group, series };
    return series;
  }
}
