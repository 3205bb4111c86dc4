/**
 * Quantities with units, as planners write them: "90s", "15m", "2h", "1d"; "9/s", "300/h";
 * "5kW"; "27C"; "99.9%". In the JSON Schema a unit field carries the keyword `x-unit`; the
 * validator checks the text and converts it in place to the base unit, so every model sees
 * plain numbers: seconds, events per second, watts, joules, °C, joules per kelvin, fractions.
 * Plain numbers are taken to be in the base unit already.
 */
import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';

/** The kinds of quantity opsim understands. */
export type UnitKind = 'duration' | 'rate' | 'power' | 'energy' | 'temperature' | 'heatCapacity' | 'fraction';

// Non-capturing, so that callers' group numbers stay what they write.
const NUM = String.raw`(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?`;

const DURATION_UNITS: Record<string, number> = {
  ms: 1e-3,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
};
// Longest first, so that "min" is not read as "m" followed by "in".
const DURATION_UNIT_PATTERN = Object.keys(DURATION_UNITS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const POWER_UNITS: Record<string, number> = { w: 1, kw: 1e3, mw: 1e6 };
const ENERGY_UNITS: Record<string, number> = { j: 1, kj: 1e3, mj: 1e6, wh: 3600, kwh: 3.6e6, mwh: 3.6e9 };
const HEAT_CAPACITY_UNITS: Record<string, number> = { 'j/k': 1, 'kj/k': 1e3, 'mj/k': 1e6 };

/** What each kind accepts, for error messages and the reference page. */
export const UNIT_EXAMPLES: Record<UnitKind, string> = {
  duration: 'a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds)',
  rate: 'a rate such as 9, "9/s", "300/h", "100/30m" (plain numbers are per second)',
  power: 'a power such as 400, "400W", "5kW", "1.2MW" (plain numbers are watts)',
  energy: 'an energy such as "12kWh", "3MJ" (plain numbers are joules)',
  temperature: 'a temperature such as 27, "27C", "27 °C" (degrees Celsius)',
  heatCapacity: 'a heat capacity such as "500kJ/K" (plain numbers are joules per kelvin)',
  fraction: 'a fraction such as 0.999 or a percentage such as "99.9%"',
};

/**
 * Unit letters are read without regard to case ("2H", "90S", "250MS", "5KW"), except where
 * case is all that tells two units apart and either could be meant. A capital M after a
 * number is such a case: a planner who writes "1M" may mean a month, and opsim would read a
 * minute; so it is refused, as are months and years, which have no fixed length (see
 * unitHint). In powers and energies a lowercase m is milli in SI ("5mW" is 5 milliwatts), not
 * the mega opsim would read case-blind, so it is refused too.
 */
const CAPITAL_M = new RegExp(`${NUM}\\s*M(?![a-zA-Z])`);
const MONTHS = new RegExp(`${NUM}\\s*(?:mo|mon|mons|month|months)(?![a-z])`, 'i');
const YEARS = new RegExp(`${NUM}\\s*(?:y|yr|yrs|year|years)(?![a-z])`, 'i');
const MILLI_PREFIX = /^m(?:w|wh|j|j\/k)$/i;

/**
 * Why a quantity's text was refused, when it is a known trap (a capital M, a month, a year,
 * milliwatts, Fahrenheit), for the error message: "m = minutes; write 30d for a month".
 * Undefined for any other text.
 */
export function unitHint(kind: UnitKind, v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (kind === 'duration' || kind === 'rate') {
    // A rate's trap is in its span: "20/M" is 20 per minute or per month.
    const span = kind === 'rate' ? (/(?:\/|per\s)\s*(.*)$/i.exec(v)?.[1] ?? '') : v;
    const text = kind === 'rate' && /^[a-z]+$/i.test(span.trim()) ? `1${span.trim()}` : span;
    if (CAPITAL_M.test(text)) return 'a capital M could mean minutes or months: m = minutes; write 30d for a month';
    if (MONTHS.test(text)) return 'a month has no fixed length (28 to 31 days): write 30d, 31d or 4w';
    if (YEARS.test(text)) return 'a year has no fixed length: write 365d or 366d';
    return undefined;
  }
  if (kind === 'power' || kind === 'energy' || kind === 'heatCapacity') {
    const unit = /[a-z/]+\s*$/i.exec(v.trim())?.[0];
    if (unit !== undefined && MILLI_PREFIX.test(unit) && unit[0] === 'm') return `a lowercase m is milli in SI ("${unit}"): write ${unit[0]!.toUpperCase()}${unit.slice(1)} for mega, k for kilo`;
    return undefined;
  }
  if (kind === 'temperature' && /(?:°\s*)?[FK]\s*$/i.test(v.trim()) && !/C\s*$/i.test(v.trim())) return 'temperatures are in degrees Celsius: write e.g. "27C"';
  return undefined;
}

/** Parses a duration in seconds; returns undefined when the text is not one. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  // Minutes or months? Refused (unitHint says why); every other unit letter ignores case.
  if (CAPITAL_M.test(v)) return undefined;
  let s = v.trim().toLowerCase();
  if (s === '') return undefined;
  // A sign applies to the whole duration, so "-5m" is read (and then rejected by bounds).
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1).trim();
  }
  if (new RegExp(`^${NUM}$`).test(s)) return finite(sign * Number(s));
  // Compound forms such as "1h30m" or "1d 6h"; the unit must not run into more letters.
  const re = new RegExp(`(${NUM})\\s*(${DURATION_UNIT_PATTERN})(?![a-z])`, 'y');
  let pos = 0;
  let total = 0;
  let parts = 0;
  while (pos < s.length) {
    while (s[pos] === ' ') pos++;
    if (pos >= s.length) break;
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null) return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    pos = re.lastIndex;
    parts++;
  }
  return parts > 0 ? finite(sign * total) : undefined;
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

/** Parses a rate in events per second ("300/h", "100/30m", "5 per hour", or a plain number). */
export function parseRate(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = new RegExp(`^\\s*([-+]?${NUM})\\s*(?:/|per\\s+)\\s*(.+)$`, 'i').exec(v);
  if (m === null) return new RegExp(`^\\s*[-+]?${NUM}\\s*$`).test(v) ? finite(Number(v)) : undefined;
  const count = Number(m[1]);
  let per = m[2]!.trim();
  if (/^[a-z]+$/i.test(per)) per = `1${per}`;
  const span = parseDuration(per);
  if (span === undefined || span <= 0) return undefined;
  return finite(count / span);
}

function parseWithUnits(v: unknown, units: Record<string, number>, unitPattern: string): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = new RegExp(`^\\s*(-?${NUM})\\s*(${unitPattern})?\\s*$`, 'i').exec(v);
  if (m === null) return undefined;
  // Milli or mega? A lowercase m is milli in SI; opsim has no milliwatts, so it is refused (unitHint).
  if (m[2] !== undefined && m[2][0] === 'm') return undefined;
  const factor = m[2] === undefined ? 1 : units[m[2].toLowerCase()];
  return factor === undefined ? undefined : finite(Number(m[1]) * factor);
}

/** Parses a power in watts. */
export function parsePower(v: unknown): number | undefined {
  return parseWithUnits(v, POWER_UNITS, 'kW|MW|W');
}

/** Parses an energy in joules. */
export function parseEnergy(v: unknown): number | undefined {
  return parseWithUnits(v, ENERGY_UNITS, 'kWh|MWh|Wh|kJ|MJ|J');
}

/** Parses a heat capacity in joules per kelvin. */
export function parseHeatCapacity(v: unknown): number | undefined {
  return parseWithUnits(v, HEAT_CAPACITY_UNITS, 'kJ/K|MJ/K|J/K');
}

/** Parses a temperature in °C. */
export function parseTemperature(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = new RegExp(`^\\s*(-?${NUM})\\s*(?:°\\s*C|C|°)?\\s*$`, 'i').exec(v);
  return m === null ? undefined : finite(Number(m[1]));
}

/** Parses a fraction: 0.999 or "99.9%". */
export function parseFraction(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = new RegExp(`^\\s*([-+]?${NUM})\\s*%\\s*$`).exec(v);
  if (m !== null) return finite(Number(m[1]) / 100);
  return new RegExp(`^\\s*[-+]?${NUM}\\s*$`).test(v) ? finite(Number(v)) : undefined;
}

/** Converts a value of the given kind to its base unit; undefined when it is not valid text. */
export function parseQuantity(kind: UnitKind, v: unknown): number | undefined {
  switch (kind) {
    case 'duration':
      return parseDuration(v);
    case 'rate':
      return parseRate(v);
    case 'power':
      return parsePower(v);
    case 'energy':
      return parseEnergy(v);
    case 'temperature':
      return parseTemperature(v);
    case 'heatCapacity':
      return parseHeatCapacity(v);
    case 'fraction':
      return parseFraction(v);
  }
}

/** Options of a unit field: JSON Schema annotations plus numeric bounds in base units. */
export interface QuantityOptions extends SchemaOptions {
  /** Smallest allowed value, in the base unit. */
  minimum?: number;
  /** Largest allowed value, in the base unit. */
  maximum?: number;
  /** True when the bound is exclusive (value must be strictly greater than `minimum`). */
  exclusiveMinimum?: boolean;
}

function quantity(kind: UnitKind, options: QuantityOptions): TUnsafe<number> {
  const { minimum, maximum, exclusiveMinimum, ...rest } = options;
  // Editors see number|string; the `x-unit` keyword does the real check and conversion.
  return Type.Unsafe<number>({
    ...rest,
    anyOf: [{ type: 'number' }, { type: 'string' }],
    'x-unit': kind,
    ...(minimum !== undefined ? { 'x-minimum': minimum } : {}),
    ...(maximum !== undefined ? { 'x-maximum': maximum } : {}),
    ...(exclusiveMinimum === true ? { 'x-exclusive-minimum': true } : {}),
  });
}

/** A duration field (seconds after conversion). */
export const Duration = (options: QuantityOptions = {}): TUnsafe<number> => quantity('duration', { minimum: 0, ...options });
/** A rate field (events per second after conversion). */
export const Rate = (options: QuantityOptions = {}): TUnsafe<number> => quantity('rate', { minimum: 0, ...options });
/** A power field (watts after conversion). */
export const Power = (options: QuantityOptions = {}): TUnsafe<number> => quantity('power', { minimum: 0, ...options });
/** An energy field (joules after conversion). */
export const Energy = (options: QuantityOptions = {}): TUnsafe<number> => quantity('energy', { minimum: 0, ...options });
/** A temperature field (°C). */
export const Temperature = (options: QuantityOptions = {}): TUnsafe<number> => quantity('temperature', options);
/** A heat capacity field (J/K after conversion). */
export const HeatCapacity = (options: QuantityOptions = {}): TUnsafe<number> => quantity('heatCapacity', { minimum: 0, exclusiveMinimum: true, ...options });
/** A fraction field in [0, 1] ("99.9%" accepted). */
export const Fraction = (options: QuantityOptions = {}): TUnsafe<number> => quantity('fraction', { minimum: 0, maximum: 1, ...options });
