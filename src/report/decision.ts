/**
 * The answer first: which policy meets the SLA, with what confidence, at what cost. Builds the
 * verdict table (variant × SLA: P(met) with its Wilson interval, error budget used, cost, rank,
 * difference from the reference) and a narrative of what happened in clock time, from
 * results.json alone. Shared by report.html; the injected faults it finds are also the chart
 * markers.
 */
import { FALSE_ALARM_CAUSE } from '../models/sla/runtime.js';
import type { IncidentRecord, MetricSummary, ResultsDocument, VariantResults } from '../results/format.js';
import { slaMetrics, type SlaMetrics } from '../results/metrics.js';
import { labelOf, readCatalog } from './catalog.js';
import { decisionOrder, decisionRanks, judgedNames, metBand, metProbability as metOf, rankRuleWords, type SlaIndex } from './decision-order.js';
import { escapeHtml } from './html.js';
import type { Unit } from '../results/metrics.js';
import { clockTime, formatDeltaTogether, meanAndInterval, figureContext, unitLabel, unitOf } from './units.js';

/** A fault or incident start worth marking on the time charts. */
export interface FaultMarker {
  /** Simulated seconds. */
  t: number;
  label: string;
}

/** Per SLA, the metrics of its verdict by role, from the catalog completed for older documents (see readCatalog). */
const indexes = new WeakMap<ResultsDocument, SlaIndex>();
function slaIndex(doc: ResultsDocument): SlaIndex {
  let ix = indexes.get(doc);
  if (ix === undefined) {
    ix = slaMetrics(readCatalog(doc));
    indexes.set(doc, ix);
  }
  return ix;
}

/**
 * The SLAs and targets the document judges: its stated SLA bases, then every other verdict with
 * a `met` role in the catalog (a request class's service-level target; every SLA when the
 * document states no bases), by name.
 */
function slaNames(doc: ResultsDocument): string[] {
  return judgedNames(doc, slaIndex(doc));
}

/** A target rather than an SLA: no stated basis and no error budget (a request class's service-level target). */
function isTarget(doc: ResultsDocument, name: string): boolean {
  return !(doc.slas ?? []).some((b) => b.name === name) && slaMetric(doc, name, 'error_budget_used') === undefined && slaMetric(doc, name, 'met') !== undefined;
}

/** The metric playing `role` in the verdict of `sla`, if the document has one. */
function slaMetric(doc: ResultsDocument, sla: string, role: keyof SlaMetrics): string | undefined {
  return slaIndex(doc).get(sla)?.[role];
}

function reference(doc: ResultsDocument): VariantResults | undefined {
  return doc.variants.find((v) => v.name === doc.reference) ?? doc.variants[0];
}

/** Incidents of the reference variant's first replication that were real (false alarms left out), in order of onset. */
function realIncidents(doc: ResultsDocument): IncidentRecord[] {
  const v = reference(doc);
  return (v?.sampleIncidents ?? []).filter((i) => i.cause !== FALSE_ALARM_CAUSE).sort((a, b) => a.raisedAt - b.raisedAt || a.id - b.id);
}

/** Onsets of the real P1/P2 incidents in the reference variant's first replication (at most 8): the faults a planner injected or fears. */
export function faultMarkers(doc: ResultsDocument): FaultMarker[] {
  return realIncidents(doc)
    .filter((i) => i.priority === 'P1' || i.priority === 'P2')
    .slice(0, 8)
    .map((i) => ({ t: i.raisedAt, label: `${clockTime(i.raisedAt, doc.horizonSeconds)} ${i.type}` }));
}

/** A mean with its interval in small type, all in one scale, in the metric's unit (or `unit`, where the role fixes it). */
function estimate(doc: ResultsDocument, metric: string, s: MetricSummary, unit: Unit | undefined = unitOf(doc, metric)): string {
  const { mean, ci } = meanAndInterval(s, unit, doc.horizonSeconds, figureContext(doc, metric));
  return ci !== null ? `${escapeHtml(mean)} <span class="ci">[${escapeHtml(ci[0])}, ${escapeHtml(ci[1])}]</span>` : escapeHtml(mean);
}

/** A variant's P(met) of one SLA or target (undefined when it has no judged replication). */
function metProbability(doc: ResultsDocument, v: VariantResults, sla: string): NonNullable<VariantResults['slaProbabilities']>[number] | undefined {
  return metOf(v, slaMetric(doc, sla, 'met'));
}

/** Table cell classes by metBand (green, amber, red). */
const BAND_CLASS = ['good', 'mid', 'bad'] as const;

function pMet(doc: ResultsDocument, v: VariantResults, sla: string): string {
  const p = metProbability(doc, v, sla);
  if (p === undefined) return '<td class="na">—</td>';
  const cls = BAND_CLASS[metBand(p.p)];
  return `<td class="${cls}"><strong>${p.p.toFixed(2)}</strong> <span class="ci">[${p.ci95[0].toFixed(2)}, ${p.ci95[1].toFixed(2)}] ${p.met}/${p.n}</span></td>`;
}

/**
 * The other verdicts of the catalog (0/1 flags other than the SLA `met` ones, e.g. the
 * per-priority incident targets) that some variant observed, sorted by name.
 */
function otherVerdicts(doc: ResultsDocument): string[] {
  const catalog = doc.metrics ?? {};
  const slaVerdicts = new Set(slaNames(doc).map((s) => slaMetric(doc, s, 'met')));
  return Object.keys(catalog)
    .filter((m) => catalog[m]!.flag === true && !slaVerdicts.has(m) && doc.variants.some((v) => (v.metrics[m]?.n ?? 0) > 0))
    .sort();
}

/** A flag's probability from its summary (mean of 0/1 values, Wilson interval after applyMetricSpecs). */
function flagCell(v: VariantResults, metric: string): string {
  const s = v.metrics[metric];
  if (s === undefined || s.n === 0) return '<td class="na" title="no observation">—</td>';
  const cls = s.mean >= 0.9 ? 'good' : s.mean <= 0.5 ? 'bad' : 'mid';
  const ci = Number.isFinite(s.ci95[0]) ? ` [${s.ci95[0].toFixed(2)}, ${s.ci95[1].toFixed(2)}]` : '';
  return `<td class="${cls}"><strong>${s.mean.toFixed(2)}</strong> <span class="ci">${ci} n=${s.n}</span></td>`;
}

function budget(doc: ResultsDocument, v: VariantResults, sla: string): string {
  const name = slaMetric(doc, sla, 'error_budget_used');
  const s = name === undefined ? undefined : v.metrics[name];
  if (name === undefined || s === undefined || s.n === 0) return '<td class="na">—</td>';
  // A share of the budget, whatever an older catalog says (or lacks).
  return `<td>${estimate(doc, name, s, 'fraction')}</td>`;
}

function summaryCell(doc: ResultsDocument, v: VariantResults, metric: string): string {
  const s = v.metrics[metric];
  if (s === undefined || s.n === 0) return '<td class="na">—</td>';
  return `<td>${estimate(doc, metric, s)}</td>`;
}

/** The paired difference of `metric` against the reference, marked significant when its interval excludes 0. */
function versusReference(doc: ResultsDocument, v: VariantResults, metric: string): string {
  if (v.name === doc.reference) return '<td class="meta">reference</td>';
  const c = doc.comparisons.find((x) => x.variant === v.name && x.metric === metric);
  if (c === undefined || !Number.isFinite(c.meanDifference)) return '<td class="na">—</td>';
  const sig = Number.isFinite(c.ci95[0]) && (c.ci95[0] > 0 || c.ci95[1] < 0);
  const better = doc.metrics?.[metric]?.better;
  const good = sig && better !== undefined && better !== 'neutral' && (better === 'lower' ? c.meanDifference < 0 : c.meanDifference > 0);
  const [mean, lo, hi] = formatDeltaTogether(doc, metric, [c.meanDifference, c.ci95[0], c.ci95[1]]);
  const ci = Number.isFinite(c.ci95[0]) ? ` <span class="ci">[${escapeHtml(lo!)}, ${escapeHtml(hi!)}]</span>` : '';
  const sign = c.meanDifference > 0 ? '+' : '';
  const judged = better !== undefined && better !== 'neutral';
  const tag = sig ? `<span class="${judged ? (good ? 'good' : 'bad') : ''}">significant${judged ? (good ? ', better' : ', worse') : ''}</span>` : '<span class="meta">not significant</span>';
  return `<td>${sign}${escapeHtml(mean!)}${ci} ${tag}</td>`;
}

/** A header's tooltip: the metric's name as in results.json and the CSV files, and its spec's doc line. */
function nameAndDoc(doc: ResultsDocument, metric: string): string {
  const about = readCatalog(doc)[metric]?.doc;
  return about === undefined ? metric : `${metric}: ${about}`;
}

/**
 * The variants, best first: the order of the verdict table and of the metric tables' columns.
 * decisionOrder's rule (worst P(met) band, then the rank metric), the same as `opsim run`'s
 * summary, over the catalog completed for older documents.
 */
export function byRank(doc: ResultsDocument): VariantResults[] {
  return decisionOrder(doc, slaIndex(doc)).variants;
}

/** The verdict table: one row per variant (best rank first), P(met) and budget per SLA, cost, rank and difference from the reference. */
export function verdictTable(doc: ResultsDocument): string {
  if (doc.variants.length === 0) return '';
  const slas = slaNames(doc);
  const rankMetric = doc.ranking?.metric;
  const costMetric = doc.variants.some((v) => v.metrics['cost.total'] !== undefined) ? 'cost.total' : undefined;
  const compareMetric = rankMetric ?? costMetric;
  const rows = byRank(doc);
  const rank = decisionRanks(doc, rows);
  const unit = (m: string): string => {
    const u = unitLabel(unitOf(doc, m), doc.currency);
    return u === '' ? '' : ` (${escapeHtml(u)})`;
  };
  const head: string[] = ['<th>rank</th>', '<th>variant</th>'];
  // A target (a request class's service level) has no error budget: no budget column, and its verdict's label as header.
  for (const s of slas) {
    const met = isTarget(doc, s) ? slaMetric(doc, s, 'met') : undefined;
    if (met === undefined) head.push(`<th>P(${escapeHtml(s)} met) <span class="ci">[95 % CI] met/n</span></th>`, `<th>${escapeHtml(s)} error budget used</th>`);
    else head.push(`<th title="${escapeHtml(nameAndDoc(doc, met))}">P(${escapeHtml(labelOf(doc, met))}) <span class="ci">[95 % CI] met/n</span></th>`);
  }
  const flags = otherVerdicts(doc);
  for (const f of flags) head.push(`<th title="${escapeHtml(nameAndDoc(doc, f))}">P(${escapeHtml(labelOf(doc, f))})</th>`);
  if (costMetric !== undefined) head.push(`<th title="${escapeHtml(nameAndDoc(doc, costMetric))}">total cost${unit(costMetric)}</th>`);
  if (rankMetric !== undefined && rankMetric !== costMetric) head.push(`<th title="${escapeHtml(nameAndDoc(doc, rankMetric))}">${escapeHtml(labelOf(doc, rankMetric))}${unit(rankMetric)}</th>`);
  if (compareMetric !== undefined && doc.variants.length > 1) head.push(`<th>${compareMetric === costMetric ? 'cost' : 'rank metric'} vs ${escapeHtml(doc.reference ?? 'reference')} <span class="ci">paired 95 % CI</span></th>`);
  const body = rows.map((v) => {
    const cells = [`<td>${rank.get(v.name) ?? '—'}</td>`, `<th scope="row">${escapeHtml(v.name)}</th>`];
    for (const s of slas) cells.push(pMet(doc, v, s), ...(isTarget(doc, s) ? [] : [budget(doc, v, s)]));
    for (const f of flags) cells.push(flagCell(v, f));
    if (costMetric !== undefined) cells.push(summaryCell(doc, v, costMetric));
    if (rankMetric !== undefined && rankMetric !== costMetric) cells.push(summaryCell(doc, v, rankMetric));
    if (compareMetric !== undefined && doc.variants.length > 1) cells.push(versusReference(doc, v, compareMetric));
    return `<tr>${cells.join('')}</tr>`;
  });
  const byMetric = doc.ranking !== undefined ? `${escapeHtml(labelOf(doc, doc.ranking.metric))} (<code>${escapeHtml(doc.ranking.metric)}</code>, ${doc.ranking.direction} is better)` : '';
  const rankNote = doc.ranking === undefined ? '' : ` ${rankRuleWords(slas.length > 0, byMetric)}`;
  // The P(…) note only when the table has a P(…) column.
  const pNote = slas.length + flags.length > 0 ? 'P(…): share of replications that met the SLA or target, Wilson 95 % interval; n counts only the replications where it could be judged (a priority without incidents is not judged).' : '';
  const note = `${pNote}${rankNote}`.trim();
  const slaNotes = (doc.slas ?? []).map((b) => `<li><strong>${escapeHtml(b.name)}</strong>: ${escapeHtml(b.statement)}.</li>`).join('');
  return `<table class="verdict"><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table>
${note !== '' ? `<p class="meta">${note}</p>` : ''}${slaNotes !== '' ? `<ul class="meta">${slaNotes}</ul>` : ''}`;
}

function firstBreach(doc: ResultsDocument, v: VariantResults, sla: string): string | null {
  const name = slaMetric(doc, sla, 'first_breach');
  const s = name === undefined ? undefined : v.metrics[name];
  if (s === undefined || s.n === 0) return null;
  const at = (x: number): string => clockTime(x, doc.horizonSeconds);
  return s.min === s.max ? `from ${at(s.min)}` : `from ${at(s.p50)} (median; ${at(s.min)}–${at(s.max)})`;
}

/** What happened, in clock time: each variant's breach of each SLA, then the real incidents of the reference's first replication. */
export function narrative(doc: ResultsDocument): string {
  const out: string[] = [];
  const slas = slaNames(doc);
  for (const sla of slas) {
    const lines: string[] = [];
    for (const v of doc.variants) {
      const minutes = slaMetric(doc, sla, 'breach_minutes');
      const first = slaMetric(doc, sla, 'first_breach');
      const mins = minutes === undefined ? undefined : v.metrics[minutes];
      const from = firstBreach(doc, v, sla);
      if (mins === undefined || mins.n === 0) continue;
      const withBreach = (first === undefined ? undefined : v.metrics[first]?.n) ?? 0;
      if (from === null || mins.mean === 0) {
        lines.push(`<li><strong>${escapeHtml(v.name)}</strong>: no breach in ${mins.n} replications</li>`);
        continue;
      }
      const ci = mins.n >= 2 && Number.isFinite(mins.ci95[0]) ? ` (95 % CI ${mins.ci95[0].toFixed(0)}–${mins.ci95[1].toFixed(0)})` : '';
      lines.push(`<li><strong>${escapeHtml(v.name)}</strong>: breached ${from} for ${Number(mins.mean.toPrecision(3))} min${ci} on average, in ${withBreach} of ${mins.n} replications</li>`);
    }
    if (lines.length > 0) out.push(`<p><strong>${escapeHtml(sla)}</strong> latency objective:</p><ul>${lines.join('')}</ul>`);
  }
  const ref = reference(doc);
  const real = realIncidents(doc).filter((i) => i.priority === 'P1' || i.priority === 'P2').slice(0, 8);
  if (ref !== undefined && real.length > 0) {
    const at = (x: number | null): string => (x === null ? 'never' : clockTime(x, doc.horizonSeconds));
    const items = real.map(
      (i) =>
        `<li>${at(i.raisedAt)} <strong>${escapeHtml(i.type)}</strong> (${i.priority}, ${escapeHtml(i.cause)}): detected ${at(i.detectedAt)}, ${i.resolvedAt === null ? 'not resolved by the end' : `resolved ${at(i.resolvedAt)} by ${escapeHtml(i.resolvedBy ?? '?')}`}${i.resolutionBreached ? ', <span class="bad">resolution target missed</span>' : ''}</li>`,
    );
    const alarms = ref.sampleIncidents.filter((i) => i.cause === FALSE_ALARM_CAUSE).length;
    out.push(`<p>P1/P2 incidents in replication 1 of ${escapeHtml(ref.name)}${alarms > 0 ? ` (besides ${alarms} false alarm${alarms === 1 ? '' : 's'})` : ''}:</p><ul>${items.join('')}</ul>`);
  }
  return out.join('\n');
}

type Warning = NonNullable<ResultsDocument['warnings']>[number];

/** The warning kinds, most important first, each with what it tells a planner (docs/results-format.md, "Intervals and warnings"). */
const WARNING_KINDS: Record<Warning['kind'], { order: number; title: string; means: string }> = {
  'small-n': { order: 0, title: 'few replications', means: 'fewer than 5 replications: every interval of the variant is rough' },
  imprecise: { order: 1, title: 'imprecise', means: 'a key figure whose 95 % interval is wider than the precision target' },
  clipped: { order: 2, title: 'clipped interval', means: 'a t interval reached past the possible values and was cut to them' },
  'never-occurred': { order: 3, title: 'never occurred', means: '0 in every replication of every variant: an answer that depends on it rests on zero observations' },
  'never-observed': { order: 4, title: 'never observed', means: 'no replication of any variant observed it: an answer about it rests on zero observations' },
};

/**
 * What a warning kind tells a planner; a kind this build does not know (a document from a
 * later opsim) is shown under its own name, after the known ones, rather than failing the report.
 */
function kindAbout(kind: string): { order: number; title: string; means: string } {
  return (WARNING_KINDS as Record<string, { order: number; title: string; means: string } | undefined>)[kind] ?? { order: 99, title: kind, means: 'a kind of warning this version of opsim does not describe' };
}

/** "base, alert-1s and 3 more" for the variants a group of warnings names (in document order). */
function variantList(doc: ResultsDocument, ws: readonly Warning[]): string {
  const names = doc.variants.map((v) => v.name).filter((n) => ws.some((w) => w.variant === n));
  if (names.length === 0) return '';
  const all = doc.variants.length;
  if (names.length === all && all > 2) return `all ${all} variants`;
  const missing = doc.variants.map((v) => v.name).filter((n) => !names.includes(n));
  if (names.length > 3 && missing.length <= 2) return `all but ${missing.join(', ')}`;
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

/**
 * One kind of warning, grouped: how many, on how many metrics and variants, what the kind
 * means, its first and last message, then each metric once (label, name, how many variants),
 * with every message of the kind folded underneath.
 */
function warningKindHtml(doc: ResultsDocument, kind: Warning['kind'], ws: readonly Warning[]): string {
  const about = kindAbout(kind);
  const byMetric = new Map<string, Warning[]>();
  for (const w of ws) {
    const key = w.metric ?? '';
    byMetric.set(key, [...(byMetric.get(key) ?? []), w]);
  }
  const metrics = [...byMetric.keys()].filter((m) => m !== '');
  const variants = variantList(doc, ws);
  const scope = [metrics.length > 0 ? `${metrics.length} metric${metrics.length === 1 ? '' : 's'}` : '', variants].filter((x) => x !== '').join(', ');
  const head = `<p><strong>${ws.length} ${escapeHtml(about.title)}</strong>${scope !== '' ? ` (${escapeHtml(scope)})` : ''}: ${escapeHtml(about.means)}.</p>`;
  const first = ws[0]!.message;
  const last = ws[ws.length - 1]!.message;
  const examples = ws.length === 1 ? `<p class="meta">${escapeHtml(first)}</p>` : `<p class="meta">First: ${escapeHtml(first)}<br>Last: ${escapeHtml(last)}</p>`;
  const items = metrics.map((m) => {
    const group = byMetric.get(m)!;
    const label = labelOf(doc, m);
    const name = label === m ? `<code>${escapeHtml(m)}</code>` : `${escapeHtml(label)} <code class="name">${escapeHtml(m)}</code>`;
    // Which variants, when not all of them (the kind's line says so once).
    const everyVariant = doc.variants.every((v) => group.some((w) => w.variant === v.name));
    const on = everyVariant ? '' : variantList(doc, group);
    return `<li>${name}${group.length > 1 ? ` ×${group.length}` : ''}${on !== '' ? ` <span class="meta">(${escapeHtml(on)})</span>` : ''}</li>`;
  });
  const list = items.length > 1 ? `<ul class="wmetrics">${items.join('')}</ul>` : '';
  const all = ws.length > 2 ? `<details><summary>all ${ws.length} messages</summary><ul>${ws.map((w) => `<li>${escapeHtml(w.message)}</li>`).join('')}</ul></details>` : '';
  return `<div class="wkind" data-kind="${escapeHtml(kind)}">${head}${examples}${list}${all}</div>`;
}

/**
 * The document's warnings, folded: the fold's title counts them by kind, and inside each kind
 * is grouped (count, metrics and variants concerned, first and last message), so a hundred
 * repetitive lines read as a few statements; every message stays one click away.
 */
export function warningsHtml(doc: ResultsDocument): string {
  const w = doc.warnings ?? [];
  if (w.length === 0) return '';
  const kinds = [...new Set(w.map((x) => x.kind))].sort((a, b) => kindAbout(a).order - kindAbout(b).order);
  const groups = kinds.map((k) => ({ kind: k, list: w.filter((x) => x.kind === k) }));
  const counts = groups.map((g) => `${g.list.length} ${kindAbout(g.kind).title}`).join(', ');
  return `<details class="warnings"><summary>${w.length} warning${w.length === 1 ? '' : 's'} about these figures: ${escapeHtml(counts)}</summary>${groups.map((g) => warningKindHtml(doc, g.kind, g.list)).join('')}</details>`;
}

/** Whether a paired comparison is worth showing by default: significant (interval excludes 0) or about a key metric. */
export function notableComparison(doc: ResultsDocument, c: ResultsDocument['comparisons'][number], key: ReadonlySet<string>): boolean {
  const sig = Number.isFinite(c.ci95[0]) && (c.ci95[0] > 0 || c.ci95[1] < 0);
  return sig || key.has(c.metric);
}
