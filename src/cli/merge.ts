/**
 * `opsim merge PART… --out DIR`: joins the records of `opsim run --shard I/N` parts into
 * results.json, series.csv and report.html, byte-identical to a local run of the same
 * experiment. Exit codes: 0 merged; 2 refused (parts of different experiments or versions,
 * missing shards or replications, a determinism fault); 3 merged with failed replications.
 */
import type { Command } from 'commander';
import { MergeError, mergeParts } from '../distributed/merge.js';
import { writeRunOutputs } from './run.js';

interface MergeFlags {
  out?: string;
  json?: boolean;
  report?: boolean;
}

/** Registers `opsim merge`. */
export function register(program: Command): void {
  program
    .command('merge')
    .description('Merge shard parts (opsim run --shard I/N) into results.json and report.html, as a local run would write them')
    .argument('<parts...>', 'part folders (or their records.jsonl files)')
    .option('-o, --out <dir>', 'output folder (default reports/<scenario name>)')
    .option('--json', 'print the results document on stdout instead of the summary')
    .option('--no-report', 'skip report.html and its charts')
    .action(async (parts: string[], flags: MergeFlags) => {
      let merged;
      try {
        merged = await mergeParts(parts);
      } catch (err) {
        if (!(err instanceof MergeError)) throw err;
        for (const p of err.problems) process.stderr.write(`opsim merge: ${p}\n`);
        process.exitCode = 2;
        return;
      }
      for (const n of merged.notes) process.stderr.write(`opsim merge: ${n}\n`);
      await writeRunOutputs(merged.doc, flags);
    });
}
