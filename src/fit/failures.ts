/**
 * Failure rates from an asset register. Two layouts:
 * - a table per component class or model (Backblaze drive-stats style): class, device_days,
 *   failures (several rows per class are summed) → AFR = failures per device-year, with the
 *   exact Poisson interval;
 * - one row per failure: class, device, failed_at (and optionally installed_at) → times between
 *   failures of the same device, the time since each device's last failure right-censored at
 *   the end of the export, fitted by the families (Weibull's shape says infant mortality < 1 <
 *   wear-out) → timeToFailure.
 * Output: `failures.classes` entries.
 */
import { readCsv, FitInputError, ProblemLog, type OnRowError, type RowProblem } from './csv.js';
import { parseTimestamp, type DateFormat } from './timestamps.js';
import { rateInterval } from './intervals.js';
import { fitDurations, type DurationFit } from './durations.js';
import { distYaml } from './fragment.js';
import { pct, sig } from './format.js';

/** opsim's component classes (src/scenario/schema/failures.ts). */
export const COMPONENT_CLASSES = ['server', 'disk', 'power-supply', 'switch', 'load-balancer', 'crac', 'pdu', 'rack'] as const;
type ComponentClass = (typeof COMPONENT_CLASSES)[number];

const CLASS_COLUMNS = ['class', 'model', 'component'];
const DAYS_COLUMNS = ['device_days', 'drive_days', 'unit_days'];
const FAILURE_COLUMNS = ['failures', 'failure_count'];
const DEVICE_COLUMNS = ['device', 'serial_number', 'serial', 'asset', 'unit'];
const TIME_COLUMNS = ['failed_at', 'failure_time', 'timestamp', 'date'];
const INSTALL_COLUMNS = ['installed_at', 'install_date', 'in_service'];

/** Options of fitFailures. */
export interface FailureFitOptions {
  onError?: OnRowError;
  dateFormat?: DateFormat;
  minSamples?: number;
  /** Class for rows whose class column is a model name rather than an opsim class (default "disk"). */
  defaultClass?: ComponentClass;
}

/** The fitted failure classes. */
export interface FailureFit {
  layout: 'table' | 'timestamps';
  classes: { class: ComponentClass; afr?: { value: number; lower: number; upper: number; failures: number; deviceDays: number }; ttf?: DurationFit; models: string[] }[];
  yaml: string;
  summary: string[];
  problems: RowProblem[];
}

const pick = (header: readonly string[], names: readonly string[]): string | null => header.find((h) => names.includes(h.trim().toLowerCase())) ?? null;
const isClass = (v: string): v is ComponentClass => (COMPONENT_CLASSES as readonly string[]).includes(v);

/** Reads and fits a failure table or failure log. */
export async function fitFailures(file: string, opts: FailureFitOptions = {}): Promise<FailureFit> {
  const log = new ProblemLog(file, opts.onError ?? 'skip');
  const fallback = opts.defaultClass ?? 'disk';
  let layout: 'table' | 'timestamps' | null = null;
  let cols: Record<string, string | null> = {};
  const table = new Map<ComponentClass, { days: number; failures: number; models: Set<string> }>();
  const events = new Map<ComponentClass, Map<string, { installed: number | null; times: number[] }>>();
  let latest = -Infinity;
  await readCsv(file, log, (row, header) => {
    if (layout === null) {
      cols = { cls: pick(header, CLASS_COLUMNS), days: pick(header, DAYS_COLUMNS), failures: pick(header, FAILURE_COLUMNS), device: pick(header, DEVICE_COLUMNS), time: pick(header, TIME_COLUMNS), installed: pick(header, INSTALL_COLUMNS) };
      if (cols['cls'] === null) throw new FitInputError([], `${file}: no class column (looked for ${CLASS_COLUMNS.join(', ')}); the header has: ${header.join(', ')}`);
      if (cols['days'] !== null && cols['failures'] !== null) layout = 'table';
      else if (cols['time'] !== null && cols['device'] !== null) layout = 'timestamps';
      else
        throw new FitInputError(
          [],
          `${file}: expected either ${DAYS_COLUMNS[0]} and ${FAILURE_COLUMNS[0]} columns (a table per class) or ${DEVICE_COLUMNS[0]} and ${TIME_COLUMNS[0]} columns (one row per failure); the header has: ${header.join(', ')}`,
        );
    }
    const raw = row.get(cols['cls']!)?.trim() ?? '';
    if (raw === '') return log.row(row.line, 'missing class', cols['cls']!);
    const cls = isClass(raw.toLowerCase()) ? (raw.toLowerCase() as ComponentClass) : fallback;
    if (layout === 'table') {
      const days = Number(row.get(cols['days']!));
      const fails = Number(row.get(cols['failures']!));
      if (!(Number.isFinite(days) && days >= 0)) return log.row(row.line, `device-days "${row.get(cols['days']!)}" is not a number ≥ 0`, cols['days']!);
      if (!(Number.isInteger(fails) && fails >= 0)) return log.row(row.line, `failures "${row.get(cols['failures']!)}" is not a count`, cols['failures']!);
      const t = table.get(cls) ?? { days: 0, failures: 0, models: new Set<string>() };
      t.days += days;
      t.failures += fails;
      t.models.add(raw);
      table.set(cls, t);
      return;
    }
    const device = row.get(cols['device']!)?.trim() ?? '';
    if (device === '') return log.row(row.line, 'missing device', cols['device']!);
    const tv = row.get(cols['time']!) ?? '';
    const t = parseTimestamp(tv, opts.dateFormat ?? 'auto');
    if (t === null) return log.row(row.line, `unparseable date "${tv}"`, cols['time']!);
    let installed: number | null = null;
    if (cols['installed'] !== null && (row.get(cols['installed']!) ?? '').trim() !== '') {
      installed = parseTimestamp(row.get(cols['installed']!)!, opts.dateFormat ?? 'auto');
      if (installed === null) return log.row(row.line, `unparseable date "${row.get(cols['installed']!)}"`, cols['installed']!);
      if (installed > t) return log.row(row.line, 'negative duration: failed before it was installed', cols['installed']!);
    }
    latest = Math.max(latest, t);
    const byDev = events.get(cls) ?? new Map<string, { installed: number | null; times: number[] }>();
    const d = byDev.get(device) ?? { installed, times: [] };
    d.times.push(t);
    byDev.set(device, d);
    events.set(cls, byDev);
  });
  if (layout === null) throw new FitInputError(log.problems, `${file}: no data rows`);
  const out: FailureFit = { layout, classes: [], yaml: '', summary: [], problems: log.problems };
  const y: string[] = [`# Fitted by opsim fit failures from ${file.replace(/[\r\n]/g, ' ')}; paste under a scenario or use with extends.`, 'failures:', '  classes:'];
  if (layout === 'table') {
    for (const [cls, t] of table) {
      if (t.days <= 0) {
        out.summary.push(`${cls}: no device-days, no rate`);
        continue;
      }
      const years = t.days / 365;
      const r = rateInterval(t.failures, years);
      out.classes.push({ class: cls, afr: { ...r, failures: t.failures, deviceDays: t.days }, models: [...t.models] });
      y.push(`    - class: ${cls}${t.models.size > 1 || ![...t.models].includes(cls) ? `   # from ${[...t.models].slice(0, 10).join(', ')}${t.models.size > 10 ? `, … (${t.models.size})` : ''}` : ''}`);
      y.push(`      afr: "${sig(100 * r.value)}%"   # ${t.failures} failures in ${sig(t.days)} device-days (${sig(years)} device-years); exact Poisson 95 % CI ${pct(r.lower)}–${pct(r.upper)}`);
      out.summary.push(`${cls}: AFR ${pct(r.value)} (95 % CI ${pct(r.lower)}–${pct(r.upper)}), ${t.failures} failures in ${sig(years)} device-years`);
    }
  } else {
    for (const [cls, byDev] of events) {
      const times: number[] = [];
      const censored: boolean[] = [];
      for (const d of byDev.values()) {
        d.times.sort((a, b) => a - b);
        let prev = d.installed;
        for (const t of d.times) {
          if (prev !== null && t > prev) {
            times.push((t - prev) / 1000);
            censored.push(false);
          }
          prev = t;
        }
        // Running since its last failure when the log ends: at least this long.
        if (prev !== null && latest > prev) {
          times.push((latest - prev) / 1000);
          censored.push(true);
        }
      }
      const fit = fitDurations({ times, censored }, opts.minSamples !== undefined ? { minSamples: opts.minSamples } : {});
      out.classes.push({ class: cls, ttf: fit, models: [] });
      y.push(`    - class: ${cls}   # ${byDev.size} devices`);
      y.push(distYaml('timeToFailure', fit, '      ', file.replace(/[\r\n]/g, ' '), 'time between failures of one device'));
      const shape = fit.fits.find((f) => f.family === 'weibull')?.params['shape'];
      out.summary.push(`${cls}: ${fit.n} intervals (${fit.censored} censored), ${fit.chosen}${shape !== undefined ? `; Weibull shape ${sig(shape.value, 3)} (95 % CI ${sig(shape.lower, 3)}–${sig(shape.upper, 3)})` : ''}`);
    }
  }
  if (out.classes.length === 0) throw new FitInputError(log.problems, `${file}: nothing to fit`);
  out.yaml = y.join('\n') + '\n';
  return out;
}
