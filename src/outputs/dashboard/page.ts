/**
 * The dashboard page: one self-contained HTML document (uPlot and our script inlined, no CDN, no
 * telemetry). Live, it listens to `/events`; exported, it carries its data in a JSON island.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CLIENT_SCRIPT } from './client-script.js';

const require = createRequire(import.meta.url);
let uplot: { js: string; css: string } | undefined;

/** uPlot's minified build and stylesheet, read once from node_modules. */
function uplotAssets(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #6b7385; --bg: #f6f7f9; --card: #fff; --red: #d7263d; --green: #1b998b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: baseline; padding: 14px 20px; background: #1d2330; color: #fff; }
header h1 { margin: 0; font-size: 18px; } header h1 span { color: var(--red); }
#target { color: #c9cfdb; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1; }
#status { font-weight: 600; }
main { padding: 16px 20px; max-width: 1400px; margin: 0 auto; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin-bottom: 16px; }
.tile { background: var(--card); border-radius: 8px; padding: 10px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
.chart { background: var(--card); border-radius: 8px; padding: 8px; min-height: 280px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
table { border-collapse: collapse; width: 100%; background: var(--card); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e6e8ee; font-variant-numeric: tabular-nums; }
tr.fail td:nth-child(3) { color: var(--red); font-weight: 650; } tr.ok td:nth-child(3) { color: var(--green); }
.notice { color: var(--muted); display: flex; align-items: center; justify-content: center; text-align: center; } [hidden] { display: none !important; }
h2 { font-size: 15px; margin: 20px 0 8px; } #thresholds-empty { color: var(--muted); }
`;

const TILES: Array<[string, string]> = [
  ['rps', 'Requests/s'],
  ['requests', 'Requests'],
  ['vus', 'VUs'],
  ['p95', 'p95 latency'],
  ['p99', 'p99 latency'],
  ['error-rate', 'Error rate'],
  ['elapsed', 'Elapsed'],
];

/** Renders the page; with `data` it is the exported, static report of a finished run. */
export function renderDashboardPage(data?: unknown): string {
  const { js, css } = uplotAssets();
  const csp =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'";
  const tiles = TILES.map(
    ([id, label]) =>
      `<div class="tile"><div class="label" id="${id}-label">${label}</div><div class="value" id="${id}">-</div></div>`,
  ).join('');
  const island =
    data === undefined
      ? ''
      : `<script id="redline-data" type="application/json">${jsonForScript(data)}</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Redline dashboard</title>
<style>${css}${STYLE}</style>
</head>
<body data-state="running">
<header><h1><span>▲</span> Redline</h1><div id="target"></div><div id="status">connecting…</div></header>
<main>
<section class="tiles">${tiles}</section>
<section class="charts">${['rps', 'latency', 'errors'].map((id) => `<div class="chart" id="chart-${id}"></div><p class="chart notice" id="chart-${id}-notice" hidden></p>`).join('')}</section>
<h2>Thresholds</h2>
<table><thead><tr><th>Metric</th><th>Threshold</th><th>Result</th><th>Observed</th></tr></thead><tbody id="thresholds-body"></tbody></table>
<p id="thresholds-empty">No thresholds defined.</p>
</main>
<script>${js}</script>
${island}
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
