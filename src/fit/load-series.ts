/**
 * A request-rate series (timestamp, value: a count per interval or a rate per second, e.g.
 * exported from Prometheus, CloudWatch or an access log aggregated per minute) → a load class:
 * mean rate, hour-of-day and day-of-week multipliers, the peak factor, and days that stand out
 * (holidays, outages) flagged and left out of the profile; or a trace file for replay.
 * Streamed: memory grows with the hours covered, not the rows.
 */
import { readCsv, FitInputError, ProblemLog, type OnRowError, type RowProblem } from './csv.js';
import { parseTimestamp, type DateFormat } from './timestamps.js';
import { duration, sig } from './format.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** traceFile's size limit (src/scenario/schema/load.ts). */
const TRACE_LIMIT = 5 * 1024 * 1024;

/** Options of fitLoadSeries. */
export interface LoadFitOptions {
  service: string;
  name: string;
  /** "count": requests in the row's interval; "rate": requests per second. */
  values: 'count' | 'rate';
  /** Write a trace for replay instead of a profile. */
  trace: boolean;
  outDir: string;
  onError?: OnRowError;
  dateFormat?: DateFormat;
  /** Robust z-score (MAD, floored at 5 % of the median) beyond which a day is flagged (default 3.5). */
  outlierZ?: number;
}

/** The fitted load. */
export interface LoadFit {
  intervalSeconds: number;
  meanRate: number;
  daily: number[];
  weekly: number[] | null;
  peakFactor: number;
  outliers: { day: string; total: number; expected: number; z: number }[];
  yaml: string;
  traceCsv: string | null;
  traceFileName: string;
  summary: string[];
  problems: RowProblem[];
}

/** Reads and fits a load series. */
export async function fitLoadSeries(file: string, opts: LoadFitOptions): Promise<LoadFit> {
  const log = new ProblemLog(file, opts.onError ?? 'skip');
  const hourly = new Map<number, number>(); // hour index (ms / HOUR) → requests
  let tsCol: string | null = null;
  let valCol: string | null = null;
  let prevT: number | null = null;
  const gaps: number[] = [];
  let rows: { t: number; v: number }[] | null = opts.trace ? [] : null;
  let first = Infinity;
  let last = -Infinity;
  await readCsv(file, log, (row, header) => {
    if (tsCol === null) {
      if (header.length < 2) throw new FitInputError([], `${file}: expected two columns, timestamp and value; the header has: ${header.join(', ')}`);
      tsCol = header[0]!;
      valCol = header[header.length - 1]!;
    }
    const tv = row.get(tsCol) ?? '';
    // Epoch seconds (Prometheus) or a date.
    const t = /^\d{9,11}(\.\d+)?$/.test(tv.trim()) ? Number(tv) * 1000 : parseTimestamp(tv, opts.dateFormat ?? 'auto');
    if (t === null) return log.row(row.line, `unparseable date "${tv}"`, tsCol);
    const vv = row.get(valCol!) ?? '';
    const v = Number(vv);
    if (vv.trim() === '' || !Number.isFinite(v)) return log.row(row.line, `"${vv}" is not a number`, valCol!);
    if (v < 0) return log.row(row.line, `negative value ${v}`, valCol!);
    if (prevT !== null && gaps.length < 1000) gaps.push(t - prevT);
    if (prevT !== null && t <= prevT) return log.row(row.line, 'timestamp not after the previous row (the series must be in time order)', tsCol);
    prevT = t;
    first = Math.min(first, t);
    last = Math.max(last, t);
    rows?.push({ t, v });
    // Held until the interval is known; counts go to the hour the interval starts in.
    hourly.set(Math.floor(t / HOUR), (hourly.get(Math.floor(t / HOUR)) ?? 0) + v);
  });
  if (gaps.length === 0) throw new FitInputError(log.problems, `${file}: fewer than two usable rows`);
  const sortedGaps = [...gaps].sort((a, b) => a - b);
  const interval = sortedGaps[Math.floor(sortedGaps.length / 2)]! / 1000;
  // A rate per second times the row interval is the count of the row.
  const toCount = opts.values === 'rate' ? interval : 1;
  const spanHours = Math.floor((last + interval * 1000 - first) / HOUR);
  if (spanHours < 24) throw new FitInputError(log.problems, `${file}: ${spanHours} hours of data; a daily profile needs at least one full day`);
  const firstHour = Math.floor(first / HOUR);
  const counts: number[] = [];
  for (let h = 0; h < spanHours; h++) counts.push((hourly.get(firstHour + h) ?? 0) * toCount);
  // Outlier days: daily totals against the median of their weekday, robust z by MAD.
  const dayTotals = new Map<number, number>();
  counts.forEach((c, h) => {
    const d = Math.floor(((firstHour + h) * HOUR) / DAY);
    dayTotals.set(d, (dayTotals.get(d) ?? 0) + c);
  });
  const fullDays = [...dayTotals.entries()].filter(([d]) => d * DAY >= firstHour * HOUR && (d + 1) * DAY <= (firstHour + spanHours) * HOUR);
  const z = opts.outlierZ ?? 3.5;
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const weekdayOf = (d: number): number => (new Date(d * DAY).getUTCDay() + 6) % 7;
  const outliers: LoadFit['outliers'] = [];
  const byWeekday = Array.from({ length: 7 }, (_, w) => fullDays.filter(([d]) => weekdayOf(d) === w).map(([, v]) => v));
  const allMed = median(fullDays.map(([, v]) => v));
  for (const [d, v] of fullDays) {
    const peers = byWeekday[weekdayOf(d)]!.length >= 3 ? byWeekday[weekdayOf(d)]! : fullDays.map(([, x]) => x);
    const med = peers.length >= 3 ? median(peers) : allMed;
    // The scale has a floor of 5 % of the median: with a handful of near-identical peers the
    // MAD is tiny and ordinary noise would look extreme.
    const mad = Math.max(median(peers.map((x) => Math.abs(x - med))) * 1.4826, 0.05 * med);
    if (peers.length >= 3 && mad > 0 && Math.abs(v - med) / mad > z) outliers.push({ day: new Date(d * DAY).toISOString().slice(0, 10), total: v, expected: med, z: (v - med) / mad });
  }
  const excluded = new Set(outliers.map((o) => o.day));
  // Profile from the hours of days not flagged.
  const hodSum = new Array<number>(24).fill(0);
  const hodN = new Array<number>(24).fill(0);
  const dowSum = new Array<number>(7).fill(0);
  const dowN = new Array<number>(7).fill(0);
  let total = 0;
  let n = 0;
  counts.forEach((c, h) => {
    const ms = (firstHour + h) * HOUR;
    if (excluded.has(new Date(ms).toISOString().slice(0, 10))) return;
    const date = new Date(ms);
    hodSum[date.getUTCHours()]! += c;
    hodN[date.getUTCHours()]!++;
    dowSum[(date.getUTCDay() + 6) % 7]! += c;
    dowN[(date.getUTCDay() + 6) % 7]!++;
    total += c;
    n++;
  });
  const meanPerHour = total / n;
  const days = spanHours / 24;
  const weeklyOk = days >= 14;
  const weekly = weeklyOk ? dowSum.map((s, w) => s / dowN[w]! / meanPerHour) : null;
  const dailyRaw = hodSum.map((s, h) => (hodN[h]! > 0 ? s / hodN[h]! / meanPerHour : 1));
  const dm = dailyRaw.reduce((a, b) => a + b, 0) / 24;
  const daily = dailyRaw.map((x) => x / dm);
  const wm = weekly === null ? 1 : weekly.reduce((a, b) => a + b, 0) / 7;
  // The base rate that, times multipliers averaging 1, gives the observed hours back.
  const meanRate = (meanPerHour / 3600) * wm * dm;
  const peakHour = Math.max(...counts);
  const peakFactor = peakHour / meanPerHour;
  const src = file.replace(/[\r\n]/g, ' ');
  const traceFileName = `${opts.name}-trace.csv`;
  let traceCsv: string | null = null;
  const y: string[] = [`# Fitted by opsim fit load from ${src}: ${counts.length} hours (${sig(days)} days), rows every ${duration(interval)}; paste under a scenario or use with extends.`];
  for (const o of outliers) y.push(`# Outlier day ${o.day}: ${sig(o.total)} requests, ${sig(o.expected)} usual for its weekday (robust z ${o.z.toFixed(1)}); left out of the profile; add it under holidays if it recurs.`);
  y.push('load:', `  - name: ${opts.name}`, `    service: ${opts.service}`);
  if (opts.trace) {
    const lines = ['t,count', ...rows!.map((r) => `${new Date(r.t).toISOString()},${sig(r.v * toCount, 8)}`)];
    traceCsv = lines.join('\n') + '\n';
    if (traceCsv.length > TRACE_LIMIT) throw new FitInputError([], `${file}: the trace would be ${(traceCsv.length / 1048576).toFixed(1)} MB, over traceFile's 5 MB limit; fit a profile instead (without --trace) or aggregate the series to a coarser interval`);
    y.push(`    traceFile: ${traceFileName}   # ${rows!.length} intervals from ${src}, replayed as a piecewise-constant Poisson rate`);
    y.push(`    traceInterval: ${duration(interval)}   # median spacing of the rows`);
  } else {
    y.push(`    rate: ${sig(meanRate)}/s   # mean over ${n} hours${excluded.size > 0 ? ` (${excluded.size} outlier days left out)` : ''}; peak hour ${sig(peakFactor, 3)}× the mean`);
    y.push(`    daily:   # hour-of-day multipliers, mean 1, from ${sig(days)} days`);
    daily.forEach((d, h) => y.push(`      - ${sig(d, 3)}   # ${String(h).padStart(2, '0')}:00, ${hodN[h]} hours`));
    if (weekly === null) y.push(`    # weekly: not fitted (${sig(days)} days, fewer than 14)`);
    else {
      y.push('    weekly:   # day-of-week multipliers, Monday first, mean 1');
      weekly.forEach((w, d) => y.push(`      - ${sig(w / wm, 3)}   # ${DAYS[d]}, ${dowN[d]} hours`));
    }
  }
  return {
    intervalSeconds: interval,
    meanRate,
    daily,
    weekly: weekly === null ? null : weekly.map((w) => w / wm),
    peakFactor,
    outliers,
    yaml: y.join('\n') + '\n',
    traceCsv,
    traceFileName,
    summary: [`${opts.name}: mean ${sig(meanRate * 3600)}/h, peak hour ${sig(peakFactor, 3)}× the mean, ${outliers.length} outlier day(s)${weekly === null ? '; weekly profile not fitted (fewer than 14 days)' : ''}`],
    problems: log.problems,
  };
}
