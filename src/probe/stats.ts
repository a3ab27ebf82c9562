/** Per-route and per-query statistics of the probe (what the report's `stats` records carry). */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { registerFootprintOf } from './footprint.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { QueryRecord, RequestState } from './state.js';

/** Statistics of one route. Latencies in ms. */
export interface RouteStats {
  route: string;
  requests: number;
  errors: number;
  totalMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  dbMs: number;
  queries: number;
  poolWaitMs: number;
  httpClientMs: number;
}

/** Statistics of one normalised query. */
export interface QueryStats {
  sql: string;
  driver: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  rows: number;
  errors: number;
  /**
   * The statement's slowest real execution (its text as sent and its parameters), only when the
   * probe runs with REDLINE_PROBE_SAMPLES=1 (the audit's private report): never redacted.
   */
  sample?: { text: string; params: readonly unknown[] };
}

interface RouteAcc {
  histogram: LatencyHistogram;
  requests: number;
  errors: number;
  totalMs: number;
  dbMs: number;
  queries: number;
  poolWaitMs: number;
  httpClientMs: number;
}

const MAX_QUERY_KEYS = 2000;
/**
 * The event-loop delay monitor's timer period (ms). Every reading of `monitorEventLoopDelay`
 * includes it, so snapshot() subtracts it. 100 ms, not 20: the timer wakes the loop once per
 * period, which on a light route at 300 req/s was a measurable part of the probe's fixed cost
 * (bench/RESULTS.md, "Fixed parts", 2026-12-06); no rule reads these numbers (they go to the
 * report's stats record), and a stall longer than the period is still seen in full by `maxMs`.
 */
const LOOP_RESOLUTION_MS = 100;

/** Accumulates statistics; `snapshot()` renders them. */
export class ProbeStats {
  #routes = new Map<string, RouteAcc>();
  #queries = new Map<string, QueryStats>();
  #loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  #updates = 0;

  constructor() {
    // Bench only (bench/probe-overhead.js PROBE_PARTS): REDLINE_PROBE_BENCH_OFF containing `loop`
    // leaves the event-loop delay monitor off (the stats' eventLoop then reads 0).
    if (!(process.env.REDLINE_PROBE_BENCH_OFF ?? '').split(',').includes('loop'))
      this.#loop.enable();
    registerFootprintOf(this, (self) => [self.#routes, self.#queries]);
  }

  /** Records a finished request. */
  addRequest(state: RequestState, durationMs: number, status: number): void {
    this.#updates++;
    let acc = this.#routes.get(state.route);
    if (!acc) {
      acc = {
        histogram: new LatencyHistogram(),
        requests: 0,
        errors: 0,
        totalMs: 0,
        dbMs: 0,
        queries: 0,
        poolWaitMs: 0,
        httpClientMs: 0,
      };
      this.#routes.set(state.route, acc);
    }
    acc.histogram.record(durationMs);
    acc.requests++;
    if (status >= 500) acc.errors++;
    acc.totalMs += durationMs;
    acc.dbMs += state.dbMs;
    acc.queries += state.queryCount;
    acc.poolWaitMs += state.poolWaitMs;
    acc.httpClientMs += state.httpClientMs;
  }

  /** Records a finished query. */
  addQuery(record: QueryRecord): void {
    this.#updates++;
    let stats = this.#queries.get(record.sql);
    if (!stats) {
      if (this.#queries.size >= MAX_QUERY_KEYS) return;
      stats = {
        sql: record.sql,
        driver: record.driver,
        calls: 0,
        totalMs: 0,
        meanMs: 0,
        maxMs: 0,
        rows: 0,
        errors: 0,
      };
      this.#queries.set(record.sql, stats);
    }
    const ms = record.end - record.execStart;
    stats.calls++;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    stats.rows += record.rows;
    if (record.error) stats.errors++;
  }

  /** Requests and time seen on a route. */
  route(route: string): { requests: number; totalMs: number } {
    const acc = this.#routes.get(route);
    return { requests: acc?.requests ?? 0, totalMs: acc?.totalMs ?? 0 };
  }

  /** Current statistics (routes by total time, queries by total time, event-loop delay). */
  snapshot(): {
    routes: RouteStats[];
    queries: QueryStats[];
    eventLoop: { meanMs: number; p99Ms: number; maxMs: number };
  } {
    const routes = [...this.#routes.entries()].map(([route, acc]) => ({
      route,
      requests: acc.requests,
      errors: acc.errors,
      totalMs: round(acc.totalMs),
      meanMs: round(acc.totalMs / Math.max(1, acc.requests)),
      p50Ms: round(acc.histogram.percentile(50)),
      p95Ms: round(acc.histogram.percentile(95)),
      p99Ms: round(acc.histogram.percentile(99)),
      maxMs: round(acc.histogram.max),
      dbMs: round(acc.dbMs),
      queries: acc.queries,
      poolWaitMs: round(acc.poolWaitMs),
      httpClientMs: round(acc.httpClientMs),
    }));
    routes.sort((a, b) => b.totalMs - a.totalMs);
    const queries = [...this.#queries.values()]
      .map((q) => ({
        ...q,
        totalMs: round(q.totalMs),
        meanMs: round(q.totalMs / Math.max(1, q.calls)),
        maxMs: round(q.maxMs),
      }))
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 50);
    const loop = this.#loop;
    // Readings beyond the timer period (issue 13: an idle loop read as "p50 10 ms" blocked).
    const beyond = (ns: number) => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
    const eventLoop =
      loop.count > 0
        ? {
            meanMs: beyond(loop.mean),
            p99Ms: beyond(loop.percentile(99)),
            maxMs: beyond(loop.max),
          }
        : { meanMs: 0, p99Ms: 0, maxMs: 0 };
    return { routes, queries, eventLoop };
  }

  /** Requests and queries recorded so far: unchanged means there is nothing new to report. */
  get updates(): number {
    return this.#updates;
  }

  /** Stops the event-loop monitor. */
  close(): void {
    this.#loop.disable();
  }
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}
