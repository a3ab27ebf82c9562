/**
 * Text of the report's SVG charts that runs outside its SVG's viewBox (issue 13 §3: "chart labels
 * inside the frame"): every `<text>` of every `<svg viewBox>` is placed from its x/y, text-anchor,
 * its own and its parent groups' translate/rotate(-90), with an estimated width of 6.5 px per
 * character (src/report/html/svg/scale.ts CHART_CHAR_PX) and 11 px glyph height.
 */

const CHAR_PX = 6.5;
const ASCENT = 10;
const DESCENT = 3;

interface Translate {
  dx: number;
  dy: number;
}

function attr(attrs: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1];
}

function translateOf(transform: string | undefined): Translate {
  const m = /translate\(\s*([-\d.]+)[\s,]+([-\d.]+)\s*\)/.exec(transform ?? '');
  return { dx: Number(m?.[1] ?? 0), dy: Number(m?.[2] ?? 0) };
}

/** One text's estimated box in the SVG's user space. */
export interface PlacedText {
  chart: string;
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** The viewBox's width and height. */
  width: number;
  height: number;
}

/** Every `<text>` of every `<svg viewBox>` in `html`, with its estimated box. */
export function placeSvgTexts(html: string): PlacedText[] {
  const out: PlacedText[] = [];
  for (const svg of html.matchAll(/<svg\b([^>]*)>([\s\S]*?)<\/svg>/g)) {
    const view = attr(svg[1] ?? '', 'viewBox')
      ?.split(/\s+/)
      .map(Number);
    if (view?.length !== 4) continue;
    const [, , width = 0, height = 0] = view ?? [];
    const chart = attr(svg[1] ?? '', 'data-chart') ?? attr(svg[1] ?? '', 'class') ?? 'svg';
    const groups: Translate[] = [];
    const body = svg[2] ?? '';
    const tags = /<(\/?)(g|text)\b([^>]*)>/g;
    for (let m = tags.exec(body); m; m = tags.exec(body)) {
      const [, close, tag, attrs = ''] = m;
      if (tag === 'g') {
        if (close) groups.pop();
        else if (!attrs.trimEnd().endsWith('/')) groups.push(translateOf(attr(attrs, 'transform')));
        continue;
      }
      if (close) continue;
      const end = body.indexOf('</text>', tags.lastIndex);
      const inner = body.slice(tags.lastIndex, end);
      const extraDx = [...inner.matchAll(/\bdx="([-\d.]+)"/g)].reduce(
        (s, d) => s + Number(d[1]),
        0,
      );
      const text = inner.replace(/<[^>]*>/g, '').replace(/&[#\w]+;/g, 'x');
      const w = text.length * CHAR_PX + extraDx;
      const share = { start: 0, middle: 0.5, end: 1 }[attr(attrs, 'text-anchor') ?? 'start'] ?? 0;
      const own = attr(attrs, 'transform');
      const t = translateOf(own);
      const ox = groups.reduce((s, g) => s + g.dx, 0) + t.dx;
      const oy = groups.reduce((s, g) => s + g.dy, 0) + t.dy;
      const x = ox + Number(attr(attrs, 'x') ?? 0);
      const y = oy + Number(attr(attrs, 'y') ?? 0) + (attr(attrs, 'dy') ? 3.5 : 0);
      if (/rotate\(\s*-90\s*\)/.test(own ?? '')) {
        // Rotated a quarter turn counter-clockwise: the text runs upwards from (x, y).
        out.push({
          chart,
          text,
          x0: x - ASCENT,
          x1: x + DESCENT,
          y0: y - w * (1 - share),
          y1: y + w * share,
          width,
          height,
        });
      } else {
        out.push({
          chart,
          text,
          x0: x - w * share,
          x1: x + w * (1 - share),
          y0: y - ASCENT,
          y1: y + DESCENT,
          width,
          height,
        });
      }
    }
  }
  return out;
}

/** One line per text whose estimated box leaves its SVG's viewBox (empty when all fit). */
export function findTextOutsideViewBox(html: string): string[] {
  return placeSvgTexts(html)
    .filter((t) => t.x0 < -0.5 || t.y0 < -0.5 || t.x1 > t.width + 0.5 || t.y1 > t.height + 0.5)
    .map(
      (t) =>
        `chart ${t.chart}: "${t.text}" spans x ${t.x0.toFixed(0)}..${t.x1.toFixed(0)}, y ${t.y0.toFixed(0)}..${t.y1.toFixed(0)} outside 0 0 ${t.width} ${t.height}`,
    );
}
