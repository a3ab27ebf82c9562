/**
 * The browser side of the live dashboard (plain ES2020, inlined into the page): reads the run's
 * points from the server-sent events stream (live) or from the embedded data island (exported
 * file), and draws tiles, uPlot charts and the thresholds table. Every text that came from the
 * target goes through textContent, never innerHTML.
 */
export const CLIENT_SCRIPT = `
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { config: null, points: [], end: null, classes: [] };
  const charts = {};

  const fmtNum = (n, d = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d }) : '-');
  const fmtMs = (ms) => (!Number.isFinite(ms) ? '-' : ms < 1 ? fmtNum(ms * 1000, 0) + ' µs' : ms < 1000 ? fmtNum(ms, ms < 10 ? 2 : 1) + ' ms' : fmtNum(ms / 1000, 2) + ' s');
  const fmtPct = (f) => (Number.isFinite(f) ? (f * 100).toFixed(2) + '%' : '-');
  const fmtDur = (s) => { s = Math.round(s); const m = Math.floor(s / 60); return m > 0 ? m + 'm' + String(s % 60).padStart(2, '0') + 's' : s + 's'; };
  const setText = (id, text) => { const el = $(id); if (el && el.textContent !== text) el.textContent = text; };

  function chartOptions(title, unit, series, el) {
    return {
      title, width: Math.max(300, el.clientWidth - 8), height: 240, legend: { live: true },
      scales: { x: { time: false } },
      axes: [{ label: 'seconds' }, { label: unit, size: 70 }],
      series: [{ label: 't (s)' }].concat(series),
    };
  }
  const palette = ['#d7263d', '#1b998b', '#2e86de', '#f39c12', '#8e44ad', '#34495e', '#27ae60', '#c0392b'];
  function line(label, i, scale) { const s = { label, stroke: palette[i % palette.length], width: 2 }; if (scale) s.scale = scale; return s; }

  function ensureCharts() {
    if (typeof uPlot === 'undefined') return false;
    if (!charts.rps) {
      const el = $('chart-rps');
      const o = chartOptions('Requests/s and VUs', 'req/s', [line('req/s', 0), line('VUs', 2, 'vus')], el);
      o.scales.vus = { auto: true }; o.axes.push({ scale: 'vus', side: 1, label: 'VUs', grid: { show: false } });
      charts.rps = new uPlot(o, [[], [], []], el);
      const lat = $('chart-latency');
      charts.latency = new uPlot(chartOptions('Latency percentiles', 'ms', ['p50', 'p90', 'p95', 'p99', 'max'].map((l, i) => line(l, i + 1)), lat), [[], [], [], [], [], []], lat);
    }
    if (!charts.errors || charts.errorsClasses !== state.classes.join('|')) {
      const el = $('chart-errors');
      if (charts.errors) charts.errors.destroy();
      const series = state.classes.length ? state.classes.map((c, i) => line(c, i)) : [line('errors', 0)];
      charts.errors = new uPlot(chartOptions('Errors by class (per second)', 'errors/s', series, el), [[]].concat(series.map(() => [])), el);
      charts.errorsClasses = state.classes.join('|');
    }
    return true;
  }

  function render() {
    const pts = state.points;
    const last = pts[pts.length - 1];
    const cfg = state.config || {};
    setText('target', cfg.target || '');
    setText('status', state.end ? 'finished: ' + state.end.reason : pts.length ? 'running' : 'waiting for the first second…');
    document.body.dataset.state = state.end ? 'finished' : 'running';
    if (last) {
      setText('rps', fmtNum(last.rps, 1));
      setText('requests', fmtNum(last.totalRequests, 0));
      setText('vus', fmtNum(last.vus, 0));
      setText('p95', fmtMs(last.p95));
      setText('p99', fmtMs(last.p99));
      setText('error-rate', fmtPct(last.totalRequests > 0 ? last.totalFailed / last.totalRequests : 0));
      setText('elapsed', fmtDur(last.t));
      renderThresholds(last.thresholds || []);
    }
    if (!ensureCharts()) return;
    const t = pts.map((p) => p.t);
    charts.rps.setData([t, pts.map((p) => p.rps), pts.map((p) => p.vus)]);
    charts.latency.setData([t, pts.map((p) => p.p50), pts.map((p) => p.p90), pts.map((p) => p.p95), pts.map((p) => p.p99), pts.map((p) => p.max)]);
    const errs = state.classes.length ? state.classes.map((c) => pts.map((p) => (p.errors[c] || 0) / Math.max(0.001, p.seconds || 1))) : [pts.map(() => 0)];
    charts.errors.setData([t].concat(errs));
  }

  function renderThresholds(list) {
    const body = $('thresholds-body');
    const rows = list.map((th) => [th.metric, th.expression, th.ok ? 'pass' : 'FAIL', th.observed === null || th.observed === undefined ? '-' : fmtNum(th.observed, 3)]);
    const key = JSON.stringify(rows);
    if (body.dataset.key === key) return;
    body.dataset.key = key;
    body.replaceChildren(...rows.map((cells, i) => {
      const tr = document.createElement('tr');
      tr.className = list[i].ok ? 'ok' : 'fail';
      for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.appendChild(td); }
      return tr;
    }));
    setText('thresholds-empty', rows.length ? '' : 'No thresholds defined.');
  }

  function addPoint(p) {
    state.points.push(p);
    for (const c of Object.keys(p.errors || {})) if (!state.classes.includes(c)) state.classes.push(c);
  }

  window.addEventListener('resize', () => { for (const c of [charts.rps, charts.latency, charts.errors]) if (c) c.setSize({ width: Math.max(300, c.root.parentElement.clientWidth - 8), height: 240 }); });

  const island = $('redline-data');
  if (island) {
    const data = JSON.parse(island.textContent);
    state.config = data.config; state.end = data.end;
    for (const p of data.points) addPoint(p);
    render();
    return;
  }
  const source = new EventSource('events');
  source.addEventListener('config', (e) => { state.config = JSON.parse(e.data); state.points = []; state.classes = []; render(); });
  source.addEventListener('point', (e) => { addPoint(JSON.parse(e.data)); render(); });
  source.addEventListener('end', (e) => { state.end = JSON.parse(e.data); render(); source.close(); });
  source.onerror = () => { if (!state.end) setText('status', 'disconnected (the run may have ended)'); };
})();
`;
