/**
 * Arrival profile: the rate by hour of day (and day of week when the data cover at least two
 * weeks), fitted as a Poisson model rate = base × daily[hour] × weekly[day] with the exposure
 * of every hour of the week counted, so a window that starts on a Monday afternoon does not
 * bias the Monday figure. Hours are grouped into coarser blocks when the data are too few for
 * hourly multipliers, and the hourly counts are tested for over-dispersion against Poisson.
 */
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { rateInterval } from './intervals.js';
import type { Estimate } from './mle.js';

const HOUR = 3_600_000;
/** Block widths (hours) tried, finest first; each divides 24. */
const BLOCKS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/** Options of fitArrivals. */
export interface ArrivalOptions {
  /** Fewest arrivals in every block of the daily profile (default 10). */
  minPerBlock?: number;
  /** Fewest days covered for weekly multipliers (default 14: two of each weekday). */
  minDaysForWeekly?: number;
  /** Window to count in, ms [start, end); default: the hours from the first to the last arrival. */
  window?: { start: number; end: number };
}

/** The fitted arrival profile. */
export interface ArrivalProfile {
  /** Window counted, ms, on whole hours. */
  start: number;
  end: number;
  hours: number;
  count: number;
  /** Mean rate per hour with its exact interval. */
  ratePerHour: Estimate;
  /** Hours per block of the daily profile (1 = hourly). */
  block: number;
  /** 24 multipliers of the mean rate, hour 0 first (equal within a block), each with its interval. */
  daily: Estimate[];
  /** 7 multipliers, Monday first, or null when the window is too short. */
  weekly: Estimate[] | null;
  /** Why the profile is as coarse as it is. */
  notes: string[];
  /** Arrivals per hour of the window, in order (for the dispersion test, plots and holdout). */
  hourly: number[];
  /** Observed arrivals and exposure (hours) per hour of day. */
  byHourOfDay: { count: number; exposure: number }[];
  dispersion: { statistic: number; df: number; ratio: number; pValue: number; overdispersed: boolean };
}

/** Fits the arrival profile to opening times (ms). */
export function fitArrivals(times: readonly number[], opts: ArrivalOptions = {}): ArrivalProfile {
  if (times.length === 0) throw new Error('fitArrivals: no arrivals');
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of times) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const start = opts.window?.start ?? Math.floor(lo / HOUR) * HOUR;
  const end = opts.window?.end ?? Math.floor(hi / HOUR) * HOUR + HOUR;
  const hours = Math.round((end - start) / HOUR);
  const hourly = new Array<number>(hours).fill(0);
  for (const t of times) {
    const i = Math.floor((t - start) / HOUR);
    if (i >= 0 && i < hours) hourly[i]!++;
  }
  const count = hourly.reduce((a, b) => a + b, 0);
  // Hour of day and weekday (0 = Monday) of each hour of the window.
  const hod = new Int8Array(hours);
  const dow = new Int8Array(hours);
  for (let i = 0; i < hours; i++) {
    const d = new Date(start + i * HOUR);
    hod[i] = d.getUTCHours();
    dow[i] = (d.getUTCDay() + 6) % 7;
  }
  const notes: string[] = [];
  const days = hours / 24;
  const minDays = opts.minDaysForWeekly ?? 14;
  const useWeekly = days >= minDays;
  if (!useWeekly) notes.push(`weekly multipliers left out: ${days.toFixed(1)} days of data, fewer than ${minDays} (two of each weekday)`);

  const byHourOfDay = Array.from({ length: 24 }, () => ({ count: 0, exposure: 0 }));
  for (let i = 0; i < hours; i++) {
    byHourOfDay[hod[i]!]!.count += hourly[i]!;
    byHourOfDay[hod[i]!]!.exposure += 1;
  }
  const minPerBlock = opts.minPerBlock ?? 10;
  let block = 24;
  for (const b of BLOCKS) {
    let ok = true;
    for (let s = 0; s < 24; s += b) {
      let c = 0;
      for (let h = s; h < s + b; h++) c += byHourOfDay[h]!.count;
      if (c < minPerBlock) ok = false;
    }
    if (ok) {
      block = b;
      break;
    }
  }
  if (block > 1) notes.push(`daily profile in ${block}-hour blocks: hourly cells would hold fewer than ${minPerBlock} arrivals`);
  const blockOf = (h: number): number => Math.floor(h / block);
  const nBlocks = 24 / block;

  // Raking (iterative proportional fitting) of the Poisson main-effects model.
  const base = count / hours;
  const dmult = new Array<number>(nBlocks).fill(1);
  const wmult = new Array<number>(7).fill(1);
  const nB = new Array<number>(nBlocks).fill(0);
  const nW = new Array<number>(7).fill(0);
  for (let i = 0; i < hours; i++) {
    nB[blockOf(hod[i]!)]! += hourly[i]!;
    nW[dow[i]!]! += hourly[i]!;
  }
  for (let it = 0; it < (useWeekly ? 100 : 1); it++) {
    const eB = new Array<number>(nBlocks).fill(0);
    for (let i = 0; i < hours; i++) eB[blockOf(hod[i]!)]! += base * wmult[dow[i]!]!;
    for (let b = 0; b < nBlocks; b++) dmult[b] = eB[b]! > 0 ? nB[b]! / eB[b]! : 1;
    if (!useWeekly) break;
    const eW = new Array<number>(7).fill(0);
    for (let i = 0; i < hours; i++) eW[dow[i]!]! += base * dmult[blockOf(hod[i]!)]!;
    for (let d = 0; d < 7; d++) wmult[d] = eW[d]! > 0 ? nW[d]! / eW[d]! : 1;
  }
  // Normalise: mean of the 24 hourly multipliers and of the 7 weekday multipliers is 1, so
  // base stays the mean rate over a whole week.
  const dm = dmult.reduce((a, b) => a + b, 0) / nBlocks;
  const wm = wmult.reduce((a, b) => a + b, 0) / 7;
  const expo = new Array<number>(nBlocks).fill(0);
  for (let i = 0; i < hours; i++) expo[blockOf(hod[i]!)]! += useWeekly ? wmult[dow[i]!]! / wm : 1;
  const dailyBlocks = dmult.map((_, b) => {
    const r = rateInterval(nB[b]!, expo[b]!);
    return { value: r.value / base / dm, lower: r.lower / base / dm, upper: r.upper / base / dm };
  });
  const daily = Array.from({ length: 24 }, (_, h) => dailyBlocks[blockOf(h)]!);
  let weekly: Estimate[] | null = null;
  if (useWeekly) {
    const wexpo = new Array<number>(7).fill(0);
    for (let i = 0; i < hours; i++) wexpo[dow[i]!]! += dmult[blockOf(hod[i]!)]! / dm;
    weekly = wmult.map((_, d) => {
      const r = rateInterval(nW[d]!, wexpo[d]!);
      return { value: r.value / base / wm, lower: r.lower / base / wm, upper: r.upper / base / wm };
    });
  }
  // Pearson chi-square of the hourly counts against the fitted profile.
  let x2 = 0;
  for (let i = 0; i < hours; i++) {
    const e = base * dmult[blockOf(hod[i]!)]! * (useWeekly ? wmult[dow[i]!]! : 1);
    if (e > 0) x2 += (hourly[i]! - e) ** 2 / e;
  }
  const df = Math.max(1, hours - nBlocks - (useWeekly ? 6 : 0));
  const pValue = 1 - chisqCdf(x2, df);
  const dispersion = { statistic: x2, df, ratio: x2 / df, pValue, overdispersed: pValue < 0.05 };
  if (dispersion.overdispersed) {
    notes.push(`over-dispersed against Poisson (Pearson χ²/df = ${dispersion.ratio.toFixed(2)}, ${pValue < 1e-4 ? 'p < 0.0001' : `p = ${pValue.toPrecision(2)}`}): hourly counts swing more than the simulation's Poisson arrivals will`);
  }
  return { start, end, hours, count, ratePerHour: rateInterval(count, hours), block, daily, weekly, notes, hourly, byHourOfDay, dispersion };
}
