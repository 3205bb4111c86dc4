/**
 * Validation of a calibration: the latest share of the incidents (by opening time) is kept
 * aside, the rest is fitted, the fitted fragment is run as a scenario (runExperiment), and the
 * held-out data are compared with what the simulation predicts: arrivals per block of hours
 * of the day, and the median and 95th percentile of the time to resolve.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import { runExperiment } from '../experiment/run.js';
import { loadScenarioText, ScenarioLoadError } from '../scenario/index.js';
import { kaplanMeier, type KmStep } from './kaplan-meier.js';
import { fitIncidents, resolutionSample, type IncidentFit, type IncidentFitOptions } from './incident-fit.js';
import type { IncidentExport } from './incident-export.js';
import { incidentFragment, RESOLUTION_SERVICE } from './fragment.js';
import { duration, sig } from './format.js';
import { RESPONSE_TIME_TOP } from '../models/services/histogram.js';

const HOUR = 3_600_000;
/** The top of opsim's response-time histogram (2^32 s), above the longest horizon a scenario may have. */
const HISTOGRAM_TOP = RESPONSE_TIME_TOP;

/** One comparison of held-out data with the simulation. */
export interface HoldoutCheck {
  what: string;
  heldOut: string;
  simulated: string;
  /** null when the comparison cannot be made (and `note` says why). */
  within: boolean | null;
  note: string;
}

/** The outcome of a holdout validation. */
export interface HoldoutReport {
  fraction: number;
  trainIncidents: number;
  heldOutIncidents: number;
  /** Opening time (ms) of the first held-out incident. */
  splitAt: number;
  replications: number;
  checks: HoldoutCheck[];
  summary: string;
}

/** Options of holdoutValidation. */
export interface HoldoutOptions extends IncidentFitOptions {
  /** Replications of the fitted scenario (default 10). */
  replications?: number;
  /** Worker threads (default 0: in-process). */
  workers?: number;
  seed?: string;
}

/** 2.5 % and 97.5 % points of a Poisson count with mean mu. */
export function poissonRange(mu: number): [number, number] {
  // P(N ≤ k) = Q(k + 1, mu), the regularised upper incomplete gamma function.
  const cdf = (k: number): number => gammainc(mu, k + 1, true, true);
  let k = Math.max(0, Math.floor(mu - 10 * Math.sqrt(mu) - 10));
  while (cdf(k) < 0.025) k++;
  const lo = k;
  while (cdf(k) < 0.975) k++;
  return [lo, k];
}

/** Brookmeyer–Crowley style interval of a Kaplan–Meier quantile, read off the 95 % band. */
export function kmQuantileInterval(km: readonly KmStep[], p: number): { value: number | null; lower: number | null; upper: number | null } {
  const first = (f: (s: KmStep) => number): number | null => km.find((s) => f(s) <= 1 - p + 1e-12)?.t ?? null;
  return { value: first((s) => s.survival), lower: first((s) => s.lower), upper: first((s) => s.upper) };
}

/** Splits, fits, simulates and compares. Returns the training fit and the report. */
export async function holdoutValidation(exp: IncidentExport, fraction: number, opts: HoldoutOptions = {}): Promise<{ train: IncidentFit; report: HoldoutReport; fragment: string }> {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`holdout fraction must be between 0 and 1, got ${fraction}`);
  const sorted = [...exp.incidents].sort((a, b) => a.openedAt - b.openedAt);
  const k = Math.floor(sorted.length * (1 - fraction));
  if (k < 2 || sorted.length - k < 2) throw new RangeError(`holdout: ${sorted.length} incidents are too few to keep ${Math.round(fraction * 100)} % aside`);
  // The split falls on a whole hour, so arrival counts on each side cover whole hours.
  const splitAt = Math.floor(sorted[k]!.openedAt / HOUR) * HOUR;
  const train = sorted.filter((i) => i.openedAt < splitAt);
  const held = sorted.filter((i) => i.openedAt >= splitAt);
  const asOf = opts.asOf ?? exp.latest;
  const fit = fitIncidents({ ...exp, incidents: train }, { ...opts, asOf, window: { start: Math.floor(sorted[0]!.openedAt / HOUR) * HOUR, end: splitAt } });
  const fragment = incidentFragment(fit, { name: 'fitted-incidents-holdout' });
  const loaded = loadScenarioText(fragment, { file: 'holdout-fragment.yaml' });
  if (!loaded.ok) throw new ScenarioLoadError(loaded.errors);
  const replications = opts.replications ?? 10;
  const doc = await runExperiment({ raw: loaded.raw, file: null, hash: loaded.hash }, { replications, workers: opts.workers ?? 0, seed: opts.seed ?? 'holdout' });
  const v = doc.variants[0]!;
  if (v.series === null) throw new Error('holdout: the simulation recorded no series');
  const col = v.series.columns.indexOf(`${RESOLUTION_SERVICE}.arrivals`);
  // Simulated mean arrivals per hour, by hour of day, after the warm-up.
  const simRate = new Array<number>(24).fill(0);
  const simN = new Array<number>(24).fill(0);
  for (const row of v.series.mean) {
    const t = row[0]!;
    const r = row[col];
    if (t === null || t < doc.warmupSeconds || r === null || r === undefined) continue;
    const h = Math.floor(t / 3600) % 24;
    simRate[h]! += r * 3600;
    simN[h]!++;
  }
  // Held-out arrivals and exposure by block of hours (the training fit's block, at least 3 h, so counts are not tiny).
  const end = Math.floor(held[held.length - 1]!.openedAt / HOUR) * HOUR + HOUR;
  const block = Math.max(fit.arrivals.block, 3);
  const checks: HoldoutCheck[] = [];
  const nBlocks = 24 / block;
  const obs = new Array<number>(nBlocks).fill(0);
  const expected = new Array<number>(nBlocks).fill(0);
  const exposure = new Array<number>(nBlocks).fill(0);
  for (const i of held) obs[Math.floor(new Date(i.openedAt).getUTCHours() / block)]!++;
  for (let t = splitAt; t < end; t += HOUR) {
    const h = new Date(t).getUTCHours();
    expected[Math.floor(h / block)]! += simN[h]! > 0 ? simRate[h]! / simN[h]! : 0;
    exposure[Math.floor(h / block)]!++;
  }
  let misses = 0;
  for (let b = 0; b < nBlocks; b++) {
    // Hours of the day the held-out window does not cover say nothing.
    if (exposure[b] === 0) continue;
    const [lo, hi] = poissonRange(expected[b]!);
    const within = obs[b]! >= lo && obs[b]! <= hi;
    if (!within) misses++;
    const from = String(b * block).padStart(2, '0');
    const to = String((b + 1) * block).padStart(2, '0');
    checks.push({ what: `arrivals ${from}:00–${to}:00`, heldOut: String(obs[b]), simulated: `${sig(expected[b]!, 3)} (95 %: ${lo}–${hi})`, within, note: `${exposure[b]} held-out hour${exposure[b] === 1 ? "" : "s"}; Poisson range around the simulated mean` });
  }
  const totalExp = expected.reduce((x, y) => x + y, 0);
  const [tlo, thi] = poissonRange(totalExp);
  checks.push({ what: 'arrivals, all held-out hours', heldOut: String(held.length), simulated: `${sig(totalExp, 3)} (95 %: ${tlo}–${thi})`, within: held.length >= tlo && held.length <= thi, note: `${(end - splitAt) / HOUR} hours` });
  // Resolution quantiles of the held-out incidents against the simulated station's.
  const km = kaplanMeier(resolutionSample(held, asOf, opts.timeResolution ?? 60));
  for (const [p, metric] of [
    [0.5, 'p50'],
    [0.95, 'p95'],
  ] as const) {
    const q = kmQuantileInterval(km, p);
    const m = v.metrics[`service.${RESOLUTION_SERVICE}.response_time.${metric}`];
    const sim = m?.mean ?? NaN;
    const heldOut = q.value === null ? 'not reached' : `${duration(q.value)} (95 %: ${q.lower !== null ? duration(q.lower) : '?'}–${q.upper !== null ? duration(q.upper) : 'not reached'})`;
    let within: boolean | null = null;
    let note = 'simulated: mean over replications; held out: Kaplan–Meier quantile and its band';
    if (q.value === null || q.lower === null) note = 'held-out curve does not reach this quantile';
    else if (q.value >= HISTOGRAM_TOP) note = `beyond ${duration(HISTOGRAM_TOP)}, the top of opsim's response-time histogram: not compared`;
    else within = sim >= q.lower && (q.upper === null || sim <= q.upper);
    checks.push({ what: `time to resolve, ${metric}`, heldOut, simulated: Number.isFinite(sim) ? duration(sim) : 'none', within, note });
  }
  const judged = checks.filter((c) => c.within !== null);
  const outside = judged.filter((c) => c.within === false).length;
  const summary =
    `Fitted on the first ${train.length} incidents (opened before ${new Date(splitAt).toISOString().slice(0, 16)}Z), ${held.length} held out; ` +
    `the fitted fragment ran ${replications} replications of ${duration(doc.horizonSeconds)} (warm-up ${duration(doc.warmupSeconds)}). ` +
    `${judged.length - outside} of ${judged.length} checks within the simulation's 95 % ranges (about ${sig(0.05 * judged.length, 2)} outside expected by chance)` +
    `${misses > 0 ? `; ${misses} arrival block(s) outside` : ''}.`;
  return { train: fit, fragment, report: { fraction, trainIncidents: train.length, heldOutIncidents: held.length, splitAt, replications, checks, summary } };
}
