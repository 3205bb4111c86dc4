/**
 * Timestamps as ITSM tools export them. Times without a zone are read on the clock of the
 * export (treated as UTC here, so hour-of-day profiles are in the desk's own clock).
 */

/** Day-first ("29-02-2016 01:16", ServiceNow's default), month-first ("02/29/2016 1:16 PM"), ISO 8601, or auto. */
export type DateFormat = 'auto' | 'dmy' | 'mdy' | 'iso';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const DMY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;

/** Milliseconds since the epoch, or null when the text is not a timestamp in the format. */
export function parseTimestamp(text: string, format: DateFormat = 'auto'): number | null {
  const s = text.trim();
  if (format === 'iso' || (format === 'auto' && /^\d{4}-/.test(s))) {
    const m = ISO.exec(s);
    if (m === null) return null;
    const ms = m[7] !== undefined ? Number(`0.${m[7]}`) * 1000 : 0;
    const t = utc(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    if (t === null) return null;
    return t + ms - zoneOffsetMs(m[8]);
  }
  const m = DMY.exec(s);
  if (m === null) return null;
  const [a, b] = [+m[1]!, +m[2]!];
  const [day, month] = format === 'mdy' ? [b, a] : [a, b];
  let hour = +(m[4] ?? 0);
  const ampm = m[7]?.toLowerCase();
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  return utc(+m[3]!, month, day, hour, +(m[5] ?? 0), +(m[6] ?? 0));
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31-02 over into March; a real date round-trips.
  return new Date(t).getUTCDate() === d ? t : null;
}

function zoneOffsetMs(z: string | undefined): number {
  if (z === undefined || z === 'Z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** Hour of the week (0 = Monday 00:00–01:00) of a time in ms. */
export function hourOfWeek(ms: number): number {
  const d = new Date(ms);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}
