/** Index advice: turns a filtered scan into a concrete CREATE INDEX statement. */
import type { ExplainedPlan, PlanNode } from '../plan/plan-node.js';
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
  const aliases = plan.sql ? resolveTableAliases(plan.sql) : new Map<string, string>();
  const table =
    plan.engine === 'postgres'
      ? node.relation
      : (aliases.get(node.relation.toLowerCase()) ?? node.relation);
  return buildSuggestion(plan.engine, table, node.schema, columns);
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
  if (engine === 'postgres') {
    const target = `${schema && schema !== 'public' ? `${quotePg(schema)}.` : ''}${quotePg(table)}`;
    const list = columns.map((c) => (c.startsWith('(') ? c : quotePg(c))).join(', ');
    return {
      engine,
      table,
      ...(schema ? { schema } : {}),
      columns,
      name,
      createSql: `CREATE INDEX CONCURRENTLY ${quotePg(name)} ON ${target} (${list});`,
      verifySql: `CREATE INDEX ${quotePg(name)} ON ${target} (${list})`,
    };
  }
  const list = columns.map((c) => (c.startsWith('(') ? c : `\`${c}\``)).join(', ');
  const sql = `CREATE INDEX \`${name}\` ON \`${table}\` (${list})`;
  return { engine, table, columns, name, createSql: `${sql};`, verifySql: sql };
}

/** Maps aliases to table names from FROM / JOIN / STRAIGHT_JOIN / UPDATE / INTO clauses (`orders o` → o: orders). */
export function resolveTableAliases(sql: string): Map<string, string> {
  const tokens = significantTokens(sql);
  const map = new Map<string, string>();
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
    while (tokens[j + 1]?.text === '.') {
      j += 2;
      name = unquote(tokens[j]?.text ?? '');
    }
    if (!name || tokens[j]?.kind === 'punct') continue;
    let aliasToken = tokens[j + 1];
    if (aliasToken?.text.toLowerCase() === 'as') aliasToken = tokens[j + 2];
    map.set(name.toLowerCase(), name);
    if (
      aliasToken &&
      (aliasToken.kind === 'word' || aliasToken.kind === 'quoted-ident') &&
      !stop.has(aliasToken.text.toLowerCase())
    ) {
      map.set(unquote(aliasToken.text).toLowerCase(), name);
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
  return text.replace(/^[`"]|[`"]$/g, '');
}

function quotePg(identifier: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(identifier)
    ? identifier
    : `"${identifier.replace(/"/g, '""')}"`;
}
