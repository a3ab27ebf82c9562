/** Bar charts in plain SVG: a latency histogram and stacked bars over time (errors by class). */
import { escapeHtml } from '../../escape.js';
import {
  createFrame,
  createLinearScale,
  formatTick,
  niceMax,
  openSvg,
  PALETTE,
  renderLegend,
  renderText,
  renderXAxis,
  renderYAxis,
} from './scale.js';

/** One bar of a categorical chart: a label under it and its height. */
export interface Bar {
  label: string;
  value: number;
  tooltip?: string;
}

/** Options of {@link renderBarChart}. */
export interface BarChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  bars: readonly Bar[];
  color?: string;
  width?: number;
  height?: number;
}

/** Equal-width bars with category labels (thinned when crowded). */
export function renderBarChart(o: BarChartOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 260;
  const frame = createFrame(width, height);
  const y = createLinearScale(
    [0, niceMax(Math.max(0, ...o.bars.map((b) => b.value)))],
    [frame.bottom, frame.top],
  );
  const slot = (frame.right - frame.left) / Math.max(1, o.bars.length);
  const every = Math.max(1, Math.ceil((o.bars.length * 48) / (frame.right - frame.left)));
  const parts = [
    openSvg(o.id, o.title, width, height),
    renderYAxis(frame, y, o.yLabel, formatTick),
  ];
  parts.push(
    `<line class="axis" x1="${frame.left}" x2="${frame.right}" y1="${frame.bottom}" y2="${frame.bottom}"/>`,
  );
  o.bars.forEach((b, i) => {
    const x = frame.left + i * slot + slot * 0.1;
    const top = y(b.value);
    const h = Math.max(b.value > 0 ? 1 : 0, frame.bottom - top);
    parts.push(
      `<rect class="mark bar" x="${x.toFixed(1)}" y="${(frame.bottom - h).toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="${o.color ?? PALETTE[0]}"><title>${escapeHtml(b.tooltip ?? `${b.label}: ${b.value}`)}</title></rect>`,
    );
    if (i % every === 0) {
      parts.push(renderText('tick', b.label, x + slot * 0.4, frame.bottom + 16, 'middle', width));
    }
  });
  parts.push(
    renderText('axis-label', o.xLabel, (frame.left + frame.right) / 2, height - 6, 'middle', width),
    '</svg>',
  );
  return parts.join('');
}

/** Options of {@link renderStackedTimeBars}: values per x for each class. */
export interface StackedTimeBarsOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** x (seconds) and counts per class. */
  points: ReadonlyArray<{ t: number; values: Record<string, number> }>;
  width?: number;
  height?: number;
}

/** Stacked bars over a numeric time axis, one colour per class, with a legend. */
export function renderStackedTimeBars(o: StackedTimeBarsOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 220;
  const frame = createFrame(width, height);
  const classes = [...new Set(o.points.flatMap((p) => Object.keys(p.values)))].sort();
  const totals = o.points.map((p) => Object.values(p.values).reduce((a, b) => a + b, 0));
  const tMax = Math.max(1, ...o.points.map((p) => p.t));
  const x = createLinearScale([0, tMax], [frame.left, frame.right]);
  const y = createLinearScale([0, niceMax(Math.max(0, ...totals))], [frame.bottom, frame.top]);
  const barWidth = Math.max(1, (frame.right - frame.left) / Math.max(1, tMax) - 0.5);
  const parts = [
    openSvg(o.id, o.title, width, height),
    renderYAxis(frame, y, o.yLabel, formatTick),
    renderXAxis(frame, x, o.xLabel, formatTick),
  ];
  for (const p of o.points) {
    let base = 0;
    classes.forEach((cls, ci) => {
      const v = p.values[cls] ?? 0;
      if (v <= 0) return;
      const y0 = y(base);
      const y1 = y(base + v);
      base += v;
      parts.push(
        `<rect class="mark bar" x="${(x(p.t) - barWidth).toFixed(1)}" y="${y1.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(1, y0 - y1).toFixed(1)}" fill="${PALETTE[(ci + 3) % PALETTE.length]}"><title>${escapeHtml(`${cls}: ${v} at ${p.t}s`)}</title></rect>`,
      );
    });
  }
  parts.push(
    renderLegend(
      frame,
      classes.map((c, ci) => ({ name: c, color: PALETTE[(ci + 3) % PALETTE.length] ?? '#000' })),
    ),
    '</svg>',
  );
  return parts.join('');
}
