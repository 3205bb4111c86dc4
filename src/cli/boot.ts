/**
 * The command line's start as one CommonJS file, dist/src/cli-boot.cjs, which the build bundles
 * from this module (src/cli/bundle.ts) with the key of its script and the name of the ES-module
 * program's chunk written in. An ES-module main costs Node about 4 CPU ms more than a CommonJS
 * one (its ES-module loader), and the entry's static imports (three shared chunks, the ES
 * facades of node:fs, node:path, node:vm…) about 4 more: so the entry (src/cli.ts) imports
 * nothing statically and requires this file, and the `opsim` bin (bin/opsim.cjs) requires it
 * without any ES module at all. Both run the same start: the code-cached script when it loads
 * (src/cli/cli-script.ts), else the ES-module program, as the entry did before.
 */
import { loadCliScript, type CommandLine } from './cli-script.js';

/** The key of the script built with this file and the ES-module program's chunk (relative to this file); the build defines both. */
declare const OPSIM_CLI_SCRIPT_KEY: string;
declare const OPSIM_CLI_PROGRAM_CHUNK: string;

/** The key of the script this start runs: bin/opsim.cjs runs the start only when the entry beside it carries the same (a plain tsc rewrites the entry, not this file). */
export const key: string = OPSIM_CLI_SCRIPT_KEY;

/**
 * Runs the command line on process.argv to its end, from the build's script unless
 * OPSIM_CLI=esm or it does not load, else from the ES-module program. Only loading falls back:
 * the command runs once, and its errors are its own (printed as a sentence, exit code 1).
 */
export function start(): Promise<void> {
  return run().catch((err: unknown) => {
    process.stderr.write(`opsim: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.OPSIM_DEBUG) console.error(err);
    process.exitCode = 1;
  });
}

async function run(): Promise<void> {
  // `import()` here is this file's own: packages resolve from dist/src, as from the entry.
  const script: CommandLine | null = process.env.OPSIM_CLI !== 'esm' ? await loadCliScript(key, (id) => import(id)) : null;
  const program = script ?? ((await import(OPSIM_CLI_PROGRAM_CHUNK)) as CommandLine);
  await program.runCommandLine(process.argv);
  program.endIfFinished();
}
