/** Index advice: turns a filtered scan into a concrete CREATE INDEX statement. */
import {
  type ExplainedPlan,
  listPlanNodes,
  type PlanNode,
  planTotalMs,
} from '../plan/plan-node.js';
import { significantTokens } from '../sql/tokenize.js';
import { parseIndexableColumns } from './conditions.js';

/** Most columns a suggested index gets (equality columns first, then one range column). */
export const MAX_INDEX_COLUMNS = 3;

/** A suggested index. `createSql` is for production; `verifySql` runs inside a transaction. */
export interface IndexSuggestion {
  engine: ExplainedPlan['engine'];
  table: string;
  schema?: string;
  columns: string[];
  name: string;
  createSql: string;
  verifySql: string;
}

/** Measured effect of an index: the plan without and with it. */
export interface IndexVerification {
  index: IndexSuggestion;
  before: ExplainedPlan;
  after: ExplainedPlan;
  beforeMs: number;
  afterMs: number;
  /** before / after (> 1 means faster). */
  speedup: number;
  /** True when the new plan actually uses the index. */
  used: boolean;
  /**
   * Where the index was built: `transaction` = on the table itself inside a transaction that was
   * rolled back (PostgreSQL, PGlite); `temporary-copy` = on a session-private TEMPORARY copy of
   * the table that was then dropped (MySQL, MariaDB: their DDL commits implicitly).
   */
  method: 'transaction' | 'temporary-copy';
  /** How many runs each time is the best of. */
  runs: number;
}

/** The verification of `index` from the plans measured without (`before`) and with it (`after`). */
export function indexVerification(
  index: IndexSuggestion,
  before: ExplainedPlan,
  after: ExplainedPlan,
  method: IndexVerification['method'],
  runs: number,
): IndexVerification {
  const beforeMs = planTotalMs(before);
  const afterMs = planTotalMs(after);
  return {
    index,
    before,
    after,
    beforeMs,
    afterMs,
    speedup: afterMs > 0 ? beforeMs / afterMs : Number.POSITIVE_INFINITY,
    used: listPlanNodes(after.root).some((n) => n.indexName === index.name),
    method,
    runs,
  };
}

/** Suggests an index for a scan node's filter, or undefined when the filter is not indexable. */
export function suggestIndex(node: PlanNode, plan: ExplainedPlan): IndexSuggestion | undefined {
  if (!node.relation || !node.filter) return undefined;
  const parsed = parseIndexableColumns(node.filter);
  if (!parsed) return undefined;
  // An index scan that still filters: extend its index condition's equality columns with the filter's.
  const lead =
    node.indexCond && /Index|Bitmap/.test(node.nodeType)
      ? parseIndexableColumns(node.indexCond)
      : undefined;
  const equality = [...new Set([...(lead?.equality ?? []), ...parsed.equality])];
  const columns = [
    ...equality,
    ...parsed.range.filter((c) => !equality.includes(c)).slice(0, 1),
  ].slice(0, MAX_INDEX_COLUMNS);
  const refs = plan.sql ? resolveTableRefs(plan.sql) : new Map<string, TableRef>();
  // PostgreSQL names the relation itself (its schema only under VERBOSE); MySQL/MariaDB print the
  // alias. Either way the statement's own FROM clause says which schema the table was read from.
  const ref = refs.get(node.relation.toLowerCase());
  const table = plan.engine === 'postgres' ? node.relation : (ref?.table ?? node.relation);
  const schema = node.schema ?? (ref && ref.table === table ? ref.schema : undefined);
  return buildSuggestion(plan.engine, table, schema, columns);
}

/** Builds the statements for an index on `table (columns)`. */
export function buildSuggestion(
  engine: ExplainedPlan['engine'],
  table: string,
  schema: string | undefined,
  columns: string[],
): IndexSuggestion {
  const slug = columns
    .map((c) => c.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, ''))
    .join('_');
  const name = `${table}_${slug}_idx`.slice(0, 63);
  const quote = (identifier: string) => quoteIdentifier(engine, identifier);
  const list = indexColumnList(engine, columns);
  // PostgreSQL builds without locking writes (CONCURRENTLY; not inside the verifying transaction)
  // and resolves unqualified names through search_path, so `public` need not be named.
  const postgres = engine === 'postgres';
  const shownSchema = postgres && schema === 'public' ? undefined : schema;
  const target = `${shownSchema ? `${quote(shownSchema)}.` : ''}${quote(table)}`;
  const verifySql = `CREATE INDEX ${quote(name)} ON ${target} (${list})`;
  return {
    engine,
    table,
    ...(schema ? { schema } : {}),
    columns,
    name,
    createSql: postgres
      ? `CREATE INDEX CONCURRENTLY ${quote(name)} ON ${target} (${list});`
      : `${verifySql};`,
    verifySql,
  };
}

/**
 * Quotes an identifier for generated DDL so that it runs as written: PostgreSQL keeps plain
 * lower-case names bare and double-quotes keywords (`user`, `order`, …), mixed case and anything
 * else; MySQL/MariaDB always get backticks (their keyword list changes between versions).
 */
export function quoteIdentifier(engine: ExplainedPlan['engine'], identifier: string): string {
  if (engine === 'postgres') {
    return /^[a-z_][a-z0-9_$]*$/.test(identifier) && !PG_KEYWORDS.has(identifier)
      ? identifier
      : `"${identifier.replace(/"/g, '""')}"`;
  }
  return `\`${identifier.replace(/`/g, '``')}\``;
}

/** The quoted column list of an index on `columns` (without the parentheses). */
export function indexColumnList(
  engine: ExplainedPlan['engine'],
  columns: readonly string[],
): string {
  return columns.map((c) => quoteColumn(engine, c)).join(', ');
}

/** Quotes a column, or the column inside an expression column `(lower(email))`. */
function quoteColumn(engine: ExplainedPlan['engine'], column: string): string {
  const expression = /^\(([A-Za-z_]\w*)\((.+)\)\)$/.exec(column);
  if (expression?.[1] && expression[2])
    return `(${expression[1]}(${quoteIdentifier(engine, expression[2])}))`;
  return quoteIdentifier(engine, column);
}

/**
 * PostgreSQL keywords that are not plain "unreserved" (`pg_get_keywords()` where `catcode <> 'U'`,
 * PostgreSQL 15, plus the words 16 and 17 added): as a table or column name they must be quoted (`quote_ident` quotes them too).
 */
const PG_KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit
  boolean both case cast char character check coalesce collate collation column concurrently
  constraint create cross current_catalog current_date current_role current_schema current_time
  current_timestamp current_user dec decimal default deferrable desc distinct do else end except
  exists extract false fetch float for foreign freeze from full grant greatest group grouping having
  ilike in initially inner inout int integer intersect interval into is isnull join json_array
  json_arrayagg json_object json_objectagg json_scalar json_serialize lateral leading least left like
  limit localtime localtimestamp merge_action national natural nchar none normalize not notnull null
  nullif numeric offset on only or order out outer overlaps overlay placing position precision
  primary real references returning right row select session_user setof similar smallint some
  substring symmetric system_user table tablesample then time timestamp to trailing treat trim true
  union unique user using values varchar variadic verbose when where window with xmlattributes
  xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize
  xmltable`.split(/\s+/),
);

/** A table a statement reads: its name and, when the statement qualifies it, its schema. */
export interface TableRef {
  table: string;
  schema?: string;
}

/** Maps aliases to table names from FROM / JOIN / STRAIGHT_JOIN / UPDATE / INTO clauses (`orders o` → o: orders). */
export function resolveTableAliases(sql: string): Map<string, string> {
  return new Map([...resolveTableRefs(sql)].map(([key, ref]) => [key, ref.table]));
}

/**
 * Maps aliases and table names (lower case) to the table and its schema as the statement writes
 * them, from FROM / JOIN / STRAIGHT_JOIN / UPDATE / INTO clauses (`app.orders o` → o and
 * orders: app.orders).
 */
export function resolveTableRefs(sql: string): Map<string, TableRef> {
  const tokens = significantTokens(sql);
  const map = new Map<string, TableRef>();
  const clause = new Set(['from', 'join', 'straight_join', 'update', 'into']);
  const stop = new Set([
    'where',
    'on',
    'using',
    'join',
    'left',
    'right',
    'inner',
    'outer',
    'cross',
    'group',
    'order',
    'limit',
    'set',
    'natural',
    'full',
    'straight_join',
    'values',
    'having',
    'window',
    'union',
    'for',
  ]);
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]?.text.toLowerCase();
    const afterComma = tokens[i]?.text === ',' && isInFromList(tokens, i);
    if (!(word && clause.has(word)) && !afterComma) continue;
    let j = i + 1;
    let name = unquote(tokens[j]?.text ?? '');
    let schema: string | undefined;
    while (tokens[j + 1]?.text === '.') {
      j += 2;
      schema = name;
      name = unquote(tokens[j]?.text ?? '');
    }
    if (!name || tokens[j]?.kind === 'punct') continue;
    let aliasToken = tokens[j + 1];
    if (aliasToken?.text.toLowerCase() === 'as') aliasToken = tokens[j + 2];
    const ref: TableRef = schema ? { table: name, schema } : { table: name };
    map.set(name.toLowerCase(), ref);
    if (
      aliasToken &&
      (aliasToken.kind === 'word' || aliasToken.kind === 'quoted-ident') &&
      !stop.has(aliasToken.text.toLowerCase())
    ) {
      map.set(unquote(aliasToken.text).toLowerCase(), ref);
    }
  }
  return map;
}

function isInFromList(tokens: ReturnType<typeof significantTokens>, index: number): boolean {
  for (let k = index - 1; k >= 0; k--) {
    const text = tokens[k]?.text.toLowerCase();
    if (text === 'from') return true;
    if (text === 'select' || text === 'where' || text === '(' || text === ')') return false;
  }
  return false;
}

function unquote(text: string): string {
  if (/^".*"$/s.test(text)) return text.slice(1, -1).replace(/""/g, '"');
  if (/^`.*`$/s.test(text)) return text.slice(1, -1).replace(/``/g, '`');
  return text;
}
