/** The plan rule set and the runner that applies it to a plan, ranking findings by time saved. */
import type { Finding } from '../../findings/finding.js';
import { type ExplainedPlan, type PlanNode, planTotalMs, walkPlan } from '../plan/plan-node.js';
import { cacheMissesRule } from './cache-misses.js';
import { hashSpillRule } from './hash-spill.js';
import { heapFetchesRule } from './heap-fetches.js';
import { jitShareRule } from './jit-share.js';
import { lossyBitmapRule } from './lossy-bitmap.js';
import { missingIndexRule } from './missing-index.js';
import { filesortRule } from './mysql-filesort.js';
import { fullScanRule } from './mysql-full-scan.js';
import { joinBufferRule } from './mysql-join-buffer.js';
import { rowsExaminedRule } from './mysql-rows-examined.js';
import { temporaryTableRule } from './mysql-temporary-table.js';
import { nestedLoopRule } from './nested-loop.js';
import { parallelShortfallRule } from './parallel-shortfall.js';
import type { PlanRule, RuleContext } from './plan-rule.js';
import { planningTimeRule } from './planning-time.js';
import { rowMisestimateRule } from './row-misestimate.js';
import { slowNodeRule } from './slow-node.js';
import { sortSpillRule } from './sort-spill.js';
import { tempBlocksRule } from './temp-blocks.js';
import { topNSortRule } from './top-n-sort.js';

export type { PlanFindingData, PlanRule, RuleContext } from './plan-rule.js';

/** Every plan rule, in no particular order (findings are ranked afterwards). */
export const PLAN_RULES: readonly PlanRule[] = [
  missingIndexRule,
  rowMisestimateRule,
  sortSpillRule,
  hashSpillRule,
  lossyBitmapRule,
  heapFetchesRule,
  nestedLoopRule,
  cacheMissesRule,
  jitShareRule,
  tempBlocksRule,
  planningTimeRule,
  parallelShortfallRule,
  fullScanRule,
  filesortRule,
  temporaryTableRule,
  joinBufferRule,
  rowsExaminedRule,
  slowNodeRule,
  topNSortRule,
];

/**
 * Runs `rules` on `plan` and returns the findings ranked by estimated time saved (then severity).
 * A rule whose `suppressedBy` ids fired on the same node (or anywhere, for plan-level rules) is
 * dropped; `'*'` means any other finding on that node.
 */
export function runPlanRules(
  plan: ExplainedPlan,
  rules: readonly PlanRule[] = PLAN_RULES,
): Finding[] {
  const totalMs = planTotalMs(plan);
  const applicable = rules.filter(
    (r) => r.engines.includes(plan.engine) && (plan.analyzed || !r.needsActuals),
  );
  const first = applicable.filter((r) => !r.suppressedBy);
  const second = applicable.filter((r) => r.suppressedBy);
  const found: Finding[] = [];
  const byNode = new Map<number, Set<string>>();
  const record = (finding: Finding, node: PlanNode) => {
    found.push(finding);
    const set = byNode.get(node.id) ?? new Set<string>();
    set.add(finding.id);
    byNode.set(node.id, set);
  };
  for (const pass of [first, second]) {
    walkPlan(plan.root, (node, parent) => {
      const context: RuleContext = { plan, node, parent, totalMs };
      for (const rule of pass) {
        if (rule.scope === 'plan' && node !== plan.root) continue;
        if (rule.scope === 'node' && node.neverExecuted) continue;
        if (isSuppressed(rule, node, byNode, found)) continue;
        const finding = rule.check(context);
        if (finding) record(finding, node);
      }
    });
  }
  return rankByTimeSaved(found);
}

function isSuppressed(
  rule: PlanRule,
  node: PlanNode,
  byNode: Map<number, Set<string>>,
  all: Finding[],
): boolean {
  if (!rule.suppressedBy) return false;
  const ids =
    rule.scope === 'plan'
      ? new Set(all.map((f) => f.id))
      : (byNode.get(node.id) ?? new Set<string>());
  if (rule.suppressedBy.includes('*')) return ids.size > 0;
  return rule.suppressedBy.some((id) => ids.has(id));
}

/** Sorts findings by estimated time saved (descending), then by severity. */
export function rankByTimeSaved(findings: readonly Finding[]): Finding[] {
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  return [...findings].sort(
    (a, b) =>
      (b.impact?.timeMs ?? 0) - (a.impact?.timeMs ?? 0) ||
      order.indexOf(a.severity) - order.indexOf(b.severity),
  );
}
