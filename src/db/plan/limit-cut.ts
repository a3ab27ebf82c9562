/**
 * Row limits that stop a plan early: below a LIMIT (or a top-N sort) a node hands up only the
 * rows asked for, so "fewer rows than planned" there is a cut-off, not a misestimate.
 */
import type { ExplainedPlan, PlanNode } from './plan-node.js';

/**
 * Nodes that read their whole input before returning a row: below them nothing is cut by a
 * limit above. PostgreSQL: Sort, Hash (the build side), Aggregate (plain and hashed), SetOp;
 * MariaDB: filesort, temporary_table; MySQL: Sort, Materialize, temporary-table aggregation.
 * (A GroupAggregate streams, but PostgreSQL's JSON shares "Aggregate" for all strategies: taking
 * it as blocking keeps more of the plan in scope for the misestimate rule, never less.)
 */
const BLOCKING: Record<ExplainedPlan['engine'], RegExp> = {
  postgres: /^(Sort|Hash|Aggregate|Partial Aggregate|Finalize Aggregate|SetOp|HashSetOp)$/,
  mariadb: /^(filesort|temporary_table|materialized)$/,
  mysql: /^(Sort|Materialize)|temporary table/,
};

/** A statement-level LIMIT, for MariaDB, whose JSON plan has no Limit node. */
const SQL_LIMIT = /\blimit\s+(\d+|\?|:\w+|\$\d+)/i;

function isLimitNode(node: PlanNode): boolean {
  return node.nodeType === 'Limit' || node.nodeType.startsWith('Limit:');
}

/**
 * True when the limit stopped its input: it returned as many rows as it planned for. A limit
 * that returned fewer ran out of input, so everything below ran to completion.
 */
function limitReached(node: PlanNode): boolean {
  if (node.actualRows === undefined || node.estimatedRows === undefined) return true;
  return node.actualRows >= node.estimatedRows;
}

/**
 * Ids of the nodes whose output a row limit above them may have cut short: the limit's
 * descendants down to (and including) the first node that reads its whole input.
 */
export function nodesCutByLimit(plan: ExplainedPlan): Set<number> {
  const cut = new Set<number>();
  const blocking = BLOCKING[plan.engine];
  const mark = (node: PlanNode): void => {
    cut.add(node.id);
    if (blocking.test(node.nodeType)) return;
    for (const child of node.children) mark(child);
  };
  const visit = (node: PlanNode): void => {
    if (isLimitNode(node) && limitReached(node)) {
      for (const child of node.children) mark(child);
      return;
    }
    for (const child of node.children) visit(child);
  };
  if (plan.engine === 'mariadb' && plan.sql && SQL_LIMIT.test(plan.sql)) {
    for (const child of plan.root.children) mark(child);
  } else visit(plan.root);
  return cut;
}
