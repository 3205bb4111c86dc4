/**
 * Progress of a long run: a bar on an interactive terminal, a plain line every 10 % when
 * output is a pipe, a file or CI (CI=true), nothing with --quiet. Wall-clock time is used
 * here only, never inside a replication.
 */
import { createRequire } from 'node:module';
import type { ExperimentProgress } from './run.js';

/**
 * cli-progress, required only when a bar is drawn (an interactive terminal): it loads
 * readline, which a run with --quiet, on a pipe or in CI never needs (about 2 CPU ms of every start).
 */
function cliProgressLibrary(): typeof import('cli-progress') {
  return createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
}

/** Receives progress updates and closes the display at the end. */
export interface ProgressDisplay {
  update(p: ExperimentProgress): void;
  stop(): void;
}

/** A wall-clock duration as a progress line writes it: "45s", "2m05s", "1h20m"; "?" when unknown. */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Chooses the display for this terminal and environment. */
export function createProgress(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.quiet === true) return { update: () => undefined, stop: () => undefined };
  const start = performance.now();
  const rate = (done: number): number => done / Math.max(1e-3, (performance.now() - start) / 1000);
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
  if (stream.isTTY === true && !ci) {
    const cliProgress = cliProgressLibrary();
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'replications {bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | failed {failed}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.total, 0, { rate: '0.0', failed: 0 });
          started = true;
        }
        bar.setTotal(p.total);
        bar.update(p.done, { rate: rate(p.done).toFixed(1), failed: p.failed });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastDecile = -1;
  let lastDone = 0;
  return {
    update(p) {
      // Lines report finished replications; a stage's plan (the total growing) waits for the next one.
      if (p.done === lastDone) return;
      lastDone = p.done;
      const decile = Math.floor((10 * p.done) / Math.max(1, p.total));
      if (decile === lastDecile && p.done !== 1) return;
      lastDecile = decile;
      const r = rate(p.done);
      stream.write(`opsim: ${p.done}/${p.total} replications, ${p.failed} failed, ${r.toFixed(1)}/s, ETA ${fmtSeconds((p.total - p.done) / r)}\n`);
    },
    stop: () => undefined,
  };
}
