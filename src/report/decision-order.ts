/**
 * The decision order: which policy a planner should look at first. One rule, read by the report's
 * decision table (and its metric tables' columns) and by `opsim run`'s terminal summary, so both
 * name the same winner. Kept apart from decision.ts (which renders HTML) and light to import: the
 * summary is printed on the one-replication run path.
 */
import type { DecisionOrderRecord, ResultsDocument, VariantResults } from '../results/format.js';
import { slaMetrics, type SlaMetrics } from '../results/metrics.js';

/** Per SLA or target name, the metrics of its verdict by role. */
export type SlaIndex = ReadonlyMap<string, SlaMetrics>;

/** The SLA index of a document's own catalog (complete for a document this build wrote; the report completes older ones). */
export function ownSlaIndex(doc: ResultsDocument): SlaIndex {
  return slaMetrics(doc.metrics ?? {});
}

/**
 * The SLAs and targets the document judges: its stated SLA bases, then every other verdict with
 * a `met` role in the catalog (a request class's service-level target; every SLA when the
 * document states no bases), by name.
 */
export function judgedNames(doc: ResultsDocument, index: SlaIndex): string[] {
  const stated = (doc.slas ?? []).map((b) => b.name);
  const others = [...index].filter(([name, roles]) => roles.met !== undefined && !stated.includes(name)).map(([name]) => name).sort();
  return [...stated, ...others];
}

/** A variant's P(met) of one SLA or target (undefined when it has no judged replication). */
export function metProbability(v: VariantResults, met: string | undefined): NonNullable<VariantResults['slaProbabilities']>[number] | undefined {
  const p = met === undefined ? undefined : v.slaProbabilities?.find((x) => x.metric === met);
  return p === undefined || p.n === 0 ? undefined : p;
}

/** Where the P(met) bands begin: high from 0.90 (met in at least 9 replications of 10), low up to 0.50 (in at most half). */
export const MET_BANDS = { high: 0.9, low: 0.5 } as const;

/** The band of a P(met), as the report colours it: 0 green (MET_BANDS.high or more), 2 red (MET_BANDS.low or less), 1 amber between. */
export function metBand(p: number): 0 | 1 | 2 {
  return p >= MET_BANDS.high ? 0 : p <= MET_BANDS.low ? 2 : 1;
}

/** A variant's worst band over the SLAs and targets it was judged on (0 when judged on none). */
function verdictBand(v: VariantResults, mets: readonly (string | undefined)[]): number {
  let worst = 0;
  for (const m of mets) {
    const p = metProbability(v, m);
    if (p !== undefined) worst = Math.max(worst, metBand(p.p));
  }
  return worst;
}

/** The variants in decision order, and whether some P(met) decided it (else it is the document's ranking alone). */
export interface DecisionOrder {
  variants: VariantResults[];
  /** True when the variants were judged on some SLA or target, so the P(met) band comes before the rank metric. */
  byVerdict: boolean;
}

/**
 * The variants, best first. A policy that misses an SLA or service-level target is never ranked
 * above one that meets it: variants go first by their worst P(met) band over the SLAs and targets
 * (≥ 0.90, between, ≤ 0.50), then by the document's ranking (its rank metric, e.g. cost.total),
 * unranked ones last, then in document order. results.json's `ranking` stays by its metric alone.
 */
export function decisionOrder(doc: ResultsDocument, index: SlaIndex = ownSlaIndex(doc)): DecisionOrder {
  const rank = new Map((doc.ranking?.order ?? []).map((o) => [o.variant, o.rank]));
  const mets = judgedNames(doc, index).map((s) => index.get(s)?.met);
  const band = new Map(doc.variants.map((v) => [v.name, verdictBand(v, mets)]));
  const variants = [...doc.variants].sort(
    (a, b) => band.get(a.name)! - band.get(b.name)! || (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity) || doc.variants.indexOf(a) - doc.variants.indexOf(b),
  );
  const byVerdict = doc.variants.some((v) => mets.some((m) => metProbability(v, m) !== undefined));
  return { variants, byVerdict };
}

/** Each ranked variant's place in the decision order (1 = best); variants results.json leaves unranked have none. */
export function decisionRanks(doc: ResultsDocument, order: readonly VariantResults[]): Map<string, number> {
  const ranked = new Set((doc.ranking?.order ?? []).map((o) => o.variant));
  return new Map(order.filter((v) => ranked.has(v.name)).map((v, i) => [v.name, i + 1]));
}

/** results.json's words for metBand's bands (0, 1, 2). */
const BAND_WORDS = ['high', 'middle', 'low'] as const;

/**
 * The decision order as results.json records it (`decisionOrder`, docs/results-format.md): what
 * decisionOrder decided and on what, so a reader (the dashboard, a pipeline) shows the report's
 * order without deciding it again. `index` as for decisionOrder (assembly: the document's own
 * catalog; the server, for a document written before the field: the catalog completed from
 * today's models, as report.html reads it).
 */
export function decisionOrderRecord(doc: ResultsDocument, index: SlaIndex = ownSlaIndex(doc)): DecisionOrderRecord {
  const { variants, byVerdict } = decisionOrder(doc, index);
  const ranks = decisionRanks(doc, variants);
  const judged = judgedNames(doc, index).flatMap((name) => {
    const metric = index.get(name)?.met;
    return metric === undefined ? [] : [{ name, metric }];
  });
  const order = variants.map((v) => {
    const ps = judged.map((j) => metProbability(v, j.metric)).filter((p) => p !== undefined);
    return { variant: v.name, rank: ranks.get(v.name) ?? null, band: ps.length === 0 ? null : BAND_WORDS[Math.max(...ps.map((p) => metBand(p.p)))]! };
  });
  return { by: byVerdict ? 'verdict' : 'ranking', judged, order };
}

/**
 * The decision order's rule in words, as report.html's decision table and the dashboard say it
 * under the verdict: `judged`, whether any SLA or target is judged (then the P(met) band comes
 * first); `byMetric`, the rank metric as the caller writes it ("Total cost (cost.total, lower is
 * better)", marked up or not).
 */
export function rankRuleWords(judged: boolean, byMetric: string): string {
  return judged
    ? `Rank: variants whose every P(met) above is at least 0.90 first, then those with one between 0.50 and 0.90, then those with one at most 0.50 (a policy that misses its SLA or target never ranks above one that meets it); within each group by ${byMetric}.`
    : `Rank by ${byMetric}.`;
}
