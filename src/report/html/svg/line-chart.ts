/** A line chart in plain SVG: several series on a left (and optional right) axis, bands and markers. */
import { escapeHtml } from '../../escape.js';
import {
  createFrame,
  createLinearScale,
  formatTick,
  niceMax,
  openSvg,
  renderLegend,
  renderText,
  renderXAxis,
  renderYAxis,
  type Scale,
} from './scale.js';

/** One line. `hollow[i]` draws point i as an open circle (e.g. an invalid step). */
export interface LineSeries {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
  axis?: 'left' | 'right';
  dashed?: boolean;
  /** Draw a dot at every point (for sparse series like the stress steps). */
  dots?: boolean;
  hollow?: readonly boolean[];
}

/** A labelled span of x (a step of the audit); `invalid` shades it as untrusted. */
export interface Band {
  from: number;
  to: number;
  label: string;
  invalid?: boolean;
}

/** Options of {@link renderLineChart}. */
export interface LineChartOptions {
  id: string;
  title: string;
  width?: number;
  height?: number;
  xLabel: string;
  yLabel: string;
  yRightLabel?: string;
  series: readonly LineSeries[];
  bands?: readonly Band[];
  /** Vertical marker lines, e.g. the knee. */
  markers?: ReadonlyArray<{ x: number; label: string; color: string }>;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
  formatYRight?: (v: number) => string;
}

function extent(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === max ? [min - 0.5, max + 0.5] : [min, max];
}

function pathOf(points: LineSeries['points'], x: Scale, y: Scale): string {
  return points
    .map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`)
    .join('');
}

function renderSeries(s: LineSeries, x: Scale, y: Scale): string {
  if (s.points.length === 0) return '';
  const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
  const title = `<title>${escapeHtml(s.name)}</title>`;
  let out = `<path class="mark line" d="${pathOf(s.points, x, y)}" fill="none" stroke="${s.color}" stroke-width="2"${dash}>${title}</path>`;
  if (s.dots || s.points.length === 1) {
    out += s.points
      .map(([px, py], i) => {
        const fill = s.hollow?.[i] ? '#fff' : s.color;
        return `<circle class="mark dot" cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="4" fill="${fill}" stroke="${s.color}" stroke-width="2"><title>${escapeHtml(`${s.name}: ${formatTick(py)} at ${formatTick(px)}`)}</title></circle>`;
      })
      .join('');
  }
  return out;
}

function renderBands(
  id: string,
  bands: readonly Band[],
  x: Scale,
  top: number,
  bottom: number,
): string {
  return bands
    .map((b, i) => {
      const x0 = x(b.from);
      const w = Math.max(0, x(b.to) - x0);
      const fill = b.invalid ? `url(#${id}-hatch)` : i % 2 === 0 ? '#f4f6f8' : '#ffffff';
      const label = `${b.label}${b.invalid ? ' (invalid)' : ''}`;
      return `<g class="band"><rect x="${x0.toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${bottom - top}" fill="${fill}"><title>${escapeHtml(label)}</title></rect><text class="band-label" x="${(x0 + 3).toFixed(1)}" y="${top + 11}">${escapeHtml(fitLabel(label, w))}</text></g>`;
    })
    .join('');
}

/** Truncates a label to what fits in `width` px at ~5.5 px per character ('' when nothing fits). */
function fitLabel(label: string, width: number): string {
  const chars = Math.floor((width - 4) / 5.5);
  if (chars < 3) return '';
  return label.length > chars ? `${label.slice(0, chars - 1)}…` : label;
}

/** Hatch pattern (id `<chart id>-hatch`) used to shade invalid steps. */
export function hatchDefs(id: string): string {
  return `<defs><pattern id="${escapeHtml(id)}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff4f0"/><line x1="0" y1="0" x2="0" y2="8" stroke="#f2b8a2" stroke-width="3"/></pattern></defs>`;
}

/** Renders the chart as an <svg> string; every drawn datum has class `mark`. */
export function renderLineChart(o: LineChartOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 260;
  const hasRight = o.series.some((s) => s.axis === 'right');
  const frame = createFrame(width, height, hasRight);
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  for (const b of o.bands ?? []) xs.push(b.from, b.to);
  const x = createLinearScale(extent(xs), [frame.left, frame.right]);
  const leftMax = niceMax(
    Math.max(
      0,
      ...o.series.filter((s) => s.axis !== 'right').flatMap((s) => s.points.map((p) => p[1])),
    ),
  );
  const rightMax = niceMax(
    Math.max(
      0,
      ...o.series.filter((s) => s.axis === 'right').flatMap((s) => s.points.map((p) => p[1])),
    ),
  );
  const yLeft = createLinearScale([0, leftMax], [frame.bottom, frame.top]);
  const yRight = createLinearScale([0, rightMax], [frame.bottom, frame.top]);
  const fx = o.formatX ?? formatTick;
  const parts = [
    openSvg(o.id, o.title, width, height),
    hatchDefs(o.id),
    renderBands(o.id, o.bands ?? [], x, frame.top, frame.bottom),
    renderYAxis(frame, yLeft, o.yLabel, o.formatY ?? formatTick),
    hasRight
      ? renderYAxis(frame, yRight, o.yRightLabel ?? '', o.formatYRight ?? formatTick, 'right')
      : '',
    renderXAxis(frame, x, o.xLabel, fx),
    ...o.series.map((s) => renderSeries(s, x, s.axis === 'right' ? yRight : yLeft)),
    ...(o.markers ?? []).map((m) => {
      const mx = x(m.x).toFixed(1);
      return `<g class="marker"><line class="mark knee" x1="${mx}" x2="${mx}" y1="${frame.top}" y2="${frame.bottom}" stroke="${m.color}" stroke-width="2" stroke-dasharray="6 4"/>${renderText('marker-label', m.label, Number(mx), frame.top - 4, 'middle', width, ` fill="${m.color}"`)}</g>`;
    }),
    renderLegend(
      frame,
      o.series.map((s) => ({
        name: s.axis === 'right' ? `${s.name} (right)` : s.name,
        color: s.color,
        dashed: s.dashed,
      })),
    ),
    '</svg>',
  ];
  return parts.join('');
}
