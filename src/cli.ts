#!/usr/bin/env node
/**
 * The opsim command line's entry. The program itself is src/cli/program.ts; a built opsim runs
 * it from the build's code-cached script (src/cli/cli-script.ts) through the start in
 * dist/src/cli-boot.cjs (src/cli/boot.ts), which this entry requires: it imports nothing
 * statically, since an ES module's static imports cost every start about 4 CPU ms (the `opsim`
 * bin, bin/opsim.cjs, requires the start without this ES module at all). Without the start (a
 * plain tsc build), or when it does not load, the ES modules run. Only loading falls back: the
 * command runs once, from whichever was loaded, and its errors are its own.
 */
import type { CommandLine } from './cli/cli-script.js';

export type { RegisterCommand } from './cli/program.js';

/** The key of the script the build made with this entry; the build defines it (src/cli/bundle.ts), tsc leaves it undefined. */
declare const OPSIM_CLI_SCRIPT_KEY: string | undefined;

/** The start src/cli/boot.ts builds. */
interface Boot {
  key: string;
  start(): Promise<void>;
}

/**
 * The build's start (dist/src/cli-boot.cjs) when it is the one built with this entry (the same
 * script key), else null: none, another build's, or one that does not load (why is said under
 * OPSIM_DEBUG).
 */
async function boot(): Promise<Boot | null> {
  if (typeof OPSIM_CLI_SCRIPT_KEY !== 'string') return null;
  try {
    // process.getBuiltinModule (Node 20.16+, 22.3+) gives node:module without an ES import.
    const { createRequire } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));
    const b = createRequire(import.meta.url)('./cli-boot.cjs') as Boot;
    return b.key === OPSIM_CLI_SCRIPT_KEY ? b : null;
  } catch (err) {
    if (process.env.OPSIM_DEBUG) process.stderr.write(`opsim: ./cli-boot.cjs did not load, running the ES modules instead: ${String(err)}\n`);
    return null;
  }
}

async function start(): Promise<void> {
  const b = process.env.OPSIM_CLI !== 'esm' ? await boot() : null;
  if (b !== null) return b.start();
  const program: CommandLine = await import('./cli/program.js');
  await program.runCommandLine(process.argv);
  program.endIfFinished();
}

start().catch((err: unknown) => {
  process.stderr.write(`opsim: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.OPSIM_DEBUG) console.error(err);
  process.exitCode = 1;
});
