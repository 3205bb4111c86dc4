/**
 * Progress of `opsim search`, as `opsim run` shows its own (src/experiment/progress.ts): one line
 * rewritten in place on an interactive terminal, a plain line now and then when output is a pipe,
 * a file or CI (CI=true), nothing with --quiet. A search stops when its verdicts are in, usually
 * well inside its budget, so there is no honest ETA for it: the budget is said as the cap it is
 * ("up to 200"), with the time reaching it would take at the current rate as an upper bound.
 * Wall-clock time is used here only, never inside a replication.
 */
import { fmtSeconds } from '../experiment/progress.js';
import type { SearchProgress } from './run.js';

/** Receives the search's progress and closes the display at the end. */
export interface SearchProgressDisplay {
  update(p: SearchProgress): void;
  stop(): void;
}

/** The words of one progress report: replications of the budget's cap, verdicts, rate and the most the rest can take. */
export function searchProgressText(p: SearchProgress, seconds: number): string {
  const rate = p.simulated / Math.max(1e-3, seconds);
  const rest = p.simulated > 0 ? `, at most ${fmtSeconds((p.budget - p.simulated) / rate)} more (the budget's cap)` : '';
  return `search: ${p.simulated} replications (budget: up to ${p.budget}), ${p.decided}/${p.candidates} candidates decided, ${rate.toFixed(1)}/s${rest}`;
}

/** Chooses the display for this terminal and environment (see the module doc). */
export function createSearchProgress(options: { quiet?: boolean; stream?: NodeJS.WriteStream; now?: () => number } = {}): SearchProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.quiet === true) return { update: () => undefined, stop: () => undefined };
  const now = options.now ?? (() => performance.now());
  const start = now();
  const seconds = (): number => (now() - start) / 1000;
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
  let last = '';
  if (stream.isTTY === true && !ci) {
    let drawn = false;
    return {
      update(p) {
        const text = searchProgressText(p, seconds());
        // Pad over a longer line written before it.
        stream.write(`\r${text.padEnd(last.length)}`);
        last = text;
        drawn = true;
      },
      stop() {
        if (drawn) stream.write('\n');
      },
    };
  }
  // Without a terminal: a line at the first replications, then each time another tenth of the
  // budget is simulated or a candidate is decided; never the same state twice.
  let lastTenth = -1;
  let lastDecided = -1;
  let lastSimulated = -1;
  return {
    update(p) {
      if (p.simulated === lastSimulated && p.decided === lastDecided) return;
      const tenth = Math.floor((10 * p.simulated) / Math.max(1, p.budget));
      const first = lastSimulated < 0;
      const moved = tenth !== lastTenth || p.decided !== lastDecided;
      lastSimulated = p.simulated;
      if (!first && !moved) return;
      lastTenth = tenth;
      lastDecided = p.decided;
      stream.write(`opsim: ${searchProgressText(p, seconds())}\n`);
    },
    stop: () => undefined,
  };
}
