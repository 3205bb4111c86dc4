/**
 * The self-contained HTML report written beside results.json: a short summary table, every
 * chart as inline SVG, and the full metric table folded away. It loads nothing from anywhere,
 * so it opens offline and can be mailed as one file.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricSummary, ResultsDocument } from '../results/format.js';
import { writeFileAtomic } from '../results/write.js';
import { keyMetrics } from '../results/key-metrics.js';
import { buildCharts, type Chart } from './charts.js';
import { renderSvg } from './render.js';

/** A chart together with its rendered SVG. */
export interface RenderedChart extends Chart {
  svg: string;
}

/** What writeReport wrote. */
export interface WrittenReport {
  /** Absolute or caller-relative path of report.html. */
  path: string;
  /** Chart names, in report order (charts/<name>.vl.json and .svg exist for each). */
  charts: string[];
}

/** Builds and renders every chart the results support. */
export async function renderCharts(doc: ResultsDocument): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const c of buildCharts(doc)) out.push({ ...c, svg: await renderSvg(c.spec) });
  return out;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Formats a metric value with a unit guessed from its stable name. */
export function formatMetric(name: string, x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (/\.(attainment|utilisation|failed_fraction)$/.test(name)) return `${(x * 100).toFixed(2)} %`;
  if (/\.mttr$/.test(name)) return x >= 3600 ? `${(x / 3600).toFixed(2)} h` : `${(x / 60).toFixed(1)} min`;
  if (/\.response_time\./.test(name)) return x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`;
  if (/\.temperature\./.test(name)) return `${x.toFixed(1)} °C`;
  if (/^cost\./.test(name)) return x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const a = Math.abs(x);
  return a !== 0 && (a < 0.01 || a >= 1e6) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

function cell(name: string, s: MetricSummary | undefined): string {
  if (!s || s.n === 0) return '<td class="na">—</td>';
  const ci = `95 % CI ${formatMetric(name, s.ci95[0])} – ${formatMetric(name, s.ci95[1])}, n = ${s.n}`;
  return `<td title="${escapeHtml(ci)}">${escapeHtml(formatMetric(name, s.mean))} <span class="ci">± ${escapeHtml(formatMetric(name, (s.ci95[1] - s.ci95[0]) / 2))}</span></td>`;
}

function metricTable(doc: ResultsDocument, names: string[]): string {
  const head = doc.variants.map((v) => `<th>${escapeHtml(v.name)}</th>`).join('');
  const reps = doc.variants.map((v) => `<td>${v.replications}</td>`).join('');
  const rows = names.map((n) => `<tr><th scope="row"><code>${escapeHtml(n)}</code></th>${doc.variants.map((v) => cell(n, v.metrics[n])).join('')}</tr>`);
  return `<table><thead><tr><th>metric</th>${head}</tr></thead><tbody><tr><th scope="row">replications</th>${reps}</tr>${rows.join('')}</tbody></table>`;
}

function comparisonTable(doc: ResultsDocument): string {
  if (doc.comparisons.length === 0) return '';
  const rows = doc.comparisons.map((c) =>
    `<tr><td><code>${escapeHtml(c.metric)}</code></td><td>${escapeHtml(c.variant)} − ${escapeHtml(c.reference)}</td><td>${escapeHtml(formatMetric(c.metric, c.meanDifference))}</td><td>${escapeHtml(formatMetric(c.metric, c.ci95[0]))} – ${escapeHtml(formatMetric(c.metric, c.ci95[1]))}</td><td>${c.n}</td></tr>`);
  return `<h2>Paired comparisons (common random numbers)</h2><table><thead><tr><th>metric</th><th>difference</th><th>mean</th><th>95 % CI</th><th>n</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 Helvetica,Arial,sans-serif;margin:2em auto;max-width:980px;padding:0 1em;color:#222}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
.meta{color:#555}.warn{background:#fff3e0;border-left:4px solid #ef6c00;padding:.5em 1em}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #e0e0e0;padding:3px 8px;text-align:right}
th[scope=row],thead th:first-child{text-align:left}code{font-size:12px}.ci{color:#888;font-size:11px}.na{color:#aaa}
figure{margin:1.5em 0}figcaption{color:#555;font-size:13px;margin-top:.3em}svg{max-width:100%;height:auto}
nav a{margin-right:1em}
`;

/** Renders the report HTML from results and rendered charts. Deterministic: no clock, no randomness. */
export function reportHtml(doc: ResultsDocument, charts: RenderedChart[]): string {
  const name = escapeHtml(doc.scenario.name);
  const warn: string[] = [];
  if (!doc.complete) warn.push('This run is <strong>incomplete</strong>: it was interrupted or some replications failed; intervals are wider than planned.');
  if (doc.failures.length > 0) {
    const list = doc.failures.slice(0, 10).map((f) => `<li>${escapeHtml(f.variant)} replication ${f.replication} (seed ${escapeHtml(f.seed)}): ${escapeHtml(f.error)}</li>`).join('');
    warn.push(`${doc.failures.length} replication(s) failed:<ul>${list}</ul>`);
  }
  const figures = charts.map((c) =>
    `<figure id="chart-${escapeHtml(c.name)}">${c.svg}<figcaption>${escapeHtml(c.caption)} <span class="meta">(charts/${escapeHtml(c.name)}.vl.json)</span></figcaption></figure>`);
  const nav = charts.map((c) => `<a href="#chart-${escapeHtml(c.name)}">${escapeHtml(c.title)}</a>`).join(' ');
  const key = keyMetrics(doc);
  const all = [...new Set(doc.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  const hours = (doc.horizonSeconds / 3600).toFixed(1);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>opsim report: ${name}</title><style>${STYLE}</style></head>
<body>
<h1>opsim report: ${name}</h1>
<p class="meta">scenario file ${escapeHtml(doc.scenario.file ?? '(inline)')} · hash <code>${escapeHtml(doc.scenario.hash.slice(0, 12))}</code> · seed ${escapeHtml(doc.seed)} · horizon ${hours} h (warm-up ${(doc.warmupSeconds / 3600).toFixed(1)} h) · ${doc.variants.length} variant(s) · opsim ${escapeHtml(doc.opsimVersion)}</p>
${warn.map((w) => `<div class="warn">${w}</div>`).join('\n')}
<h2>Summary</h2>
<p class="meta">Means across replications; ± is the half-width of the 95 % confidence interval (hover for the interval).</p>
${key.length > 0 ? metricTable(doc, key) : '<p>No summary metrics were recorded.</p>'}
${comparisonTable(doc)}
<h2>Charts</h2>
<nav>${nav}</nav>
${figures.join('\n') || '<p>No chart data were recorded.</p>'}
<h2>All metrics</h2>
<details><summary>${all.length} metrics</summary>${metricTable(doc, all)}</details>
</body></html>
`;
}

/** Writes report.html and charts/<name>.vl.json + .svg into `dir` (beside results.json). */
export async function writeReport(dir: string, doc: ResultsDocument): Promise<WrittenReport> {
  const charts = await renderCharts(doc);
  const chartDir = join(dir, 'charts');
  await mkdir(chartDir, { recursive: true });
  for (const c of charts) {
    await writeFileAtomic(join(chartDir, `${c.name}.vl.json`), JSON.stringify(c.spec, null, 2) + '\n');
    await writeFileAtomic(join(chartDir, `${c.name}.svg`), c.svg);
  }
  const path = join(dir, 'report.html');
  await writeFileAtomic(path, reportHtml(doc, charts));
  return { path, charts: charts.map((c) => c.name) };
}
