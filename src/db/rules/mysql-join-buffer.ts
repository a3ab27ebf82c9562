/** Rule (MySQL/MariaDB): a join through a join buffer (block nested loop / hash): no index on the join key. */

import { parseIndexableColumns } from '../advice/conditions.js';
import { buildSuggestion, resolveTableAliases } from '../advice/index-advice.js';
import type { PlanNode } from '../plan/plan-node.js';
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** The join's subtree must take at least this long (ms). */
export const JOIN_BUFFER_MIN_MS = 1;
/** Share of the join time assumed saved with an index lookup (ranking only). */
export const JOIN_BUFFER_SAVING = 0.7;

/** `db.join-buffer`: `Using join buffer` / `block-nl-join` in MariaDB's JSON. */
export const joinBufferRule: PlanRule = {
  id: 'db.join-buffer',
  title: 'Join through a join buffer: the join column has no index',
  scope: 'node',
  engines: ['mariadb', 'mysql'],
  needsActuals: false,
  check(context) {
    const { node, plan } = context;
    if (!node.mysql?.joinBuffer && !node.extra?.some((e) => e.startsWith('Using join buffer')))
      return null;
    const costMs = node.totalMs ?? 0;
    if (plan.analyzed && costMs < JOIN_BUFFER_MIN_MS) return null;
    const table = node.children.find((c) => c.nodeType === 'table') ?? node;
    const suggestion = joinKeySuggestion(node, table, plan.sql);
    return createPlanFinding({
      rule: joinBufferRule,
      context,
      severity: costMs > context.totalMs * 0.4 ? 'high' : 'medium',
      timeSavedMs: costMs * JOIN_BUFFER_SAVING,
      impact: `${ms(costMs)} joining ${table.relation ?? 'a table'} through a ${node.mysql?.joinBuffer ?? 'join'} buffer`,
      rootCause: `For each buffered batch of rows, ${table.relation ?? 'the joined table'} is scanned in full (${Math.round(table.mysql?.rowsExamined ?? 0)} rows per scan) because the join condition ${node.joinFilter ?? ''} has no index to look up.`,
      recommendation: suggestion
        ? {
            text: `Index the join column of ${suggestion.table}.`,
            sql: suggestion.createSql,
            effort: 'low',
          }
        : { text: 'Index the join column of the inner table.', effort: 'low' },
      ...(suggestion ? { index: suggestion } : {}),
      evidence: [
        { label: 'join buffer', value: node.mysql?.joinBuffer ?? 'yes' },
        { label: 'rows per scan', value: Math.round(table.mysql?.rowsExamined ?? 0) },
        { label: 'scans', value: node.loops ?? table.loops ?? 1 },
      ],
    });
  },
};

/** `x.a = y.b`: the column that belongs to the buffered (inner) table gets the index. */
function joinKeySuggestion(node: PlanNode, table: PlanNode, sql: string | undefined) {
  const condition = node.joinFilter ?? table.filter;
  if (!condition || !table.relation) return undefined;
  const match = new RegExp(`\\b${table.relation}\\.\`?([A-Za-z_][\\w$]*)`).exec(
    condition.replace(/`/g, ''),
  );
  const column = match?.[1] ?? parseIndexableColumns(condition)?.equality[0];
  if (!column) return undefined;
  const aliases = sql ? resolveTableAliases(sql) : new Map<string, string>();
  const real = aliases.get(table.relation.toLowerCase()) ?? table.relation;
  return buildSuggestion('mariadb', real, undefined, [column]);
}
