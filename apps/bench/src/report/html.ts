import type { BenchReport } from '../results.js';
import { WORKLOAD_INFO } from '../workloads.js';
import { formatNum, mainRows, naSummary, remarkNotes, scaleSeries } from './format.js';
import { METHOD_NOTES } from './markdown.js';

/** Makes text safe inside an HTML element. */
function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** Makes a script safe inside a `<script>` element: no `</script` can end it early. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON that can sit inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** The charts, drawn in the browser from the embedded results. */
const RENDER = `
const { header, rows } = REPORT;
const num = header.options.num;
const main = rows.filter((r) => r.num === num);
const systems = [...new Set(rows.map((r) => r.system))];
const kinds = Object.fromEntries(rows.map((r) => [r.system, r.kind]));
const palette = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d', '#7c3aed', '#0d9488'];
const color = (s) => palette[systems.indexOf(s) % palette.length];
const fmt = (n) => n >= 1e6 ? (n / 1e6).toPrecision(3) + 'M' : n >= 1e3 ? (n / 1e3).toPrecision(3) + 'k' : n.toPrecision(3);
Chart.defaults.animation = false;

function section(parent, title, text) {
  const div = document.createElement('div');
  div.className = 'chart';
  const h = document.createElement('h3');
  h.textContent = title;
  div.appendChild(h);
  if (text) { const p = document.createElement('p'); p.textContent = text; div.appendChild(p); }
  const canvas = document.createElement('canvas');
  div.appendChild(canvas);
  parent.appendChild(div);
  return canvas;
}

function bars(parent, title, text, data, label) {
  if (data.length === 0) return;
  const canvas = section(parent, title, text);
  canvas.height = 40 + 26 * data.length;
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.map((d) => d.system + (kinds[d.system] === 'backend' ? ' *' : '')),
      datasets: [{ label, data: data.map((d) => d.value), backgroundColor: data.map((d) => color(d.system)) }],
    },
    options: {
      indexAxis: 'y',
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => label + ': ' + fmt(c.raw) } } },
      scales: { x: { beginAtZero: true, title: { display: true, text: label } } },
    },
  });
}

const opsCharts = document.getElementById('ops');
for (const workload of header.options.workloads) {
  if (workload === 'memory') continue;
  const variants = [...new Set(main.filter((r) => r.workload === workload).map((r) => r.variant ?? null))];
  for (const variant of variants) {
    const data = main
      .filter((r) => r.workload === workload && (r.variant ?? null) === variant && r.opsPerSec !== null)
      .map((r) => ({ system: r.system, value: r.opsPerSec }));
    const title = variant === null ? workload : workload + ' (' + variant + ')';
    const label = workload === 'readwhilewriting' ? 'writer ops/s' : workload === 'recover' ? 'entries recovered/s' : 'ops/s';
    bars(opsCharts, title, INFO[workload], data, label);
  }
  if (workload === 'readwhilewriting') {
    const readers = main
      .filter((r) => r.workload === workload && r.readerOpsPerSec != null)
      .map((r) => ({ system: r.system, value: r.readerOpsPerSec }));
    bars(opsCharts, workload + ' (readers)', 'gets/s of all ' + header.options.readers + ' reader thread(s) together', readers, 'reader ops/s');
  }
}

const memory = main.filter((r) => r.workload === 'memory' && r.bytesPerEntry !== null);
bars(document.getElementById('memory'), 'bytes/entry', INFO.memory, memory.map((r) => ({ system: r.system, value: r.bytesPerEntry })), 'bytes/entry');

const scaling = document.getElementById('scaling');
for (const { workload, nums } of SERIES) {
  const canvas = section(scaling, workload + ': ns/op against N', 'log-log; a flat line means cost per op does not grow with N');
  canvas.height = 320;
  const datasets = systems
    .map((s) => ({
      label: s,
      borderColor: color(s),
      backgroundColor: color(s),
      data: nums
        .map((n) => rows.find((r) => r.system === s && r.workload === workload && r.num === n))
        .filter((r) => r && r.nsPerOp !== null)
        .map((r) => ({ x: r.num, y: r.nsPerOp })),
    }))
    .filter((d) => d.data.length > 0);
  new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      maintainAspectRatio: false,
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'N' } },
        y: { type: 'logarithmic', title: { display: true, text: 'ns/op' } },
      },
    },
  });
}
if (SERIES.length === 0) scaling.textContent = 'No scaling run: pass --scale (or --full).';
`;

export interface HtmlOptions {
  /** The Chart.js UMD build, inlined so that the page opens offline. */
  readonly chartJs: string;
}

/** report.html: the charts (Chart.js inlined), the results table and the notes. */
export function renderHtml(report: BenchReport, options: HtmlOptions): string {
  const h = report.header;
  const o = h.options;
  const info = Object.fromEntries(Object.entries(WORKLOAD_INFO).map(([w, i]) => [w, i.timed]));
  const rows = mainRows(report)
    .map((r) => {
      const value =
        r.error !== undefined
          ? 'error'
          : r.note !== undefined
            ? 'n/a'
            : r.workload === 'memory'
              ? `${r.bytesPerEntry?.toFixed(1)} B/entry`
              : `${Math.round(r.opsPerSec ?? 0).toLocaleString('en-US')} ops/s`;
      const detail = r.error ?? r.note ?? r.remark ?? '';
      const workload = r.variant === undefined ? r.workload : `${r.workload} (${r.variant})`;
      return `<tr><td>${escapeHtml(workload)}</td><td>${escapeHtml(r.system)}</td><td>${r.kind}</td><td class="n">${escapeHtml(value)}</td><td class="n">${r.nsPerOp === null ? '' : r.nsPerOp.toFixed(1)}</td><td class="n">${r.spread === null ? '' : `${(r.spread * 100).toFixed(1)}%`}</td><td class="n">${r.gcMaxPauseMs === null ? '' : r.gcMaxPauseMs.toFixed(1)}</td><td>${escapeHtml(detail.split('\n')[0])}</td></tr>`;
    })
    .join('\n');
  const notes = [
    ...h.notes,
    ...remarkNotes(report.rows),
    ...naSummary(report.rows),
    ...METHOD_NOTES,
  ]
    .map((n) => `<li>${escapeHtml(n)}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>memrep benchmark, ${escapeHtml(h.date)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #111; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #555; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 1.2rem; }
.chart { border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 0.9rem; }
.chart h3 { margin: 0.2rem 0; }
.chart p { margin: 0 0 0.4rem; color: #555; font-size: 12px; }
.chart canvas { width: 100% !important; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f4f4f4; padding: 0 3px; }
</style>
</head>
<body>
<h1>memrep benchmark</h1>
<p class="meta">${escapeHtml(h.date)} · node ${escapeHtml(h.node)} · ${escapeHtml(h.cpu)} × ${h.cpus} ·
N = ${formatNum(o.num)}, keys ${o.keySize} B, values ${o.valueSize} B, median of ${o.repeat} run(s)<br>
<code>${escapeHtml(h.command)}</code></p>
<p>Higher is better for ops/s, lower for bytes/entry. Backends are marked *. Compare systems within this run; the machine is shared and noisy.</p>
<h2>Throughput per workload</h2>
<div id="ops" class="grid"></div>
<h2>Memory</h2>
<div id="memory" class="grid"></div>
<h2>Scaling</h2>
<div id="scaling" class="grid"></div>
<h2>All results at N = ${formatNum(o.num)}</h2>
<table>
<thead><tr><th>workload</th><th>system</th><th>kind</th><th>result</th><th>ns/op</th><th>spread</th><th>max GC pause (ms)</th><th>note</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Notes</h2>
<ul>
${notes}
</ul>
<script>${inlineScript(options.chartJs)}</script>
<script>
const REPORT = ${scriptJson(report)};
const INFO = ${scriptJson(info)};
const SERIES = ${scriptJson(scaleSeries(report))};
${RENDER}
</script>
</body>
</html>
`;
}
