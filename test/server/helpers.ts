/** Shared set-up for server tests: temporary reports/ and scenarios/, and a fake executor. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunExecutor, RunOptions } from '../../src/server/run-host.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { makeResults } from '../report/fixtures/make.js';

export const TINY = `name: tiny
description: The smallest scenario the loader accepts.
horizon: 2h
`;

/** Temporary project directories with a scenarios/ folder holding `files`. */
export async function tempProject(files: Record<string, string> = { 'tiny.yaml': TINY }): Promise<{ root: string; reports: string; scenarios: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'opsim-server-'));
  const reports = path.join(root, 'reports');
  const scenarios = path.join(root, 'scenarios');
  await mkdir(scenarios, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(scenarios, name), text);
  return { root, reports, scenarios, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * An executor that reports progress in `steps` ticks of `tickMs` and returns a fixture. With
 * `hold`, it waits until `release()` (to fill the queue deterministically).
 */
export function fakeExecutor(o: { steps?: number; tickMs?: number; hold?: boolean; doc?: ResultsDocument } = {}): RunExecutor & { release(): void; calls: number } {
  let releases: (() => void)[] = [];
  let held = o.hold ?? false;
  const ex = {
    calls: 0,
    release() {
      held = false;
      for (const r of releases) r();
      releases = [];
    },
    async run(_input: unknown, opts: RunOptions): Promise<ResultsDocument> {
      ex.calls++;
      const steps = o.steps ?? 3;
      if (held) await new Promise<void>((resolve) => {
        releases.push(resolve);
        opts.signal.addEventListener('abort', () => resolve());
      });
      for (let i = 1; i <= steps; i++) {
        if (opts.signal.aborted) throw new Error('cancelled');
        await new Promise((r) => setTimeout(r, o.tickMs ?? 5));
        opts.onProgress({ done: i, total: steps, failed: 0 });
      }
      if (opts.signal.aborted) throw new Error('cancelled');
      return o.doc ?? makeResults();
    },
    queueDepth: () => 0,
    close: async () => {},
  };
  return ex;
}
