/**
 * The probe's hot path: begin/finish of every query inside a request. Stacks are captured only
 * when needed (a query repeated within the request, or first seen / resampled per normalised text),
 * because V8 stack capture costs microseconds.
 */
import { isSelectStar, normalizeSql } from '../db/sql/normalize.js';
import { type CallSiteHolder, captureSite } from './call-site.js';
import { SAMPLES_PER_QUERY, trackColumnUse } from './detectors/select-star.js';
import {
  type DriverName,
  MAX_QUERIES_PER_REQUEST,
  now,
  type QueryRecord,
  type RequestState,
} from './state.js';

/** Receives finished queries (the runtime: stats, cache tracking, no-pagination). */
export interface QuerySink {
  onQuery(state: RequestState, record: QueryRecord): void;
  readonly selectStarSampling: boolean;
}

/** A cached call site is re-captured every this many executions of the same text. */
export const SITE_RESAMPLE = 256;

let sink: QuerySink | undefined;
const sites = new Map<string, { holder: CallSiteHolder; uses: number }>();
const starSamples = new Map<string, number>();
const selectKinds = new Map<string, boolean>();

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
  const sql = normalizeSql(text);
  const seen = (state.seen.get(sql) ?? 0) + 1;
  state.seen.set(sql, seen);
  const cached = sites.get(sql);
  let site: CallSiteHolder;
  if (seen >= 2 || !cached || ++cached.uses % SITE_RESAMPLE === 0) {
    site = captureSite(above);
    if (!cached) sites.set(sql, { holder: site, uses: 0 });
    else if (seen < 2) cached.holder = site;
  } else {
    site = cached.holder;
  }
  const t = now();
  const record: QueryRecord = {
    driver,
    sql,
    key: isSelect(sql) ? `${text}\u0000${paramsKey(params)}` : '',
    start: t,
    execStart: t,
    end: t,
    rows: 0,
    columns: 0,
    error: false,
    queued,
    site,
  };
  if (sink?.selectStarSampling && isSelectStar(sql)) {
    const taken = starSamples.get(sql) ?? 0;
    if (taken < SAMPLES_PER_QUERY) {
      starSamples.set(sql, taken + 1);
      record.usedColumns = new Set();
    }
  }
  state.queryCount++;
  if (state.queries.length < MAX_QUERIES_PER_REQUEST) state.queries.push(record);
  else state.droppedQueries++;
  return record;
}

/** Result facts a driver extracts. `rowsArray` gets column-use proxies when the query is sampled. */
export interface QueryOutcome {
  rows: number;
  columnNames?: string[];
  rowsArray?: unknown[];
  error?: boolean;
}

/** Finishes a query: times, rows, DB time of the request; hands it to the runtime. */
export function finishQuery(state: RequestState, record: QueryRecord, outcome: QueryOutcome): void {
  record.end = now();
  record.rows = outcome.rows;
  record.error = outcome.error === true;
  if (outcome.columnNames) {
    record.columns = outcome.columnNames.length;
    if (record.usedColumns) record.columnNames = outcome.columnNames;
  }
  if (record.usedColumns && outcome.rowsArray)
    trackColumnUse(outcome.rowsArray, record.usedColumns);
  else if (record.usedColumns) delete record.usedColumns;
  state.dbMs += record.end - record.execStart;
  if (record.queued) state.poolWaitMs += record.execStart - record.start;
  sink?.onQuery(state, record);
}

/** Adds a wait for a pooled connection taken outside a query (pool.connect / getConnection). */
export function addPoolWait(state: RequestState, waitMs: number): void {
  state.poolWaitMs += waitMs;
}

function isSelect(sql: string): boolean {
  let value = selectKinds.get(sql);
  if (value === undefined) {
    value =
      /^\(?\s*(?:SELECT|WITH|TABLE|VALUES)\b/i.test(sql) &&
      !/\b(?:INSERT|UPDATE|DELETE|FOR\s+UPDATE|nextval)\b/i.test(sql);
    if (selectKinds.size < 5000) selectKinds.set(sql, value);
  }
  return value;
}

function paramsKey(params: unknown): string {
  if (params === undefined || params === null) return '';
  try {
    return JSON.stringify(params, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(Math.random());
  }
}
