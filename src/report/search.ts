/**
 * The policy search in the report: the chosen policy first, then what each one-step-cheaper
 * policy missed, the replications spent against an exhaustive grid at the same confidence,
 * and the certificate's details folded away. Shown at the top of report.html when a
 * search.json of the same scenario sits beside results.json, and as the whole page that
 * `opsim search` writes when there are no results yet. Plain HTML and inline SVG: no script.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSearchDocument, type SearchDocument } from '../search/document.js';
import { constraintWords, failsWords, meetsWords, moneyWords, shortWords, undecidedWords, zoneWords, type ConstraintWords } from '../search/words.js';
import { escapeHtml } from './html.js';
import { percent } from './units.js';
// report.ts imports this module too; STYLE is only read when a page is rendered, so the cycle is harmless.
import { STYLE } from './report.js';

/**
 * The answer's status in words; `meets` is what the certificate says it meets (words.ts
 * meetsWords: each bound less its indifference zone), `fails` what it says of each cheaper
 * neighbour (failsWords: short of a bound plus its indifference zone).
 */
const STATUS_TEXT: Record<SearchDocument['status'], (meets: string, fails: string) => string> = {
  certified: (meets, fails) => `certified: ${meets}, and every one-step-cheaper policy was checked and ${fails}`,
  feasible: (meets) => `feasible, not certified cheapest: ${meets}; a cheaper policy was left undecided (not started or cut short by the budget, or at its cap; below)`,
  'no-feasible-point': () => 'no policy met every constraint within the budget: the best found is shown with what it misses',
};

/** The same for a search stopped before it ended (its budget did not run out). */
const INTERRUPTED_STATUS_TEXT: Record<SearchDocument['status'], (meets: string, fails: string) => string> = {
  certified: STATUS_TEXT.certified,
  feasible: (meets) => `feasible, not certified cheapest: ${meets}; the search was stopped with a cheaper policy undecided (below)`,
  'no-feasible-point': () => 'stopped before any policy was certified feasible: the best found is shown with what it misses',
};

/** Number for the report: integers as they are, others to 4 significant digits. */
function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(4)));
}

function decisionCell(d: string, title?: string): string {
  const cls = d === 'feasible' ? 'good' : d === 'infeasible' ? 'bad' : 'mid';
  return `<td class="${cls}"${title !== undefined ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(d)}</td>`;
}

/** Two bars on one scale: replications the search used against what a grid needs at least. */
function spendBars(used: number, grid: number, points: number, checked: number): string {
  const W = 520;
  const max = Math.max(used, grid, 1);
  const bar = (y: number, v: number, label: string, fill: string): string =>
    `<text x="0" y="${y + 13}" font-size="12">${escapeHtml(label)}</text><rect x="190" y="${y}" width="${Math.max(1, ((W - 260) * v) / max).toFixed(1)}" height="18" fill="${fill}"/><text x="${(196 + ((W - 260) * v) / max).toFixed(1)}" y="${y + 13}" font-size="12">${escapeHtml(num(v))}</text>`;
  const ratio = grid > 0 ? used / grid : NaN;
  return `<svg class="spend" role="img" aria-label="replications: search ${used}, exhaustive grid at least ${grid}" width="${W}" height="52" viewBox="0 0 ${W} 52" font-family="Helvetica,Arial,sans-serif">${bar(2, used, `search (${checked} policies)`, '#1565c0')}${bar(28, grid, `exhaustive grid (${points} policies) ≥`, '#b0bec5')}</svg>
<p class="meta">The search used ${escapeHtml(num(used))} replications${Number.isFinite(ratio) ? ` — ${(ratio * 100).toFixed(0)} % of the least an exhaustive grid at the same confidence needs` : ''} (the grid decides the ${checked} policies checked here on the same replications, common random numbers, and needs n0 more for each of the other ${points - checked}).</p>`;
}

type ConstraintSpec = SearchDocument['procedure']['constraintSpecs'][number];

/** A constraint's metric as HTML: its label with the raw name in small print, or the name. */
function metricHtml(c: ConstraintSpec, w: ConstraintWords): string {
  return w.label === null ? `<code>${escapeHtml(c.metric)}</code>` : `${escapeHtml(w.label)} <code class="name">${escapeHtml(c.metric)}</code>`;
}

function constraintCells(c: SearchDocument['candidates'][number], specs: readonly ConstraintSpec[], words: ReadonlyMap<string, ConstraintWords>): string {
  return specs
    .map((spec) => {
      const k = c.constraints.find((x) => x.constraint === spec.name);
      if (k === undefined) return '<td class="na">—</td>';
      const w = words.get(spec.name)!;
      const mark = k.decision === 'feasible' ? '✓' : k.decision === 'infeasible' ? '✗' : '?';
      const cls = k.decision === 'feasible' ? 'good' : k.decision === 'infeasible' ? 'bad' : 'mid';
      const [est, lo, hi, bound] = w.figures([k.estimate ?? NaN, k.ci95[0] ?? NaN, k.ci95[1] ?? NaN, k.bound], [k.bound]);
      return `<td class="${cls}" title="${escapeHtml(`${w.text}: ${k.decision}, n = ${k.n}, bound ${k.sense === 'atLeast' ? '≥' : '≤'} ${bound}`)}">${mark} ${escapeHtml(est!)} <span class="ci">[${escapeHtml(lo!)}, ${escapeHtml(hi!)}]</span></td>`;
    })
    .join('');
}

/** A constraint's column head: its name, its metric's label beneath, the metric's name in the tooltip. */
function constraintHeader(name: string, w: ConstraintWords): string {
  return `<th title="${escapeHtml(w.text)}">${escapeHtml(name)}${w.label !== null ? `<br><span class="ci">${escapeHtml(w.label)}</span>` : ''}</th>`;
}

/** The banner of an interrupted search: how far it got, what the document holds, how to go on. */
function interruptedHtml(doc: SearchDocument): string {
  if (doc.interrupted !== true) return '';
  const cut = doc.candidates.filter((c) => c.undecidedReason === 'interrupted').map((c) => c.name);
  return `<div class="warn"><strong>Interrupted</strong> after ${escapeHtml(num(doc.replications.simulated))} of ${escapeHtml(num(doc.procedure.budget))} replications: the search was stopped before it ended. Below is what it had decided by then${cut.length > 0 ? `; ${cut.length === 1 ? 'the test under way' : 'the tests under way'} (${escapeHtml(cut.join(', '))}) ${cut.length === 1 ? 'stays' : 'stay'} undecided` : ''}. Run it again to go on: the replications are stored and reused.</div>`;
}

/** The search section (HTML fragment), answer first. */
export function searchSectionHtml(doc: SearchDocument): string {
  const a = doc.answer;
  const p = doc.procedure;
  const sel = doc.selection;
  const chosen = sel?.systems.find((x) => x.candidate === a?.candidate);
  const words = new Map(p.constraintSpecs.map((c) => [c.name, constraintWords(c)] as const));
  const confidence = `${(p.confidence * 100).toFixed(p.confidence * 100 === Math.round(p.confidence * 100) ? 0 : 1)} %`;
  // What "meets" certifies, as the CLI's summary says it: each bound less its indifference zone.
  const stated = p.constraintSpecs.map((c) => [{ kind: c.kind, sense: c.sense, bound: c.bound, tolerance: c.tolerance }, words.get(c.name)!] as const);
  const zones = stated.map(([z, w]) => zoneWords(z, w));
  const fails = failsWords(stated.map(([z, w]) => shortWords(z, w)));
  // Money with the scenario's currency, as the run report writes it; a column's figures in one scale.
  const money = (...xs: number[]): string[] => moneyWords(xs, doc.currency);
  const costOf = (x: number): string => money(x, ...doc.candidates.map((c) => c.cost))[0]!;
  const statusText =
    sel !== undefined && chosen !== undefined && doc.status !== 'no-feasible-point'
      ? `expected total cost ${money(chosen.expectedCost)[0]}: ${meetsWords(zones, confidence)}; ${sel.decision === 'selected' ? 'the lowest' : 'the lowest so far (not decided within the budget)'} of the ${sel.systems.length} policies certified feasible; ${doc.status === 'certified' ? `each one-step-cheaper policy ${fails} or costs more in expectation` : 'a cheaper policy is undecided'}`
      : (doc.interrupted === true ? INTERRUPTED_STATUS_TEXT : STATUS_TEXT)[doc.status](meetsWords(zones, confidence), fails);
  const head = a === null ? '<p class="search-answer bad">No policy was checked within the budget.</p>' : `<p class="search-answer ${doc.status === 'no-feasible-point' ? 'bad' : doc.status === 'certified' ? 'good' : 'mid'}"><strong>${escapeHtml(a.candidate)}</strong> · ${sel !== undefined ? 'known cost' : 'cost'} ${escapeHtml(costOf(a.cost))} · ${escapeHtml(statusText)}</p>`;
  const settings = a === null ? '' : `<p class="meta">${Object.entries(a.settings).map(([k, v]) => `<code>${escapeHtml(k)}</code> = ${escapeHtml(String(v))}`).join(' · ')}</p>`;
  const nbrRows = doc.cheaperNeighbours
    .map((n) => `<tr><th scope="row">${escapeHtml(n.candidate)}</th><td>${escapeHtml(costOf(n.cost))}</td><td>${a !== null ? escapeHtml(money(a.cost - n.cost, ...doc.cheaperNeighbours.map((m) => a.cost - m.cost))[0]!) : '—'}</td>${n.decision === 'feasible' && sel !== undefined ? '<td class="mid">feasible, dearer in expectation</td>' : decisionCell(n.decision)}<td class="missed">${n.missed.length > 0 ? `<ul>${n.missed.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>` : '—'}</td></tr>`)
    .join('');
  const neighbours =
    doc.cheaperNeighbours.length > 0
      ? `<h3>What each one-step-cheaper policy missed</h3><table class="verdict search-neighbours"><thead><tr><th>policy</th><th>cost</th><th>saves</th><th>decision</th><th class="missed">what it missed (estimate [95 % CI], observations)</th></tr></thead><tbody>${nbrRows}</tbody></table>`
      : a !== null && doc.status !== 'no-feasible-point'
        ? '<p>It is the cheapest policy in the search space: there is no cheaper neighbour to check (widen the ranges to look further).</p>'
        : '';
  // A policy can meet every constraint and still be overloaded where no constraint looks: said beside the answer.
  const overload = doc.answerWarnings !== undefined ? `<div class="warn">The ${doc.status === 'no-feasible-point' ? 'best found' : 'chosen'} policy raises ${doc.answerWarnings.length === 1 ? 'a warning' : `${doc.answerWarnings.length} warnings`} (as <code>opsim validate</code> says them):<ul>${doc.answerWarnings.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></div>` : '';
  const misses = doc.misses !== undefined && doc.misses.length > 0 ? `<div class="warn">The best found misses:<ul>${doc.misses.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></div>` : '';
  const specs = p.constraintSpecs
    .map((c) => {
      const w = words.get(c.name)!;
      return `<li><strong>${escapeHtml(c.name)}</strong>: ${c.kind === 'mean' ? `mean ${metricHtml(c, w)} ${c.sense === 'atLeast' ? '≥' : '≤'} ${escapeHtml(w.figures([c.bound])[0]!)} (indifference zone ±${escapeHtml(w.delta(c.tolerance))})` : `P(${metricHtml(c, w)}) ≥ ${escapeHtml(percent(c.bound))} of periods (indifference zone ±${escapeHtml(w.delta(c.tolerance))})`}</li>`;
    })
    .join('');
  // Why a candidate is undecided: the CLI's and the document's words (search/words.ts).
  const undecided = undecidedWords({ budget: p.budget, n0: p.initialReplications, maxReplications: p.maxReplications, interrupted: doc.interrupted === true });
  const rows = [...doc.candidates]
    .sort((x, y) => x.cost - y.cost)
    .map((c) => `<tr${c.name === a?.candidate ? ' class="chosen"' : ''}><th scope="row">${escapeHtml(c.name)}</th><td>${escapeHtml(costOf(c.cost))}</td><td>${escapeHtml(c.role)}${c.level === 'probe' && c.undecidedReason !== 'not-started' ? ' (decided at the probes\' β)' : ''}</td>${decisionCell(c.undecidedReason === undefined ? c.decision : `undecided (${undecided.tag(c.undecidedReason, c.reserve)})`, c.reserve !== undefined ? undecided.phrase('not-started', c.reserve) : undefined)}<td>${c.replications}</td>${constraintCells(c, p.constraintSpecs, words)}</tr>`)
    .join('');
  const selection =
    sel === undefined
      ? ''
      : `<h3>Lowest expected total cost among the certified-feasible (${escapeHtml(sel.decision)})</h3><table><thead><tr><th>policy</th><th>known cost</th><th>expected total cost [95 % CI]</th><th>n</th><th>eliminated</th></tr></thead><tbody>${[...sel.systems]
          .sort((x, y) => x.expectedCost - y.expectedCost)
          .map((x) => {
            const [known, mean, lo, hi] = money(x.knownCost, x.expectedCost, x.ci95[0], x.ci95[1]);
            return `<tr${x.candidate === sel.best ? ' class="chosen"' : ''}><th scope="row">${escapeHtml(x.candidate)}</th><td>${escapeHtml(known!)}</td><td>${escapeHtml(mean!)} <span class="ci">[${escapeHtml(lo!)}, ${escapeHtml(hi!)}]</span></td><td>${x.n}</td><td>${x.eliminatedBy !== null ? `at n = ${x.eliminatedAt} by ${escapeHtml(x.eliminatedBy)}` : ''}</td></tr>`;
          })
          .join('')}</tbody></table><p class="meta">${escapeHtml(sel.procedure)}; α = ${escapeHtml(num(sel.alpha))}, δ = ${escapeHtml(money(sel.delta)[0]!)}, n0 = ${sel.initialReplications}, h² = ${escapeHtml(num(sel.h2))}; random cost <code>${escapeHtml(sel.metric)}</code>.</p>`;
  return `<section id="search">
<h2>Policy search: ${sel !== undefined ? 'the lowest expected total cost that meets the SLAs' : 'the cheapest policy that meets the SLAs'}</h2>
${interruptedHtml(doc)}
${head}
${settings}
${overload}
${misses}
${neighbours}
${selection}
<h3>Replications spent</h3>
${spendBars(doc.replications.used, doc.replications.grid.atLeast, doc.replications.grid.points, doc.candidates.filter((c) => c.replications > 0).length)}
<details><summary>The certificate: ${doc.candidates.filter((c) => c.undecidedReason !== 'not-started').length} of ${doc.replications.grid.points} policies checked, ${confidence} confidence for all decisions together</summary>
<ul class="meta">${specs}</ul>
<table class="search-candidates"><thead><tr><th>policy</th><th>cost</th><th>role</th><th>decision</th><th>reps</th>${p.constraintSpecs.map((c) => constraintHeader(c.name, words.get(c.name)!)).join('')}</tr></thead><tbody>${rows}</tbody></table>
<p class="meta">α = ${escapeHtml(num(p.alpha))} split over K = ${p.candidatesCovered} policies × ${p.constraints} constraint(s): β = ${escapeHtml(num(p.beta))} per decision (Bonferroni)${p.probeBeta > p.beta ? `; the descent's probes only steer and are decided at β = ${escapeHtml(num(p.probeBeta))}, the chosen policy and its cheaper neighbours again at the full β (${p.rounds} descent${p.rounds === 1 ? '' : 's'})` : ''}. ${escapeHtml(p.mean)}; ${escapeHtml(p.chance)}; common random numbers; n0 = ${p.initialReplications}, batch ${p.batch}, at most ${p.maxReplications} per policy, budget ${p.budget}; descent: ${escapeHtml(p.descent)}. Replications: ${doc.replications.simulated} simulated, ${doc.replications.reused} reused from earlier runs. Warm start: ${doc.warmStart.map((w) => `${escapeHtml(w.variable)} = ${escapeHtml(String(w.start))} (${escapeHtml(w.method)})`).join('; ')}.${doc.costNotes !== undefined ? ` Known cost: ${doc.costNotes.map((n) => escapeHtml(n)).join('; ')}.` : ''}</p>
</details>
</section>`;
}

/** Extra style of the search section (appended to the report's). */
export const SEARCH_STYLE = `
#search{border:1px solid #cfd8dc;border-radius:4px;padding:.2em 1em .6em;margin:1em 0;background:#fbfdff}
#search h2{margin-top:.6em}.search-answer{font-size:16px;padding:.4em .7em;border-left:5px solid #9e9e9e}
.search-answer.good{border-color:#2e7d32;background:#e8f5e9}.search-answer.mid{border-color:#f9a825;background:#fffde7}.search-answer.bad{border-color:#c62828;background:#ffebee}
.search-candidates th[scope=row]{white-space:nowrap}td.missed,th.missed{text-align:left}td.missed ul{margin:0;padding-left:1.1em}tr.chosen th,tr.chosen td{font-weight:bold}
`;

/** A search document beside results (search.json), when it belongs to the same scenario; otherwise undefined. */
export async function searchBeside(dir: string, scenarioHash: string): Promise<SearchDocument | undefined> {
  try {
    const doc = readSearchDocument(JSON.parse(await readFile(join(dir, 'search.json'), 'utf8')));
    return doc.scenario?.hash === scenarioHash ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** report.html for a search without results beside it: the search section alone. Deterministic. */
export function searchPageHtml(doc: SearchDocument): string {
  const name = escapeHtml(doc.scenario.name);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>opsim search: ${name}</title><style>${STYLE}${SEARCH_STYLE}</style></head>
<body>
<h1>opsim search: ${name}</h1>
<p class="meta">scenario file ${escapeHtml(doc.scenario.file ?? '(inline)')} · hash <code>${escapeHtml(doc.scenario.hash.slice(0, 12))}</code> · seed ${escapeHtml(doc.seed)} · opsim ${escapeHtml(doc.opsimVersion)} · the certificate is search.json beside this file</p>
${searchSectionHtml(doc)}
</body></html>
`;
}
