/**
 * Kaplan–Meier estimate of the survival curve of right-censored durations, with Greenwood's
 * variance and a log(−log) 95 % band (which, unlike the plain Wald band, stays inside [0, 1]).
 */
import type { DurationSample } from './sample.js';

/** One step of the Kaplan–Meier curve: S(t) just after time t. */
export interface KmStep {
  t: number;
  survival: number;
  lower: number;
  upper: number;
  atRisk: number;
  events: number;
}

/** The Kaplan–Meier steps at every distinct event time, in increasing time. */
export function kaplanMeier(s: DurationSample): KmStep[] {
  const idx = s.times.map((_, i) => i).sort((a, b) => s.times[a]! - s.times[b]! || Number(s.censored[a]) - Number(s.censored[b]));
  let atRisk = idx.length;
  let surv = 1;
  let greenwood = 0;
  const steps: KmStep[] = [];
  let i = 0;
  while (i < idx.length) {
    const t = s.times[idx[i]!]!;
    let d = 0;
    let c = 0;
    while (i < idx.length && s.times[idx[i]!] === t) {
      if (s.censored[idx[i]!]) c++;
      else d++;
      i++;
    }
    if (d > 0) {
      surv *= 1 - d / atRisk;
      if (atRisk > d) greenwood += d / (atRisk * (atRisk - d));
      const band = logLogBand(surv, greenwood);
      steps.push({ t, survival: surv, lower: band[0], upper: band[1], atRisk, events: d });
    }
    atRisk -= d + c;
  }
  return steps;
}

function logLogBand(surv: number, greenwood: number): [number, number] {
  if (surv <= 0 || surv >= 1) return [surv, surv];
  const ll = Math.log(-Math.log(surv));
  const se = Math.sqrt(greenwood) / Math.abs(Math.log(surv));
  return [Math.exp(-Math.exp(ll + 1.96 * se)), Math.exp(-Math.exp(ll - 1.96 * se))];
}

/** The Kaplan–Meier estimate of the p-quantile: the first time S falls to 1 − p or below (null if never). */
export function kmQuantile(steps: readonly KmStep[], p: number): number | null {
  for (const s of steps) if (s.survival <= 1 - p + 1e-12) return s.t;
  return null;
}
