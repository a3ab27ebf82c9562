/** Linear scales, "nice" ticks and the drawing frame (axes, grid, labels) of our SVG charts. */
import { escapeHtml } from '../../escape.js';

/** Chart colours (colour-blind-safe Okabe–Ito palette). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
];

/** A linear mapping from a domain to a pixel range. */
export interface Scale {
  (value: number): number;
  domain: [number, number];
}

/** Creates a linear scale; a zero-width domain maps to the middle of the range. */
export function createLinearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((v: number) =>
    span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  scale.domain = domain;
  return scale;
}

/** Up to about `count` round tick values covering [min, max] (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max <= min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (
    let v = Math.ceil(min / step) * step;
    v <= max + step * 1e-9 && ticks.length < 50;
    v += step
  ) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/** The upper end of a domain starting at 0: the max rounded up to a nice tick. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const ticks = niceTicks(0, max, 5);
  const last = ticks[ticks.length - 1] ?? max;
  if (last >= max) return last;
  const step = ticks.length > 1 ? (ticks[1] ?? 0) - (ticks[0] ?? 0) : max;
  return last + step;
}

/** Compact tick label: 1.2k, 350, 0.25. */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toFixed(1))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toFixed(0))}k`;
  if (abs >= 1e3) return `${Number((value / 1e3).toFixed(1))}k`;
  if (abs >= 10 || abs === 0) return String(Math.round(value));
  return String(Number(value.toPrecision(2)));
}

/**
 * Average advance of one glyph of chart text (11 px system-ui; a little above the real average, so
 * an estimate errs on the side of room): what keeps labels inside the SVG's frame.
 */
export const CHART_CHAR_PX = 6.5;

/** `text` cut with "…" to at most `maxPx` wide at {@link CHART_CHAR_PX} ('' when not even 2 characters fit). */
export function fitText(text: string, maxPx: number): string {
  const chars = Math.floor(maxPx / CHART_CHAR_PX);
  if (text.length <= chars) return text;
  return chars < 2 ? '' : `${text.slice(0, chars - 1)}…`;
}

/** Text anchors of SVG and the share of a label's width that lies left of its x. */
const ANCHOR_SHARE = { start: 0, middle: 0.5, end: 1 } as const;

/**
 * A horizontal `<text>` at (x, y) kept inside [2, width − 2]: it is cut to fit the width, and moved
 * to the nearer edge (with the anchor that keeps it there) when it would run past one.
 */
export function renderText(
  className: string,
  label: string,
  x: number,
  y: number,
  anchor: keyof typeof ANCHOR_SHARE,
  width: number,
  extra = '',
): string {
  const margin = 2;
  const text = fitText(label, width - 2 * margin);
  const w = text.length * CHART_CHAR_PX;
  const left = x - w * ANCHOR_SHARE[anchor];
  let ax = x;
  let an: string = anchor;
  if (left < margin) {
    ax = margin;
    an = 'start';
  } else if (left + w > width - margin) {
    ax = width - margin;
    an = 'end';
  }
  return `<text class="${className}" x="${Number(ax.toFixed(1))}" y="${y}" text-anchor="${an}"${extra}>${escapeHtml(text)}</text>`;
}

/** Plot area inside an SVG of a given size. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A frame with room for axes on the left, right (when `rightAxis`) and bottom, and a legend on top. */
export function createFrame(width: number, height: number, rightAxis = false): Frame {
  return {
    width,
    height,
    left: 56,
    right: width - (rightAxis ? 56 : 16),
    top: 34,
    bottom: height - 40,
  };
}

/** Opens a chart's <svg> with an accessible title; close with `</svg>`. */
export function openSvg(id: string, title: string, width: number, height: number): string {
  const t = escapeHtml(title);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" data-chart="${escapeHtml(id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${t}"><title>${t}</title>`;
}

/** Horizontal grid lines and left tick labels for `scale` (and right ones for `right`). */
export function renderYAxis(
  frame: Frame,
  scale: Scale,
  label: string,
  format: (v: number) => string,
  side: 'left' | 'right' = 'left',
): string {
  const ticks = niceTicks(scale.domain[0], scale.domain[1], 5);
  const x = side === 'left' ? frame.left - 6 : frame.right + 6;
  const anchor = side === 'left' ? 'end' : 'start';
  const parts = ticks.map((v) => {
    const y = scale(v).toFixed(1);
    const grid =
      side === 'left'
        ? `<line class="grid" x1="${frame.left}" x2="${frame.right}" y1="${y}" y2="${y}"/>`
        : '';
    return `${grid}${renderText('tick', format(v), x, Number(y), anchor, frame.width, ' dy="0.32em"')}`;
  });
  const lx = side === 'left' ? 12 : frame.width - 8;
  const ly = (frame.top + frame.bottom) / 2;
  // Rotated: the label runs along y, centred on the plot, so it gets the SVG's height (less margins).
  parts.push(
    `<text class="axis-label" transform="translate(${lx} ${ly}) rotate(-90)" text-anchor="middle">${escapeHtml(fitText(label, 2 * Math.min(ly, frame.height - ly) - 4))}</text>`,
  );
  return parts.join('');
}

/** Bottom axis line, ticks and label for a numeric x scale. */
export function renderXAxis(
  frame: Frame,
  scale: Scale,
  label: string,
  format: (v: number) => string,
): string {
  const ticks = niceTicks(scale.domain[0], scale.domain[1], 8);
  const parts = [
    `<line class="axis" x1="${frame.left}" x2="${frame.right}" y1="${frame.bottom}" y2="${frame.bottom}"/>`,
  ];
  for (const v of ticks) {
    const x = scale(v).toFixed(1);
    parts.push(renderText('tick', format(v), Number(x), frame.bottom + 16, 'middle', frame.width));
  }
  parts.push(
    renderText(
      'axis-label',
      label,
      (frame.left + frame.right) / 2,
      frame.height - 6,
      'middle',
      frame.width,
    ),
  );
  return parts.join('');
}

/** A one-row legend above the plot area. */
export function renderLegend(
  frame: Frame,
  items: ReadonlyArray<{ name: string; color: string; dashed?: boolean }>,
): string {
  // Names share the row evenly when they do not all fit (each cut to its share).
  const room = frame.width - 2 - frame.left;
  const natural = items.reduce((sum, i) => sum + 30 + i.name.length * CHART_CHAR_PX, 0);
  const share = natural > room ? room / Math.max(1, items.length) - 30 : Number.POSITIVE_INFINITY;
  let x = frame.left;
  return items
    .map((item) => {
      const dash = item.dashed ? ' stroke-dasharray="5 3"' : '';
      const name = fitText(item.name, share);
      const out = `<g class="legend-item"><line x1="${x}" x2="${x + 18}" y1="14" y2="14" stroke="${item.color}" stroke-width="3"${dash}/><text class="legend" x="${x + 22}" y="18">${escapeHtml(name)}</text></g>`;
      x += 30 + name.length * CHART_CHAR_PX;
      return out;
    })
    .join('');
}
