/**
 * The opsim command line: a thin shell over the modules. Each subcommand lives in its own
 * file under src/cli/ and registers itself here. The entry (src/cli.ts) runs it, from the
 * build's code-cached script when it has one (src/cli/cli-script.ts).
 */
import { Command, CommanderError } from 'commander';
import { OPSIM_VERSION } from '../version.js';
import { endProcess, ignoreClosedOutput, isCommandFinished } from './finish.js';

/** A subcommand module: adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

// Loaded one after another, not with Promise.all: parallel dynamic imports of modules that
// share dependencies can fail on Node 20 ("request for 'node:path' is not in cache",
// nodejs/node#52187).
const registrations: Record<string, () => Promise<{ register: RegisterCommand }>> = {
  // One line per subcommand module, named by its command (keep alphabetical).
  compare: () => import('./compare.js'),
  fit: () => import('./fit.js'),
  main: () => import('./main.js'),
  merge: () => import('./merge.js'),
  run: () => import('./run.js'),
  schema: () => import('./schema.js'),
  search: () => import('./search.js'),
  serve: () => import('./serve.js'),
  validate: () => import('./validate.js'),
  worker: () => import('./worker.js'),
};

/**
 * The subcommand modules this invocation needs: only the named command's when the first
 * argument names one (the program has no global options that take a value), else all of
 * them, for the command list, `help` and did-you-mean. Loading every module cost about
 * 0.6 CPU s at each start (the server, the report's Vega, the fitters), more than some runs.
 */
function needed(argv: readonly string[]): (() => Promise<{ register: RegisterCommand }>)[] {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === undefined && argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return [];
  const only = first !== undefined && Object.hasOwn(registrations, first) ? registrations[first] : undefined;
  return only !== undefined ? [only] : Object.values(registrations);
}

async function main(argv: readonly string[]): Promise<void> {
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
  for (const load of needed(argv.slice(2))) (await load()).register(program);
  await program.parseAsync([...argv]);
}

/** Set once commander has printed an error itself (parse errors), so it is not printed twice. */
let commanderPrinted = false;

/**
 * Runs the command line on `argv` (node's, with the executable and script first) to its end:
 * sets process.exitCode, prints errors as sentences, never throws.
 */
export async function runCommandLine(argv: readonly string[]): Promise<void> {
  commanderPrinted = false;
  isCommandFinished(true);
  ignoreClosedOutput();
  await main(argv).catch((err: unknown) => {
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
}

/**
 * For the entry (src/cli.ts), after runCommandLine: ends the process at once when the command
 * said it has finished everything it started (src/cli/finish.ts), else leaves it to end by
 * itself (a server, a worker). Never called by code that runs commands in its own process.
 */
export function endIfFinished(): void {
  if (isCommandFinished()) endProcess();
}
