/**
 * Measured index advice for the audit: the plan rule's index, plus the same index extended with
 * the ORDER BY columns when a LIMIT sits above a Sort of the scanned table (then the index can
 * return the first rows in order and the sort disappears). Each candidate is measured with
 * verifyIndex (inside a rolled-back transaction; on MySQL/MariaDB on a temporary copy of the
 * table) and the fastest one that the planner uses wins.
 */
import {
  buildSuggestion,
  type DbSession,
  type ExplainedPlan,
  type IndexSuggestion,
  type IndexVerification,
  type PlanFindingData,
  type PlanNode,
  verifyIndex,
  walkPlan,
} from '../../db/index.js';
import type { Finding } from '../../findings/finding.js';

/** One measured candidate. */
export interface IndexMeasurement {
  index: IndexSuggestion;
  /** Best (smallest) of the repeated runs, ms. */
  beforeMs: number;
  afterMs: number;
  used: boolean;
  /** Where it was built (see IndexVerification): a rolled-back transaction or a temporary copy. */
  method: IndexVerification['method'];
}

/** Most columns an extended index gets. */
const MAX_COLUMNS = 3;

function parentsOf(root: PlanNode): Map<PlanNode, PlanNode | undefined> {
  const parents = new Map<PlanNode, PlanNode | undefined>();
  walkPlan(root, (node, parent) => parents.set(node, parent));
  return parents;
}

/** `i.created_at DESC` → `created_at` when it belongs to the scanned table (alias or name), else undefined. */
export function sortColumnOf(key: string, node: PlanNode): string | undefined {
  const m =
    /^(?:([A-Za-z_][\w$]*)\.)?("?[A-Za-z_][\w$]*"?)(?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?$/i.exec(
      key.trim(),
    );
  if (!m) return undefined;
  const qualifier = m[1];
  if (qualifier && qualifier !== node.alias && qualifier !== node.relation) return undefined;
  return m[2]?.replaceAll('"', '');
}

/** The ORDER BY columns of a `Limit → … → Sort` above `node` that sort on `node`'s table. */
function limitedSortColumns(
  node: PlanNode,
  parents: Map<PlanNode, PlanNode | undefined>,
): string[] {
  let sort: PlanNode | undefined;
  let limited = false;
  for (let p = parents.get(node); p; p = parents.get(p)) {
    if (!sort && /Sort$/.test(p.nodeType) && p.sortKey) sort = p;
    if (sort && p.nodeType === 'Limit') limited = true;
  }
  if (!sort?.sortKey || !limited) return [];
  const columns = sort.sortKey.map((k) => sortColumnOf(k, node));
  return columns.every((c): c is string => c !== undefined) ? columns : [];
}

/** The rule's suggestion and, when it helps a LIMITed sort, the suggestion extended with the sort columns. */
export function createIndexCandidates(finding: Finding, plan: ExplainedPlan): IndexSuggestion[] {
  const data = finding.data as PlanFindingData | undefined;
  const base = data?.index;
  if (!base) return [];
  const candidates = [base];
  const nodes = parentsOf(plan.root);
  const node = [...nodes.keys()].find((n) => n.id === data.nodeId);
  if (!node || plan.engine !== 'postgres') return candidates;
  const extra = limitedSortColumns(node, nodes).filter((c) => !base.columns.includes(c));
  if (extra.length === 0 || base.columns.length >= MAX_COLUMNS) return candidates;
  const columns = [...base.columns, ...extra].slice(0, MAX_COLUMNS);
  candidates.push(buildSuggestion(plan.engine, base.table, base.schema, columns));
  return candidates;
}

/**
 * Measures one candidate `repeats` times and keeps the best before/after times (noise goes up, not
 * down). On MySQL/MariaDB one verification already takes the best of several runs on one copy of
 * the table, so it runs once by default.
 */
export async function measureIndex(
  session: DbSession,
  sql: string,
  params: readonly unknown[] | undefined,
  index: IndexSuggestion,
  repeats = session.kind === 'mysql' ? 1 : 2,
): Promise<IndexMeasurement> {
  let beforeMs = Number.POSITIVE_INFINITY;
  let afterMs = Number.POSITIVE_INFINITY;
  let used = false;
  let method: IndexMeasurement['method'] = 'transaction';
  for (let i = 0; i < repeats; i++) {
    const v = await verifyIndex(sql, index, {
      session,
      ...(params ? { params: [...params] } : {}),
    });
    beforeMs = Math.min(beforeMs, v.beforeMs);
    afterMs = Math.min(afterMs, v.afterMs);
    used ||= v.used;
    method = v.method;
  }
  return { index, beforeMs, afterMs, used, method };
}

/** The fastest candidate the planner used, or undefined when none was used. */
export function chooseBestIndex(
  measured: readonly IndexMeasurement[],
): IndexMeasurement | undefined {
  return measured.filter((m) => m.used).sort((a, b) => a.afterMs - b.afterMs)[0];
}
