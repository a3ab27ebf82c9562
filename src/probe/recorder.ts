/**
 * The probe's hot path: begin/finish of every query inside a request. Stacks are captured only
 * when needed (a query repeated within the request, or first seen / resampled per normalised text),
 * because V8 stack capture costs microseconds.
 */

import { isSelectStar, normalizeCache, normalizeSql } from '../db/sql/normalize.js';
import { SAMPLES_PER_QUERY, trackColumnUse } from './detectors/select-star.js';
import { registerFootprint } from './footprint.js';
import { keepSample } from './query-samples.js';
import { type CallSiteHolder, captureSite, noteQuerySite } from './query-site.js';
import { noteBoundParams } from './route.js';
import {
  type DriverName,
  MAX_QUERIES_PER_REQUEST,
  noteSeen,
  now,
  type QueryRecord,
  type RequestState,
} from './state.js';

/** Receives finished queries (the runtime: stats, cache tracking, no-pagination). */
export interface QuerySink {
  onQuery(state: RequestState, record: QueryRecord): void;
  readonly selectStarSampling: boolean;
  /** Repeats within a request that always get their own stack (the N+1 count threshold + 1). */
  readonly repeatCaptures: number;
  /** The route the request has so far (keys the call-site cache; a template, not a raw path). */
  routeOf(state: RequestState): string;
  /** The application folder (call sites are shown relative to it). */
  readonly root: string;
}

/** A cached call site is re-captured every this many executions of the same text. */
export const SITE_RESAMPLE = 256;
/** Within one request, repeats past the N+1 threshold are captured only every this many times. */
export const REPEAT_SAMPLE = 16;

let sink: QuerySink | undefined;

/**
 * The cached call site of one normalised statement on one route, shared by every text that
 * normalises to it: an ORM that writes values into the SQL (Sequelize on MySQL) sends a new text
 * per value, and a stack per text would be captured on nearly every query. The route is part of
 * the key because one statement is often issued from several places (a repository helper called
 * by two services: the signed-in user's lookup in a list handler and in a detail handler); a
 * cache per statement alone filed one route's findings under the other route's line.
 */
interface SiteSlot {
  site: CallSiteHolder | undefined;
  uses: number;
}

/** What is kept per normalised statement: select-star sampling state and its call sites per route. */
interface StarSlot {
  starSamples: number;
  /** The slowest execution time handed to keepSample (below it, no lookup: query-samples.ts). */
  slowestMs: number;
  /** Route → cached call site (two lookups by strings whose hashes are cached, no key built per query). */
  sites: Map<string, SiteSlot>;
}

/** What the probe knows about one query text (cached: one Map lookup per query on the hot path). */
interface QueryShape {
  sql: string;
  select: boolean;
  star: boolean;
  slot: StarSlot;
}

/** Statements whose call site is cached at most. */
const SHAPE_LIMIT = 5000;
/**
 * Query texts cached at most (each maps to its statement's shape). Smaller than SHAPE_LIMIT: an
 * ORM that writes values into the SQL sends a new text per value, and the cache should reach its
 * bound (and stay flat) within seconds, not grow for the length of an audit.
 */
const TEXT_LIMIT = 1000;
const shapes = new Map<string, QueryShape>();
const slots = new Map<string, StarSlot>();
/** Call-site slots over all statements (bounded by SHAPE_LIMIT like the former single map). */
let siteSlotCount = 0;
// Site slots live inside each statement's slot (StarSlot.sites): walking `slots` counts them.
// normalizeSql's cache holds every raw text the probe normalises (up to 4,000) and its normalised
// copy: heap snapshots of the leak-koa fixture (a new text per request, 500 → 1,500 requests,
// bench/probe-footprint-snapshot.mjs) found it retaining 93–129 B per request that the estimate
// did not count (the estimate then grew 629–644 B/req against ~800 B/req of probe structures).
registerFootprint(() => [shapes, slots, normalizeCache()]);

function slotOf(sql: string): StarSlot {
  let slot = slots.get(sql);
  if (!slot) {
    if (slots.size >= SHAPE_LIMIT) {
      slots.clear();
      siteSlotCount = 0;
    }
    slot = { starSamples: 0, slowestMs: -1, sites: new Map() };
    slots.set(sql, slot);
  }
  return slot;
}

/** The cached site of the statement on the request's route (see {@link SiteSlot}). */
function siteSlotOf(state: RequestState, statement: StarSlot): SiteSlot {
  const route = sink?.routeOf(state) ?? '';
  let slot = statement.sites.get(route);
  if (!slot) {
    if (siteSlotCount >= SHAPE_LIMIT) {
      for (const s of slots.values()) s.sites.clear();
      siteSlotCount = 0;
    }
    slot = { site: undefined, uses: 0 };
    statement.sites.set(route, slot);
    siteSlotCount++;
  }
  return slot;
}

function shapeOf(text: string): QueryShape {
  let shape = shapes.get(text);
  if (shape) return shape;
  const sql = normalizeSql(text);
  shape = {
    sql,
    select: isSelect(sql),
    star: isSelectStar(sql),
    slot: slotOf(sql),
  };
  if (shapes.size >= TEXT_LIMIT) shapes.clear();
  shapes.set(text, shape);
  return shape;
}

/** Connects the recorder to the runtime (called once by startProbe). */
export function setQuerySink(next: QuerySink | undefined): void {
  sink = next;
}

/** Starts recording a query issued inside `state`. `above` is the instrumented function (stack cut). */
export function beginQuery(
  state: RequestState,
  driver: DriverName,
  text: string,
  params: unknown,
  queued: boolean,
  above: (...args: never[]) => unknown,
): QueryRecord {
  const shape = shapeOf(text);
  const sql = shape.sql;
  noteBoundParams(state, text, params);
  const seen = noteSeen(state, sql);
  const site = siteFor(state, shape, seen, above);
  const t = now();
  const record: QueryRecord = {
    driver,
    sql,
    text,
    key: shape.select ? paramsKey(params) : undefined,
    params,
    start: t,
    execStart: t,
    end: t,
    rows: 0,
    columns: 0,
    error: false,
    queued,
    site,
    statement: shape.slot,
  };
  if (shape.star && sink?.selectStarSampling && shape.slot.starSamples < SAMPLES_PER_QUERY) {
    shape.slot.starSamples++;
    record.usedColumns = new Set();
  }
  state.queryCount++;
  if (state.queries.length < MAX_QUERIES_PER_REQUEST) state.queries.push(record);
  else state.droppedQueries++;
  return record;
}

/**
 * The call site of this execution. Capturing a stack costs microseconds, so: the first execution
 * of a statement in a request reuses the cached site of the statement on the request's route
 * (re-captured every SITE_RESAMPLE uses);
 * repeats are captured at the 2nd execution, at the `repeatCaptures`-th (the N+1 count threshold)
 * and every REPEAT_SAMPLE-th; the others reuse the last capture for that text in this request, so
 * a loop is attributed to its line while two call sites alternating may be mixed up in between.
 */
function siteFor(
  state: RequestState,
  shape: QueryShape,
  seen: number,
  above: (...args: never[]) => unknown,
): CallSiteHolder {
  if (seen === 1) {
    const slot = siteSlotOf(state, shape.slot);
    if (!slot.site || ++slot.uses % SITE_RESAMPLE === 0) {
      slot.site = captureSite(above);
      noteQuerySite(shape.sql, slot.site, sink?.root ?? process.cwd());
    }
    return slot.site;
  }
  const last = state.lastSites?.get(shape.sql);
  if (last && seen !== (sink?.repeatCaptures ?? 6) && seen % REPEAT_SAMPLE !== 0) return last;
  const site = captureSite(above);
  state.lastSites ??= new Map();
  state.lastSites.set(shape.sql, site);
  return site;
}

/** Result facts a driver extracts. `rowsArray` gets column-use proxies when the query is sampled. */
export interface QueryOutcome {
  rows: number;
  /** Columns of the result (else the length of `columnNames`). */
  columns?: number;
  columnNames?: string[];
  rowsArray?: unknown[];
  error?: boolean;
}

/** Finishes a query: times, rows, DB time of the request; hands it to the runtime. */
export function finishQuery(state: RequestState, record: QueryRecord, outcome: QueryOutcome): void {
  record.end = now();
  record.rows = outcome.rows;
  record.error = outcome.error === true;
  if (outcome.columns !== undefined) record.columns = outcome.columns;
  if (outcome.columnNames) {
    record.columns = outcome.columnNames.length;
    if (record.usedColumns) record.columnNames = outcome.columnNames;
  }
  if (record.usedColumns && outcome.rowsArray)
    trackColumnUse(outcome.rowsArray, record.usedColumns);
  else if (record.usedColumns) delete record.usedColumns;
  const ms = record.end - record.execStart;
  state.dbMs += ms;
  // Only an execution slower than the statement's slowest so far can become its sample.
  const statement = record.statement;
  if (!statement || ms > statement.slowestMs) {
    if (statement) statement.slowestMs = ms;
    keepSample(record.sql, record.text, record.params, ms);
  }
  if (record.queued) state.poolWaitMs += record.execStart - record.start;
  sink?.onQuery(state, record);
}

/** Adds a wait for a pooled connection taken outside a query (pool.connect / getConnection). */
export function addPoolWait(state: RequestState, waitMs: number): void {
  state.poolWaitMs += waitMs;
}

function isSelect(sql: string): boolean {
  return (
    /^\(?\s*(?:SELECT|WITH|TABLE|VALUES)\b/i.test(sql) &&
    !/\b(?:INSERT|UPDATE|DELETE|FOR\s+UPDATE|nextval)\b/i.test(sql)
  );
}

/** A key for a parameter list: a fast path for arrays of primitives, JSON for anything else. */
function paramsKey(params: unknown): string {
  if (params === undefined || params === null) return '';
  if (Array.isArray(params)) {
    let key = '';
    for (const value of params) {
      const type = typeof value;
      if (type === 'string') key += `s${(value as string).length}:${value as string}`;
      else if (type === 'number' || type === 'boolean' || type === 'bigint' || value === null)
        key += `${type[0]}${String(value)};`;
      else return jsonKey(params);
    }
    return key;
  }
  return jsonKey(params);
}

function jsonKey(params: unknown): string {
  try {
    return JSON.stringify(params) ?? '';
  } catch {
    return `unkeyable:${Math.random()}`;
  }
}
