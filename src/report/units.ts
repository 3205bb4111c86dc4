/**
 * Figures with their units, read from the results document's metric catalog (`doc.metrics`):
 * the report and the dashboard write "47.5 min", "99.89 %", "17:30" and "452,960 (currency)"
 * instead of bare numbers. A metric without a spec (a document written before the catalog)
 * is shown as a plain number: the unit is not guessed from its name.
 */
import type { ResultsDocument } from '../results/format.js';
import type { Unit } from '../results/metrics.js';

const DAY = 86400;

/**
 * A simulated time as a clock time: "17:30" within the first day, "day 3 17:30" after it. In a
 * run of at most a day, the end of the day reads "24:00" and a time past it (an interval's bound
 * reaching beyond the horizon) says its day, "day 2 03:19": never "03:19", which reads as the
 * same morning.
 */
export function clockTime(seconds: number, horizonSeconds = DAY): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds / 60) * 60;
  const day = Math.floor(s / DAY);
  const rest = s - day * DAY;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  if (horizonSeconds > DAY) return `day ${day + 1} ${hh}:${mm}`;
  if (s === DAY) return '24:00';
  return day > 0 || s < 0 ? `day ${day + 1} ${hh}:${mm}` : `${hh}:${mm}`;
}

/**
 * One scale of a unit: values whose magnitude is at least `from` are written by `write` (in
 * "min", "k", "kW"…). A unit's scales run from the smallest to the largest.
 */
interface Scale {
  readonly from: number;
  /**
   * Writes x; `more` asks for that many more digits (figures read together that would otherwise
   * read alike); `top` is the largest magnitude of the figures read together (a scale whose
   * decimals are one for all of them reads it: counts).
   */
  readonly write: (x: number, more?: number, top?: number) => string;
}

const DURATION: readonly Scale[] = [
  { from: 0, write: (x, more = 0) => `${sig(x * 1000, 3 + more)} ms` },
  { from: 1, write: (x, more = 0) => `${sig(x, 3 + more)} s` },
  { from: 120, write: (x, more = 0) => `${sig(x / 60, 3 + more)} min` },
  { from: 2 * 3600, write: (x, more = 0) => `${sig(x / 3600, 3 + more)} h` },
  { from: 3 * DAY, write: (x, more = 0) => `${sig(x / DAY, 3 + more)} d` },
];

/** The units written in more than one scale, with their scales; the others have one way of writing. */
const SCALES: Partial<Record<Unit, readonly Scale[]>> = {
  seconds: DURATION,
  minutes: [
    { from: 0, write: (x, more = 0) => `${sig(x, 3 + more)} min` },
    { from: 120, write: (x, more = 0) => `${sig(x / 60, 3 + more)} h` },
  ],
  count: [
    { from: 0, write: (x, more = 0, top = Math.abs(x)) => grouped(x, countDecimals(top) + more) },
    { from: 1e4, write: (x, more = 0) => `${sig(x / 1000, 3 + more)} k` },
  ],
  watts: [
    { from: 0, write: (x, more = 0) => `${sig(x, 3 + more)} W` },
    { from: 1000, write: (x, more = 0) => `${sig(x / 1000, 3 + more)} kW` },
  ],
  currency: [
    // Below 100 in cents: a circuit's 7.50 for two hours must not read 8 beside its interval [7.2, 7.8].
    { from: 0, write: (x, more = 0) => grouped(x, 2 + more) },
    { from: 100, write: (x, more = 0) => grouped(x, more) },
    { from: 1e4, write: (x, more = 0) => `${sig(x / 1000, 4 + more)} k` },
  ],
};

/**
 * The decimals of counts read together below 10,000, from the largest of them: a mean over
 * replications of a count is written as a whole number from 100 up ("1,197 failed transactions",
 * never "1,196.5": the half of a transaction is not a figure a planner reads), with one decimal
 * from 1 to 100 ("2.4 P1 incidents per day" says more than "2"), and with two significant digits
 * of the largest below 1 ("0.05 shutdowns"). Its interval's bounds, and the other variants' figures
 * of the same metric, take the same decimals, unless two different figures of one cell would
 * then read alike (formatTogether adds digits).
 */
export function countDecimals(top: number): number {
  if (!(top > 0) || !Number.isFinite(top)) return 0;
  if (top >= 100) return 0;
  if (top >= 1) return 1;
  return Math.min(6, 1 - Math.floor(Math.log10(top)));
}

/** The scale of `scales` that a value of magnitude `a` is written in. */
function scaleOf(scales: readonly Scale[], a: number): Scale {
  let out = scales[0]!;
  for (const s of scales) if (a >= s.from) out = s;
  return out;
}

/** A duration in seconds in the unit a planner reads it in. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  // Zero has no scale: "0 s", not "0 ms".
  if (seconds === 0) return '0 s';
  return scaleOf(DURATION, Math.abs(seconds)).write(seconds);
}

function sig(x: number, digits = 3): string {
  if (x === 0) return '0';
  return String(Number(x.toPrecision(digits)));
}

/**
 * The shortest decimal that reads back as `a` (String(a), a ≥ 0 finite) times 10^`shift`,
 * exactly (the point moves; nothing is multiplied in binary): its digits and the place of its
 * point (digits before it).
 */
function shortestDecimal(a: number, shift = 0): { digits: string; point: number } {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(a))!;
  return { digits: m[1]! + (m[2] ?? ''), point: m[1]!.length + Number(m[3] ?? 0) + shift };
}

/**
 * `x` to 12 significant digits of `scale` (|x| unless given): what is left of a figure once the
 * binary noise of computing it is dropped. A double holds about 16 digits; a sum, mean or
 * difference of a few of them is off in the last one or two (relative to its operands, the
 * `scale` of a difference), so 12 leaves a margin of 10⁴ and more digits than any figure shows.
 */
function withoutNoise(x: number, scale = Math.abs(x)): number {
  if (!Number.isFinite(x) || scale === 0 || !Number.isFinite(scale)) return x;
  const decimals = 11 - Math.floor(Math.log10(scale));
  // Beyond what toFixed writes (0 to 100 places), leave the figure as it is.
  return decimals < 0 || decimals > 100 ? x : Number(x.toFixed(decimals));
}

/**
 * A decimal (digits, point) rounded half away from zero to `decimals` places: its whole and
 * fraction digits (the fraction `decimals` long, zeros kept) and whether nothing but zeros was dropped.
 */
function roundDecimal(digits: string, point: number, decimals: number): { whole: string; fraction: string; exact: boolean } {
  // Digits kept in units of 10^-decimals, and whether the first one dropped rounds them up.
  const keep = point + decimals;
  const kept = keep <= 0 ? '0' : digits.length >= keep ? digits.slice(0, keep) : digits.padEnd(keep, '0');
  const up = keep >= 0 && keep < digits.length && digits.charCodeAt(keep) >= 53; // '5'
  const scaled = (BigInt(kept) + (up ? 1n : 0n)).toString().padStart(decimals + 1, '0');
  const exact = !/[1-9]/.test(digits.slice(Math.max(0, keep)));
  return { whole: scaled.slice(0, scaled.length - decimals), fraction: scaled.slice(scaled.length - decimals), exact };
}

/**
 * `x` with thousands separators and at most `decimals` decimals, trailing zeros dropped: what
 * `x.toLocaleString('en-US', { maximumFractionDigits: decimals })` writes, without starting
 * ICU's number formatting (about 9 ms of CPU in a fresh process, paid after every run for the
 * summary). Like ICU it rounds the shortest decimal that reads back as `x` (String(x): 1.005
 * is "1.005", so "1.01", where toFixed rounds the binary value to "1.00") half away from zero,
 * and keeps the sign of a negative that rounds to zero ("-0").
 */
export function grouped(x: number, decimals = 0): string {
  if (!Number.isFinite(x)) return x.toLocaleString('en-US');
  const { digits, point } = shortestDecimal(Math.abs(x));
  const r = roundDecimal(digits, point, decimals);
  const fraction = r.fraction.replace(/0+$/, '');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + r.whole.replace(/\B(?=(\d{3})+$)/g, ',') + (fraction === '' ? '' : `.${fraction}`);
}

/**
 * A fraction as a percentage with enough digits to tell 99.9 % from 99.89 %: three decimals
 * above 99 % and below 1 %, one elsewhere, and more where rounding would end on a zero. A
 * figure that is rounded never reads as a rounder one it is not: 0.998996 reads "99.8996 %",
 * not "99.9 %" (it misses a 99.9 % target), 0.9999996 "99.99996 %", not "100 %", 0.94996
 * "94.996 %", not "95 %", and 0.000004 "0.0004 %", not "0 %". So a printed percentage never
 * crosses a target written with fewer decimals than it is printed with (whole percentages
 * from 1 % to 99 %; two decimals above 99 % and below 1 %): it equals such a target only if
 * the value to 12 significant digits does. It rounds that decimal half away from zero: the
 * digits beyond it are binary noise of the arithmetic that computed the value, which the rule
 * above would otherwise print (a mean of 70 %, 80 % and 90 % is 0.7999999999999999, read
 * "80 %", not "79.99999999999999 %"; 0.1 + 0.2 reads "30 %").
 */
export function percent(x: number): string {
  if (!Number.isFinite(x)) return '—';
  // So small that its digits would run on (the zeros before them are not a figure): 1.00e-7 %.
  if (x !== 0 && Math.abs(x) * 100 < 1e-6) return `${(x * 100).toExponential(2)} %`;
  const a = withoutNoise(Math.abs(x));
  const p = a * 100;
  const { digits, point } = shortestDecimal(a, 2);
  let decimals = p > 99 && p < 100 ? 3 : p < 1 && p !== 0 ? 3 : 1;
  let r = roundDecimal(digits, point, decimals);
  // Rounded onto a zero last digit: the figure would read as a rounder one; add digits until
  // the last is not zero or nothing is rounded off (the shortest decimal ends, so this stops).
  while (!r.exact && r.fraction.endsWith('0')) r = roundDecimal(digits, point, ++decimals);
  const fraction = r.fraction.replace(/0+$/, '');
  const sign = x < 0 && (r.whole !== '0' || fraction !== '') ? '-' : '';
  return `${sign}${r.whole}${fraction === '' ? '' : `.${fraction}`} %`;
}

/**
 * What a metric's figures are written with besides their unit: the other figures read in its row
 * or column (every variant's mean and bounds), which fix one scale for all of them ("781 ms"
 * never beside "0.867 s": see formatTogether) and, for a percentage, one number of decimals
 * (percentDecimals); its targets (an SLA's availability target for its attainment, 100 % for an
 * error budget; a search constraint's bound), which no figure on either side of them reads as;
 * for money, the scenario's currency.
 */
export interface FigureContext {
  readonly targets?: readonly number[];
  /** The other figures of the column, each cell's read together (a variant's mean and bounds). */
  readonly column?: readonly (readonly number[])[];
  /** The scenario's `currency` ("EUR", "$"), written with every money figure (withCurrency); absent: none. */
  readonly currency?: string;
}

/** The decimals a percentage of `a` (≥ 0, noise dropped) rounds to at `d` places: the whole and fraction digits. */
function roundPercent(a: number, d: number): { whole: string; fraction: string } {
  const { digits, point } = shortestDecimal(a, 2);
  return roundDecimal(digits, point, d);
}

/** Places of `t` written in percent (99.95 % has 2), at most 6. */
function placesOf(t: number): number {
  const a = withoutNoise(Math.abs(t));
  if (a === 0) return 0;
  const { digits, point } = shortestDecimal(a, 2);
  return Math.min(6, Math.max(0, digits.replace(/0+$/, '').length - point));
}

/** `a` (≥ 0) in percent at exactly `d` places, trailing zeros kept, without the sign or the unit. */
function percentText(a: number, d: number): string {
  const r = roundPercent(a, d);
  return d === 0 ? r.whole : `${r.whole}.${r.fraction}`;
}

/**
 * One number of decimals for percentages read together (a metric's mean and interval, the
 * figures of its column): a planner reads them in one precision, so "98.0 % [83.1 %, 112.9 %]",
 * never "97.99 % [83.1 %, 112.9 %]". One place from 1 % up; two when a figure lies between
 * 99 % and 100 % (where SLA targets differ in their nines); below 1 %, two significant digits of
 * the largest figure. Then enough places that every target prints exactly and no figure on
 * either side of a target prints as the target (99.8996 % beside a 99.9 % target reads
 * "99.8996 %", never "99.9 %", so no bound reads as inside or outside a target when it is not),
 * and that two figures of a cell that differ do not read alike (a mean written as its own bound), up to
 * six places. The ends 0 % and 100 % are kept apart by a mark instead ("<0.1 %", ">99.9 %"; see
 * percentAt). Figures to 12 significant digits: the rest is binary noise.
 */
export function percentDecimals(xs: readonly number[], context: FigureContext = {}): number {
  const cells = [xs, ...(context.column ?? [])];
  const figures = cells.flat().filter((x) => Number.isFinite(x)).map((x) => withoutNoise(Math.abs(x)));
  const targets = (context.targets ?? []).filter((t) => Number.isFinite(t)).map((t) => withoutNoise(Math.abs(t)));
  let d = 1;
  if (figures.some((a) => a > 0.99 && a < 1)) d = 2;
  const top = Math.max(0, ...figures);
  if (top > 0 && top < 0.01) d = Math.max(d, 1 - Math.floor(Math.log10(top * 100)));
  for (const t of targets) d = Math.max(d, placesOf(t));
  const crosses = (k: number): boolean => figures.some((a) => targets.some((t) => a !== t && percentText(a, k) === percentText(t, k)));
  const alikeAt = (k: number): boolean => cells.some((c) => c.some((x, i) => c.some((y, j) => j > i && Number.isFinite(x) && Number.isFinite(y) && withoutNoise(x) !== withoutNoise(y) && percentAt(x, k) === percentAt(y, k))));
  while (d < 6 && (crosses(d) || alikeAt(d))) d++;
  return Math.min(d, 6);
}

/**
 * A fraction as a percentage at exactly `d` places (trailing zeros kept: one precision for
 * figures read together, see percentDecimals), rounded half away from zero from its value to 12
 * significant digits. A figure that is not 0 never reads "0.0 %" but "<0.1 %", and a share below
 * 100 % never reads "100.0 %" but ">99.9 %": the ends of a share mean none and all.
 */
export function percentAt(x: number, d: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = withoutNoise(Math.abs(x));
  const sign = x < 0 ? '-' : '';
  const text = percentText(a, d);
  const step = d === 0 ? '1' : `0.${'0'.repeat(d - 1)}1`;
  if (a !== 0 && /^0(\.0*)?$/.test(text)) return `${sign}<${step} %`;
  if (a < 1 && a > 0 && /^100(\.0*)?$/.test(text)) return `>${d === 0 ? '99' : `99.${'9'.repeat(d)}`} %`;
  return `${sign}${text} %`;
}

/** The targets of a metric's percentages (see FigureContext): an SLA's for its attainment, 100 % for an error budget. */
export function percentTargets(doc: ResultsDocument, metric: string): number[] {
  const spec = doc.metrics?.[metric];
  if (spec === undefined || spec.unit !== 'fraction') return [];
  if (spec.sla === 'error_budget_used') return [1];
  // The SLA a metric belongs to: the one whose name fills the spec's <sla> label to this metric.
  const b = (doc.slas ?? []).find((s) => spec.name.replace('<sla>', s.name) === metric && spec.name.includes('<sla>'));
  if (b === undefined) return [];
  if (spec.name === 'sla.<sla>.attainment' || spec.name === 'sla.<sla>.observed_attainment') return [b.target];
  if (spec.name === 'sla.<sla>.latency_attainment' && b.latency !== undefined) return [b.latency.target];
  return [];
}

/**
 * The context a metric's figures are written in: its column (every variant's mean and interval
 * bounds: one scale, and a percentage's one precision), a percentage's targets, and money's
 * currency (the document's `currency`).
 */
export function figureContext(doc: ResultsDocument, metric: string): FigureContext {
  const unit = unitOf(doc, metric);
  const column: number[][] = [];
  for (const v of doc.variants) {
    const s = v.metrics[metric];
    if (s === undefined || s.n === 0) continue;
    column.push(s.n >= 2 && Number.isFinite(s.ci95[0]) ? [s.mean, s.ci95[0], s.ci95[1]] : [s.mean]);
  }
  if (unit === 'currency') return doc.currency !== undefined ? { currency: doc.currency, column } : { column };
  if (unit !== 'fraction') return { column };
  return { targets: percentTargets(doc, metric), column };
}

/** Formats `x` in `unit` (undefined: a plain number). */
export function formatValue(x: number, unit: Unit | undefined, horizonSeconds = DAY): string {
  if (!Number.isFinite(x)) return '—';
  if (unit === 'seconds') return duration(x);
  const scales = unit === undefined ? undefined : SCALES[unit];
  if (scales !== undefined) return scaleOf(scales, Math.abs(x)).write(x);
  switch (unit) {
    case 'hours':
      return `${sig(x)} h`;
    case 'fraction':
      return percent(x);
    case 'per_second':
      return `${sig(x)} /s`;
    case 'kilowatts':
      return `${sig(x)} kW`;
    case 'kWh':
      return `${sig(x)} kWh`;
    case 'celsius':
      return `${x.toFixed(1)} °C`;
    case 'clock_seconds':
      return clockTime(x, horizonSeconds);
    default: {
      const a = Math.abs(x);
      return a !== 0 && (a < 0.01 || a >= 1e6) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
    }
  }
}

/**
 * Formats figures read together (a mean and its interval's bounds, a difference and its
 * interval) in one scale: the scale the largest of them, and of their column (`context.column`:
 * the other variants' figures of the same metric), is written in, so an interval reads
 * [1.67 h, 2.5 h], never [100 min, 2.5 h], 9,644 beside 10.1 k reads 9.64 k, and a column of
 * p95 response times reads "0.781 s" above "0.867 s", never "781 ms" above it. Counts below
 * 10,000 take one number of decimals from the largest (countDecimals). Figures that differ never
 * read alike, and none reads as a target (`context.targets`, a search constraint's bound) it is
 * not: up to three more digits. A figure that is not finite reads "—"; a unit with one way of
 * writing formats each as formatValue.
 */
export function formatTogether(xs: readonly number[], unit: Unit | undefined, horizonSeconds = DAY, context?: FigureContext): string[] {
  // Percentages in one precision (percentDecimals): the figures' own, their column's and their targets'.
  if (unit === 'fraction') {
    const d = percentDecimals(xs, context);
    return xs.map((x) => percentAt(x, d));
  }
  const scales = unit === undefined ? undefined : SCALES[unit];
  const finite = [...xs, ...(context?.column ?? []).flat()].filter((x) => Number.isFinite(x));
  if (scales === undefined || !xs.some((x) => Number.isFinite(x))) return xs.map((x) => formatValue(x, unit, horizonSeconds));
  const top = Math.max(...finite.map(Math.abs));
  // All zero: as one zero reads.
  if (top === 0) return xs.map((x) => withCurrency(formatValue(x, unit, horizonSeconds), unit === 'currency' ? context?.currency : undefined));
  const scale = scaleOf(scales, top);
  // A zero count or sum of money has no scale: "0" beside 10.1 k, not "0 k" (a zero duration keeps the unit: "0 min").
  const bareZero = unit === 'count' || unit === 'currency';
  const one = (x: number, more: number): string => (!Number.isFinite(x) ? '—' : x === 0 && bareZero ? formatValue(0, unit, horizonSeconds) : scale.write(x, more, top));
  const write = (more: number): string[] => xs.map((x) => one(x, more));
  const targets = (context?.targets ?? []).filter((t) => Number.isFinite(t));
  // A figure on either side of a target must not read as the target ("1 s" for 1.004 s beside a bound of 1 s).
  const asTarget = (out: readonly string[], more: number): boolean => targets.some((t) => xs.some((x, i) => x !== t && out[i] === one(t, more)));
  // Figures that differ must not read alike: a mean written as its own bound ("151 [150, 151]",
  // "1.52 s [1.51 s, 1.52 s]") reads as an interval that excludes it. Up to three more digits.
  let out = write(0);
  for (let more = 1; more <= 3 && (alike(xs, out) || asTarget(out, more - 1)); more++) out = write(more);
  // Money with the scenario's currency: "403.3 k EUR", "$403.3 k", every figure (a bound is read alone too).
  const currency = unit === 'currency' ? context?.currency : undefined;
  return out.map((t) => withCurrency(t, currency));
}

/**
 * Whether a currency is written before the amount: a symbol ("$", "£", "€", "¥", "US$", "R$":
 * any currency sign) or any string without a letter is ("$49.34 k", "−$1,200"); a code of
 * letters ("EUR", "CHF", "kr") follows it ("341.1 k EUR").
 */
export function currencyFirst(currency: string): boolean {
  return /\p{Sc}/u.test(currency) || !/\p{L}/u.test(currency);
}

/** A money figure with the currency (none: as it is): a symbol after the sign and before the digits, a code after the amount; "—" stays bare. */
export function withCurrency(text: string, currency: string | undefined): string {
  if (currency === undefined || text === '—') return text;
  if (!currencyFirst(currency)) return `${text} ${currency}`;
  const sign = /^[−+-]/.exec(text)?.[0] ?? '';
  return `${sign}${currency}${text.slice(sign.length)}`;
}

/** Whether two different figures read the same. */
function alike(xs: readonly number[], written: readonly string[]): boolean {
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) if (xs[i] !== xs[j] && written[i] === written[j]) return true;
  return false;
}

/** The unit of a metric as its spec declares it (undefined without a catalog entry). */
export function unitOf(doc: ResultsDocument, metric: string): Unit | undefined {
  return doc.metrics?.[metric]?.unit;
}

/** Formats a metric's value with the unit its spec declares. */
export function formatMetric(doc: ResultsDocument, metric: string, x: number): string {
  return withCurrency(formatValue(x, unitOf(doc, metric), doc.horizonSeconds), unitOf(doc, metric) === 'currency' ? doc.currency : undefined);
}

/**
 * Formats a difference or a half-width of a metric: same unit, but a clock time's difference
 * is a duration, not a time of day.
 */
export function formatDelta(doc: ResultsDocument, metric: string, x: number): string {
  return formatDeltaTogether(doc, metric, [x])[0]!;
}

/**
 * A mean and its 95 % interval in one scale (formatTogether), or the mean alone when there is
 * no interval (fewer than 2 replications, or none formed).
 */
export function meanAndInterval(s: { readonly mean: number; readonly n: number; readonly ci95: readonly [number, number] }, unit: Unit | undefined, horizonSeconds = DAY, context?: FigureContext): { mean: string; ci: [string, string] | null } {
  if (!(s.n >= 2 && Number.isFinite(s.ci95[0]))) return { mean: formatTogether([s.mean], unit, horizonSeconds, context)[0]!, ci: null };
  const [mean, lo, hi] = formatTogether([s.mean, s.ci95[0], s.ci95[1]], unit, horizonSeconds, context);
  return { mean: mean!, ci: [lo!, hi!] };
}

/**
 * Formats figures of a metric read together (a mean and its interval) in one scale (see
 * formatTogether); a percentage in its column's precision, from its targets (figureContext).
 */
export function formatMetricTogether(doc: ResultsDocument, metric: string, xs: readonly number[]): string[] {
  return formatTogether(xs, unitOf(doc, metric), doc.horizonSeconds, figureContext(doc, metric));
}

/**
 * Formats differences of a metric read together (a mean difference and its interval) in one
 * scale, each with its sign; a clock time's difference is a duration (see formatDelta), a
 * share's is in percentage points ("2.5 pp", never "2.5 %", which would read as relative).
 */
export function formatDeltaTogether(doc: ResultsDocument, metric: string, xs: readonly number[]): string[] {
  const u = unitOf(doc, metric);
  const context = differenceContext(doc, metric);
  const out = formatTogether(xs.map(Math.abs), u === 'clock_seconds' ? 'seconds' : u, doc.horizonSeconds, context);
  // A difference of two shares is in percentage points, as `opsim compare` writes it (formatComparison).
  return out.map((s, i) => (xs[i]! < 0 ? '−' : '') + (u === 'fraction' ? s.replace(/ %$/, ' pp') : s));
}

/**
 * The column a metric's paired differences are written in: every comparison of the metric (each
 * variant's mean difference and its interval's bounds), so one metric reads in one scale and, a
 * share, in one precision on every row ("0.02 pp", "0.00 pp", "0.07 pp", never "0.023 pp" beside
 * "0.0 pp"; "−0.12 s" beside "0.45 s", never "−120 ms"). No targets: a difference is not read
 * against an SLA's target. Money keeps its currency.
 */
function differenceContext(doc: ResultsDocument, metric: string): FigureContext {
  const column = (doc.comparisons ?? []).filter((c) => c.metric === metric).map((c) => [c.meanDifference, c.ci95[0], c.ci95[1]].map(Math.abs));
  return unitOf(doc, metric) === 'currency' && doc.currency !== undefined ? { column, currency: doc.currency } : { column };
}

/**
 * A row's baseline, current and difference (current − baseline, signed) in the metric's unit
 * and one scale, as report.html writes a mean beside its interval: "9.64 k  10.1 k  +0.46 k",
 * never "9,644  10.1 k". A clock time's difference is a duration, so it is scaled apart from
 * the two times of day. `opsim compare` and the dashboard's compare view write their rows with it.
 */
export function formatComparison(baseline: number, current: number, unit: Unit | undefined, horizonSeconds?: number): [string, string, string] {
  // The difference without the noise of subtracting (0.9 − 0.8 is 0.09999999999999998): to 12
  // digits of the larger operand, so two figures that differ only in noise differ by 0.
  const diff = withoutNoise(current - baseline, Math.max(Math.abs(baseline), Math.abs(current)));
  const signed = (s: string): string => (!Number.isFinite(diff) ? s : diff < 0 ? `−${s}` : diff > 0 ? `+${s}` : s);
  if (unit === 'clock_seconds') {
    const [b, c] = formatTogether([baseline, current], unit, horizonSeconds);
    return [b!, c!, signed(formatTogether([Math.abs(diff)], 'seconds')[0]!)];
  }
  const [b, c, d] = formatTogether([baseline, current, Math.abs(diff)], unit, horizonSeconds);
  // A difference of two shares is in percentage points, not a share of anything: "−89.7 pp"
  // beside the change column's relative "−99.4%". Without a unit, a plain number (no 1.000e-2).
  if (unit === 'fraction') return [b!, c!, signed(d!.replace(/ %$/, ' pp'))];
  if (unit === undefined) return [b!, c!, signed(Number.isFinite(diff) ? String(Number(Math.abs(diff).toPrecision(4))) : d!)];
  return [b!, c!, signed(d!)];
}

/**
 * The label of a unit for a table header or an axis (money: the scenario's `currency`, else "currency units"). A
 * duration has none: each of its figures carries the scale it is written in ("84.3 min"), and
 * a header saying "seconds" above it would contradict them.
 */
export function unitLabel(unit: Unit | undefined, currency?: string): string {
  switch (unit) {
    case 'seconds':
    case 'minutes':
      return '';
    case 'currency':
      return currency ?? 'currency units';
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
