/**
 * `opsim compare BASELINE CURRENT`: the CI regression gate. Exit 0 when no metric regressed
 * significantly beyond the tolerance, 1 when one did, 2 when an input is unusable (missing
 * file, bad JSON, not a results document, unknown metric or bad option, runs of different
 * scenarios without --force, no shared metric).
 */
import type { Command } from 'commander';
import { CompareInputError, compareResults, readResultsFile, type CompareReport } from '../experiment/compare.js';
import { labelOf } from '../report/catalog.js';
import type { ResultsDocument } from '../results/format.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e6 || a < 1e-3 ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
}

/** What a planner calls a metric: its label (see report/catalog.ts) or, without one, its name. */
export type MetricLabeller = (metric: string) => string;

/**
 * The labeller of a comparison: a metric's label in the current run's catalog (completed from
 * today's specs), else in the baseline's, else its name.
 */
export function comparisonLabels(baseline: ResultsDocument, current: ResultsDocument): MetricLabeller {
  return (m) => {
    const label = labelOf(current, m);
    return label !== m ? label : labelOf(baseline, m);
  };
}

/**
 * The comparison as a fixed-width table for people: each metric by its label, with its name
 * (as in results.json, summary.csv and --metric) in a column beside it (empty for a metric
 * without a label: the first column names it already); lists name a metric as
 * "label (name)". Without labels (none declared) the table is headed by the names alone.
 * `--json` stays the machine interface, by name only.
 */
export function compareTable(r: CompareReport, label: MetricLabeller = (m) => m): string {
  const labelled = r.verdicts.some((v) => label(v.metric) !== v.metric);
  const rows: string[][] = [['metric', ...(labelled ? ['name'] : []), 'better', 'baseline', 'current', 'change', 'test', 'p', 'verdict']];
  for (const v of r.verdicts) {
    rows.push([
      label(v.metric),
      // A metric without a label is already named by its name in the first column.
      ...(labelled ? [label(v.metric) === v.metric ? '' : v.metric] : []),
      v.direction,
      fmt(v.baselineMean),
      fmt(v.currentMean),
      Number.isFinite(v.changePct) ? `${v.changePct >= 0 ? '+' : ''}${v.changePct.toFixed(1)}%` : String(v.changePct),
      v.test,
      v.p === null ? '-' : v.p < 1e-4 ? '<1e-4' : v.p.toFixed(4),
      v.verdict.toUpperCase(),
    ]);
  }
  // The figures (baseline … p) are right-aligned.
  const first = labelled ? 3 : 2;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((c, i) => (i >= first && i <= first + 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const named = (list: readonly string[]): string => list.map((m) => (label(m) === m ? m : `${label(m)} (${m})`)).join(', ');
  lines.push(
    '',
    `${r.paired ? 'paired t-test (same seed and replications)' : 'Welch t-test'}, tolerance ${r.tolerancePct}%: ` +
      (r.regressions === 0 ? 'no regression' : `${r.regressions} regression${r.regressions === 1 ? '' : 's'}`),
  );
  // Metrics without observations on either side cannot be tested; say so rather than pass them silently.
  if (r.skipped.length > 0) lines.push(`not tested (no observations in one of the runs): ${named(r.skipped)}`);
  if (r.missingFromCurrent.length > 0) lines.push(`missing from the current run: ${named(r.missingFromCurrent)}`);
  if (r.missingFromBaseline.length > 0) lines.push(`new in the current run (not in the baseline): ${named(r.missingFromBaseline)}`);
  return lines.join('\n') + '\n';
}

interface CompareFlags {
  metric: string[];
  tolerance?: string;
  direction: string[];
  json?: boolean;
  force?: boolean;
}

/** Registers `opsim compare`. */
export function register(program: Command): void {
  program
    .command('compare')
    .description('Regression gate: compare two results.json files; exit 1 on a significant regression beyond the tolerance')
    .argument('<baseline>', 'baseline results.json')
    .argument('<current>', 'current results.json')
    .option('--metric <name>', 'metric to compare (repeatable; default: every shared metric of the reference variant)', collect, [])
    .option('--tolerance <pct>', 'relative change allowed before a significant move counts, in percent (default 5)')
    .option('--direction <name=lower|higher>', 'which way is better for a metric, overriding its spec (repeatable)', collect, [])
    .option('--json', 'print the comparison as JSON')
    .option('--force', 'compare runs of different scenarios')
    .action(async (baselineFile: string, currentFile: string, flags: CompareFlags) => {
      try {
        const tolerancePct = flags.tolerance === undefined ? 5 : Number(flags.tolerance.replace(/%$/, ''));
        if (!Number.isFinite(tolerancePct) || tolerancePct < 0) throw new CompareInputError(`--tolerance must be a number ≥ 0, got ${JSON.stringify(flags.tolerance)}`);
        const directions: Record<string, 'lower' | 'higher'> = {};
        for (const d of flags.direction) {
          const m = /^(.+)=(lower|higher)$/.exec(d);
          if (m === null) throw new CompareInputError(`--direction ${JSON.stringify(d)}: expected NAME=lower or NAME=higher`);
          directions[m[1]!] = m[2] as 'lower' | 'higher';
        }
        const [baseline, current] = await Promise.all([readResultsFile(baselineFile), readResultsFile(currentFile)]);
        const report = compareResults(baseline, current, { metrics: flags.metric, tolerancePct, directions, force: flags.force === true });
        process.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : compareTable(report, comparisonLabels(baseline, current)));
        process.exitCode = report.regressions > 0 ? 1 : 0;
      } catch (err) {
        if (err instanceof CompareInputError) {
          process.stderr.write(`opsim compare: ${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
