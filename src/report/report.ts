/**
 * The self-contained HTML report written beside results.json. It leads with the decision: the
 * verdict table (P(met) per SLA with its interval, cost, rank, difference from the reference)
 * and what happened in clock time; then the key metrics with units, every chart as inline
 * SVG, and the paired comparisons and full metric table folded away. It loads nothing from anywhere,
 * so it opens offline and can be mailed as one file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricSummary, ResultsDocument } from '../results/format.js';
import { writeFileAtomic } from '../results/write.js';
import { keyMetrics } from '../results/key-metrics.js';
import { buildCharts, type Chart } from './charts.js';
import { labelOf, readCatalog } from './catalog.js';
import { byRank, narrative, notableComparison, verdictTable, warningsHtml } from './decision.js';
import { escapeHtml } from './html.js';
import { searchBeside, searchPageHtml, searchSectionHtml, SEARCH_STYLE } from './search.js';
import type { SearchDocument } from '../search/document.js';
import { renderSvg } from './render.js';
import { formatDeltaTogether, meanAndInterval, figureContext, unitLabel, unitOf } from './units.js';

export { escapeHtml } from './html.js';
export { formatMetric } from './units.js';

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

function cell(doc: ResultsDocument, name: string, s: MetricSummary | undefined): string {
  if (!s || s.n === 0) return '<td class="na">—</td>';
  // The mean and its bounds in one scale: [1.67 h, 2.5 h], not [100 min, 2.5 h].
  const { mean, ci: bounds } = meanAndInterval(s, unitOf(doc, name), doc.horizonSeconds, figureContext(doc, name));
  const ci = bounds !== null ? `95 % CI ${bounds[0]} – ${bounds[1]}, n = ${s.n}` : `n = ${s.n}: no interval`;
  // The interval may break between its bounds (a narrow column), never inside one.
  const note = bounds !== null ? `<span class="nw">[${escapeHtml(bounds[0])},</span> <span class="nw">${escapeHtml(bounds[1])}]</span>` : 'no CI';
  return `<td title="${escapeHtml(ci)}">${escapeHtml(mean)} <span class="ci">${note}${s.n < 10 ? ` <span class="nw">n=${s.n}</span>` : ''}</span></td>`;
}

/**
 * A metric's row header: its planner-facing label with the unit, and below it, in small type,
 * the name to look for in results.json and the CSV files (the name alone when it has no label).
 */
function metricLabel(doc: ResultsDocument, name: string): string {
  const u = unitLabel(unitOf(doc, name), doc.currency);
  const spec = readCatalog(doc)[name];
  const title = spec !== undefined ? ` title="${escapeHtml(spec.doc)}"` : '';
  const unit = u !== '' ? ` <span class="ci">${escapeHtml(u)}</span>` : '';
  const label = labelOf(doc, name);
  if (label === name) return `<code${title}>${escapeHtml(name)}</code>${unit}`;
  return `<span class="label"${title}>${escapeHtml(label)}</span>${unit}<br><code class="name">${escapeHtml(name)}</code>`;
}

/**
 * Metrics as rows, one column per variant in the decision table's order (best rank first, so
 * the answer is never the column cut off). Each cell puts its interval under its mean, which
 * keeps columns narrow; wider than the page, the table scrolls inside its box with the metric
 * column kept in view.
 */
function metricTable(doc: ResultsDocument, names: string[]): string {
  const variants = byRank(doc);
  const rank = new Map((doc.ranking?.order ?? []).map((o) => [o.variant, o.rank]));
  const head = variants.map((v) => `<th>${escapeHtml(v.name)}${rank.has(v.name) ? ` <span class="ci">rank ${rank.get(v.name)}</span>` : ''}</th>`).join('');
  const reps = variants.map((v) => `<td>${v.replications}</td>`).join('');
  const rows = names.map((n) => `<tr><th scope="row">${metricLabel(doc, n)}</th>${variants.map((v) => cell(doc, n, v.metrics[n])).join('')}</tr>`);
  return `<div class="wide"><table class="metrics"><thead><tr><th>metric</th>${head}</tr></thead><tbody><tr><th scope="row">replications</th>${reps}</tr>${rows.join('')}</tbody></table></div>`;
}

function comparisonRows(doc: ResultsDocument, list: ResultsDocument['comparisons']): string {
  return list
    .map((c) => {
      const sig = Number.isFinite(c.ci95[0]) && (c.ci95[0] > 0 || c.ci95[1] < 0);
      const [mean, lo, hi] = formatDeltaTogether(doc, c.metric, [c.meanDifference, c.ci95[0], c.ci95[1]]);
      const ci = Number.isFinite(c.ci95[0]) ? `${lo} – ${hi}` : '—';
      return `<tr><td>${metricLabel(doc, c.metric)}</td><td>${escapeHtml(c.variant)} − ${escapeHtml(c.reference)}</td><td>${escapeHtml(mean!)}</td><td>${escapeHtml(ci)}</td><td>${c.n}</td><td>${sig ? 'yes' : ''}</td></tr>`;
    })
    .join('');
}

function comparisonTable(doc: ResultsDocument, key: ReadonlySet<string>): string {
  if (doc.comparisons.length === 0) return '';
  const head = '<thead><tr><th>metric</th><th>difference</th><th>mean</th><th>95 % CI</th><th>n</th><th>significant</th></tr></thead>';
  const notable = doc.comparisons.filter((c) => notableComparison(doc, c, key));
  return `<h2>Paired comparisons (common random numbers)</h2>
<details><summary>${notable.length} significant or key differences against ${escapeHtml(doc.reference ?? 'the reference')}</summary><table>${head}<tbody>${comparisonRows(doc, notable)}</tbody></table></details>
<details><summary>all ${doc.comparisons.length} paired comparisons</summary><table>${head}<tbody>${comparisonRows(doc, doc.comparisons)}</tbody></table></details>`;
}

/** The report's style sheet (report.html and the search page). */
export const STYLE = `
body{font:14px/1.45 Helvetica,Arial,sans-serif;margin:1em auto;max-width:1180px;padding:0 1em;color:#222}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:13px}.warn{background:#fff3e0;border-left:4px solid #ef6c00;padding:.5em 1em}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #e0e0e0;padding:3px 8px;text-align:right}
th[scope=row],thead th:first-child{text-align:left}code{font-size:12px}code.name{font-size:10.5px;color:#777;font-weight:normal}.ci{color:#777;font-size:11px;white-space:nowrap}.na{color:#aaa}
table.verdict{font-size:14px}table.verdict th{background:#f5f5f5}
td.good,span.good{color:#1b5e20}td.good{background:#e8f5e9}td.bad,span.bad{color:#b71c1c}td.bad{background:#ffebee}td.mid{background:#fff8e1}
ul.meta{margin:.2em 0;padding-left:1.2em}.wkind p{margin:.4em 0 .1em}ul.wmetrics{columns:2;margin:.2em 0;padding-left:1.2em;font-size:13px}.wkind details{margin:.2em 0 .6em;font-size:12px}details.warnings{background:#fffde7;border-left:4px solid #f9a825;padding:.3em 1em;margin:.6em 0}
figure{margin:1.5em 0}figcaption{color:#555;font-size:13px;margin-top:.3em}svg{max-width:100%;height:auto}
nav a{margin-right:1em}
div.wide{overflow-x:auto;max-width:100%}table.metrics td .ci,table.metrics thead .ci{display:block;white-space:normal}.nw{white-space:nowrap}table.metrics thead th{vertical-align:bottom}
table.metrics th[scope=row],table.metrics thead th:first-child{position:sticky;left:0;background:#fff;z-index:1}
`;

/** Renders the report HTML from results and rendered charts (a policy search, when given, first). Deterministic: no clock, no randomness. */
export function reportHtml(doc: ResultsDocument, charts: RenderedChart[], search?: SearchDocument): string {
  const name = escapeHtml(doc.scenario.name);
  const warn: string[] = [];
  if (!doc.complete) warn.push('This run is <strong>incomplete</strong>: it was interrupted or some replications failed; intervals are wider than planned.');
  if (doc.failures.length > 0) {
    const list = doc.failures.slice(0, 10).map((f) => `<li>${escapeHtml(f.variant)} replication ${f.replication} (seed ${escapeHtml(f.seed)}): ${escapeHtml(f.error)}</li>`).join('');
    warn.push(`${doc.failures.length} replication(s) failed:<ul>${list}</ul>`);
  }
  // What opsim validate and opsim run said about the scenario (an overloaded service or team): the figures below hold for it as planned.
  const said = doc.scenarioWarnings ?? [];
  if (said.length > 0) {
    // Built from escaped parts: the file name is the user's and may hold any character.
    const where = (w: (typeof said)[number]): string =>
      `${escapeHtml(`${w.file ?? '(inline)'}${w.line !== null ? `:${w.line}:${w.column ?? ''}` : ''}`)} <code>${escapeHtml(w.path)}</code>`;
    const list = said.map((w) => `<li>${escapeHtml(w.message)} <span class="meta">(${where(w)})</span></li>`).join('');
    warn.push(`The scenario as planned has ${said.length === 1 ? 'a warning' : `${said.length} warnings`} (the run went ahead; read the figures with ${said.length === 1 ? 'it' : 'them'} in mind):<ul>${list}</ul>`);
  }
  const figures = charts.map((c) =>
    `<figure id="chart-${escapeHtml(c.name)}">${c.svg}<figcaption>${escapeHtml(c.caption)} <span class="meta">(charts/${escapeHtml(c.name)}.vl.json)</span></figcaption></figure>`);
  const nav = charts.map((c) => `<a href="#chart-${escapeHtml(c.name)}">${escapeHtml(c.title)}</a>`).join(' ');
  const key = keyMetrics(doc);
  const all = [...new Set(doc.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  const hours = (doc.horizonSeconds / 3600).toFixed(1);
  const story = narrative(doc);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>opsim report: ${name}</title><style>${STYLE}${search !== undefined ? SEARCH_STYLE : ''}</style></head>
<body>
<h1>opsim report: ${name}</h1>
<p class="meta">scenario file ${escapeHtml(doc.scenario.file ?? '(inline)')} · hash <code>${escapeHtml(doc.scenario.hash.slice(0, 12))}</code> · seed ${escapeHtml(doc.seed)} · horizon ${hours} h (warm-up ${(doc.warmupSeconds / 3600).toFixed(1)} h) · ${doc.variants.length} variant(s) · opsim ${escapeHtml(doc.opsimVersion)}</p>
${warn.map((w) => `<div class="warn">${w}</div>`).join('\n')}
${search !== undefined ? searchSectionHtml(search) : ''}
${doc.variants.length > 0 ? `<h2>Decision</h2>\n${verdictTable(doc)}` : ''}
${story !== '' ? `<h2>What happened</h2>\n${story}` : ''}
${warningsHtml(doc)}
<h2>Key metrics</h2>
<p class="meta">Means across replications with their 95 % confidence interval in brackets (n replications where fewer than 10); variants in the decision table's order.</p>
${key.length > 0 ? metricTable(doc, key) : '<p>No summary metrics were recorded.</p>'}
<h2>Charts</h2>
<nav>${nav}</nav>
${figures.join('\n') || '<p>No chart data were recorded.</p>'}
${comparisonTable(doc, new Set(key))}
<h2>All metrics</h2>
<details><summary>${all.length} metrics</summary>${metricTable(doc, all)}</details>
</body></html>
`;
}

/** Writes report.html and charts/<name>.vl.json + .svg into `dir` (beside results.json); a search.json of the same scenario there is shown first. */
export async function writeReport(dir: string, doc: ResultsDocument, search?: SearchDocument): Promise<WrittenReport> {
  search ??= await searchBeside(dir, doc.scenario.hash);
  const charts = await renderCharts(doc);
  const chartDir = join(dir, 'charts');
  await mkdir(chartDir, { recursive: true });
  for (const c of charts) {
    await writeFileAtomic(join(chartDir, `${c.name}.vl.json`), JSON.stringify(c.spec, null, 2) + '\n');
    await writeFileAtomic(join(chartDir, `${c.name}.svg`), c.svg);
  }
  const path = join(dir, 'report.html');
  await writeFileAtomic(path, reportHtml(doc, charts, search));
  return { path, charts: charts.map((c) => c.name) };
}

/** Writes report.html for a search: the whole report with the search first when results.json of the same scenario is beside it, else the search alone. */
export async function writeSearchReport(dir: string, search: SearchDocument): Promise<string> {
  let results: ResultsDocument | undefined;
  try {
    results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
  } catch {
    results = undefined;
  }
  if (results !== undefined && results.scenario?.hash === search.scenario.hash) return (await writeReport(dir, results, search)).path;
  const path = join(dir, 'report.html');
  await writeFileAtomic(path, searchPageHtml(search));
  return path;
}
