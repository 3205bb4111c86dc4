/**
 * Ending the process as soon as a one-shot command has done its work. At its natural end Node
 * waits for every task V8 has queued: after a replication in this thread, the optimising
 * compiles of its functions queued near its end and the marking of a major collection its
 * growth started, 10–20 CPU ms of a one-replication `opsim run` that serve nothing once the
 * results are written (README "Performance", start-up, sixth round). A command that has
 * finished everything it started (no server, pool, timer, socket or file write left) says so
 * with `commandFinished`; the entry (src/cli.ts) then ends the process once stdout and stderr
 * have handed over what was written to them, with the exit code the command set. Such a
 * command also writes its files without returning to the event loop (writeResultsSync), where
 * those tasks would otherwise run first.
 */

let finished = false;

/** Whether stdout and stderr already carry the closed-reader listener (installed once per process). */
let outputsGuarded = false;

/** Whether stdout or stderr failed with an error other than a closed reader (outputFailed). */
let outputFailedOnce = false;

/** By default a command whose output could not be written exits 1 instead of 0. */
const DEFAULT_FAILURE = { code: 1, replaces: [0] } as const;

/** The exit code of a command whose output could not be written, and the codes it replaces (setOutputFailureCode). */
let failure: { code: number; replaces: readonly number[] } = DEFAULT_FAILURE;

/**
 * Makes a closed reader of stdout or stderr (`opsim validate … | head -1`, a CI log cut short)
 * end nothing: without a listener, the EPIPE of the next write is an uncaught 'error' event and
 * Node ends the process with a stack trace and exit code 1, whatever the command found, in the
 * middle of whatever it was doing. With it, the stream is destroyed (later writes go nowhere,
 * silently), and the command goes on to its own end: its files written as always (atomically),
 * its exit code its own. A server keeps serving; only its log lines go nowhere. Any other error
 * (a full disk: `> /dev/full`) loses output the reader is there for: see outputFailed. Called
 * as each command starts, so it also sets that failure's exit code back to the default.
 */
export function ignoreClosedOutput(): void {
  failure = DEFAULT_FAILURE;
  if (outputsGuarded) return;
  outputsGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') outputFailed(stream === process.stdout ? 'stdout' : 'stderr', err);
    });
  }
}

/**
 * Sets the exit code of a command whose stdout or stderr could not be written, and the codes of
 * its own it replaces: those that say the command delivered its answer (default: 1 instead of 0;
 * `opsim compare`: 5, "opsim failed", instead of 0 or 1, which are verdicts). A code that says
 * the command failed otherwise (a scenario error, failed replications) stays.
 */
export function setOutputFailureCode(code: number, replaces: readonly number[]): void {
  failure = { code, replaces };
}

/**
 * A write to stdout or stderr failed other than by a closed reader: what the command printed
 * is incomplete, so it must not end as if it had delivered it (exit 0 to a pipeline, or a
 * comparison's verdict). One line on stderr says so (when stderr itself works); the command
 * goes on to its own end (its files written whole) and its exit code becomes the failure code
 * when it would say otherwise. Nothing is added on the normal path: the exit listener is
 * installed only here.
 */
function outputFailed(stream: 'stdout' | 'stderr', err: Error): void {
  if (outputFailedOnce) return;
  outputFailedOnce = true;
  if (stream === 'stdout') process.stderr.write(`opsim: could not write to stdout (${err.message}): the output is incomplete\n`);
  const settle = (): void => {
    if (failure.replaces.includes(Number(process.exitCode ?? 0))) process.exitCode = failure.code;
  };
  settle();
  // The command may set its code after the failed write (compare's verdict): the last word is this one.
  process.once('exit', settle);
}

/** Called by a command when everything it started is done: the process may end now. */
export function commandFinished(): void {
  finished = true;
}

/** Whether the command that ran last called commandFinished; `reset` clears it for the next. */
export function isCommandFinished(reset = false): boolean {
  const was = finished;
  if (reset) finished = false;
  return was;
}

/**
 * Ends the process with process.exitCode once stdout and stderr have passed on everything
 * written to them (a write's callback comes after the writes before it; on a pipe that the
 * platform writes asynchronously, that is later than now). When a write failed, the stream's
 * 'error' event comes after the callbacks: the end waits for it, so a lost summary does not
 * exit 0 (outputFailed).
 */
export function endProcess(): void {
  let waiting = 2;
  let failed = false;
  const flushed = (err?: Error | null): void => {
    if (err) failed = true;
    if (--waiting === 0) {
      if (failed) setImmediate(() => process.exit());
      else process.exit();
    }
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
