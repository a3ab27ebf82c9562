/** The PlanRule interface every plan rule implements, and helpers to build their findings. */

import type { Evidence, Finding, FindingRecommendation, Severity } from '../../findings/finding.js';
import { type IndexSuggestion, resolveTableAliases } from '../advice/index-advice.js';
import { type ExplainedPlan, type PlanNode, planTotalMs } from '../plan/plan-node.js';

/** What a rule sees: the whole plan and one node (plan-level rules get the root). */
export interface RuleContext {
  plan: ExplainedPlan;
  node: PlanNode;
  parent: PlanNode | undefined;
  /** Total time of the statement (ms): execution time, else the root's inclusive time. */
  totalMs: number;
}

/**
 * One check of a plan. `scope: 'node'` rules run on every executed node, `scope: 'plan'` once on
 * the root. Thresholds live in the rule's file as named, exported constants.
 */
export interface PlanRule {
  /** Stable finding id, e.g. `db.missing-index`. */
  id: string;
  title: string;
  scope: 'node' | 'plan';
  /** Engines the rule applies to. */
  engines: ReadonlyArray<ExplainedPlan['engine']>;
  /** True when the rule needs EXPLAIN ANALYZE actuals (false: also works on estimates). */
  needsActuals: boolean;
  /** Rule ids whose finding on the same node makes this one redundant. */
  suppressedBy?: readonly string[];
  check(context: RuleContext): Finding | null;
}

/** Fields a rule fills; the helper adds area, location, impact and the node reference. */
export interface PlanFindingInput {
  rule: PlanRule;
  context: RuleContext;
  severity: Severity;
  /** Estimated time the fix saves (ms) — what findings are ranked by. */
  timeSavedMs: number;
  /** One-line impact summary. */
  impact: string;
  title?: string;
  rootCause: string;
  recommendation: FindingRecommendation;
  evidence: Evidence[];
  index?: IndexSuggestion;
}

/** Data attached to every plan finding (renderers highlight the node). */
export interface PlanFindingData {
  nodeId: number;
  nodeLabel: string;
  timeSavedMs: number;
  /** The index a rule suggests (missing-index, join-buffer), for --verify-index. */
  index?: IndexSuggestion;
}

/** Builds a plan finding with the node's location and an impact measured against the query time. */
export function createPlanFinding(input: PlanFindingInput): Finding {
  const { context } = input;
  const share = context.totalMs > 0 ? Math.min(1, input.timeSavedMs / context.totalMs) : undefined;
  const data: PlanFindingData = {
    nodeId: context.node.id,
    nodeLabel: context.node.label,
    timeSavedMs: input.timeSavedMs,
    ...(input.index ? { index: input.index } : {}),
  };
  const finding: Finding = {
    id: input.rule.id,
    area: 'database',
    title: input.title ?? input.rule.title,
    severity: input.severity,
    impact: {
      description: input.impact,
      timeMs: round(input.timeSavedMs),
      ...(share !== undefined ? { share, shareOf: 'statement time' } : {}),
    },
    rootCause: input.rootCause,
    recommendation: input.recommendation,
    evidence: input.evidence.map((e) => ({ source: sourceOf(context.plan), ...e })),
    data,
  };
  const query = context.plan.sql;
  finding.location = { functionName: context.node.label, ...(query ? { query } : {}) };
  return finding;
}

/** Severity from PEV2's share bands: >90% high, >40% medium, >10% low, else info. */
export function severityFromNodeShare(share: number): Severity {
  if (share > 0.9) return 'high';
  if (share > 0.4) return 'medium';
  if (share > 0.1) return 'low';
  return 'info';
}

/** The context's node share of statement time (0..1). */
export function nodeShare(context: RuleContext): number {
  return context.totalMs > 0 ? (context.node.selfMs ?? 0) / context.totalMs : 0;
}

/** Rounds a duration for display (3 significant decimals below 10 ms). */
export function round(ms: number): number {
  return ms >= 10 ? Math.round(ms * 10) / 10 : Math.round(ms * 1000) / 1000;
}

/** Formats a duration in ms for finding texts. */
export function ms(value: number): string {
  return `${round(value)} ms`;
}

/** Total statement time for a plan (re-exported for rules). */
export { planTotalMs };

function sourceOf(plan: ExplainedPlan): string {
  if (plan.engine === 'postgres') return plan.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN';
  if (plan.engine === 'mariadb')
    return plan.analyzed ? 'ANALYZE FORMAT=JSON' : 'EXPLAIN FORMAT=JSON';
  return plan.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN FORMAT=TREE';
}

/**
 * The table a node reads, by its name: MySQL/MariaDB plans name a table by its alias (`o`), so
 * `ANALYZE TABLE o` or "index on o" would name nothing; the statement's FROM/JOIN clauses map
 * it back (`orders o` → orders). PostgreSQL plans carry the relation name already.
 */
export function tableOf(plan: ExplainedPlan, node: PlanNode): string | undefined {
  if (!node.relation || plan.engine === 'postgres' || !plan.sql) return node.relation;
  return resolveTableAliases(plan.sql).get(node.relation.toLowerCase()) ?? node.relation;
}
