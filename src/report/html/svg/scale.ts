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
    return `${grid}<text class="tick" x="${x}" y="${y}" dy="0.32em" text-anchor="${anchor}">${escapeHtml(format(v))}</text>`;
  });
  const lx = side === 'left' ? 12 : frame.width - 8;
  const ly = (frame.top + frame.bottom) / 2;
  parts.push(
    `<text class="axis-label" transform="translate(${lx} ${ly}) rotate(-90)" text-anchor="middle">${escapeHtml(label)}</text>`,
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
    parts.push(
      `<text class="tick" x="${x}" y="${frame.bottom + 16}" text-anchor="middle">${escapeHtml(format(v))}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${(frame.left + frame.right) / 2}" y="${frame.height - 6}" text-anchor="middle">${escapeHtml(label)}</text>`,
  );
  return parts.join('');
}

/** A one-row legend above the plot area. */
export function renderLegend(
  frame: Frame,
  items: ReadonlyArray<{ name: string; color: string; dashed?: boolean }>,
): string {
  let x = frame.left;
  return items
    .map((item) => {
      const dash = item.dashed ? ' stroke-dasharray="5 3"' : '';
      const out = `<g class="legend-item"><line x1="${x}" x2="${x + 18}" y1="14" y2="14" stroke="${item.color}" stroke-width="3"${dash}/><text class="legend" x="${x + 22}" y="18">${escapeHtml(item.name)}</text></g>`;
      x += 30 + item.name.length * 6.5;
      return out;
    })
    .join('');
}
