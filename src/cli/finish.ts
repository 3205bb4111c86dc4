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

/**
 * Makes a closed reader of stdout or stderr (`opsim validate … | head -1`, a CI log cut short)
 * end nothing: without a listener, the EPIPE of the next write is an uncaught 'error' event and
 * Node ends the process with a stack trace and exit code 1, whatever the command found, in the
 * middle of whatever it was doing. With it, the stream is destroyed (later writes go nowhere,
 * silently), and the command goes on to its own end: its files written as always (atomically),
 * its exit code its own. A server keeps serving; only its log lines go nowhere. Any other error
 * of the streams is still thrown, as before.
 */
export function ignoreClosedOutput(): void {
  if (outputsGuarded) return;
  outputsGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
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
 * platform writes asynchronously, that is later than now).
 */
export function endProcess(): void {
  let waiting = 2;
  const flushed = (): void => {
    if (--waiting === 0) process.exit();
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
