/** Numbers and durations as the fragment and the fit report write them. */

/** Four significant digits, no exponent for everyday magnitudes. */
export function sig(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return String(Number(x.toPrecision(digits)));
}

/** A duration in seconds as a scenario duration with a readable unit, e.g. "13.16d", "42.5m". */
export function duration(seconds: number): string {
  const a = Math.abs(seconds);
  if (a < 120) return `${sig(seconds)}s`;
  if (a < 7200) return `${sig(seconds / 60)}m`;
  if (a < 172800) return `${sig(seconds / 3600)}h`;
  return `${sig(seconds / 86400)}d`;
}

/** "lower–upper" of an interval in duration units. */
export function durationRange(e: { lower: number; upper: number }): string {
  return Number.isFinite(e.lower) && Number.isFinite(e.upper) ? `${duration(e.lower)}–${duration(e.upper)}` : 'no interval (information matrix singular)';
}

/** "lower–upper" of an interval of plain numbers. */
export function range(e: { lower: number; upper: number }): string {
  return Number.isFinite(e.lower) && Number.isFinite(e.upper) ? `${sig(e.lower, 3)}–${sig(e.upper, 3)}` : 'no interval';
}

/** A percentage with one decimal. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
