/**
 * `opsim run FILE`: runs a scenario's variants × replications on worker threads, writes
 * results.json and series.csv, prints a summary table. Exit codes: 0 all replications ran;
 * 2 scenario or option error; 3 some replications failed (others completed, results
 * written); 130 interrupted by Ctrl-C/SIGTERM (partial results written, complete: false);
 * 1 anything else.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { formatScenarioError, loadScenarioFile, parseOverrideArgs, ScenarioLoadError } from '../scenario/index.js';
import { printPlannedWarnings } from './planned-warnings.js';
import { planExperiment, runExperiment } from '../experiment/run.js';
import { rememberLoaded } from '../experiment/plan.js';
import { ReplicationPool, defaultWorkers } from '../experiment/pool.js';
import { createProgress } from '../experiment/progress.js';
import { resultsJson, writeResultsSync } from '../results/write.js';
import { commandFinished } from './finish.js';
import { exitCodesHelp } from './help.js';
import { keyMetrics } from '../results/key-metrics.js';
import { formatMetricTogether } from '../report/units.js';
import { labelOf } from '../report/catalog.js';
import { decisionOrder, decisionRanks, judgedNames, metProbability, ownSlaIndex, type SlaIndex } from '../report/decision-order.js';
import type { ResultsDocument } from '../results/format.js';
import type { SpecOptions } from '../distributed/identity.js';

/** Exit code when some replications failed. */
export const EXIT_FAILED_REPLICATIONS = 3;
/** Exit code when the run was interrupted (partial results written). */
export const EXIT_INTERRUPTED = 130;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max.toLocaleString('en')}` : ''}, got ${JSON.stringify(v)}`);
    return n;
  };
}

/** Parses `VARIANT:REP` (the last colon splits, so variant names may contain colons). */
export function parseOnly(spec: string): { variant: string; replication: number } {
  const i = spec.lastIndexOf(':');
  const rep = Number(spec.slice(i + 1));
  if (i <= 0 || !Number.isInteger(rep) || rep < 0) throw new ScenarioLoadError([{ file: null, line: null, column: null, path: '', message: `--only ${JSON.stringify(spec)}: expected VARIANT:REPLICATION, e.g. base:3` }]);
  return { variant: spec.slice(0, i), replication: rep };
}

/** A folder name from a scenario name. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
}

function num(v: number): string {
  // NaN means no replication observed the metric (e.g. MTTR of a priority that never occurred).
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/**
 * The summary's ranking: the report's decision order (decisionOrder), with its reason. Where the
 * P(met) band reorders results.json's `ranking` (by its metric alone), that order is shown too.
 */
function rankingLines(doc: ResultsDocument, index: SlaIndex): string[] {
  const r = doc.ranking!;
  const byMetric = `${r.metric} (${r.direction} is better)`;
  const listed = (order: readonly { variant: string; rank: number }[]): string => order.map((o) => `${o.rank}. ${o.variant}`).join('  ');
  const { variants, byVerdict } = decisionOrder(doc, index);
  const ranks = decisionRanks(doc, variants);
  const order = variants.filter((v) => ranks.has(v.name)).map((v) => ({ variant: v.name, rank: ranks.get(v.name)! }));
  if (!byVerdict) return [`ranking by ${byMetric}: ${listed(r.order)}`];
  // Judged on no SLA or target (decisionOrder ranks them last): said, not left to be read as met.
  const mets = judgedNames(doc, index).map((n) => index.get(n)?.met);
  const unjudged = new Set(variants.filter((v) => mets.every((m) => metProbability(v, m) === undefined)).map((v) => v.name));
  const marked = order.map((o) => (unjudged.has(o.variant) ? { ...o, variant: `${o.variant} (not judged)` } : o));
  const lines = [`ranking by worst P(met) band (≥ 0.90, between, ≤ 0.50), then ${byMetric}: ${listed(marked)}`];
  if (order.some((o, i) => o.variant !== r.order[i]?.variant)) lines.push(`  (results.json ranking, by ${r.metric} alone: ${listed(r.order)})`);
  return lines;
}

/** The terminal summary: key metrics per variant with their 95 % intervals. */
export function summaryTable(doc: ResultsDocument): string {
  // Intervals are printed as [lo, hi]: cut to the feasible range or Wilson, they need not be symmetric.
  // One block per key metric, headed by its planner-facing label and its name in results.json and summary.csv.
  const rows: (string[] | string)[] = [['variant', 'mean', '95% CI', 'n']];
  const metrics = keyMetrics(doc, 12);
  for (const m of metrics) {
    const label = labelOf(doc, m);
    rows.push(label === m ? m : `${label} (${m})`);
    for (const v of doc.variants) {
      const s = v.metrics[m];
      if (s === undefined) continue;
      const hasCi = s.n >= 2 && Number.isFinite(s.ci95[0]);
      const [mean, lo, hi] = formatMetricTogether(doc, m, hasCi ? [s.mean, s.ci95[0], s.ci95[1]] : [s.mean]);
      rows.push([`  ${v.name}`, mean!, hasCi ? `[${lo}, ${hi}]` : '—', String(s.n)]);
    }
  }
  const cells = rows.filter((r): r is string[] => typeof r !== 'string');
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const lines = rows.map((r) => (typeof r === 'string' ? r : r.map((c, i) => (i >= 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  // P(met) of every stated SLA and every request class's service-level target, as the report's decision table.
  const index = ownSlaIndex(doc);
  for (const name of judgedNames(doc, index)) {
    const met = index.get(name)?.met;
    const p = doc.variants.map((v) => {
      const s = metProbability(v, met);
      return s === undefined ? null : `${v.name} ${s.met}/${s.n} (${num(s.ci95[0])}–${num(s.ci95[1])})`;
    });
    const basis = doc.slas?.find((b) => b.name === name);
    if (basis === undefined && p.every((x) => x === null)) continue;
    // A variant with no replication where it could be judged is named, not left out.
    const said = p.map((x, i) => x ?? `${doc.variants[i]!.name} not judged`);
    lines.push('', basis !== undefined ? `SLA ${name}: ${basis.statement}` : met === undefined ? `target ${name}` : labelOf(doc, met) === met ? met : `${labelOf(doc, met)} (${met})`, `  P(met): ${said.join('  ')}`);
  }
  if (doc.ranking !== undefined) lines.push('', ...rankingLines(doc, index));
  if (doc.warmupDetection !== undefined) {
    const w = doc.warmupDetection;
    lines.push(`warm-up (MSER-5 on ${w.column}): ${w.seconds} s${w.reliable ? '' : ' (unreliable: run may be too short)'}`);
  }
  if (doc.stopping !== undefined) lines.push(`sequential stopping on ${doc.stopping.metric}: ${doc.stopping.replications} replications, target ${doc.stopping.met ? 'met' : 'NOT met'}`);
  for (const f of doc.failures) lines.push(`FAILED ${f.variant}:${f.replication} (seed ${f.seed}): ${f.error.split('\n')[0]}  — rerun with --only ${JSON.stringify(`${f.variant}:${f.replication}`)}`);
  const pr = doc.precision;
  if (pr !== undefined && pr.achieved.length > 0) {
    const within = pr.achieved.filter((a) => a.relativeHalfWidth !== null && a.relativeHalfWidth <= pr.target).length;
    const widest = pr.achieved.filter((a) => a.relativeHalfWidth !== null).sort((a, b) => b.relativeHalfWidth! - a.relativeHalfWidth!)[0];
    lines.push(`precision: ${within} of ${pr.achieved.length} key figures within ±${pr.target * 100} %` + (widest !== undefined && widest.replicationsNeeded !== null ? `; widest ${widest.variant} ${widest.metric} ±${(widest.relativeHalfWidth! * 100).toFixed(0)} % (about ${widest.replicationsNeeded} replications would reach ±${pr.target * 100} %)` : ''));
  }
  // Imprecision is summed up above; the other warnings are listed.
  const warnings = (doc.warnings ?? []).filter((w) => w.kind !== 'imprecise');
  for (const w of warnings.slice(0, 8)) lines.push(`warning: ${w.message}`);
  if (warnings.length > 8) lines.push(`… ${warnings.length - 8} more warnings in results.json (warnings)`);
  if (doc.interrupted === true) lines.push('interrupted: partial results (complete: false)');
  return lines.join('\n') + '\n';
}

interface RunFlags {
  replications?: number;
  workers?: number;
  seed?: string;
  horizon?: string;
  set: string[];
  variant: string[];
  only: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
  /** False with --no-report. */
  report?: boolean;
  /** `--shard I/N`: run one shard, write its records (see src/cli/distributed.ts). */
  shard?: string;
  /** `--queue redis://…`: coordinate the run on a queue. */
  queue?: string;
  /** With --queue: continue a coordinator's run from its log. */
  resume?: boolean;
  /** With --queue: replications per job. */
  block?: number;
  /** With --queue: seconds without a connected worker before stopping. */
  workerTimeout?: number;
}

/**
 * Most replications one `opsim run` may plan (all variants, stopWhen and a warm-up pilot
 * counted): beyond it the job list alone would exhaust memory, and the run would take years.
 */
export const MAX_RUN_REPLICATIONS = 1_000_000;

/** Pseudo-file systems: writing results there makes no sense and may block forever. */
const PSEUDO_FS = ['/proc', '/sys', '/dev'];

function underPseudoFs(abs: string): string | undefined {
  return PSEUDO_FS.find((p) => abs === p || abs.startsWith(`${p}/`));
}

/**
 * Checks, before any simulating, that results can be written to `dir`: not under /proc,
 * /sys or /dev, creatable, a directory, and writable (a probe file is created and removed).
 * Throws an Error that names the folder and what is wrong. Synchronous: seven asynchronous
 * file operations started libuv's thread pool and went round the event loop for each, about
 * 1 CPU ms of a one-replication run, for calls that take microseconds.
 */
export function checkOutDir(dir: string): void {
  const refuse = (why: string): Error => new Error(`--out ${dir}: ${why}`);
  const pseudo = underPseudoFs(path.resolve(dir));
  if (pseudo !== undefined) throw refuse(`${pseudo} is not a place for result files; choose a folder on a disk`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refuse(code === 'EEXIST' || code === 'ENOTDIR' ? 'not a folder (a file is in the way)' : `cannot create the folder (${(err as Error).message})`);
  }
  const real = realpathSync(dir);
  const realPseudo = underPseudoFs(real);
  if (realPseudo !== undefined) throw refuse(`it leads to ${real}, under ${realPseudo}; choose a folder on a disk`);
  if (!statSync(real).isDirectory()) throw refuse('not a folder');
  const probe = path.join(real, `.opsim-probe-${process.pid}-${randomUUID().slice(0, 8)}.tmp`);
  try {
    const fd = openSync(probe, 'wx');
    try {
      writeFileSync(fd, 'opsim');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw refuse(`the folder is not writable (${(err as Error).message})`);
  } finally {
    try {
      unlinkSync(probe);
    } catch {
      // Never created (the open failed): nothing to remove.
    }
  }
}

/** The options that decide a run's results, as a local run, a shard and the queue all pass them. */
function specOptions(flags: RunFlags, overrides: Record<string, unknown>, only: { variant: string; replication: number }[]): SpecOptions {
  return {
    ...(flags.replications !== undefined ? { replications: flags.replications } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    overrides,
    variants: flags.variant,
    only,
  };
}

/**
 * Worker threads of a local run of `planned` replications: --workers as given (0 = the main
 * thread), at most one per replication; by default min(2, cores), except that a run of one
 * replication runs in the main thread (0).
 */
export function runWorkers(requested: number | undefined, planned: number): number {
  if (requested === undefined && planned <= 1) return 0;
  return Math.min(requested ?? defaultWorkers(), planned);
}

/** Prints every scenario error and sets exit code 2. */
export function printScenarioErrors(err: ScenarioLoadError): void {
  for (const e of err.errors) process.stderr.write(formatScenarioError(e) + '\n');
  process.exitCode = 2;
}

/** Registers `opsim run`. */
export function register(program: Command): void {
  program
    .command('run')
    .description('Run a scenario: every variant × replication on worker threads; writes results.json, summary.csv, series.csv and report.html (with its charts) to the output folder')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('-r, --replications <n>', 'replications per variant (default: the scenario\'s, else 1)', integer('--replications', 1, 100_000))
    .option('-w, --workers <n>', 'worker threads (default min(2, cores), and none for a run of one replication); 0 = in the main thread, for debugging (Ctrl-C then waits for the replication in progress)', integer('--workers', 0))
    .option('--seed <seed>', 'master seed (default: the scenario\'s, else 1)')
    .option('--horizon <duration>', 'simulated time span of one replication, e.g. "1d"')
    .option('--set <path=value>', 'override a field, e.g. services.inventory.servers=12 (repeatable)', collect, [])
    .option('--variant <name>', 'run only this variant (repeatable)', collect, [])
    .option('--only <variant:rep>', 'run only this replication of this variant, e.g. to rerun a failed one (repeatable)', collect, [])
    .option('-o, --out <dir>', 'output folder (default reports/<scenario name>)')
    .option('--json', 'print the results document on stdout instead of the summary')
    .option('-q, --quiet', 'no progress output')
    .option('--no-report', 'skip report.html and its charts (results.json, summary.csv and series.csv only)')
    .option('--shard <i/N>', 'run only shard I of N and write its records to --out (default part-I); join them with "opsim merge"')
    .option('--queue <url>', 'coordinate the run on a BullMQ queue in Redis (redis://HOST:PORT); "opsim worker" runs the replications')
    .option('--resume', 'with --queue: continue from the coordinator\'s log in --out, adding only what is missing')
    .option('--block <n>', 'with --queue: replications per job (default: a stage\'s replications / 16, at most 64)', integer('--block', 1))
    .option('--worker-timeout <seconds>', 'with --queue: stop (as Ctrl-C: partial results, exit 130, --resume continues) when no worker has been connected this long (default: wait)', integer('--worker-timeout', 1))
    .addHelpText('after', exitCodesHelp([
      [0, 'every replication ran; results written'],
      [1, 'an unexpected error (OPSIM_DEBUG=1 shows the stack), or its output could not be written (stdout or stderr failed, e.g. a full disk; a closed reader is not a failure)'],
      [2, 'a scenario or option error (every problem printed, nothing run)'],
      [3, 'some replications failed (named with their seeds; the rest are written, rerun one with --only)'],
      [130, 'interrupted by Ctrl-C or SIGTERM (partial results written, complete: false)'],
    ]))
    .action(async (file: string, flags: RunFlags) => {
      let overrides: Record<string, unknown>;
      let only: { variant: string; replication: number }[];
      try {
        overrides = parseOverrideArgs(flags.set);
        if (flags.horizon !== undefined) overrides.horizon = flags.horizon;
        only = flags.only.map(parseOnly);
      } catch (err) {
        if (err instanceof ScenarioLoadError) return printScenarioErrors(err);
        throw err;
      }
      const loaded = loadScenarioFile(file, { overrides });
      if (!loaded.ok) return printScenarioErrors(new ScenarioLoadError(loaded.errors));
      if (flags.shard !== undefined || flags.queue !== undefined) {
        const spec = { input: { raw: loaded.raw, file: loaded.file, hash: loaded.hash }, options: specOptions(flags, overrides, only) };
        rememberLoaded(loaded, overrides);
        printPlannedWarnings(file, loaded, spec.options);
        try {
          // Loaded only for a shard or the queue (the coordinator, BullMQ).
          const { runDistributed } = await import('./distributed.js');
          return await runDistributed(spec, flags);
        } catch (err) {
          if (err instanceof ScenarioLoadError) return printScenarioErrors(err);
          throw err;
        }
      }
      const runOptions = specOptions(flags, overrides, only);
      rememberLoaded(loaded, overrides);
      let planned: number;
      try {
        const plan = planExperiment({ raw: loaded.raw, file: loaded.file, hash: loaded.hash }, runOptions);
        if (!(plan.totalReplications <= MAX_RUN_REPLICATIONS)) {
          const parts = `${plan.variants.length} variant(s) × ${plan.replicationsPerVariant} replication(s)${plan.pilotReplications > 0 ? ` + ${plan.pilotReplications} warm-up pilot` : ''}`;
          process.stderr.write(`opsim: the run needs ${plan.totalReplications} replications (${parts}); at most ${MAX_RUN_REPLICATIONS.toLocaleString('en')} per run\n`);
          process.exitCode = 2;
          return;
        }
        planned = plan.totalReplications;
        // Valid but overloaded (or flow outside its validated region) in a variant this run plans:
        // said before the run, as `opsim validate` says it. The variants are compiled already (cached).
        printPlannedWarnings(file, loaded, runOptions);
      } catch (err) {
        if (err instanceof ScenarioLoadError) return printScenarioErrors(err);
        throw err;
      }
      // Found now rather than after hours of simulating: an output folder we cannot write.
      const rawName = (loaded.raw as { name?: unknown }).name;
      const outDir = flags.out ?? path.join('reports', slug(typeof rawName === 'string' ? rawName : 'scenario'));
      try {
        checkOutDir(outDir);
      } catch (err) {
        process.stderr.write(`opsim: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }

      // Replications run on worker threads: a signal then stops the run at once (the main
      // thread stays free to handle it) and a worker's heap limit bounds memory. No more
      // threads than replications: each one loads the models whether it works or not.
      const workers = runWorkers(flags.workers, planned);
      // A run of one replication (and no --workers) runs it here: a worker thread would load
      // every model a second time for its one task (about 0.2 CPU s, a third of a one-day
      // GlobalMart replication). No signal handler then: Ctrl-C or SIGTERM ends the process at
      // once, as a worker's termination would, and there is no finished replication to write.
      const single = flags.workers === undefined && workers === 0;
      const controller = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => {
        if (!controller.signal.aborted) process.stderr.write(`opsim: ${sig}: stopping, writing partial results\n`);
        controller.abort();
      };
      if (!single) {
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      const progress = createProgress({ quiet: flags.quiet === true });
      const pool = workers >= 1 ? new ReplicationPool({ size: workers }) : undefined;
      let doc: ResultsDocument;
      try {
        doc = await runExperiment(
          { raw: loaded.raw, file: loaded.file, hash: loaded.hash },
          {
            ...runOptions,
            ...(pool !== undefined ? { pool } : { workers: 0 }),
            onProgress: (p) => progress.update(p),
            signal: controller.signal,
          },
        );
      } catch (err) {
        if (err instanceof ScenarioLoadError) return printScenarioErrors(err);
        throw err;
      } finally {
        progress.stop();
        await pool?.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      await writeRunOutputs(doc, { ...flags, out: outDir });
      // The pool is closed and the signal handlers are off: nothing of this run is left.
      commandFinished();
    });
}

/** Writes results.json, series.csv and report.html, prints the summary and sets the exit code (run and merge). */
export async function writeRunOutputs(doc: ResultsDocument, flags: { out?: string; json?: boolean; report?: boolean }): Promise<void> {
  const outDir = flags.out ?? path.join('reports', slug(doc.scenario.name));
  // Written without returning to the event loop, where V8's tasks queued by the replication
  // would run first (src/cli/finish.ts); the same files, atomically, as writeResults.
  const written = writeResultsSync(outDir, doc);
  // The report is written with every run: planners look before they read.
  // Loaded only when written: the charts' Vega costs about 0.2 CPU s to load.
  const report = flags.report === false ? null : await (await import('../report/index.js')).writeReport(outDir, doc);
  if (flags.json === true) process.stdout.write(resultsJson(doc));
  else process.stdout.write(summaryTable(doc) + `\nresults: ${written}\n` + (report !== null ? `report: ${report.path}\n` : ''));
  if (doc.interrupted === true) process.exitCode = EXIT_INTERRUPTED;
  else if (doc.failures.length > 0) process.exitCode = EXIT_FAILED_REPLICATIONS;
}
