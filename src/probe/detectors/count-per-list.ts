/**
 * Count-per-list detector: a `SELECT count(*)` that runs with every page of a list (a query with
 * LIMIT in the same request). On a large table the count scans what the page avoids reading.
 */
import { parenDepthAt } from '../../db/sql/normalize.js';
import type { Finding } from '../../findings/finding.js';
import {
  type AggregatedDetection,
  type Detection,
  locationOf,
  type RenderContext,
  whereText,
} from '../findings-store.js';
import { registerFootprint } from '../footprint.js';
import { resolveSite } from '../query-site.js';
import type { DriverName, RequestState } from '../state.js';
import type { ProbeDetector } from './detector.js';
import {
  explainEvidence,
  ms,
  probeTimeEvidence,
  routeShare,
  severityOf,
  shortSql,
} from './shared.js';

/** Finding id. */
export const COUNT_PER_LIST_ID = 'probe.count-per-list';

const COUNT = /^\s*select\s+count\s*\(\s*(?:\*|1|distinct\b[^)]*|[\w."]+)\s*\)/i;
const PAGE = /\blimit\b|\bfetch\s+(?:first|next)\b/i;
const FROM = /\bfrom\s+((?:"[^"]+"|`[^`]+`|[\w$]+)(?:\.(?:"[^"]+"|`[^`]+`|[\w$]+))?)/i;

const FROM_ALL = new RegExp(FROM.source, 'gi');

const FROM_DERIVED = /\bfrom\s*\(\s*select\b/gi;

/**
 * The table of the statement's own FROM (outside parentheses: a subquery in the select list, as
 * query builders write, reads another table first), unquoted and lower-cased, for pairing a count
 * with its page. When the statement reads a derived table (`FROM (SELECT … FROM t … LIMIT n) AS
 * t JOIN …`: Sequelize's findAndCountAll pages with includes), the derived table's own table.
 */
function tableOf(sql: string): string | undefined {
  for (const match of sql.matchAll(FROM_ALL))
    if (parenDepthAt(sql, match.index) === 0) return match[1]?.replace(/["`]/g, '').toLowerCase();
  for (const derived of sql.matchAll(FROM_DERIVED)) {
    if (parenDepthAt(sql, derived.index) !== 0) continue;
    const inner = sql.slice(sql.indexOf('(', derived.index) + 1);
    for (const match of inner.matchAll(FROM_ALL))
      if (parenDepthAt(inner, match.index) === 0)
        return match[1]?.replace(/["`]/g, '').toLowerCase();
  }
  return undefined;
}

const COUNT_CALL = /^\s*select\s+count\s*\(/i;
/** Longest aggregate argument written out in a title (a longer one is cut with "…"). */
const ARGUMENT_MAX = 40;

/**
 * The statement's aggregate as it wrote it, for the title: `count(*)`, `count(DISTINCT("o"."id"))`
 * (Sequelize's findAndCountAll with includes counts distinct ids: calling that `count(*)` named
 * another statement). The argument runs to its closing parenthesis; a long one is cut.
 */
export function countAggregateOf(sql: string): string {
  const open = sql.match(COUNT_CALL);
  if (!open) return 'count(*)';
  const from = (open.index ?? 0) + open[0].length;
  let depth = 1;
  let end = from;
  while (end < sql.length && depth > 0) {
    const c = sql[end];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    end++;
  }
  const argument = sql
    .slice(from, depth === 0 ? end - 1 : end)
    .replace(/\s+/g, ' ')
    .trim();
  const shown =
    argument.length > ARGUMENT_MAX ? `${argument.slice(0, ARGUMENT_MAX - 1)}…` : argument;
  return `count(${shown || '*'})`;
}

/**
 * Where an estimated total comes from in the statement's dialect: PostgreSQL advice is never
 * given for MySQL/MariaDB (issue 14), and a driver the detection did not name gets neither.
 */
export function estimateAdvice(driver: DriverName | undefined): string {
  switch (driver) {
    case 'pg':
    case 'pglite':
      return 'PostgreSQL: pg_class.reltuples for a whole table, the row estimate of EXPLAIN for a filtered count';
    case 'mysql2':
      return 'MySQL/MariaDB: information_schema.TABLES.TABLE_ROWS for a whole table, a rough InnoDB estimate (MySQL documents it as up to 40-50 % off), the rows of EXPLAIN for a filtered count';
    default:
      return "the database's table statistics for a whole table, the row estimate of EXPLAIN for a filtered count";
  }
}

/** What this detector needs to know of one normalised statement. */
interface Shape {
  count: boolean;
  paged: boolean;
  table: string | undefined;
}
const shapes = new Map<string, Shape>();
registerFootprint(() => shapes);
/** Statements whose shape is cached at most (then the cache starts afresh). */
const SHAPE_LIMIT = 2000;

/**
 * The statement's shape, computed once per text: this runs at the end of every request with a
 * query, and the regular expressions per query were the detector's whole cost (tableOf 0.85 % of
 * the app's active CPU on bench-pg.mjs `/items`, one paged query per request).
 */
function shapeOf(sql: string): Shape {
  let shape = shapes.get(sql);
  if (!shape) {
    const count = COUNT.test(sql);
    const paged = !count && PAGE.test(sql);
    shape = { count, paged, table: count || paged ? tableOf(sql) : undefined };
    if (shapes.size >= SHAPE_LIMIT) shapes.clear();
    shapes.set(sql, shape);
  }
  return shape;
}

/** Detects, at a request's end, count queries that ran beside a paged list of the same table. */
export function detectCountPerList(state: RequestState, root: string): Detection[] {
  // Most requests run no count: they are done after one cached lookup per query.
  if (!state.queries.some((q) => !q.error && shapeOf(q.sql).count)) return [];
  const ok = state.queries.filter((q) => !q.error);
  const paged = new Set(ok.filter((q) => shapeOf(q.sql).paged).map((q) => shapeOf(q.sql).table));
  if (paged.size === 0) return [];
  const counts = ok.filter((q) => {
    const shape = shapeOf(q.sql);
    return shape.count && paged.has(shape.table);
  });
  const bySql = new Map<string, typeof counts>();
  for (const q of counts) bySql.set(q.sql, [...(bySql.get(q.sql) ?? []), q]);
  return [...bySql].map(([sql, list]) => {
    const site = resolveSite(list[0]?.site, root);
    return {
      id: COUNT_PER_LIST_ID,
      route: state.route,
      query: sql,
      ...(site ? { site } : {}),
      executions: list.length,
      timeMs: list.reduce((acc, q) => acc + (q.end - q.execStart), 0),
      driver: list[0]?.driver,
    };
  });
}

/** Renders an aggregated count-per-list pattern. */
export function renderCountPerList(item: AggregatedDetection, context: RenderContext): Finding {
  const share = routeShare(item, context);
  const of = Math.max(item.requests, context.routeRequests);
  const pct = Math.round((item.requests / Math.max(1, of)) * 100);
  return {
    id: COUNT_PER_LIST_ID,
    area: 'database',
    title: `${countAggregateOf(item.query ?? '')} on ${pct}% of list requests on ${item.route} at ${whereText(item)}`,
    severity: severityOf(share, 'info'),
    location: locationOf(item),
    impact: {
      description: `${ms(item.totalMs / Math.max(1, item.requests))} per request counting rows; ${item.requests} of ${of} requests; ${(share * 100).toFixed(0)}% of all ${item.route} time`,
      timeMs: item.totalMs,
      share,
      shareOf: `request time on ${item.route}`,
    },
    rootCause: `"${shortSql(item.query)}" runs with every page of the list: the database counts every matching row again for each page, while the page itself reads only a few.`,
    recommendation: {
      text: `Count once and cache the total for a while, show an estimate (${estimateAdvice(item.driver)}), or drop the total and fetch LIMIT n+1 rows to know whether there is a next page.`,
      effort: 'low',
    },
    evidence: [
      { label: 'requests with the count', value: item.requests, source: 'probe' },
      { label: 'requests on the route', value: context.routeRequests, source: 'probe' },
      probeTimeEvidence('time counting', item.totalMs),
      ...explainEvidence(item.query),
    ],
  };
}

/** count(*) per list page: per finished request. */
export const countPerListDetector: ProbeDetector = {
  id: COUNT_PER_LIST_ID,
  createHooks: (config) => ({ onRequestEnd: (state) => detectCountPerList(state, config.root) }),
  render: renderCountPerList,
};
