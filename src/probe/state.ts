/** Per-request state carried by AsyncLocalStorage, and the record of one database query. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
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
  /** Occurrences of each normalised query in this request (decides stack capture). */
  seen: Map<string, number>;
  /**
   * Last captured call site of each repeated normalised query in this request (created at the
   * first repeat: most requests run each statement once).
   */
  lastSites: Map<string, CallSiteHolder> | undefined;
  /**
   * Path segments this request's queries took as parameters (segment → parameter name): a
   * hand-written router's route parameters (route.ts `noteBoundParams`).
   */
  boundSegments?: Map<string, string>;
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
    seen: new Map(),
    lastSites: undefined,
  };
}

/** Monotonic milliseconds. */
export const now = (): number => performance.now();
