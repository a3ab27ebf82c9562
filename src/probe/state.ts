/** Per-request state carried by AsyncLocalStorage, and the record of one database query. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { Detection } from './findings-store.js';
import type { CallSiteHolder } from './query-site.js';

/** Which client library issued a query. */
export type DriverName = 'pg' | 'mysql2' | 'pglite';

/** One query as the probe saw it. Times are `performance.now()` milliseconds. */
export interface QueryRecord {
  driver: DriverName;
  /** Normalised text (literals → `?`). */
  sql: string;
  /** The text as the app sent it (literals included). */
  text: string;
  /** The parameters as the app sent them (for the statement's sample, query-samples.ts). */
  params: unknown;
  /** Parameter key for cache-candidate tracking (SELECTs only). */
  key: string | undefined;
  start: number;
  /** When the driver started executing (after waiting for a pooled connection). */
  execStart: number;
  end: number;
  rows: number;
  columns: number;
  error: boolean;
  /** True when the query waited for a pool that had no free connection. */
  queued: boolean;
  site: CallSiteHolder | undefined;
  /**
   * The statement's state kept across requests by the recorder: the slowest time sampled so far
   * (finishQuery looks the sample up only when an execution is slower).
   */
  statement?: { slowestMs: number };
  /** Column names read by the app (SELECT * sampling), when sampled. */
  usedColumns?: Set<string>;
  columnNames?: string[];
}

/** What the probe knows about one in-flight HTTP request. */
export interface RequestState {
  id: number;
  method: string;
  url: string;
  /** The node:http request (frameworks leave the route template on it). */
  raw?: object;
  route: string;
  /** The route label found during the request once it could no longer change (route.ts `routeOf`). */
  knownRoute: string | undefined;
  start: number;
  queries: QueryRecord[];
  /** Queries beyond the per-request cap are counted, not kept. */
  droppedQueries: number;
  dbMs: number;
  queryCount: number;
  poolWaitMs: number;
  httpClientMs: number;
  httpClientCount: number;
  /**
   * Executions of the request's first statement (normalised text in `firstSql`): most requests
   * run each statement once, and counting one statement needs no Map (see {@link noteSeen}).
   */
  firstSql: string | undefined;
  firstCount: number;
  /** Executions of every other statement (created at the request's second distinct statement). */
  moreSeen: Map<string, number> | undefined;
  /** The most executions of any one statement in this request (detectors skip below their count). */
  maxSeen: number;
  /**
   * Last captured call site of each repeated normalised query in this request (created at the
   * first repeat: most requests run each statement once).
   */
  lastSites: Map<string, CallSiteHolder> | undefined;
  /** Detections made before the request's route was final, filed when it ends (pipeline.ts). */
  held?: Detection[];
  /**
   * Path segments this request's queries took as parameters (segment's value → its position in
   * the path and the parameter's name): a hand-written router's route parameters (route.ts
   * `noteBoundParams`).
   */
  boundSegments?: Map<string, { at: number; name: string }>;
  /** The URL's literal path segments by position (route.ts, computed once per request). */
  literalSegments?: ReadonlyArray<string | undefined>;
}

/** Queries kept per request for detection (more are counted only). */
export const MAX_QUERIES_PER_REQUEST = 2000;

/** The probe's AsyncLocalStorage: the current request, if any. */
export const requestStorage = new AsyncLocalStorage<RequestState>();

let nextId = 1;

/** A fresh request state. */
export function createRequestState(method: string, url: string): RequestState {
  return {
    id: nextId++,
    method,
    url,
    route: '',
    knownRoute: undefined,
    start: performance.now(),
    queries: [],
    droppedQueries: 0,
    dbMs: 0,
    queryCount: 0,
    poolWaitMs: 0,
    httpClientMs: 0,
    httpClientCount: 0,
    firstSql: undefined,
    firstCount: 0,
    moreSeen: undefined,
    maxSeen: 0,
    lastSites: undefined,
  };
}

/**
 * Counts one execution of the normalised statement `sql` in the request; returns how many it has
 * had so far (this one included). The first statement is counted in two fields, later ones in a
 * Map created on demand: a per-request Map for the common one-statement request was an
 * allocation and two hash lookups per query.
 */
export function noteSeen(state: RequestState, sql: string): number {
  let count: number;
  if (state.firstSql === undefined || state.firstSql === sql) {
    state.firstSql = sql;
    count = ++state.firstCount;
  } else {
    state.moreSeen ??= new Map();
    count = (state.moreSeen.get(sql) ?? 0) + 1;
    state.moreSeen.set(sql, count);
  }
  if (count > state.maxSeen) state.maxSeen = count;
  return count;
}

/** Executions of the normalised statement `sql` in the request so far. */
export function seenCount(state: RequestState, sql: string): number {
  if (state.firstSql === sql) return state.firstCount;
  return state.moreSeen?.get(sql) ?? 0;
}

/** Monotonic milliseconds. */
export const now = (): number => performance.now();
