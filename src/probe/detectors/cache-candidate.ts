/** Cache-candidate detector: the same query with the same parameters repeated across requests. */

import type { Finding } from '../../findings/finding.js';
import {
  type AggregatedDetection,
  type Detection,
  locationOf,
  type RenderContext,
  whereText,
} from '../findings-store.js';
import { registerFootprintOf } from '../footprint.js';
import { routeIsFinal } from '../frameworks.js';
import { type ResolvedSite, resolveSite } from '../query-site.js';
import { routeOf } from '../route.js';
import type { QueryRecord, RequestState } from '../state.js';
import type { ProbeDetector } from './detector.js';
import { explainEvidence, ms, probeTimeEvidence, shortSql } from './shared.js';

/** Finding id. */
export const CACHE_CANDIDATE_ID = 'probe.cache-candidate';
/**
 * The window in which repeats are counted (ms): a TTL of 10 s is one most read paths can accept
 * (settings, catalogues), and the saving is stated for that TTL.
 */
export const CACHE_WINDOW_MS = 10_000;
/**
 * Repeats within the window that make a candidate: 10 identical results in 10 s (≥ 1/s) is the
 * rate from which a cache pays for its invalidation. Calibration: probe-cache-candidate (24 in a
 * few seconds) is found; probe-cache-friendly (the read already cached: 1 execution) and the
 * per-key reads of the other probe cases (2 repeats per key) stay silent.
 */
export const CACHE_MIN_REPEATS = 10;
/** ... spread over at least this many requests (one request re-reading a row is an N+1 or a chatty request, not a cache candidate). */
export const CACHE_MIN_REQUESTS = 3;
/** (query, parameters) pairs tracked at most (then tracking restarts). */
export const CACHE_MAX_KEYS = 5000;
/** New pairs between two sweeps of the pairs whose window has ended. */
const SWEEP_EVERY = 500;

interface Entry {
  windowStart: number;
  count: number;
  totalMs: number;
  /** The window's first execution: the one a cache would still have run (the miss). */
  firstMs: number;
  /** The window was reported as a candidate (later hits add to it). */
  reported: boolean;
  requests: number;
  lastRequest: number;
  /** The batch this pair's last further execution went to (skips the batch maps when it repeats). */
  lastBatch?: { route: string; key: object; generation: number; detection: Detection };
  /**
   * The routes this window has been counted on (set when it is reported): a statement and its
   * parameters shared by two routes (the signed-in user's lookup) make one window, which counts
   * once on each route's finding. Looked up off the batch's fast path only: a hit batched to the
   * route of the pair's last batch is on a route already counted.
   */
  routes?: string[];
}

/** Notes that `entry`'s window counts on `route`; true the first time for that route. */
function countRoute(entry: Entry, route: string): boolean {
  if (!entry.routes) entry.routes = [];
  if (entry.routes.includes(route)) return false;
  entry.routes.push(route);
  return true;
}

/**
 * Tracks repeated (query, parameters) pairs. A pair becomes a candidate when it repeats enough in
 * one window; from then on every further execution in that window is counted too, so the saving
 * is computed from all executions (a cache with the window as TTL misses only the first).
 *
 * Those further executions are batched when the caller gives a batch key (the call site's holder,
 * once the request's route is final): a hot cache-worthy read (a settings row read on every
 * request) otherwise built, resolved and filed one detection per query — measured as the largest
 * single part of the probe's per-query cost (cache `note` 4.8 % + the store's `add` 1.7 % of the
 * app's active CPU on bench-pg.mjs `/item`). The batch holds one detection per (call site, route),
 * which is one finding key (a holder belongs to one statement), and {@link CacheTracker.drain}
 * hands them over: the finding's sums and maxima are the same.
 */
export class CacheTracker {
  /** Raw query text → parameter key → entry (two short lookups instead of one long concatenated key). */
  #entries = new Map<string, Map<string, Entry>>();
  #size = 0;
  #nextSweep = SWEEP_EVERY;
  /**
   * Batched further executions: batch key (a call-site holder: one statement) → route →
   * detection, summed over every pair and window of that statement (the store sums them the same
   * way and keeps the maxima of their details).
   */
  #pending = new Map<object, Map<string, Detection>>();
  /** Drains so far (a pair's remembered batch is valid only within one). */
  #generation = 0;

  constructor() {
    registerFootprintOf(this, (self) => [self.#entries, self.#pending]);
  }

  /** (query, parameters) pairs tracked now. */
  get pairs(): number {
    return this.#size;
  }

  /**
   * Drops the pairs whose window has ended: memory follows the pairs of the last window, not
   * every pair seen (an ORM that writes values into the SQL makes a new text per value, and a
   * tracker that only forgot at CACHE_MAX_KEYS grew for minutes: the audit's leak check saw it).
   */
  #sweep(t: number): void {
    for (const [text, byParams] of this.#entries) {
      for (const [key, entry] of byParams)
        if (t - entry.windowStart > CACHE_WINDOW_MS) {
          byParams.delete(key);
          this.#size--;
        }
      if (byParams.size === 0) this.#entries.delete(text);
    }
    this.#nextSweep = this.#size + SWEEP_EVERY;
  }

  /**
   * Notes one successful SELECT; returns a detection when the pair crosses the threshold, and one
   * per further execution in that window unless `batchKey` returns a key (then those are summed
   * into one detection per route and key, returned by {@link CacheTracker.drain}).
   */
  note(
    text: string,
    key: string,
    sql: string,
    route: string,
    requestId: number,
    durationMs: number,
    t: number,
    site: () => ResolvedSite | undefined,
    batchKey?: () => object | undefined,
  ): Detection | undefined {
    if (this.#size >= this.#nextSweep) this.#sweep(t);
    let byParams = this.#entries.get(text);
    if (!byParams) {
      byParams = new Map();
      this.#entries.set(text, byParams);
    }
    let entry = byParams.get(key);
    if (!entry || t - entry.windowStart > CACHE_WINDOW_MS) {
      if (!entry && ++this.#size > CACHE_MAX_KEYS) {
        // Over the bound: start afresh (windows are short; at worst a candidate is seen later).
        this.#entries.clear();
        this.#size = 1;
        byParams = new Map();
        this.#entries.set(text, byParams);
      }
      entry = {
        windowStart: t,
        count: 0,
        totalMs: 0,
        firstMs: durationMs,
        reported: false,
        requests: 0,
        lastRequest: -1,
      };
      byParams.set(key, entry);
    }
    entry.count++;
    entry.totalMs += durationMs;
    if (entry.lastRequest !== requestId) {
      entry.requests++;
      entry.lastRequest = requestId;
    }
    if (entry.count < CACHE_MIN_REPEATS || entry.requests < CACHE_MIN_REQUESTS) return undefined;
    const batch = entry.reported ? batchKey?.() : undefined;
    if (entry.reported && batch) {
      this.#batch(entry, route, batch, sql, durationMs, t, site);
      return undefined;
    }
    const where = site();
    const detail = {
      repeats: entry.count,
      windowMs: t - entry.windowStart,
      requests: entry.requests,
    };
    const base = { id: CACHE_CANDIDATE_ID, route, query: sql, ...(where ? { site: where } : {}) };
    if (entry.reported) {
      // A further hit in a window already reported: one more execution a cache would have saved
      // (and the window, on a route it was not counted on yet).
      return {
        ...base,
        executions: 1,
        timeMs: durationMs,
        detail,
        requests: countRoute(entry, route) ? 1 : 0,
      };
    }
    entry.reported = true;
    entry.routes = [route];
    // The window becomes a candidate now: every execution so far but the first would have hit.
    return { ...base, executions: entry.count, timeMs: entry.totalMs - entry.firstMs, detail };
  }

  /** Adds one further execution of a reported window to its batch (see {@link CacheTracker.note}). */
  #batch(
    entry: Entry,
    route: string,
    batchKey: object,
    sql: string,
    durationMs: number,
    t: number,
    site: () => ResolvedSite | undefined,
  ): void {
    const last = entry.lastBatch;
    const pending =
      last && last.route === route && last.key === batchKey && last.generation === this.#generation
        ? last.detection
        : this.#batchOf(entry, route, batchKey, sql, site);
    if (pending !== last?.detection && countRoute(entry, route))
      pending.requests = (pending.requests ?? 0) + 1;
    pending.executions++;
    pending.timeMs += durationMs;
    // The maxima over the batch's executions, as the store keeps them.
    const detail = pending.detail as Record<string, number>;
    detail['repeats'] = Math.max(detail['repeats'] ?? 0, entry.count);
    detail['windowMs'] = Math.max(detail['windowMs'] ?? 0, t - entry.windowStart);
    detail['requests'] = Math.max(detail['requests'] ?? 0, entry.requests);
  }

  /** The batch of (key, route), created with its call site resolved once per drain. */
  #batchOf(
    entry: Entry,
    route: string,
    batchKey: object,
    sql: string,
    site: () => ResolvedSite | undefined,
  ): Detection {
    let byRoute = this.#pending.get(batchKey);
    if (!byRoute) {
      byRoute = new Map();
      this.#pending.set(batchKey, byRoute);
    }
    let pending = byRoute.get(route);
    if (!pending) {
      const where = site();
      pending = {
        id: CACHE_CANDIDATE_ID,
        route,
        query: sql,
        ...(where ? { site: where } : {}),
        executions: 0,
        timeMs: 0,
        detail: {},
        requests: 0,
      };
      byRoute.set(route, pending);
    }
    entry.lastBatch = { route, key: batchKey, generation: this.#generation, detection: pending };
    return pending;
  }

  /** The batched detections since the last call (one per batch key and route). */
  drain(): Detection[] {
    const out: Detection[] = [];
    for (const byRoute of this.#pending.values()) for (const d of byRoute.values()) out.push(d);
    this.#pending.clear();
    this.#generation++;
    return out;
  }
}

/** Renders an aggregated cache candidate. */
export function renderCacheCandidate(item: AggregatedDetection, _context: RenderContext): Finding {
  const windowS = CACHE_WINDOW_MS / 1000;
  return {
    id: CACHE_CANDIDATE_ID,
    area: 'database',
    title: `Cache candidate on ${item.route}: the same query with the same parameters repeats at ${whereText(item)}`,
    severity: item.totalMs >= 100 ? 'medium' : 'low',
    location: locationOf(item),
    impact: {
      description: `identical results fetched ${item.executions}× in ${item.requests} window(s) of ${windowS} s (≥${CACHE_MIN_REPEATS}× each); a cache with a TTL of ${windowS} s would have saved ${ms(item.totalMs)} of database time (every execution but each window's first)`,
      timeMs: item.totalMs,
    },
    rootCause: `"${shortSql(item.query)}" at ${whereText(item)} runs again and again with the same parameters across requests: the database recomputes a result that did not change.`,
    recommendation: {
      text: 'Cache the result (in-process LRU for a few seconds, or Redis) keyed by the parameters, and invalidate it when the underlying rows change.',
      effort: 'medium',
    },
    evidence: [
      {
        label: 'repeats in window',
        value: item.detail['repeats'] ?? CACHE_MIN_REPEATS,
        source: 'probe',
      },
      { label: 'requests in window', value: item.detail['requests'] ?? 0, source: 'probe' },
      probeTimeEvidence('database time a cache would save', item.totalMs),
      ...explainEvidence(item.query),
    ],
  };
}

/** Cache candidates: per successful query with a parameter key, over a window across requests. */
export const cacheCandidateDetector: ProbeDetector = {
  id: CACHE_CANDIDATE_ID,
  createHooks: (config) => {
    const tracker = new CacheTracker();
    // The query `note` is looking at, read by its two callbacks: they are made once per runtime,
    // not as two closures per query (`note` calls them synchronously; cleared after each call so
    // no finished request is held).
    let state: RequestState | undefined;
    let record: QueryRecord | undefined;
    const site = () => resolveSite(record?.site, config.root);
    // Batched only when the route is already the request's final one (the pipeline files other
    // detections under the route the request ends with) and the call site is known.
    const batchKey = () =>
      state && (state.route !== '' || routeIsFinal(state.raw)) ? record?.site : undefined;
    return {
      onQuery(s, r) {
        if (r.error || r.key === undefined) return undefined;
        state = s;
        record = r;
        try {
          return tracker.note(
            r.text,
            r.key,
            r.sql,
            routeOf(s),
            s.id,
            r.end - r.execStart,
            r.end,
            site,
            batchKey,
          );
        } finally {
          state = undefined;
          record = undefined;
        }
      },
      drain: () => tracker.drain(),
    };
  },
  render: renderCacheCandidate,
  thresholds: () => ({ cacheRepeats: CACHE_MIN_REPEATS, cacheWindowMs: CACHE_WINDOW_MS }),
};
