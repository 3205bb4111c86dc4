/**
 * `opsim search FILE`: the cheapest setting of the scenario's `search:` variables that meets
 * every constraint, certified at the stated confidence. Writes search.json (the certificate)
 * and search-replications.json (every replication, reused by the next run) to the output
 * folder and prints the answer first. Exit codes: 0 certified or feasible; 4 no feasible
 * point within the budget; 130 interrupted (Ctrl-C or SIGTERM: what was decided is written,
 * marked `interrupted`); 2 scenario or option error; 1 anything else.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatScenarioError, loadScenarioFile, parseOverrideArgs, ScenarioLoadError } from '../scenario/index.js';
import { writeFileAtomic } from '../results/write.js';
import { runSearch, searchSummary } from '../search/index.js';
import { createSearchProgress } from '../search/progress.js';
import { writeSearchReport } from '../report/report.js';
import { EXIT_INTERRUPTED } from './run.js';
import { exitCodesHelp } from './help.js';

/** Exit code when no policy was certified feasible within the budget. */
export const EXIT_NO_FEASIBLE_POINT = 4;

function integer(name: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface SearchFlags {
  workers?: number;
  seed?: string;
  budget?: number;
  set: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
  reuse?: boolean;
}

/** Registers `opsim search`. */
export function register(program: Command): void {
  program
    .command('search')
    .description('Find the cheapest policy in the scenario\'s `search:` space that meets every constraint, certified at the stated confidence')
    .argument('<file>', 'scenario file with a search: section')
    .option('-w, --workers <n>', 'worker threads (0 or 1 = in-process; default min(2, cores))', integer('--workers', 0))
    .option('--seed <seed>', 'master seed (default: the scenario\'s, else 1)')
    .option('--budget <n>', 'replication budget (overrides search.budget)', integer('--budget', 1))
    .option('--set <path=value>', 'override a field of the scenario (repeatable)', collect, [])
    .option('-o, --out <dir>', 'output folder (default reports/<scenario name>)')
    .option('--no-reuse', 'ignore stored replications from earlier runs')
    .option('--json', 'print the search document instead of the summary')
    .option('-q, --quiet', 'no progress output')
    .addHelpText('after', exitCodesHelp([
      [0, 'an answer: status certified, or feasible (found feasible, its cheaper neighbours not all decided); search.json and report.html written'],
      [1, 'an unexpected error (OPSIM_DEBUG=1 shows the stack), or its output could not be written (stdout or stderr failed, e.g. a full disk; a closed reader is not a failure)'],
      [2, 'a scenario or option error, or a budget too small (every problem printed before any replication)'],
      [4, 'no feasible point within the budget (search.json says what was decided)'],
      [130, 'interrupted by Ctrl-C or SIGTERM (what was decided is written, marked interrupted)'],
    ]))
    .action(async (file: string, flags: SearchFlags) => {
      try {
        const loaded = loadScenarioFile(file, { overrides: parseOverrideArgs(flags.set) });
        if (!loaded.ok) throw new ScenarioLoadError(loaded.errors);
        const name = (loaded.scenario.name || 'scenario').toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
        const outDir = flags.out ?? path.join('reports', name);
        const storeFile = path.join(outDir, 'search-replications.json');
        // --no-reuse: start from an empty store (the new one replaces it).
        if (flags.reuse === false) await rm(storeFile, { force: true });
        // Ctrl-C or SIGTERM stops the search at once; what was decided is still written (marked
        // interrupted). The handlers stay until both files are written: a signal while writing
        // (a second Ctrl-C) must not kill the process between a temp file and its rename.
        const controller = new AbortController();
        const progress = createSearchProgress({ quiet: flags.quiet === true });
        let writing = false;
        const onSignal = (sig: NodeJS.Signals): void => {
          if (writing) process.stderr.write(`opsim: ${sig}: writing the results, a moment\n`);
          else if (!controller.signal.aborted) process.stderr.write(`${flags.quiet !== true && process.stderr.isTTY ? '\n' : ''}opsim: ${sig}: stopping the search, writing what was decided\n`);
          controller.abort();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const stopListening = (): void => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        };
        const doc = await runSearch(
          { raw: loaded.raw, file: loaded.file, hash: loaded.hash },
          {
            ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            ...(flags.budget !== undefined ? { budget: flags.budget } : {}),
            storeFile,
            signal: controller.signal,
            onProgress: (p) => progress.update(p),
          },
        ).catch((err: unknown) => {
          stopListening();
          throw err;
        });
        progress.stop();
        const out = path.join(outDir, 'search.json');
        writing = true;
        let report: string;
        try {
          await writeFileAtomic(out, JSON.stringify(doc, null, 2) + '\n');
          report = await writeSearchReport(outDir, doc);
        } finally {
          stopListening();
        }
        if (flags.json === true) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
        else process.stdout.write(searchSummary(doc) + `\nsearch: ${out}\nreport: ${report}\n`);
        if (doc.interrupted === true) process.exitCode = EXIT_INTERRUPTED;
        else if (doc.status === 'no-feasible-point') process.exitCode = EXIT_NO_FEASIBLE_POINT;
      } catch (err) {
        if (err instanceof ScenarioLoadError) {
          for (const e of err.errors) process.stderr.write(formatScenarioError(e) + '\n');
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
