/**
 * Vega-Lite charts of the fit report: the Kaplan–Meier survival curve with its band against
 * every fitted family, a QQ plot of the chosen family, and the arrival rate by hour of day.
 * Specs embed their data, as src/report's do, and are rendered to SVG by the same renderer.
 */
import type { Json, VegaLiteSpec } from '../report/charts.js';
import type { ArrivalProfile } from './arrivals.js';
import type { DurationFit } from './durations.js';
import { FAMILY } from './families.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const CONFIG: Json = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' },
};
const HOURS = 3600;
const FAMILY_COLOURS = { domain: ['Kaplan–Meier', 'exponential', 'lognormal', 'weibull', 'gamma'], range: ['#222222', '#9e9e9e', '#1f77b4', '#d62728', '#2ca02c'] };

/** At most `max` evenly spaced items (first and last kept). */
function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]!);
  return out;
}

/** Survival curve: Kaplan–Meier with its 95 % band against the fitted families (time on a log axis, in hours). */
export function survivalChart(title: string, fit: DurationFit): VegaLiteSpec {
  const km = thin(fit.km, 400);
  const tmin = Math.max(km[0]?.t ?? 1, 1);
  const tmax = km[km.length - 1]?.t ?? tmin * 10;
  const kmRows: Json[] = [{ h: tmin / HOURS, s: 1, lo: 1, hi: 1, series: 'Kaplan–Meier' }, ...km.map((k) => ({ h: k.t / HOURS, s: k.survival, lo: k.lower, hi: k.upper, series: 'Kaplan–Meier' }))];
  const curves: Json[] = [];
  for (const f of fit.fits) {
    const fam = FAMILY[f.family];
    for (let i = 0; i <= 80; i++) {
      const t = tmin * Math.pow(tmax / tmin, i / 80);
      curves.push({ h: t / HOURS, s: 1 - fam.cdf(t, f.phi), series: f.family });
    }
  }
  const x = { field: 'h', type: 'quantitative', title: 'time to resolve (hours, log scale)', scale: { type: 'log' } };
  const colour = { field: 'series', type: 'nominal', title: null, scale: FAMILY_COLOURS };
  return {
    $schema: SCHEMA,
    title,
    width: 600,
    height: 240,
    config: CONFIG,
    layer: [
      { data: { values: kmRows }, mark: { type: 'area', interpolate: 'step-after', opacity: 0.18, color: '#222' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'share still open', scale: { domain: [0, 1] } }, y2: { field: 'hi' } } },
      { data: { values: kmRows }, mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 }, encoding: { x, y: { field: 's', type: 'quantitative' }, color: colour } },
      { data: { values: curves }, mark: { type: 'line', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x, y: { field: 's', type: 'quantitative' }, color: colour } },
    ],
  };
}

/** QQ plot of the chosen family: its quantiles at the Kaplan–Meier probabilities against the observed times (log–log). */
export function qqChart(title: string, fit: DurationFit): VegaLiteSpec | null {
  const best = fit.fits[0];
  if (best === undefined) return null;
  const fam = FAMILY[best.family];
  const rows: Json[] = [];
  let prev = 1;
  for (const k of fit.km) {
    const p = 1 - (prev + k.survival) / 2;
    prev = k.survival;
    const q = fam.quantile(p, best.phi);
    if (Number.isFinite(q) && q > 0) rows.push({ fitted: q / HOURS, observed: k.t / HOURS });
  }
  const pts = thin(rows, 400);
  const all = pts.flatMap((r) => [(r as { fitted: number }).fitted, (r as { observed: number }).observed]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const axis = (field: string, t: string) => ({ field, type: 'quantitative', title: t, scale: { type: 'log', domain: [lo, hi] } });
  return {
    $schema: SCHEMA,
    title,
    width: 300,
    height: 300,
    config: CONFIG,
    layer: [
      { data: { values: [{ fitted: lo, observed: lo }, { fitted: hi, observed: hi }] }, mark: { type: 'line', color: '#9e9e9e', strokeDash: [4, 3] }, encoding: { x: axis('fitted', `${best.family} quantile (hours)`), y: axis('observed', 'observed (hours)') } },
      { data: { values: pts }, mark: { type: 'point', filled: true, size: 16, color: '#d62728' }, encoding: { x: axis('fitted', `${best.family} quantile (hours)`), y: axis('observed', 'observed (hours)') } },
    ],
  };
}

/** Arrivals per hour by hour of day: observed rate and the fitted profile with its 95 % band. */
export function arrivalChart(a: ArrivalProfile): VegaLiteSpec {
  const rows: Json[] = a.byHourOfDay.map((b, h) => ({
    hour: h,
    observed: b.exposure > 0 ? b.count / b.exposure : 0,
    fitted: a.ratePerHour.value * a.daily[h]!.value,
    lo: a.ratePerHour.value * a.daily[h]!.lower,
    hi: a.ratePerHour.value * a.daily[h]!.upper,
  }));
  const x = { field: 'hour', type: 'ordinal', title: 'hour of day' };
  return {
    $schema: SCHEMA,
    title: 'Arrivals per hour by hour of day',
    width: 600,
    height: 220,
    config: CONFIG,
    data: { values: rows },
    layer: [
      { mark: { type: 'bar', color: '#c6dbef' }, encoding: { x, y: { field: 'observed', type: 'quantitative', title: 'incidents per hour' } } },
      { mark: { type: 'rule', color: '#1f77b4' }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      { mark: { type: 'line', color: '#1f77b4', point: true, interpolate: 'step' }, encoding: { x, y: { field: 'fitted', type: 'quantitative' } } },
    ],
  };
}
