/**
 * `opsim compare BASELINE CURRENT`: the CI regression gate. Exit 0 when no metric regressed
 * significantly beyond the tolerance, 1 when one did, 2 when an input is unusable (missing
 * file, bad JSON, not a results document, unknown metric or bad option, runs of different
 * scenarios without --force, no shared metric).
 */
import type { Command } from 'commander';
import { CompareInputError, compareResults, readResultsFile, type CompareReport } from '../experiment/compare.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e6 || a < 1e-3 ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
}

/** The comparison as a fixed-width table. */
export function compareTable(r: CompareReport): string {
  const rows: string[][] = [['metric', 'better', 'baseline', 'current', 'change', 'test', 'p', 'verdict']];
  for (const v of r.verdicts) {
    rows.push([
      v.metric,
      v.direction,
      fmt(v.baselineMean),
      fmt(v.currentMean),
      Number.isFinite(v.changePct) ? `${v.changePct >= 0 ? '+' : ''}${v.changePct.toFixed(1)}%` : String(v.changePct),
      v.test,
      v.p === null ? '-' : v.p < 1e-4 ? '<1e-4' : v.p.toFixed(4),
      v.verdict.toUpperCase(),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push(
    '',
    `${r.paired ? 'paired t-test (same seed and replications)' : 'Welch t-test'}, tolerance ${r.tolerancePct}%: ` +
      (r.regressions === 0 ? 'no regression' : `${r.regressions} regression${r.regressions === 1 ? '' : 's'}`),
  );
  // Metrics without observations on either side cannot be tested; say so rather than pass them silently.
  if (r.skipped.length > 0) lines.push(`not tested (no observations in one of the runs): ${r.skipped.join(', ')}`);
  if (r.missingFromCurrent.length > 0) lines.push(`missing from the current run: ${r.missingFromCurrent.join(', ')}`);
  if (r.missingFromBaseline.length > 0) lines.push(`new in the current run (not in the baseline): ${r.missingFromBaseline.join(', ')}`);
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
        process.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : compareTable(report));
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
