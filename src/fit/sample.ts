/**
 * A sample of durations (seconds), some of them right-censored: an incident still open when
 * the export was taken contributes "at least this long", not a resolution time.
 */
export interface DurationSample {
  /** Durations in seconds, > 0. */
  readonly times: readonly number[];
  /** censored[i] is true when times[i] is only a lower bound (still open at the end). */
  readonly censored: readonly boolean[];
}

/** Number of observed (uncensored) durations. */
export function eventCount(s: DurationSample): number {
  let d = 0;
  for (const c of s.censored) if (!c) d++;
  return d;
}

/** Mean and sd of the uncensored times and of their logs: starting points for the fits. */
export function moments(s: DurationSample): { mean: number; sd: number; logMean: number; logSd: number } {
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  let lsum = 0;
  let lsum2 = 0;
  s.times.forEach((t, i) => {
    if (s.censored[i]) return;
    n++;
    sum += t;
    sum2 += t * t;
    const l = Math.log(t);
    lsum += l;
    lsum2 += l * l;
  });
  const mean = sum / n;
  const logMean = lsum / n;
  return {
    mean,
    sd: Math.sqrt(Math.max(sum2 / n - mean * mean, 0)),
    logMean,
    logSd: Math.sqrt(Math.max(lsum2 / n - logMean * logMean, 0)),
  };
}
