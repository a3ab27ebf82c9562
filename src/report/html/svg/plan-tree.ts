/** The worst query plan as an SVG tree: one row per node, indented, with a self-time bar and flags. */

import type { PlanTreeNode } from '../../../results/audit-result.js';
import { escapeHtml } from '../../escape.js';
import { CHART_CHAR_PX, fitText, openSvg } from './scale.js';

interface Row {
  node: PlanTreeNode;
  depth: number;
}

function flatten(node: PlanTreeNode, depth: number, out: Row[], limit: number): void {
  if (out.length >= limit) return;
  out.push({ node, depth });
  for (const child of node.children) flatten(child, depth + 1, out, limit);
}

function rowsText(n: PlanTreeNode): string {
  const est = n.rowsEstimated;
  const act = n.rowsActual;
  if (est === undefined && act === undefined) return '';
  const loops = n.loops && n.loops > 1 ? ` × ${n.loops} loops` : '';
  return `rows est ${est ?? '?'} / actual ${act ?? '?'}${loops}`;
}

/** Options of {@link renderPlanTree}. */
export interface PlanTreeOptions {
  id: string;
  title: string;
  root: PlanTreeNode;
  width?: number;
  /** At most this many nodes are drawn (plans can be huge). */
  maxNodes?: number;
}

/** Renders the plan; the node with the most self time is highlighted (class `worst`). */
export function renderPlanTree(o: PlanTreeOptions): string {
  const width = o.width ?? 760;
  const rows: Row[] = [];
  flatten(o.root, 0, rows, o.maxNodes ?? 60);
  const rowH = 40;
  const height = rows.length * rowH + 10;
  const maxSelf = Math.max(0.001, ...rows.map((r) => r.node.selfMs));
  const worst = rows.reduce((w, r) => (r.node.selfMs > w.node.selfMs ? r : w), rows[0]!);
  const barMax = 180;
  const parts = [openSvg(o.id, o.title, width, height)];
  rows.forEach((r, i) => {
    const y = i * rowH + 6;
    const x = 8 + r.depth * 22;
    const n = r.node;
    const isWorst = r === worst;
    const name = `${n.nodeType}${n.relation ? ` on ${n.relation}` : ''}${n.index ? ` using ${n.index}` : ''}`;
    const bar = Math.max(1, (n.selfMs / maxSelf) * barMax);
    const tip = `${name}: self ${n.selfMs.toFixed(2)} ms${n.totalMs !== undefined ? `, total ${n.totalMs.toFixed(2)} ms` : ''}`;
    // The rows line and its flags share the width right of the indent (flags cut first).
    const rows = fitText(rowsText(n), width - 4 - x);
    const flags = fitText(n.flags.join(' · '), width - 4 - x - rows.length * CHART_CHAR_PX - 10);
    if (r.depth > 0) {
      parts.push(
        `<path class="edge" d="M${x - 14},${y - 14} V${y + 9} H${x - 2}" fill="none" stroke="#9aa3ad"/>`,
      );
    }
    parts.push(
      `<g class="plan-node${isWorst ? ' worst' : ''}"><rect class="mark plan-bar" x="${width - barMax - 70}" y="${y + 2}" width="${bar.toFixed(1)}" height="14" fill="${isWorst ? '#D55E00' : '#0072B2'}"><title>${escapeHtml(tip)}</title></rect>` +
        `<text class="plan-name" x="${x}" y="${y + 13}" font-weight="${isWorst ? '700' : '400'}">${escapeHtml(fitText(name, width - barMax - 76 - x))}</text>` +
        `<text class="plan-ms" x="${width - 4}" y="${y + 13}" text-anchor="end">${escapeHtml(`${n.selfMs.toFixed(1)} ms`)}</text>` +
        `<text class="plan-rows" x="${x}" y="${y + 29}">${escapeHtml(rows)}${
          flags
            ? `<tspan class="plan-flag" dx="10" fill="#b03a00">${escapeHtml(flags)}</tspan>`
            : ''
        }</text>` +
        '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
