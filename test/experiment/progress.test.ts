/**
 * Progress display: a bar on an interactive terminal (cli-progress, required only then), plain
 * lines every 10 % elsewhere, nothing with --quiet.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { executeExperiment } from '../../src/experiment/run.js';
import { InProcessExecutor, type Executor } from '../../src/experiment/jobs.js';
import { createProgress } from '../../src/experiment/progress.js';
import type { ExperimentProgress } from '../../src/experiment/plan.js';
import { input } from './helpers.js';

/** A stream that keeps what is written, claiming to be a terminal when asked. */
function sink(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(w, { isTTY, columns: 100, rows: 30, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, text: () => chunks.join('') });
  return w;
}

describe('createProgress', () => {
  const progress = (done: number): ExperimentProgress => ({ done, total: 4, failed: 0 });

  it('draws a bar on a terminal', () => {
    const prevCi = process.env.CI;
    delete process.env.CI;
    try {
      const stream = sink(true);
      const p = createProgress({ stream });
      for (let i = 1; i <= 4; i++) p.update(progress(i));
      p.stop();
      expect(stream.text()).toContain('replications');
      expect(stream.text()).toContain('4/4');
    } finally {
      if (prevCi !== undefined) process.env.CI = prevCi;
    }
  });

  it('writes plain lines on a pipe and nothing when quiet', () => {
    const pipe = sink(false);
    const p = createProgress({ stream: pipe });
    for (let i = 1; i <= 4; i++) p.update(progress(i));
    p.stop();
    expect(pipe.text().split('\n').filter(Boolean).length).toBe(4);
    expect(pipe.text()).toMatch(/^opsim: 1\/4 replications, 0 failed/);
    const quiet = sink(true);
    const q = createProgress({ stream: quiet, quiet: true });
    q.update(progress(4));
    q.stop();
    expect(quiet.text()).toBe('');
  });
});

describe('a run\'s progress', () => {
  it('reports the planned total before the first replication finishes, and then every finished one', async () => {
    // Replications wait for release(): until then nothing has finished, as in a run whose first
    // replication takes minutes; its status (the server's GET /runs/:id) must already say the total.
    const events: ExperimentProgress[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = new InProcessExecutor();
    const executor: Executor = { concurrency: 1, run: async (task, payload) => (await gate, inner.run(task, payload)) };
    const running = executeExperiment(input(), { executor, replications: 2, onProgress: (p) => events.push({ ...p }) });
    await new Promise((r) => setTimeout(r, 50));
    // The fixture has two variants: 2 × 2 replications planned, none done.
    expect(events).toEqual([{ done: 0, total: 4, failed: 0 }]);
    release();
    await running;
    expect(events.map((e) => e.done)).toEqual([0, 1, 2, 3, 4]);
    expect(events.every((e) => e.total === 4)).toBe(true);
  });

  it('the plain-line display skips the plan and still writes one line per finished decile', () => {
    const pipe = sink(false);
    const p = createProgress({ stream: pipe });
    p.update({ done: 0, total: 4, failed: 0 });
    expect(pipe.text()).toBe('');
    p.update({ done: 1, total: 4, failed: 0 });
    expect(pipe.text()).toMatch(/^opsim: 1\/4 replications, 0 failed/);
  });
});

