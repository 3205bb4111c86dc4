/**
 * Figures with their units, read from the results document's metric catalog (`doc.metrics`):
 * the report and the dashboard write "47.5 min", "99.89 %", "17:30" and "452,960 (currency)"
 * instead of bare numbers. A metric without a spec (a document written before the catalog)
 * is shown as a plain number: the unit is not guessed from its name.
 */
import type { ResultsDocument } from '../results/format.js';
import type { Unit } from '../results/metrics.js';

const DAY = 86400;

/** A simulated time as a clock time: "17:30" within the first day, "day 3 17:30" after it. */
export function clockTime(seconds: number, horizonSeconds = DAY): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds / 60) * 60;
  const day = Math.floor(s / DAY);
  const rest = s - day * DAY;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  return horizonSeconds > DAY ? `day ${day + 1} ${hh}:${mm}` : `${hh}:${mm}`;
}

/** A duration in seconds in the unit a planner reads it in. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const a = Math.abs(seconds);
  // Zero has no scale: "0 s", not "0 ms" beside "9.46 min" in an interval cut at 0.
  if (a === 0) return '0 s';
  if (a < 1) return `${sig(seconds * 1000)} ms`;
  if (a < 120) return `${sig(seconds)} s`;
  if (a < 2 * 3600) return `${sig(seconds / 60)} min`;
  if (a < 3 * DAY) return `${sig(seconds / 3600)} h`;
  return `${sig(seconds / DAY)} d`;
}

function sig(x: number, digits = 3): string {
  if (x === 0) return '0';
  return String(Number(x.toPrecision(digits)));
}

function grouped(x: number, decimals = 0): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

/** A fraction as a percentage with enough digits to tell 99.9 % from 99.89 %. */
export function percent(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const p = x * 100;
  const d = p > 99 && p < 100 ? 3 : Math.abs(p) < 1 && p !== 0 ? 3 : 1;
  return `${String(Number(p.toFixed(d)))} %`;
}

/** Formats `x` in `unit` (undefined: a plain number). */
export function formatValue(x: number, unit: Unit | undefined, horizonSeconds = DAY): string {
  if (!Number.isFinite(x)) return '—';
  switch (unit) {
    case 'seconds':
      return duration(x);
    case 'minutes':
      return x >= 120 ? `${sig(x / 60)} h` : `${sig(x)} min`;
    case 'hours':
      return `${sig(x)} h`;
    case 'fraction':
      return percent(x);
    case 'count':
      return Math.abs(x) >= 1e4 ? `${sig(x / 1000)} k` : grouped(x, Math.abs(x) < 10 ? 2 : 1);
    case 'per_second':
      return `${sig(x)} /s`;
    case 'watts':
      return Math.abs(x) >= 1000 ? `${sig(x / 1000)} kW` : `${sig(x)} W`;
    case 'kilowatts':
      return `${sig(x)} kW`;
    case 'kWh':
      return `${sig(x)} kWh`;
    case 'celsius':
      return `${x.toFixed(1)} °C`;
    case 'currency':
      return Math.abs(x) >= 1e4 ? `${sig(x / 1000, 4)} k` : grouped(x);
    case 'clock_seconds':
      return clockTime(x, horizonSeconds);
    default: {
      const a = Math.abs(x);
      return a !== 0 && (a < 0.01 || a >= 1e6) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
    }
  }
}

/** The unit of a metric as its spec declares it (undefined without a catalog entry). */
export function unitOf(doc: ResultsDocument, metric: string): Unit | undefined {
  return doc.metrics?.[metric]?.unit;
}

/** Formats a metric's value with the unit its spec declares. */
export function formatMetric(doc: ResultsDocument, metric: string, x: number): string {
  return formatValue(x, unitOf(doc, metric), doc.horizonSeconds);
}

/**
 * Formats a difference or a half-width of a metric: same unit, but a clock time's difference
 * is a duration, not a time of day.
 */
export function formatDelta(doc: ResultsDocument, metric: string, x: number): string {
  const u = unitOf(doc, metric);
  const s = formatValue(Math.abs(x), u === 'clock_seconds' ? 'seconds' : u, doc.horizonSeconds);
  return x < 0 ? `−${s}` : s;
}

/** The label of a unit for a table header or an axis ("currency" is the scenario's own). */
export function unitLabel(unit: Unit | undefined): string {
  switch (unit) {
    case 'currency':
      return 'currency units';
    case 'fraction':
      return '%';
    case 'clock_seconds':
      return 'clock time';
    case 'per_second':
      return '/s';
    case 'celsius':
      return '°C';
    case undefined:
      return '';
    default:
      return unit;
  }
}
