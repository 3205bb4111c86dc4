/**
 * `opsim fit incidents|failures|load FILE.csv`: calibration from a planner's own data. Each
 * writes a scenario fragment (YAML, every fitted value commented with its source, sample size
 * and interval) and, for incidents, fit-report.html. Exit 0 when written, 2 on unusable input
 * (every row problem printed with file:line and column).
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { writeFileAtomic } from '../results/write.js';
import { FitInputError, formatProblem, type OnRowError, type RowProblem } from '../fit/csv.js';
import { readIncidents, type ColumnMap, SERVICENOW_COLUMNS } from '../fit/incident-export.js';
import { fitIncidents } from '../fit/incident-fit.js';
import { FLOW_FILE, incidentFlowFragment, incidentFragment } from '../fit/fragment.js';
import { fitReportHtml } from '../fit/fit-report.js';
import { holdoutValidation, type HoldoutReport } from '../fit/holdout.js';
import { parseTimestamp, type DateFormat } from '../fit/timestamps.js';
import { fitFailures } from '../fit/failures.js';
import { fitLoadSeries } from '../fit/load-series.js';

/** Problems printed on stderr before "... and N more". */
const SHOWN = 20;

function fraction(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
  const x = m === null ? NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(x > 0 && x < 1)) throw new InvalidArgumentError('expected a share such as 20% or 0.2');
  return x;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function onError(v: string): OnRowError {
  if (v !== 'skip' && v !== 'fatal') throw new InvalidArgumentError('expected skip or fatal');
  return v;
}

function dateFormat(v: string): DateFormat {
  if (!['auto', 'dmy', 'mdy', 'iso'].includes(v)) throw new InvalidArgumentError('expected auto, dmy, mdy or iso');
  return v as DateFormat;
}

/** "--columns id=key,openedAt=created,resolvedAt=resolutiondate" → a partial column map. */
export function parseColumnMap(v: string): Partial<ColumnMap> {
  const out: Partial<ColumnMap> = {};
  for (const part of v.split(',')) {
    const i = part.indexOf('=');
    const key = part.slice(0, i).trim();
    if (i < 1 || !(key in SERVICENOW_COLUMNS)) throw new InvalidArgumentError(`"${part}": expected FIELD=COLUMN with FIELD one of ${Object.keys(SERVICENOW_COLUMNS).join(', ')}`);
    out[key as keyof ColumnMap] = part.slice(i + 1).trim();
  }
  return out;
}

function printProblems(problems: readonly RowProblem[]): void {
  for (const p of problems.slice(0, SHOWN)) process.stderr.write(`${formatProblem(p)}\n`);
  if (problems.length > SHOWN) process.stderr.write(`... and ${problems.length - SHOWN} more (all listed in the report)\n`);
}

/** Runs an action, turning input errors into exit code 2 with their problems printed. */
async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof FitInputError) {
      printProblems(err.problems);
      if (err.message !== err.problems.map(formatProblem).join('\n')) process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof RangeError) {
      process.stderr.write(`opsim fit: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

interface IncidentFlags {
  out: string;
  columns?: Partial<ColumnMap>;
  dateFormat: DateFormat;
  onError: OnRowError;
  asOf?: string;
  minSamples?: number;
  holdout?: number;
  replications?: number;
  delimiter?: string;
  name?: string;
  quiet?: boolean;
}

/** Registers `opsim fit` and its subcommands. */
export function register(program: Command): void {
  const fit = program.command('fit').description('calibrate scenario inputs from your own data (incident exports, failure tables, load series)');
  fit
    .command('incidents')
    .description('fit arrivals, priority mix, escalation and time to resolve from an ITSM incident export (ServiceNow audit trail or one row per incident)')
    .argument('<file>', 'CSV export')
    .option('-o, --out <dir>', 'output folder for fitted-incidents.yaml, fitted-incident-flow.yaml and fit-report.html', 'reports/fit')
    .option('--columns <map>', `column mapping FIELD=COLUMN,... (fields: ${Object.keys(SERVICENOW_COLUMNS).join(', ')}; defaults are ServiceNow's names)`, parseColumnMap)
    .option('--date-format <fmt>', 'auto (dd-mm-yyyy or ISO 8601), dmy, mdy or iso', dateFormat, 'auto')
    .option('--on-error <policy>', 'an unreadable row: skip (report it and go on) or fatal (stop at the first)', onError, 'skip')
    .option('--as-of <time>', 'end of the export: incidents still open are censored here (default: the latest timestamp in the file)')
    .option('--min-samples <n>', 'fewest resolved incidents for a parametric fit; fewer give an empirical distribution (default 20)', positiveInt)
    .option('--holdout <share>', 'keep the latest share (e.g. 20%) aside, run the fitted scenario and compare', fraction)
    .option('--replications <n>', 'replications of the holdout run (default 10)', positiveInt)
    .option('--delimiter <char>', 'field separator (default ",")')
    .option('--name <name>', 'scenario name in the fragment (default fitted-incidents)')
    .option('-q, --quiet', 'print only the paths written')
    .action((file: string, flags: IncidentFlags) =>
      guarded(async () => {
        let asOf: number | undefined;
        if (flags.asOf !== undefined) {
          const t = parseTimestamp(flags.asOf, flags.dateFormat);
          if (t === null) throw new FitInputError([], `--as-of: unparseable date "${flags.asOf}"`);
          asOf = t;
        }
        const exp = await readIncidents(file, {
          ...(flags.columns !== undefined ? { columns: flags.columns } : {}),
          dateFormat: flags.dateFormat,
          onError: flags.onError,
          ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}),
        });
        printProblems(exp.problems);
        const fitOpts = { ...(asOf !== undefined ? { asOf } : {}), ...(flags.minSamples !== undefined ? { minSamples: flags.minSamples } : {}) };
        const fitted = fitIncidents(exp, fitOpts);
        let holdout: HoldoutReport | null = null;
        if (flags.holdout !== undefined) {
          holdout = (await holdoutValidation(exp, flags.holdout, { ...fitOpts, ...(flags.replications !== undefined ? { replications: flags.replications } : {}) })).report;
        }
        const command = `opsim fit incidents ${path.basename(file)}`;
        const yamlPath = path.join(flags.out, 'fitted-incidents.yaml');
        const htmlPath = path.join(flags.out, 'fit-report.html');
        const flowPath = path.join(flags.out, FLOW_FILE);
        await writeFileAtomic(yamlPath, incidentFragment(fitted, { command, ...(flags.name !== undefined ? { name: flags.name } : {}) }));
        await writeFileAtomic(flowPath, incidentFlowFragment(fitted, { command }));
        await writeFileAtomic(htmlPath, await fitReportHtml(fitted, exp.problems, holdout));
        if (flags.quiet !== true) {
          process.stdout.write(`${exp.incidents.length} incidents from ${exp.rows} rows (${exp.skippedRows} skipped); mean arrival rate ${fitted.arrivals.ratePerHour.value.toFixed(2)}/h; time to resolve: ${fitted.overall.chosen} (${fitted.overall.reason})\n`);
          for (const p of fitted.byPriority) process.stdout.write(`  ${p.priority}: n = ${p.fit.n}, ${p.fit.chosen}\n`);
          if (holdout !== null) {
            process.stdout.write(`holdout: ${holdout.summary}\n`);
            for (const c of holdout.checks) process.stdout.write(`  ${c.within === null ? 'n/a    ' : c.within ? 'within ' : 'OUTSIDE'} ${c.what}: held out ${c.heldOut}, simulated ${c.simulated}\n`);
          }
        }
        process.stdout.write(`${yamlPath}\n${flowPath}\n${htmlPath}\n`);
      }),
    );
  registerFailures(fit);
  registerLoad(fit);
}

function registerFailures(fit: Command): void {
  fit
    .command('failures')
    .description('fit failure rates per component class: a table of device-days and failures per class (AFR with an exact Poisson interval), or per-failure timestamps (Weibull times between failures)')
    .argument('<file>', 'CSV: class,device_days,failures  or  class,failed_at (one row per failure)')
    .option('-o, --out <dir>', 'output folder for fitted-failures.yaml', 'reports/fit')
    .option('--on-error <policy>', 'an unreadable row: skip or fatal', onError, 'skip')
    .option('--date-format <fmt>', 'auto, dmy, mdy or iso (per-failure timestamps)', dateFormat, 'auto')
    .option('--min-samples <n>', 'fewest intervals between failures for a Weibull fit (default 20)', positiveInt)
    .action((file: string, flags: { out: string; onError: OnRowError; dateFormat: DateFormat; minSamples?: number }) =>
      guarded(async () => {
        const r = await fitFailures(file, { onError: flags.onError, dateFormat: flags.dateFormat, ...(flags.minSamples !== undefined ? { minSamples: flags.minSamples } : {}) });
        printProblems(r.problems);
        const out = path.join(flags.out, 'fitted-failures.yaml');
        await writeFileAtomic(out, r.yaml);
        for (const line of r.summary) process.stdout.write(`${line}\n`);
        process.stdout.write(`${out}\n`);
      }),
    );
}

function registerLoad(fit: Command): void {
  fit
    .command('load')
    .description('fit a request-rate series (timestamp,value) into a load class: mean rate, daily and weekly multipliers, peak factor, outlier days; or a trace file for replay')
    .argument('<file>', 'CSV: timestamp,value (requests counted per row interval, or a rate with --values rate)')
    .requiredOption('--service <name>', 'service the load class sends requests to')
    .option('-o, --out <dir>', 'output folder for fitted-load.yaml (and the trace CSV with --trace)', 'reports/fit')
    .option('--name <name>', 'load class name', 'fitted-load')
    .option('--values <kind>', 'count (requests in the interval, default) or rate (requests per second)', 'count')
    .option('--trace', 'write a traceFile for replay instead of a profile')
    .option('--on-error <policy>', 'an unreadable row: skip or fatal', onError, 'skip')
    .option('--date-format <fmt>', 'auto, dmy, mdy or iso', dateFormat, 'auto')
    .action((file: string, flags: { service: string; out: string; name: string; values: string; trace?: boolean; onError: OnRowError; dateFormat: DateFormat }) =>
      guarded(async () => {
        if (flags.values !== 'count' && flags.values !== 'rate') throw new RangeError('--values: expected count or rate');
        const r = await fitLoadSeries(file, { service: flags.service, name: flags.name, values: flags.values, trace: flags.trace === true, outDir: flags.out, onError: flags.onError, dateFormat: flags.dateFormat });
        printProblems(r.problems);
        const out = path.join(flags.out, 'fitted-load.yaml');
        if (r.traceCsv !== null) await writeFileAtomic(path.join(flags.out, r.traceFileName), r.traceCsv);
        await writeFileAtomic(out, r.yaml);
        for (const line of r.summary) process.stdout.write(`${line}\n`);
        process.stdout.write(`${out}\n`);
      }),
    );
}
