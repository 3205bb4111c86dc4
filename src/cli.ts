#!/usr/bin/env node
/**
 * The opsim command line's entry. The program itself is src/cli/program.ts; a built opsim runs
 * it from the build's code-cached script (src/cli/cli-script.ts), whose packages this ES
 * module imports on its behalf, else (no script, another build's, one that does not load,
 * OPSIM_CLI=esm, or a plain tsc build) from the ES modules. Only loading falls back: the
 * command runs once, from whichever was loaded, and its errors are its own.
 */
import { loadCliScript, type CommandLine } from './cli/cli-script.js';

export type { RegisterCommand } from './cli/program.js';

/** The key of the script the build made with this entry; the build defines it (src/cli/bundle.ts), tsc leaves it undefined. */
declare const OPSIM_CLI_SCRIPT_KEY: string | undefined;

async function start(): Promise<void> {
  const key = typeof OPSIM_CLI_SCRIPT_KEY === 'string' ? OPSIM_CLI_SCRIPT_KEY : undefined;
  const script: CommandLine | null = key !== undefined && process.env.OPSIM_CLI !== 'esm' ? await loadCliScript(key, (id) => import(id)) : null;
  const program = script ?? (await import('./cli/program.js'));
  await program.runCommandLine(process.argv);
  program.endIfFinished();
}

start().catch((err: unknown) => {
  process.stderr.write(`opsim: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.OPSIM_DEBUG) console.error(err);
  process.exitCode = 1;
});
