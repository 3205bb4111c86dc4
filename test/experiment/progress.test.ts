/**
 * Progress display: a bar on an interactive terminal (cli-progress, required only then), plain
 * lines every 10 % elsewhere, nothing with --quiet.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/experiment/progress.js';
import type { ExperimentProgress } from '../../src/experiment/plan.js';

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
