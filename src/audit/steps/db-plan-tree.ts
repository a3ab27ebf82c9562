/** Converts an explained plan into the report's small PlanTreeNode tree, with the rules' flags per node. */
import type { ExplainedPlan, PlanFindingData, PlanNode } from '../../db/index.js';
import type { Finding } from '../../findings/finding.js';
import type { PlanTreeNode } from '../../results/audit-result.js';

/** Most nodes kept (deep plans are cut below this many, depth first). */
const MAX_NODES = 200;

function flagsByNode(findings: readonly Finding[]): Map<number, string[]> {
  const flags = new Map<number, string[]>();
  for (const f of findings) {
    const nodeId = (f.data as PlanFindingData | undefined)?.nodeId;
    if (nodeId === undefined) continue;
    const list = flags.get(nodeId) ?? [];
    list.push(f.id.replace(/^db\./, ''));
    flags.set(nodeId, list);
  }
  return flags;
}

function convert(
  node: PlanNode,
  flags: Map<number, string[]>,
  budget: { left: number },
): PlanTreeNode {
  budget.left--;
  const tree: PlanTreeNode = {
    nodeType: node.nodeType,
    selfMs: node.selfMs ?? 0,
    flags: flags.get(node.id) ?? [],
    children: [],
  };
  if (node.relation) tree.relation = node.relation;
  if (node.indexName) tree.index = node.indexName;
  if (node.totalMs !== undefined) tree.totalMs = node.totalMs;
  if (node.estimatedRows !== undefined) tree.rowsEstimated = node.estimatedRows;
  if (node.actualRows !== undefined) tree.rowsActual = node.actualRows;
  if (node.loops !== undefined) tree.loops = node.loops;
  for (const child of node.children) {
    if (budget.left <= 0) break;
    tree.children.push(convert(child, flags, budget));
  }
  return tree;
}

/** The report's plan tree of `plan`, flagged with the ids of `findings` (without the `db.` prefix). */
export function createPlanTree(plan: ExplainedPlan, findings: readonly Finding[]): PlanTreeNode {
  return convert(plan.root, flagsByNode(findings), { left: MAX_NODES });
}
