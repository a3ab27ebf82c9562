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
  /** How many verifications the best times are taken from (more when time and plan disagreed). */
  verifications: number;
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

/** An index counts as a fix when the statement runs in at most this share of its time with it. */
export const MIN_GAIN_RATIO = 0.8;

/**
 * Most extra verifications when the first ones disagree with the planner (see measureIndex): at
 * load 20 on two cores a run of a few milliseconds is often stretched several times, and the
 * best of up to 2 + 4 runs per side is very unlikely to be stretched on every run.
 */
export const MAX_EXTRA_REPEATS = 4;

/** True when the measured best times count as a gain ({@link MIN_GAIN_RATIO}). */
export function isMeasuredGain(m: Pick<IndexMeasurement, 'beforeMs' | 'afterMs'>): boolean {
  return m.afterMs <= m.beforeMs * MIN_GAIN_RATIO;
}

/**
 * True when the planner itself expects the index to pay: it used the index and its estimated
 * cost of the statement fell to at most {@link MIN_GAIN_RATIO} of the cost without it.
 */
function plannerExpectsGain(v: IndexVerification): boolean {
  const before = v.before.root.totalCost;
  const after = v.after.root.totalCost;
  return v.used && before !== undefined && after !== undefined && after <= before * MIN_GAIN_RATIO;
}

/**
 * Measures one candidate `repeats` times and keeps the best before/after times (noise goes up, not
 * down). When the times show no gain while the planner used the index and estimates a gain, the
 * two sources disagree: one slow run under a busy machine (an "after" run stretched past 0.8× of
 * the "before") must not call a real index useless, so up to {@link MAX_EXTRA_REPEATS} more
 * verifications run, stopping at the first that shows the gain. The verdict stays the measured
 * time: an index that really does not help keeps showing no gain however often it is measured.
 * On MySQL/MariaDB one verification already takes the best of several runs on one copy of the
 * table, so it runs once by default.
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
  let expected = false;
  let runs = 0;
  let method: IndexMeasurement['method'] = 'transaction';
  const verifyOnce = async () => {
    const v = await verifyIndex(sql, index, {
      session,
      ...(params ? { params: [...params] } : {}),
    });
    beforeMs = Math.min(beforeMs, v.beforeMs);
    afterMs = Math.min(afterMs, v.afterMs);
    used ||= v.used;
    expected ||= plannerExpectsGain(v);
    method = v.method;
    runs++;
  };
  for (let i = 0; i < repeats; i++) await verifyOnce();
  for (let i = 0; i < MAX_EXTRA_REPEATS && expected && !isMeasuredGain({ beforeMs, afterMs }); i++)
    await verifyOnce();
  return { index, beforeMs, afterMs, used, method, verifications: runs };
}

/** The fastest candidate the planner used, or undefined when none was used. */
export function chooseBestIndex(
  measured: readonly IndexMeasurement[],
): IndexMeasurement | undefined {
  return measured.filter((m) => m.used).sort((a, b) => a.afterMs - b.afterMs)[0];
}
