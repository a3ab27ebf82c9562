/** A flame graph of folded stacks in plain SVG (root at the bottom, width = total weight). */

import type { FoldedStack } from '../../../results/audit-result.js';
import { escapeHtml } from '../../escape.js';
import { openSvg } from './scale.js';

interface FlameNode {
  name: string;
  total: number;
  children: Map<string, FlameNode>;
}

/** Merges folded stacks into a tree whose node totals include their descendants. */
export function buildFlameTree(stacks: readonly FoldedStack[]): FlameNode {
  const root: FlameNode = { name: 'all', total: 0, children: new Map() };
  for (const stack of stacks) {
    if (!(stack.value > 0)) continue;
    root.total += stack.value;
    let node = root;
    for (const frame of stack.frames) {
      let child = node.children.get(frame);
      if (!child) {
        child = { name: frame, total: 0, children: new Map() };
        node.children.set(frame, child);
      }
      child.total += stack.value;
      node = child;
    }
  }
  return root;
}

function colour(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  const idle = /^\((idle|program|garbage collector)\)$/.test(name);
  return idle ? '#c8ccd2' : `hsl(${10 + (h % 40)}, ${70 + (h % 20)}%, ${55 + (h % 12)}%)`;
}

/** Options of {@link renderFlamegraph}. */
export interface FlamegraphOptions {
  id: string;
  title: string;
  stacks: readonly FoldedStack[];
  unit: 'ms' | 'samples';
  width?: number;
  maxDepth?: number;
}

/** Renders the flame graph; frames narrower than half a pixel are left out. */
export function renderFlamegraph(o: FlamegraphOptions): string {
  const width = o.width ?? 760;
  const maxDepth = o.maxDepth ?? 24;
  const root = buildFlameTree(o.stacks);
  const rowH = 18;
  const placed: Array<{ node: FlameNode; x: number; depth: number; w: number }> = [];
  const scale = root.total > 0 ? (width - 2) / root.total : 0;
  const visit = (node: FlameNode, x: number, depth: number) => {
    const w = node.total * scale;
    if (w < 0.5 || depth > maxDepth) return;
    placed.push({ node, x, depth, w });
    let cx = x;
    const children = [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      visit(child, cx, depth + 1);
      cx += child.total * scale;
    }
  };
  visit(root, 1, 0);
  const depth = placed.reduce((m, p) => Math.max(m, p.depth), 0);
  const height = (depth + 1) * rowH + 8;
  // The root sits at the bottom row; deeper frames stack upwards.
  const body = placed.map((p) =>
    frameRect(p.node, p.x, height - 4 - (p.depth + 1) * rowH, p.w, root.total, o.unit),
  );
  return `${openSvg(o.id, o.title, width, height)}<g class="flame" font-size="11">${body.join('')}</g></svg>`;
}

function frameRect(
  node: FlameNode,
  x: number,
  y: number,
  w: number,
  total: number,
  unit: string,
): string {
  const pct = total > 0 ? ((node.total / total) * 100).toFixed(1) : '0';
  const tip = escapeHtml(`${node.name} — ${Math.round(node.total)} ${unit} (${pct}%)`);
  const chars = Math.floor((w - 6) / 6.5);
  const label =
    chars >= 3 ? (node.name.length > chars ? `${node.name.slice(0, chars - 1)}…` : node.name) : '';
  return `<g class="frame" transform="translate(${x.toFixed(2)} ${y})"><rect class="mark flame-frame" x="0" y="0" width="${Math.max(0.5, w - 0.5).toFixed(2)}" height="17" rx="2" fill="${colour(node.name)}"><title>${tip}</title></rect>${label ? `<text x="3" y="12.5">${escapeHtml(label)}</text>` : ''}</g>`;
}
