/** Renders a plan as a terminal tree: self time, share, estimated vs actual rows, loops and flags. */
import type { Finding } from '../../findings/finding.js';
import { type ExplainedPlan, type PlanNode, planTotalMs } from '../plan/plan-node.js';
import type { PlanFindingData } from '../rules/plan-rule.js';

/** Options of {@link renderPlanTree}. */
export interface RenderPlanOptions {
  /** Wrap flagged nodes in ANSI colour (default false). */
  color?: boolean;
}

/** Renders the plan tree with one line per node; nodes with findings carry their rule ids. */
export function renderPlanTree(
  plan: ExplainedPlan,
  findings: readonly Finding[],
  options: RenderPlanOptions = {},
): string {
  const flags = new Map<number, string[]>();
  for (const finding of findings) {
    const data = finding.data as PlanFindingData | undefined;
    if (data?.nodeId === undefined) continue;
    const list = flags.get(data.nodeId) ?? [];
    list.push(finding.id.replace(/^db\./, ''));
    flags.set(data.nodeId, list);
  }
  const total = planTotalMs(plan);
  const lines: string[] = [];
  const header = plan.analyzed
    ? `${pad('self ms', 10)} ${pad('%', 6)} ${pad('rows est → actual', 22)} ${pad('loops', 7)} node`
    : `${pad('cost', 10)} ${pad('', 6)} ${pad('rows est', 22)} ${pad('', 7)} node`;
  lines.push(header);
  const visit = (node: PlanNode, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? '' : `${prefix}${last ? '└─ ' : '├─ '}`;
    const nodeFlags = flags.get(node.id);
    let label = `${branch}${node.label}`;
    if (node.neverExecuted) label += ' (never executed)';
    if (nodeFlags) label += `  ⚑ ${nodeFlags.join(', ')}`;
    const line = `${columns(node, plan, total)} ${label}`;
    lines.push(options.color && nodeFlags ? `\x1b[31m${line}\x1b[0m` : line);
    const childPrefix = depth === 0 ? '' : `${prefix}${last ? '   ' : '│  '}`;
    for (const [i, child] of node.children.entries()) {
      visit(child, childPrefix, i === node.children.length - 1, depth + 1);
    }
  };
  visit(plan.root, '', true, 0);
  const summary: string[] = [];
  if (plan.planningMs !== undefined) summary.push(`planning ${fmtMs(plan.planningMs)}`);
  if (plan.executionMs !== undefined) summary.push(`execution ${fmtMs(plan.executionMs)}`);
  if (plan.jit) summary.push(`JIT ${fmtMs(plan.jit.totalMs)}`);
  if (summary.length > 0) lines.push('', summary.join(' · '));
  return `${lines.join('\n')}\n`;
}

function columns(node: PlanNode, plan: ExplainedPlan, total: number): string {
  if (!plan.analyzed) {
    return `${pad(node.totalCost?.toFixed(1) ?? '', 10)} ${pad('', 6)} ${pad(fmtRows(node.estimatedRows), 22)} ${pad('', 7)}`;
  }
  const self = node.selfMs;
  const share = self !== undefined && total > 0 ? `${((self / total) * 100).toFixed(1)}%` : '';
  const rows = `${fmtRows(node.estimatedRows)} → ${fmtRows(node.actualRows)}`;
  return `${pad(self !== undefined ? self.toFixed(3) : '', 10)} ${pad(share, 6)} ${pad(rows, 22)} ${pad(node.loops !== undefined ? String(node.loops) : '', 7)}`;
}

function fmtRows(value: number | undefined): string {
  if (value === undefined) return '?';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
}

function fmtMs(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(3)} ms`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}
