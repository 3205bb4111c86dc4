/**
 * `opsim compare BASELINE CURRENT`: the CI regression gate. 0 and 1 are the answers of a
 * comparison that was made (no regression; a regression); every code above says the gate could
 * not decide, and why, so a pipeline never reads a broken gate as a regression or as a pass:
 * 2 a usage error, 3 an unusable file, 4 runs that cannot be compared as asked, 5 an
 * unexpected error (a bug; OPSIM_DEBUG=1 shows the stack).
 */
import type { Command } from 'commander';
import { CompareError, compareRuns, readResultsFile, type CompareProblem, type CompareReport, type ComparedRun, type GateReport, type MetricVerdict } from '../experiment/compare.js';
import { labelOf } from '../report/catalog.js';
import { formatTogether } from '../report/units.js';
import type { ResultsDocument } from '../results/format.js';
import type { Unit } from '../results/metrics.js';
import { setOutputFailureCode } from './finish.js';
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
 * One metric's rows of a comparison (each variant compared: its baseline and current mean) as
 * baseline, current and signed difference (current − baseline), every figure in one scale and
 * one precision: the figures are read together down the column as across a row, so a metric
 * never reads "27.8 %" in one variant's section and "28.46 %" in the next, nor "40 s" in one
 * and "10 min" in the next. As report/units.ts's formatComparison writes one row: a clock time's difference is
 * a duration (scaled on its own), a share's is in percentage points, and without a unit the
 * figures are plain numbers. Percentages take one number of decimals for the column (each row's
 * figures kept apart from one another); other units one scale and one number of significant
 * digits for all.
 */
export function compareColumn(rows: readonly (readonly [number, number])[], unit: Unit | undefined, horizonSeconds?: number): [string, string, string][] {
  // The difference without the noise of subtracting (0.9 − 0.8 is 0.09999999999999998): below
  // 1e-12 of the operands it is none.
  const diffs = rows.map(([b, c]) => (Math.abs(c - b) <= 1e-12 * Math.max(Math.abs(b), Math.abs(c)) ? 0 : c - b));
  const signed = (d: number, s: string): string => (!Number.isFinite(d) ? s : d < 0 ? `−${s}` : d > 0 ? `+${s}` : s);
  if (unit === 'fraction') {
    const cells = rows.map(([b, c], i) => [b, c, Math.abs(diffs[i]!)]);
    return cells.map((xs, i) => {
      const [b, c, d] = formatTogether(xs, unit, horizonSeconds, { column: cells.filter((_, j) => j !== i) });
      return [b!, c!, signed(diffs[i]!, d!.replace(/ %$/, ' pp'))];
    });
  }
  const flat = rows.flat();
  let values: string[];
  let spans: string[];
  if (unit === 'clock_seconds') {
    values = formatTogether(flat, unit, horizonSeconds);
    spans = formatTogether(diffs.map(Math.abs), 'seconds');
  } else if (unit === undefined) {
    // Plain numbers; a small difference is not written as 1.000e-2.
    values = formatTogether(flat, unit);
    spans = diffs.map((d) => (Number.isFinite(d) ? String(Number(Math.abs(d).toPrecision(4))) : '—'));
  } else {
    // Values and differences in one call: one scale ("9.64 k  10.1 k  +0.456 k").
    const all = formatTogether([...flat, ...diffs.map(Math.abs)], unit, horizonSeconds);
    [values, spans] = [all.slice(0, flat.length), all.slice(flat.length)];
  }
  return rows.map((_, i) => [values[2 * i]!, values[2 * i + 1]!, signed(diffs[i]!, spans[i]!)]);
}

/** Each metric's figures in every section of a comparison, written as one column (compareColumn): per section, metric → [baseline, current, difference]. */
export function comparisonFigures(sections: readonly CompareReport[], units: MetricUnits): Map<string, [string, string, string]>[] {
  const out = sections.map(() => new Map<string, [string, string, string]>());
  const metrics = [...new Set(sections.flatMap((s) => s.verdicts.map((v) => v.metric)))];
  for (const m of metrics) {
    const at = sections.flatMap((s, i) => s.verdicts.filter((v) => v.metric === m).map((v) => ({ i, v })));
    // A metric observed in one run only has one figure: the other side and the difference are "—".
    const both = at.filter(({ v }) => v.observedOnlyIn === undefined);
    const written = compareColumn(both.map(({ v }) => [v.baselineMean, v.currentMean] as const), units.unit(m), units.horizonSeconds);
    both.forEach(({ i }, k) => out[i]!.set(m, written[k]!));
    for (const { i, v } of at.filter(({ v }) => v.observedOnlyIn !== undefined)) {
      const x = formatTogether([v.observedOnlyIn === 'baseline' ? v.baselineMean : v.currentMean], units.unit(m), units.horizonSeconds)[0]!;
      out[i]!.set(m, v.observedOnlyIn === 'baseline' ? [x, '—', '—'] : ['—', x, '—']);
    }
  }
  return out;
}

/** A relative change with the same minus sign as the difference column; ±Infinity (from a baseline of 0) as "+∞%". */
const change = (v: MetricVerdict): string => (Number.isNaN(v.changePct) ? '—' : `${v.changePct >= 0 ? '+' : '−'}${Number.isFinite(v.changePct) ? Math.abs(v.changePct).toFixed(1) : '∞'}%`);

/**
 * The comparison as a fixed-width table for people: each metric by its label, with its name
 * (as in results.json, summary.csv and --metric) in a column beside it (empty for a metric
 * without a label: the first column names it already); lists name a metric as
 * "label (name)". Without labels (none declared) the table is headed by the names alone.
 * Baseline, current and difference are written with the metric's unit in one scale (see
 * compareColumn, over every section of the comparison when the gate passes `within.figures`;
 * without units, as plain numbers). `--json` stays the machine interface, by
 * name only, with raw numbers.
 */
export function compareTable(r: CompareReport, label: MetricLabeller = (m) => m, units: MetricUnits = { unit: () => undefined }, within?: { omitNotes: readonly string[]; figures?: ReadonlyMap<string, [string, string, string]> }): string {
  const labelled = r.verdicts.some((v) => label(v.metric) !== v.metric);
  const rows: string[][] = [['metric', ...(labelled ? ['name'] : []), 'better', 'baseline', 'current', 'difference', 'change', 'test', 'p', 'verdict']];
  // Within a comparison of several variants, the gate writes each metric's figures as one column over all sections.
  const figures = within?.figures ?? comparisonFigures([r], units)[0]!;
  for (const v of r.verdicts) {
    const [baseline, current, difference] = figures.get(v.metric)!;
    rows.push([
      label(v.metric),
      // A metric without a label is already named by its name in the first column.
      ...(labelled ? [label(v.metric) === v.metric ? '' : v.metric] : []),
      v.direction,
      baseline,
      current,
      difference,
      change(v),
      v.scale === 'log' ? `${v.test} log` : v.test,
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
    `${r.paired ? 'paired t-test (same seed and replications)' : 'Welch t-test'}${r.verdicts.some((v) => v.scale === 'log') ? ' (on log values for positive metrics: "log")' : ''}, tolerance ${r.tolerancePct}%: ` +
      (r.regressions === 0 ? 'no regression' : `${r.regressions} regression${r.regressions === 1 ? '' : 's'}`) +
      (r.inconclusive === 0 ? '' : `, ${r.inconclusive} inconclusive`),
    ...comparedLines(r, within),
  );
  // Not significant is not unchanged: name what the runs cannot tell apart, and what would.
  const open = r.verdicts.filter((v) => v.verdict === 'inconclusive' && v.p !== null);
  // Without a test: a metric observed in fewer than two replications of a run (a rare event).
  const untested = r.verdicts.filter((v) => v.verdict === 'inconclusive' && v.p === null && v.observedOnlyIn === undefined);
  // Observed in one run only: a metric that vanished (nothing completed) or appeared.
  const oneSided = (side: 'baseline' | 'current'): MetricVerdict[] => r.verdicts.filter((v) => v.observedOnlyIn === side);
  for (const side of ['baseline', 'current'] as const) {
    const only = oneSided(side);
    if (only.length === 0) continue;
    lines.push(
      `inconclusive: observed in the ${side === 'baseline' ? 'baseline only, not in the current run' : 'current run only, not in the baseline'} (n = 0 there: nothing to compare it with; fails the gate with --fail-on inconclusive, and --metric naming it exits 4): ` +
        only.map((v) => `${named([v.metric])} (observed in ${v.baselineN} and ${v.currentN} replications)`).join(', '),
    );
  }
  // On the log scale the verdict is judged on the ratio of geometric means; say so where the change of the means tells otherwise.
  const byRatio = r.verdicts.filter((v) => v.ratioPct !== undefined && Math.abs(v.ratioPct) > r.tolerancePct !== Math.abs(v.changePct) > r.tolerancePct);
  if (byRatio.length > 0) {
    const pct = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}%`;
    lines.push(`judged on the ratio of geometric means (what the log test tests), which the change of the means does not show: ` + byRatio.map((v) => `${named([v.metric])} ratio ${pct(v.ratioPct!)} (means ${change(v)})`).join(', '));
  }
  if (untested.length > 0) {
    lines.push(
      `inconclusive without a test (observed in fewer than two replications of a run, so one value of chance; not a regression: it fails the gate only with --fail-on inconclusive): ` +
        untested.map((v) => `${named([v.metric])} ${change(v)} (observed in ${v.baselineN} and ${v.currentN} replications)`).join(', '),
    );
  }
  if (open.length > 0) {
    const needed = open.map((v) => v.replicationsToDecide);
    const most = needed.every((x) => x !== null) ? Math.max(...(needed as number[])) : null;
    const n = Math.min(...open.map((v) => Math.min(v.baselineN, v.currentN)));
    lines.push(
      `inconclusive (not significant, but the 95 % interval of the difference reaches past ±${r.tolerancePct}%; not a regression: it fails the gate only with --fail-on inconclusive): ` +
        open.map((v) => `${named([v.metric])} ${change(v)} (p = ${v.p!.toFixed(2)})`).join(', ') +
        (most !== null ? `; about ${most} replications per run (now ${n}) would decide ${open.length === 1 ? 'it' : 'them'} if the spread stays as observed` : `; more replications per run (now ${n}) would narrow the interval`),
    );
  }
  // Metrics without observations in either run cannot be tested; say so rather than pass them silently.
  if (r.skipped.length > 0) lines.push(`not tested (no observations in either run): ${named(r.skipped)}`);
  if (r.missingFromCurrent.length > 0) lines.push(`missing from the current run: ${named(r.missingFromCurrent)}`);
  if (r.missingFromBaseline.length > 0) lines.push(`new in the current run (not in the baseline): ${named(r.missingFromBaseline)}`);
  return lines.join('\n') + '\n';
}

/**
 * What was compared, in words: the scenario and variant of each side with its replications and
 * seed, the variants left out, and every difference the report notes (a forced mismatch,
 * another horizon, Welch's test for lack of pairs).
 */
export function comparedLines(r: CompareReport, within?: { omitNotes: readonly string[] }): string[] {
  const runOf = (c: ComparedRun): string => `${c.replications} replication${c.replications === 1 ? '' : 's'}, seed "${c.seed}"`;
  const same = r.baseline.scenario === r.current.scenario && r.baseline.variant === r.current.variant;
  const lines = [
    same
      ? `compared: scenario "${r.baseline.scenario}", variant "${r.baseline.variant}": baseline ${runOf(r.baseline)}; current ${runOf(r.current)}`
      : `compared: baseline scenario "${r.baseline.scenario}", variant "${r.baseline.variant}" (${runOf(r.baseline)}) with current scenario "${r.current.scenario}", variant "${r.current.variant}" (${runOf(r.current)})`,
  ];
  // Within a comparison of several variants, the gate says once which variants and notes apply to all.
  if (within !== undefined) {
    for (const n of r.notes) if (!within.omitNotes.includes(n)) lines.push(`note: ${n}`);
    return lines;
  }
  const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');
  const [ob, oc] = [r.baseline.otherVariants, r.current.otherVariants];
  if (ob.length > 0 || oc.length > 0) {
    const alike = ob.length === oc.length && ob.every((n, i) => n === oc[i]);
    const which = alike ? quoted(ob) : [...(ob.length > 0 ? [`baseline ${quoted(ob)}`] : []), ...(oc.length > 0 ? [`current ${quoted(oc)}`] : [])].join('; ');
    const count = alike ? ob.length : ob.length + oc.length;
    lines.push(`not compared: the other variant${count === 1 ? '' : 's'}, ${which} (--variant NAME compares one both runs have)`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines;
}

/**
 * The comparison of every variant for people: one section per variant, headed by its name
 * (compareTable's table, verdict line and what it compared), then the verdict over all
 * variants, the variants not compared and why, and the notes that apply to every section.
 */
export function gateText(g: GateReport, label: MetricLabeller = (m) => m, units: MetricUnits = { unit: () => undefined }, failOn: FailOn = 'regression'): string {
  const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');
  // Notes every section carries (e.g. the seeds differ) are said once, under the verdict.
  const common = g.sections[0]!.notes.filter((n) => g.sections.every((s) => s.notes.includes(n)));
  // One metric reads in one scale and precision in every section.
  const figures = comparisonFigures(g.sections, units);
  const parts = g.sections.map((s, i) => {
    const name = s.baselineVariant === s.currentVariant ? `variant "${s.baselineVariant}"` : `baseline variant "${s.baselineVariant}" against current variant "${s.currentVariant}"`;
    return `== ${name} ==\n` + compareTable(s, label, units, { omitNotes: common, figures: figures[i]! });
  });
  const regressed = g.sections.filter((s) => s.regressions > 0).map((s) => s.currentVariant);
  const open = g.sections.filter((s) => s.inconclusive > 0).map((s) => s.currentVariant);
  const lines = [
    `gate: ${g.sections.length} variant${g.sections.length === 1 ? '' : 's'} compared: ` +
      (g.regressions === 0 ? 'no regression' : `${g.regressions} regression${g.regressions === 1 ? '' : 's'} (${quoted(regressed)})`) +
      (g.inconclusive === 0 ? '' : `, ${g.inconclusive} inconclusive (${quoted(open)})${failOn === 'inconclusive' ? ', failing the gate (--fail-on inconclusive)' : ''}`),
  ];
  if (g.notSelected.length > 0) lines.push(`not compared: ${quoted(g.notSelected)} (left out by --variant)`);
  if (g.onlyInCurrent.length > 0) lines.push(`not compared: new in the current run (not in the baseline): ${quoted(g.onlyInCurrent)}`);
  if (g.onlyInBaseline.length > 0) lines.push(`not compared: missing from the current run: ${quoted(g.onlyInBaseline)}`);
  for (const n of [...g.notes, ...common.filter((n) => !g.notes.includes(n))]) lines.push(`note: ${n}`);
  return parts.join('\n') + '\n' + lines.join('\n') + '\n';
}

/** What fails the gate besides a regression: nothing else (default), or also an inconclusive verdict. */
export type FailOn = 'regression' | 'inconclusive';

/** Exit codes of `opsim compare`: 0 and 1 answer the comparison; the others say it was not made. */
export const COMPARE_EXIT = {
  /** No metric regressed significantly beyond the tolerance. */
  noRegression: 0,
  /** A metric regressed significantly beyond the tolerance. */
  regression: 1,
  usage: 2,
  input: 3,
  mismatch: 4,
  /** Anything else: a bug, never read as a regression. */
  unexpected: 5,
} as const satisfies Record<'noRegression' | 'regression' | CompareProblem | 'unexpected', number>;

/** The flags of `opsim compare`. */
export interface CompareFlags {
  metric: string[];
  tolerance?: string;
  direction: string[];
  variant?: string[];
  json?: boolean;
  force?: boolean;
  allowIncomplete?: boolean;
  failOn?: string;
}

/** Where `opsim compare` reads the documents and writes (replaceable in tests). */
export interface CompareIo {
  read: (file: string) => Promise<ResultsDocument>;
  out: (text: string) => void;
  err: (text: string) => void;
}

const PROCESS_IO: CompareIo = { read: readResultsFile, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs `opsim compare` and returns its exit code (COMPARE_EXIT). Never throws: an error of the
 * comparison gets its kind's code, anything else the unexpected-error code, never 1.
 */
export async function runCompare(baselineFile: string, currentFile: string, flags: CompareFlags, io: CompareIo = PROCESS_IO): Promise<number> {
  try {
    const tolerancePct = flags.tolerance === undefined ? 5 : Number(flags.tolerance.replace(/%$/, ''));
    if (flags.tolerance?.trim() === '' || !Number.isFinite(tolerancePct) || tolerancePct < 0) throw new CompareError('usage', `--tolerance must be a number ≥ 0, got ${JSON.stringify(flags.tolerance)}`);
    const directions: Record<string, 'lower' | 'higher'> = {};
    for (const d of flags.direction) {
      const m = /^(.+)=(lower|higher)$/.exec(d);
      if (m === null) throw new CompareError('usage', `--direction ${JSON.stringify(d)}: expected NAME=lower or NAME=higher`);
      directions[m[1]!] = m[2] as 'lower' | 'higher';
    }
    const failOn = flags.failOn ?? 'regression';
    if (failOn !== 'regression' && failOn !== 'inconclusive') throw new CompareError('usage', `--fail-on must be regression or inconclusive, got ${JSON.stringify(flags.failOn)}`);
    const variants = (flags.variant ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
    if (variants.some((v) => v === '')) throw new CompareError('usage', `--variant: an empty variant name in ${JSON.stringify((flags.variant ?? []).join(','))}`);
    const [baseline, current] = await Promise.all([io.read(baselineFile), io.read(currentFile)]);
    const report = compareRuns(baseline, current, {
      metrics: flags.metric,
      tolerancePct,
      directions,
      force: flags.force === true,
      allowIncomplete: flags.allowIncomplete === true,
      variants,
    });
    io.out(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : gateText(report, comparisonLabels(baseline, current), comparisonUnits(baseline, current), failOn));
    const fails = report.regressions > 0 || (failOn === 'inconclusive' && report.inconclusive > 0);
    return fails ? COMPARE_EXIT.regression : COMPARE_EXIT.noRegression;
  } catch (err) {
    if (err instanceof CompareError) {
      io.err(`opsim compare: ${err.message}\n`);
      return COMPARE_EXIT[err.problem];
    }
    io.err(`opsim compare: unexpected error, not a comparison result: ${err instanceof Error ? err.message : String(err)} (OPSIM_DEBUG=1 shows the stack)\n`);
    if (process.env.OPSIM_DEBUG) console.error(err);
    return COMPARE_EXIT.unexpected;
  }
}

/** Registers `opsim compare`. */
export function register(program: Command): void {
  program
    .command('compare')
    .description('Regression gate: compare two results.json files, every variant both runs have; exit 1 on a significant regression beyond the tolerance in any of them, 0 without one, 2–5 when no comparison was made')
    .argument('<baseline>', 'baseline results.json')
    .argument('<current>', 'current results.json')
    .option('--metric <name>', 'metric to compare (repeatable; default: every metric both runs report, in each variant compared)', collect, [])
    .option('--variant <names>', 'variant(s) to compare, by name (repeatable or a comma list; default: every variant both runs have)', collect, [])
    .option('--tolerance <pct>', 'relative change allowed before a significant move counts, in percent (default 5)')
    .option('--direction <name=lower|higher>', 'which way is better for a metric, overriding its spec (repeatable)', collect, [])
    .option('--json', 'print the comparison as JSON')
    .option('--fail-on <what>', 'regression (default): only a regression exits 1; inconclusive: an inconclusive verdict exits 1 too, for pipelines that want a decision')
    .option('--allow-incomplete', 'compare an incomplete run (interrupted, failed replications) on the replications it has')
    .option('--force', 'compare anyway runs of different scenarios, horizons or warm-ups, runs that share no variant or lack a baseline variant, or an incomplete run (the output notes what differs)')
    .addHelpText('after', exitCodesHelp([
      [COMPARE_EXIT.noRegression, 'compared: no metric regressed significantly beyond the tolerance'],
      [COMPARE_EXIT.regression, 'compared: a metric of some variant regressed significantly beyond the tolerance (or, with --fail-on inconclusive, a verdict was inconclusive)'],
      [COMPARE_EXIT.usage, 'usage error, nothing compared: a bad option or argument, a --metric, --variant or --direction neither run has'],
      [COMPARE_EXIT.input, 'unusable input, nothing compared: a file missing or unreadable, not JSON, not an opsim results document (each problem named by its field), a summary mean that disagrees with its own per-replication values (a hand-edited or damaged file), or a results format of another major version (a later opsim of the same major version is read)'],
      [COMPARE_EXIT.mismatch, 'the runs cannot be compared as asked, nothing compared: different scenarios, horizons or warm-ups, no shared variant, a baseline variant the current run lacks, or an incomplete run (each unless --force; an incomplete run also with --allow-incomplete), no shared metric, a --metric or --variant only one run has, a --metric observed in one run only'],
      [COMPARE_EXIT.unexpected, 'an unexpected error, nothing compared (a bug; OPSIM_DEBUG=1 shows the stack), or the verdict could not be written (stdout or stderr failed, e.g. a full disk; a closed reader is not a failure)'],
    ]))
    .action(async (baselineFile: string, currentFile: string, flags: CompareFlags) => {
      // Set first, so that anything escaping the command still exits as unexpected, never as a regression.
      process.exitCode = COMPARE_EXIT.unexpected;
      // A verdict that could not be printed (stdout on a full disk) is no verdict either.
      setOutputFailureCode(COMPARE_EXIT.unexpected, [COMPARE_EXIT.noRegression, COMPARE_EXIT.regression]);
      process.exitCode = await runCompare(baselineFile, currentFile, flags);
    });
}
