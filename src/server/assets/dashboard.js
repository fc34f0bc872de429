// The sluice dashboard: panels from /api/dashboard, each refreshed from /api/panels/<id> and drawn
// with SVG; the pipeline page from /api/status. No libraries, no external requests.
'use strict';

const PALETTE = ['#73bf69', '#f2cc0c', '#5794f2', '#ff9830', '#f2495c', '#b877d9', '#8ab8ff',
                 '#37872d', '#fade2a', '#c4162a', '#1f60c4', '#fa6400'];
const NAMED = { green: '#73bf69', red: '#f2495c', yellow: '#f2cc0c', orange: '#ff9830',
                blue: '#5794f2', purple: '#b877d9', grey: '#8e9099' };
const SVG_NS = 'http://www.w3.org/2000/svg';

function colour(name) { return NAMED[name] || name; }

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function formatNumber(v, decimals) {
  if (typeof v !== 'number') return String(v);
  if (decimals >= 0) return v.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: decimals });
  const abs = Math.abs(v);
  if (abs >= 1e12) return (v / 1e12).toFixed(2) + 'T';
  if (abs >= 1e9) return (v / 1e9).toFixed(2) + 'B';
  if (abs >= 1e6) return (v / 1e6).toFixed(2) + 'M';
  return v.toLocaleString('en-US', { maximumFractionDigits: abs < 10 ? 2 : 0 });
}

function thresholdColour(panel, value) {
  if (typeof value === 'string' && panel.colors[value]) return colour(panel.colors[value]);
  let c = null;
  for (const t of panel.thresholds) if (typeof value === 'number' && value >= t.value) c = colour(t.color);
  return c;
}

// ClickHouse DateTime text ("2024-01-01 00:00:00[.000]") is UTC in our servers.
function parseTime(v) {
  if (typeof v === 'number') return v;
  return Date.parse(String(v).replace(' ', 'T') + 'Z');
}

function asNumber(v) { return typeof v === 'number' ? v : Number(v); }

function renderStat(panel, body, result) {
  const row = result.data[0];
  const key = panel.y.length ? panel.y[0] : result.meta[0].name;
  const raw = row[key];
  const value = typeof raw === 'string' && raw !== '' && !isNaN(Number(raw)) ? Number(raw) : raw;
  const span = el('span', {}, formatNumber(value, panel.decimals) + (panel.unit ? ' ' + panel.unit : ''));
  const c = thresholdColour(panel, value);
  if (c) span.style.color = c;
  body.replaceChildren(span);
}

function renderTable(panel, body, result) {
  const table = el('table');
  const head = el('tr');
  for (const m of result.meta) head.appendChild(el('th', {}, m.name));
  table.appendChild(head);
  for (const row of result.data) {
    const tr = el('tr');
    const c = panel.color_by ? thresholdColour(panel, row[panel.color_by]) : null;
    for (const m of result.meta) {
      const td = el('td', {}, formatNumber(row[m.name], panel.decimals));
      if (c && m.name === panel.color_by) { td.style.color = c; td.style.fontWeight = '600'; }
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  body.replaceChildren(table);
}

// Groups rows into series: one per y column, or one per value of the series column.
function seriesOf(panel, rows) {
  const out = new Map();
  for (const row of rows) {
    for (const y of panel.y) {
      const name = panel.series ? String(row[panel.series]) : y;
      if (!out.has(name)) out.set(name, []);
      out.get(name).push({ x: row[panel.x], y: asNumber(row[y]) });
    }
  }
  return out;
}

function legend(names) {
  const div = el('div', { class: 'legend' });
  names.forEach((n, i) => {
    const s = el('span');
    const sw = el('i');
    sw.style.background = PALETTE[i % PALETTE.length];
    s.appendChild(sw);
    s.appendChild(document.createTextNode(n));
    div.appendChild(s);
  });
  return div;
}

function chartFrame(body, yMax, unit) {
  const w = Math.max(body.clientWidth, 200), h = Math.max(body.clientHeight - 24, 160);
  const m = { l: 68, r: 8, t: 6, b: 20 };
  const svg = svgEl('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}` });
  const plot = { x0: m.l, x1: w - m.r, y0: h - m.b, y1: m.t };
  for (let i = 0; i <= 4; i++) {
    const v = yMax * i / 4, y = plot.y0 - (plot.y0 - plot.y1) * i / 4;
    svg.appendChild(svgEl('line', { x1: plot.x0, x2: plot.x1, y1: y, y2: y, class: 'axis' }));
    const t = svgEl('text', { x: plot.x0 - 4, y: y + 3, 'text-anchor': 'end' });
    t.textContent = formatNumber(v) + (unit && i === 4 ? ' ' + unit : '');
    svg.appendChild(t);
  }
  return { svg, plot, w, h };
}

function renderTimeseries(panel, body, result) {
  const series = seriesOf(panel, result.data);
  const names = [...series.keys()];
  const times = [...new Set(result.data.map(r => parseTime(r[panel.x])))].sort((a, b) => a - b);
  const stacked = panel.style === 'bars';
  let yMax = 0;
  const totals = new Map();
  for (const pts of series.values()) {
    for (const p of pts) {
      const t = parseTime(p.x);
      totals.set(t, (totals.get(t) || 0) + p.y);
      yMax = Math.max(yMax, stacked ? totals.get(t) : p.y);
    }
  }
  yMax = yMax > 0 ? yMax * 1.1 : 1;
  const { svg, plot } = chartFrame(body, yMax, panel.unit);
  const tMin = times[0], tMax = times[times.length - 1];
  const span = Math.max(tMax - tMin, 1);
  const px = t => plot.x0 + (times.length === 1 ? 0.5 : (t - tMin) / span) * (plot.x1 - plot.x0);
  const py = v => plot.y0 - (v / yMax) * (plot.y0 - plot.y1);
  const base = new Map();
  const barW = Math.max(2, (plot.x1 - plot.x0) / Math.max(times.length, 1) * 0.7);
  names.forEach((name, i) => {
    const c = PALETTE[i % PALETTE.length];
    const pts = series.get(name).map(p => ({ t: parseTime(p.x), y: p.y })).sort((a, b) => a.t - b.t);
    if (stacked) {
      for (const p of pts) {
        const b = base.get(p.t) || 0;
        svg.appendChild(svgEl('rect', { x: px(p.t) - barW / 2, y: py(b + p.y), width: barW,
                                        height: Math.max(py(b) - py(b + p.y), 0), fill: c }));
        base.set(p.t, b + p.y);
      }
    } else if (panel.style === 'points') {
      for (const p of pts) {
        svg.appendChild(svgEl('circle', { cx: px(p.t), cy: py(p.y), r: 2.5,
                                          fill: thresholdColour(panel, p.y) || c }));
      }
    } else {
      const d = pts.map((p, k) => (k ? 'L' : 'M') + px(p.t).toFixed(1) + ',' + py(p.y).toFixed(1)).join('');
      svg.appendChild(svgEl('path', { d, fill: 'none', stroke: c, 'stroke-width': 1.5 }));
    }
  });
  for (const t of [tMin, tMax]) {
    const label = svgEl('text', { x: px(t), y: plot.y0 + 14, 'text-anchor': t === tMin ? 'start' : 'end' });
    label.textContent = new Date(t).toISOString().substring(11, 19);
    svg.appendChild(label);
  }
  body.replaceChildren(svg, legend(panel.series ? names : panel.y));
}

function renderBar(panel, body, result) {
  const cats = result.data.map(r => String(r[panel.x]));
  let yMax = 0;
  for (const r of result.data) for (const y of panel.y) yMax = Math.max(yMax, asNumber(r[y]));
  yMax = yMax > 0 ? yMax * 1.1 : 1;
  const { svg, plot } = chartFrame(body, yMax, panel.unit);
  const groupW = (plot.x1 - plot.x0) / Math.max(cats.length, 1);
  const barW = groupW * 0.8 / panel.y.length;
  result.data.forEach((r, i) => {
    panel.y.forEach((y, j) => {
      const v = asNumber(r[y]);
      const top = plot.y0 - (v / yMax) * (plot.y0 - plot.y1);
      svg.appendChild(svgEl('rect', { x: plot.x0 + i * groupW + groupW * 0.1 + j * barW, y: top,
                                      width: barW, height: plot.y0 - top, fill: PALETTE[j % PALETTE.length] }));
    });
    const label = svgEl('text', { x: plot.x0 + (i + 0.5) * groupW, y: plot.y0 + 14, 'text-anchor': 'middle' });
    label.textContent = cats[i];
    svg.appendChild(label);
  });
  body.replaceChildren(svg, legend(panel.y));
}

const RENDERERS = { stat: renderStat, table: renderTable, timeseries: renderTimeseries, bar: renderBar };

async function refreshPanel(panel, div) {
  const body = div.querySelector('.body');
  try {
    const response = await fetch('/api/panels/' + encodeURIComponent(panel.id));
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    const result = answer.result;
    if (!result.data.length) {
      div.dataset.state = 'empty';
      body.replaceChildren(el('span', { class: 'empty' }, 'no data yet'));
    } else {
      RENDERERS[panel.type](panel, body, result);
      div.dataset.state = 'data';
    }
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    div.dataset.state = 'error';
    body.replaceChildren(el('div', { class: 'error' }, String(e.message || e)));
  }
}

async function loadDashboard() {
  const response = await fetch('/api/dashboard');
  if (!response.ok) {
    document.getElementById('dashboard').textContent = 'This pipeline has no dashboard (SET server.dashboard).';
    showPipeline();
    return;
  }
  const dash = await response.json();
  document.getElementById('title').textContent = dash.title || 'sluice';
  document.title = (dash.title || 'sluice') + ' — sluice';
  const grid = document.getElementById('dashboard');
  for (const panel of dash.panels) {
    const div = el('div', { class: 'panel ' + panel.type, id: 'panel-' + panel.id, 'data-state': 'loading' });
    div.style.gridColumn = 'span ' + panel.width;
    div.appendChild(el('h2', {}, panel.title));
    div.appendChild(el('div', { class: 'body' }));
    grid.appendChild(div);
    refreshPanel(panel, div);
    setInterval(() => { if (!document.hidden) refreshPanel(panel, div); }, panel.refresh_seconds * 1000);
  }
}

function kv(items) {
  const div = el('div', { class: 'kv' });
  for (const [k, v] of items) {
    const box = el('div');
    box.appendChild(el('b', {}, String(v)));
    box.appendChild(document.createTextNode(k));
    div.appendChild(box);
  }
  return div;
}

function table(headers, rows) {
  const t = el('table');
  const h = el('tr');
  for (const name of headers) h.appendChild(el('th', {}, name));
  t.appendChild(h);
  for (const r of rows) {
    const tr = el('tr');
    for (const v of r) tr.appendChild(el('td', {}, String(v)));
    t.appendChild(tr);
  }
  return t;
}

async function refreshPipeline() {
  const page = document.getElementById('pipeline');
  if (page.hidden) return;
  try {
    const response = await fetch('/api/status');
    const s = await response.json();
    const now = Date.now();
    page.replaceChildren(
      kv([['pipeline', s.pipeline], ['state', s.state], ['ready', s.ready ? 'yes' : 'no: ' + s.not_ready_reason],
          ['uptime', Math.round(s.uptime_seconds) + ' s'], ['last epoch', s.last_committed_epoch],
          ['bad records', s.bad_records]]),
      el('h3', {}, 'Sources'),
      table(['name', 'open', 'finished', 'records', 'watermark', 'behind now'],
            s.sources.map(x => [x.name, x.open, x.finished, formatNumber(x.records),
                                x.watermark_ms > 0 ? new Date(x.watermark_ms).toISOString() : '-',
                                x.watermark_ms > 0 ? ((now - x.watermark_ms) / 1000).toFixed(1) + ' s' : '-'])),
      el('h3', {}, 'Sinks'),
      table(['name', 'rows'], s.sinks.map(x => [x.name, formatNumber(x.rows)])),
      el('h3', {}, 'Operators'),
      table(['job', 'operator', 'state keys', 'state bytes', 'late dropped', 'late updated'],
            (s.operators || []).map(x => [x.job, x.name, formatNumber(x.state_keys),
                                          x.state_bytes === null ? '-' : formatNumber(x.state_bytes),
                                          formatNumber(x.late_dropped), formatNumber(x.late_updated)])));
  } catch (e) {
    page.replaceChildren(el('div', { class: 'error' }, String(e.message || e)));
  }
}

function showPipeline() {
  document.getElementById('dashboard').hidden = true;
  document.getElementById('pipeline').hidden = false;
  document.getElementById('tab-pipeline').classList.add('active');
  document.getElementById('tab-dashboard').classList.remove('active');
  refreshPipeline();
}

document.getElementById('tab-pipeline').addEventListener('click', showPipeline);
document.getElementById('tab-dashboard').addEventListener('click', () => {
  document.getElementById('dashboard').hidden = false;
  document.getElementById('pipeline').hidden = true;
  document.getElementById('tab-dashboard').classList.add('active');
  document.getElementById('tab-pipeline').classList.remove('active');
});
setInterval(refreshPipeline, 2000);
loadDashboard();
