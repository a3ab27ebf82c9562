/** The report page's inline stylesheet (no external fonts or assets). */

/** CSS of the HTML report; print-friendly, no network resources. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg:#1d2329; --muted:#5d6873; --line:#d9dee3; --bg:#fff; --accent:#0072B2; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.report-header { padding: 24px 32px 8px; border-bottom: 1px solid var(--line); }
header.report-header h1 { margin: 0 0 4px; font-size: 22px; }
.meta, .muted { color: var(--muted); }
nav.toc { padding: 8px 32px; border-bottom: 1px solid var(--line); font-size: 13px; }
nav.toc a { margin-right: 14px; color: var(--accent); text-decoration: none; }
main { padding: 8px 32px 40px; max-width: 1100px; }
section.report-section { margin-top: 28px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: #f4f6f8; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: #f7f8fa; border: 1px solid var(--line); padding: 8px 10px; overflow-x: auto; white-space: pre; }
pre .del { background: #ffecec; color: #a0001c; display: block; }
pre .add { background: #eaffea; color: #05621e; display: block; }
pre.source mark { background: #fff3c4; color: inherit; display: block; }
.verdict { font-weight: 600; font-size: 15px; }
.status-pass { color: #05621e; } .status-acceptable { color: #8a5a00; } .status-fail { color: #a0001c; } .status-unknown { color: var(--muted); }
.icon { vertical-align: -2px; }
.bottleneck { border-left: 4px solid var(--accent); padding: 2px 12px; margin: 14px 0; }
.bottleneck.sev-critical, .bottleneck.sev-high { border-color: #D55E00; }
.bottleneck.sev-info { border-color: var(--line); }
.checklist { list-style: none; padding-left: 0; }
.checklist li { margin: 3px 0; }
figure.chart { margin: 12px 0 20px; }
figure.chart svg { max-width: 100%; height: auto; background: #fff; }
figure.chart.empty p { color: var(--muted); font-style: italic; border: 1px dashed var(--line); padding: 12px; }
figcaption { color: var(--muted); font-size: 12.5px; }
.chart-svg text { font: 11px system-ui, sans-serif; fill: #333; }
.chart-svg .grid { stroke: #e6e9ec; }
.chart-svg .axis { stroke: #8a949e; }
.chart-svg .axis-label { fill: var(--muted); }
.chart-svg .band-label { fill: #6b7580; font-size: 10px; }
.chart-svg .plan-flag { fill: #b03a00; }
.flame text { font-size: 11px; fill: #1d2329; pointer-events: none; }
@media print { nav.toc { display: none; } main { max-width: none; } }
`;
