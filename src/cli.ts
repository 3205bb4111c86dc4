#!/usr/bin/env node
/**
 * The opsim command line: a thin shell over the modules. Each subcommand lives in its own
 * file under src/cli/ and registers itself here.
 */
import { Command } from 'commander';
import { OPSIM_VERSION } from './version.js';

/** A subcommand module: adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

// Loaded one after another, not with Promise.all: parallel dynamic imports of modules that
// share dependencies can fail on Node 20 ("request for 'node:path' is not in cache",
// nodejs/node#52187).
const registrations: (() => Promise<{ register: RegisterCommand }>)[] = [
  // One line per subcommand module (keep alphabetical).
  () => import('./cli/compare.js'),
  () => import('./cli/fit.js'),
  () => import('./cli/main.js'),
  () => import('./cli/merge.js'),
  () => import('./cli/run.js'),
  () => import('./cli/schema.js'),
  () => import('./cli/serve.js'),
  () => import('./cli/validate.js'),
  () => import('./cli/worker.js'),
];

async function main(): Promise<void> {
  const program = new Command();
  program
    .name('opsim')
    .description('Discrete-event simulator and capacity-planning engine for IT operations')
    .version(OPSIM_VERSION)
    .showHelpAfterError();
  for (const load of registrations) (await load()).register(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  // A planner should see a sentence, not a stack trace; OPSIM_DEBUG=1 shows the stack.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`opsim: ${message}\n`);
  if (process.env.OPSIM_DEBUG) console.error(err);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
