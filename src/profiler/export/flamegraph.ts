/** A self-contained flame graph (inline SVG in HTML, no scripts or network requests) from a Profile. */
import { formatPercent } from '../../util/units.js';
import type { FrameCategory } from '../analysis/categorize.js';
import { msPerUnit, type Profile } from '../model/profile.js';

/** How a frame is shown: label and category (for the colour). */
export interface FlameFrameLabel {
  label: string;
  category: FrameCategory;
}

/** Options of {@link renderFlamegraphSvg} / {@link renderFlamegraphHtml}. */
export interface FlamegraphOptions {
  title?: string;
  width?: number;
  /** Label and category per frame index (default: the frame name, category 'app'). */
  describeFrame?: (index: number) => FlameFrameLabel;
  /** Leave idle samples out (default true). */
  skipIdle?: boolean;
}

interface Node {
  frame: number;
  weight: number;
  children: Map<number, Node>;
}

const ROW = 17;
const COLOURS: Record<FrameCategory, string> = {
  app: '#e8623d',
  dependency: '#b373d6',
  core: '#4fa46b',
  native: '#9a9a9a',
  gc: '#4a86d4',
  idle: '#d8d8d8',
  program: '#c7b35a',
};

/** Escapes text for XML/HTML (everything that came from the target goes through this). */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function buildTree(profile: Profile, skipIdle: boolean): Node {
  const root: Node = { frame: -1, weight: 0, children: new Map() };
  for (const sample of profile.samples) {
    const leaf = profile.frames[sample.stack[sample.stack.length - 1] as number];
    if (skipIdle && leaf?.kind === 'idle') continue;
    root.weight += sample.weight;
    let node = root;
    for (const frame of sample.stack) {
      let child = node.children.get(frame);
      if (!child) {
        child = { frame, weight: 0, children: new Map() };
        node.children.set(frame, child);
      }
      child.weight += sample.weight;
      node = child;
    }
  }
  return root;
}

function depthOf(node: Node, minWeight: number): number {
  let depth = 0;
  for (const child of node.children.values())
    if (child.weight >= minWeight) depth = Math.max(depth, depthOf(child, minWeight));
  return depth + 1;
}

/** Renders the flame graph as an SVG string (root at the bottom, widest children first). */
export function renderFlamegraphSvg(profile: Profile, options: FlamegraphOptions = {}): string {
  const width = options.width ?? 1200;
  const root = buildTree(profile, options.skipIdle ?? true);
  const describe =
    options.describeFrame ??
    ((i: number) => ({ label: profile.frames[i]?.name ?? '?', category: 'app' as FrameCategory }));
  const minWeight = root.weight / width / 2;
  const depth = depthOf(root, minWeight);
  const height = (depth + 1) * ROW;
  const perUnit = msPerUnit(profile.unit);
  const parts: string[] = [];
  const draw = (node: Node, x: number, level: number): void => {
    const w = root.weight > 0 ? (node.weight / root.weight) * width : 0;
    const y = height - (level + 1) * ROW;
    const { label, category } =
      node.frame < 0
        ? { label: 'all', category: 'program' as FrameCategory }
        : describe(node.frame);
    const share = root.weight > 0 ? node.weight / root.weight : 0;
    const time = perUnit === undefined ? '' : `, ${Math.round(node.weight * perUnit)} ms`;
    const tip = escapeXml(`${label} — ${formatPercent(share, 1)}${time}`);
    const chars = Math.floor((w - 6) / 7);
    const text =
      chars >= 3 ? escapeXml(label.length > chars ? `${label.slice(0, chars - 1)}…` : label) : '';
    parts.push(
      `<g><title>${tip}</title><rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(w - 0.5, 0.5).toFixed(2)}" height="${ROW - 1}" fill="${COLOURS[category]}" rx="2"/>${text ? `<text x="${(x + 3).toFixed(2)}" y="${y + 12}">${text}</text>` : ''}</g>`,
    );
    let offset = x;
    const children = [...node.children.values()].sort((a, b) => b.weight - a.weight);
    for (const child of children) {
      if (child.weight >= minWeight) draw(child, offset, level + 1);
      offset += root.weight > 0 ? (child.weight / root.weight) * width : 0;
    }
  };
  draw(root, 0, 0);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11"><style>text{fill:#111;pointer-events:none}rect:hover{stroke:#000;stroke-width:1}</style>${parts.join('')}</svg>`;
}

/** Renders a complete HTML page with a legend and the SVG flame graph. */
export function renderFlamegraphHtml(profile: Profile, options: FlamegraphOptions = {}): string {
  const title = escapeXml(options.title ?? 'Redline flame graph');
  const legend = (Object.keys(COLOURS) as FrameCategory[])
    .filter((c) => c !== 'idle')
    .map((c) => `<span><i style="background:${COLOURS[c]}"></i>${c}</span>`)
    .join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>body{font:14px system-ui,sans-serif;margin:16px;color:#111}h1{font-size:18px}.legend span{margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}.graph{overflow-x:auto;border:1px solid #ddd}</style></head><body><h1>${title}</h1><p class="legend">${legend}</p><p>Width is the share of non-idle samples; hover a frame for its share. The root is at the bottom.</p><div class="graph">${renderFlamegraphSvg(profile, options)}</div></body></html>\n`;
}
