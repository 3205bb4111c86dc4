/**
 * `opsim compare BASELINE CURRENT`: the CI regression gate. Exit 0 when no metric regressed
 * significantly beyond the tolerance, 1 when one did, 2 when an input is unusable (missing
 * file, bad JSON, not a results document, unknown metric or bad option, runs of different
 * scenarios without --force, no shared metric).
 */
import type { Command } from 'commander';
import { CompareInputError, compareResults, readResultsFile, type CompareReport } from '../experiment/compare.js';
import { labelOf } from '../report/catalog.js';
import { formatComparison } from '../report/units.js';
import type { ResultsDocument } from '../results/format.js';
import type { Unit } from '../results/metrics.js';
import { exitCodesHelp } from './help.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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

/** How a comparison writes a metric's figures: its unit and the simulated horizon (for clock times). */
export interface MetricUnits {
  unit: (metric: string) => Unit | undefined;
  horizonSeconds?: number;
}

/**
 * The units of a comparison: a metric's unit in the current run's catalog, else in the
 * baseline's (as compareResults reads directions); none for a document without a catalog (the
 * unit is not guessed from the name, see report/units.ts).
 */
export function comparisonUnits(baseline: ResultsDocument, current: ResultsDocument): MetricUnits {
  return { unit: (m) => current.metrics?.[m]?.unit ?? baseline.metrics?.[m]?.unit, horizonSeconds: current.horizonSeconds };
}

/** A row's baseline, current and signed difference in one scale: report/units.ts's formatComparison, shared with the dashboard's compare view. */
export { formatComparison as compareFigures } from '../report/units.js';

/**
 * The comparison as a fixed-width table for people: each metric by its label, with its name
 * (as in results.json, summary.csv and --metric) in a column beside it (empty for a metric
 * without a label: the first column names it already); lists name a metric as
 * "label (name)". Without labels (none declared) the table is headed by the names alone.
 * Baseline, current and difference are written with the metric's unit in one scale (see
 * compareFigures; without units, as plain numbers). `--json` stays the machine interface, by
 * name only, with raw numbers.
 */
export function compareTable(r: CompareReport, label: MetricLabeller = (m) => m, units: MetricUnits = { unit: () => undefined }): string {
  const labelled = r.verdicts.some((v) => label(v.metric) !== v.metric);
  const rows: string[][] = [['metric', ...(labelled ? ['name'] : []), 'better', 'baseline', 'current', 'difference', 'change', 'test', 'p', 'verdict']];
  for (const v of r.verdicts) {
    const [baseline, current, difference] = formatComparison(v.baselineMean, v.currentMean, units.unit(v.metric), units.horizonSeconds);
    rows.push([
      label(v.metric),
      // A metric without a label is already named by its name in the first column.
      ...(labelled ? [label(v.metric) === v.metric ? '' : v.metric] : []),
      v.direction,
      baseline,
      current,
      difference,
      // The same minus sign as the difference column.
      Number.isFinite(v.changePct) ? `${v.changePct >= 0 ? '+' : '−'}${Math.abs(v.changePct).toFixed(1)}%` : String(v.changePct),
      v.test,
      v.p === null ? '-' : v.p < 1e-4 ? '<1e-4' : v.p.toFixed(4),
      v.verdict.replace('-', ' ').toUpperCase(),
    ]);
  }
  // The figures (baseline … p) are right-aligned.
  const first = labelled ? 3 : 2;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((c, i) => (i >= first && i <= first + 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const named = (list: readonly string[]): string => list.map((m) => (label(m) === m ? m : `${label(m)} (${m})`)).join(', ');
  lines.push(
    '',
    `${r.paired ? 'paired t-test (same seed and replications)' : 'Welch t-test'}, tolerance ${r.tolerancePct}%: ` +
      (r.regressions === 0 ? 'no regression' : `${r.regressions} regression${r.regressions === 1 ? '' : 's'}`) +
      (r.inconclusive === 0 ? '' : `, ${r.inconclusive} inconclusive`),
  );
  // Not significant is not unchanged: name what the runs cannot tell apart, and what would.
  const open = r.verdicts.filter((v) => v.verdict === 'inconclusive');
  if (open.length > 0) {
    const needed = open.map((v) => v.replicationsToDecide);
    const most = needed.every((x) => x !== null) ? Math.max(...(needed as number[])) : null;
    const n = Math.min(...open.map((v) => Math.min(v.baselineN, v.currentN)));
    lines.push(
      `inconclusive (not significant, but the 95 % interval of the difference reaches past ±${r.tolerancePct}%; not a regression for the exit code): ` +
        open.map((v) => `${named([v.metric])} ${Number.isFinite(v.changePct) ? `${v.changePct >= 0 ? '+' : '−'}${Math.abs(v.changePct).toFixed(1)}%` : String(v.changePct)} (p = ${v.p!.toFixed(2)})`).join(', ') +
        (most !== null ? `; about ${most} replications per run (now ${n}) would decide ${open.length === 1 ? 'it' : 'them'} if the spread stays as observed` : `; more replications per run (now ${n}) would narrow the interval`),
    );
  }
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
    .addHelpText('after', exitCodesHelp([
      [0, 'no metric regressed significantly beyond the tolerance'],
      [1, 'a metric regressed significantly beyond the tolerance (an unexpected error exits 1 too, with a message starting "opsim:")'],
      [2, 'unusable input: a missing file, bad JSON, not a results document, an unknown metric or bad option, runs of different scenarios without --force, no shared metric'],
    ]))
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
        process.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : compareTable(report, comparisonLabels(baseline, current), comparisonUnits(baseline, current)));
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
