/**
 * fit-report.html: what was fitted, how well, and from what — per duration sample the survival
 * curve against the fitted families, a QQ plot and the comparison table; the arrival profile;
 * the mix; the notes and every row problem. Deterministic: no clock.
 */
import { renderSvg } from '../report/render.js';
import { escapeHtml } from '../report/report.js';
import type { VegaLiteSpec } from '../report/charts.js';
import type { DurationFit } from './durations.js';
import type { IncidentFit } from './incident-fit.js';
import type { RowProblem } from './csv.js';
import { formatProblem } from './csv.js';
import { duration, durationRange, pct, range, sig } from './format.js';
import type { HoldoutReport } from './holdout.js';
import { arrivalChart, qqChart, survivalChart } from './fit-charts.js';

const STYLE = `
body{font:14px/1.45 Helvetica,Arial,sans-serif;margin:2em auto;max-width:980px;padding:0 1em;color:#222}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1em;margin-top:1.5em}
.meta{color:#555}.warn{background:#fff3e0;border-left:4px solid #ef6c00;padding:.5em 1em}.ok{color:#2e7d32}.miss{color:#c62828;font-weight:bold}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #e0e0e0;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}.chosen{background:#e8f5e9}
.pair{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}svg{max-width:100%;height:auto}
`;

const e = escapeHtml;

function comparisonTable(fit: DurationFit): string {
  if (fit.fits.length === 0) return `<p class="warn">${e(fit.reason)}</p>`;
  const best = fit.fits[0]!.aic;
  const rows = fit.fits.map((f) => {
    const params = Object.entries(f.params)
      .map(([k, v]) => `${k} = ${k === 'scale' || k === 'mean' ? duration(v.value) : sig(v.value)} <span class="meta">(${k === 'scale' || k === 'mean' ? durationRange(v) : range(v)})</span>`)
      .join('<br>');
    return `<tr class="${f.family === fit.chosen ? 'chosen' : ''}"><td>${f.family}${f.converged ? '' : ' <span class="miss">(not converged)</span>'}</td><td>${params}</td><td>${duration(f.mean.value)} <span class="meta">(${durationRange(f.mean)})</span></td><td>${f.aic.toFixed(1)}</td><td>${(f.aic - best).toFixed(1)}</td><td>${f.ks.toFixed(3)}</td></tr>`;
  });
  return `<table><thead><tr><th>family</th><th>parameters (95 % CI)</th><th>mean (95 % CI)</th><th>AIC</th><th>ΔAIC</th><th>KS distance</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="meta">Chosen: <strong>${e(fit.chosen)}</strong> — ${e(fit.reason)}. KS distance: largest gap between the fitted CDF and the Kaplan–Meier estimate (with censoring, no p-value is given).</p>`;
}

async function durationSection(title: string, id: string, fit: DurationFit, svg: (s: VegaLiteSpec) => Promise<string>): Promise<string> {
  const surv = await svg(survivalChart(`${title}: share still open`, fit));
  const qqSpec = qqChart(`QQ plot, ${fit.fits[0]?.family ?? ''}`, fit);
  const qq = qqSpec === null ? '' : await svg(qqSpec);
  return `<h3 id="${e(id)}">${e(title)}</h3>
<p class="meta">n = ${fit.n} (${fit.events} resolved, ${fit.censored} censored) · Kaplan–Meier median ${fit.median !== null ? duration(fit.median) : 'not reached'}, 90th percentile ${fit.p90 !== null ? duration(fit.p90) : 'not reached'}</p>
<div class="pair"><figure>${surv}</figure>${qq !== '' ? `<figure>${qq}</figure>` : ''}</div>
${comparisonTable(fit)}`;
}

/** The HTML of the fit report. */
export async function fitReportHtml(fit: IncidentFit, problems: readonly RowProblem[], holdout: HoldoutReport | null = null): Promise<string> {
  const svg = (s: VegaLiteSpec): Promise<string> => renderSvg(s);
  const a = fit.arrivals;
  const sections: string[] = [];
  sections.push(await durationSection('All priorities', 'all', fit.overall, svg));
  for (const p of fit.byPriority) sections.push(await durationSection(`Priority ${p.priority}`, p.priority, p.fit, svg));
  for (const g of fit.byGroup) sections.push(await durationSection(`Assignment group ${g.group}`, `group-${g.group}`, g.fit, svg));
  const mix = fit.mix;
  const mixRows = mix.priority.map((p) => `<tr><td>${p.priority}</td><td>${p.count}</td><td>${pct(p.share.value)}</td><td>${pct(p.share.lower)}–${pct(p.share.upper)}</td></tr>`).join('');
  const reRows = mix.reassignments.map((r) => `<tr><td>${r.label}</td><td>${r.count}</td><td>${pct(r.share.value)}</td><td>${pct(r.share.lower)}–${pct(r.share.upper)}</td></tr>`).join('');
  const probs = problems.slice(0, 200).map((p) => `<li><code>${e(formatProblem(p))}</code></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>opsim fit report: ${e(fit.file)}</title><style>${STYLE}</style></head>
<body>
<h1>opsim fit report</h1>
<p class="meta">${e(fit.file)} · ${fit.incidents} incidents from ${fit.rows} rows · arrivals over ${a.hours} h from ${new Date(a.start).toISOString().slice(0, 16)}Z · open incidents censored at ${new Date(fit.asOf).toISOString().slice(0, 16)}Z</p>
${[...fit.notes, ...a.notes].map((n) => `<div class="warn">${e(n)}</div>`).join('\n')}
${holdout !== null ? holdoutSection(holdout) : ''}
<h2>Arrivals</h2>
<p>Mean rate ${sig(a.ratePerHour.value)} per hour (95 % CI ${range(a.ratePerHour)}); daily profile ${a.block === 1 ? 'hourly' : `in ${a.block}-hour blocks`}; weekly ${a.weekly === null ? 'not fitted' : 'fitted'}. Pearson χ² of hourly counts against the fitted Poisson profile: ${a.dispersion.statistic.toFixed(1)} on ${a.dispersion.df} df (ratio ${a.dispersion.ratio.toFixed(2)}, ${a.dispersion.pValue < 1e-4 ? 'p < 0.0001' : `p = ${a.dispersion.pValue.toPrecision(2)}`}).</p>
<figure>${await svg(arrivalChart(a))}</figure>
<h2>Priority mix and escalation</h2>
<div class="pair"><table><thead><tr><th>priority</th><th>incidents</th><th>share</th><th>95 % CI</th></tr></thead><tbody>${mixRows}</tbody></table>
<table><thead><tr><th>reassignments</th><th>incidents</th><th>share</th><th>95 % CI</th></tr></thead><tbody>${reRows}</tbody></table></div>
<p>Reopened at least once: ${mix.reopenRate !== null ? `${pct(mix.reopenRate.value)} (95 % CI ${pct(mix.reopenRate.lower)}–${pct(mix.reopenRate.upper)})` : 'not in the export'}. ${mix.unknownPriority > 0 ? `${mix.unknownPriority} incidents without a recognised priority.` : ''}</p>
<h2>Time to resolve</h2>
${sections.join('\n')}
<h2>Row problems</h2>
${problems.length === 0 ? '<p>None: every row was read.</p>' : `<p>${problems.length} problem(s)${problems.length > 200 ? ', the first 200' : ''}:</p><ul>${probs}</ul>`}
</body></html>
`;
}

function holdoutSection(h: HoldoutReport): string {
  const rows = h.checks.map((c) => `<tr><td>${e(c.what)}</td><td>${e(c.heldOut)}</td><td>${e(c.simulated)}</td><td class="${c.within === null ? '' : c.within ? 'ok' : 'miss'}">${c.within === null ? 'not compared' : c.within ? 'within' : 'outside'}</td><td>${e(c.note)}</td></tr>`);
  return `<h2>Holdout check</h2>
<p>${e(h.summary)}</p>
<table><thead><tr><th>check</th><th>held out</th><th>simulated</th><th></th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
