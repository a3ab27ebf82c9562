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

  // What the run measures (the report's choice, sent with each point): HTTP, or for a run
  // without HTTP requests echo round trips, gRPC calls, WebSocket messages or iterations.
  // While the run goes, a request may still come: the page says what is true so far.
  const noHttp = () => 'No HTTP requests in this run' + (state.end ? '' : ' so far');
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  function currentMeasure() { const last = state.points[state.points.length - 1]; return last && last.measure && last.measure.kind !== 'http' ? last.measure : null; }
  function showNotice(id, text) {
    const chart = $('chart-' + id), note = $('chart-' + id + '-notice');
    chart.hidden = !!text; note.hidden = !text;
    if (note.textContent !== (text || '')) note.textContent = text || '';
  }

  function ensureCharts(m) {
    if (typeof uPlot === 'undefined') return false;
    const key = m ? m.kind : 'http';
    if (charts.kind !== key) {
      for (const c of [charts.rps, charts.latency, charts.errors]) if (c) c.destroy();
      charts.rps = charts.latency = charts.errors = null; charts.errorsClasses = null; charts.kind = key;
    }
    if (!charts.rps) {
      const el = $('chart-rps');
      const o = m
        ? chartOptions(cap(m.rateUnit) + ' and VUs', m.rateUnit, [line(m.rateUnit, 0), line('VUs', 2, 'vus')], el)
        : chartOptions('Requests/s and VUs', 'req/s', [line('req/s', 0), line('VUs', 2, 'vus')], el);
      o.scales.vus = { auto: true }; o.axes.push({ scale: 'vus', side: 1, label: 'VUs', grid: { show: false } });
      charts.rps = new uPlot(o, [[], [], []], el);
      const lat = $('chart-latency');
      if (!m || m.latencyMetric) {
        charts.latency = new uPlot(chartOptions(m ? 'Latency percentiles (' + m.latencyMetric + ')' : 'Latency percentiles', 'ms', ['p50', 'p90', 'p95', 'p99', 'max'].map((l, i) => line(l, i + 1)), lat), [[], [], [], [], [], []], lat);
      }
    }
    showNotice('latency', m && !m.latencyMetric ? noHttp() + ', and ' + m.name + ' have no latency.' : '');
    showNotice('errors', m && !m.errors ? noHttp() + ": errors per second are counted for HTTP requests only (see the run's own metrics)." : '');
    if (m && !m.errors) return true;
    if (!charts.errors || charts.errorsClasses !== state.classes.join('|')) {
      const el = $('chart-errors');
      if (charts.errors) charts.errors.destroy();
      const series = state.classes.length ? state.classes.map((c, i) => line(c, i)) : [line(m ? 'unanswered' : 'errors', 0)];
      const title = m ? 'Echo messages unanswered by class (per second)' : 'Errors by class (per second)';
      charts.errors = new uPlot(chartOptions(title, m ? 'unanswered/s' : 'errors/s', series, el), [[]].concat(series.map(() => [])), el);
      charts.errorsClasses = state.classes.join('|');
    }
    return true;
  }

  // The tiles: the run so far (count, p95/p99 over the run as the end-of-test summary computes
  // them, error rate), VUs and the rate of the latest second; once the run has ended, the run's
  // average rate (a run's last interval is only the few ms before the cut). A second without a
  // sample changes no percentile tile; '-' means nothing of the measure has completed yet.
  function renderTiles(last, m) {
    const unit = m ? cap(m.rateUnit) : 'Requests/s';
    setText('rps-label', state.end ? unit + ' (average)' : unit);
    setText('requests-label', m ? cap(m.name) : 'Requests');
    setText('p95-label', m ? 'p95 ' + (m.latencyMetric || 'latency') : 'p95 latency');
    setText('p99-label', m ? 'p99 ' + (m.latencyMetric || 'latency') : 'p99 latency');
    setText('error-rate-label', m ? (m.errors ? 'Unanswered' : 'Error rate') : 'Error rate');
    if (!last) return;
    const v = last.measured, run = v && v.runLatency;
    const total = m ? v.total : last.totalRequests;
    const seconds = state.end ? state.end.durationMs / 1000 : 0;
    setText('rps', fmtNum(seconds > 0 ? total / seconds : m ? v.rps : last.rps, 1));
    setText('requests', fmtNum(total, 0));
    setText('p95', run ? fmtMs(run.p95) : '-');
    setText('p99', run ? fmtMs(run.p99) : '-');
    if (!m) setText('error-rate', fmtPct(last.totalRequests > 0 ? last.totalFailed / last.totalRequests : 0));
    else setText('error-rate', m.errors ? fmtPct(v.total + v.totalFailed > 0 ? v.totalFailed / (v.total + v.totalFailed) : 0) : 'not counted');
  }

  function render() {
    const pts = state.points;
    const last = pts[pts.length - 1];
    const cfg = state.config || {};
    const m = currentMeasure();
    setText('target', cfg.target || '');
    setText('status', state.end ? 'finished: ' + state.end.reason : pts.length ? 'running' : 'waiting for the first second…');
    document.body.dataset.state = state.end ? 'finished' : 'running';
    document.body.dataset.measure = m ? m.kind : 'http';
    renderTiles(last, m);
    if (last) {
      setText('vus', fmtNum(last.vus, 0));
      setText('elapsed', fmtDur(last.t));
      renderThresholds(last.thresholds || []);
    }
    if (!ensureCharts(m)) return;
    const t = pts.map((p) => p.t);
    if (!m) {
      charts.rps.setData([t, pts.map((p) => p.rps), pts.map((p) => p.vus)]);
      charts.latency.setData([t, pts.map((p) => p.p50), pts.map((p) => p.p90), pts.map((p) => p.p95), pts.map((p) => p.p99), pts.map((p) => p.max)]);
      const errs = state.classes.length ? state.classes.map((c) => pts.map((p) => (p.errors[c] || 0) / Math.max(0.001, p.seconds || 1))) : [pts.map(() => 0)];
      charts.errors.setData([t].concat(errs));
      return;
    }
    const mv = (p) => p.measured || { rps: 0, errors: {} };
    charts.rps.setData([t, pts.map((p) => mv(p).rps), pts.map((p) => p.vus)]);
    if (charts.latency) charts.latency.setData([t].concat(['p50', 'p90', 'p95', 'p99', 'max'].map((k) => pts.map((p) => (mv(p).latency ? mv(p).latency[k] : null)))));
    if (m.errors) {
      const errs = state.classes.length ? state.classes.map((c) => pts.map((p) => (mv(p).errors[c] || 0) / Math.max(0.001, p.seconds || 1))) : [pts.map(() => 0)];
      charts.errors.setData([t].concat(errs));
    }
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
    const errors = p.measure && p.measure.kind !== 'http' ? (p.measured && p.measured.errors) || {} : p.errors || {};
    for (const c of Object.keys(errors)) if (!state.classes.includes(c)) state.classes.push(c);
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
