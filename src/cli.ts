#!/usr/bin/env node
/**
 * The opsim command line: a thin shell over the modules. Each subcommand lives in its own
 * file under src/cli/ and registers itself here.
 */
import { Command, CommanderError } from 'commander';
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
  () => import('./cli/search.js'),
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
    .showHelpAfterError()
    // Option errors exit 2 as documented, not commander's 1: it throws instead of exiting
    // (inherited by every subcommand registered below) and the catch sets the code.
    .exitOverride()
    .configureOutput({
      writeErr: (text) => {
        commanderPrinted = true;
        process.stderr.write(text);
      },
    });
  for (const load of registrations) (await load()).register(program);
  await program.parseAsync(process.argv);
}

/** Set once commander has printed an error itself (parse errors), so it is not printed twice. */
let commanderPrinted = false;

main().catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Help and version asked for exit 0; every usage error (unknown option or command,
    // missing or invalid argument, no command at all) exits 2.
    if (err.exitCode === 0) return;
    if (!commanderPrinted) process.stderr.write(`opsim: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  // A planner should see a sentence, not a stack trace; OPSIM_DEBUG=1 shows the stack.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`opsim: ${message}\n`);
  if (process.env.OPSIM_DEBUG) console.error(err);
  process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
});
