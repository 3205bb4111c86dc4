/**
 * Start-up of `opsim run`: a run of one replication runs it in the main thread (no worker
 * thread to start for one task) unless --workers asks for threads, and its results are the
 * same bytes either way.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWorkers } from '../../src/cli/run.js';
import { defaultWorkers } from '../../src/experiment/pool.js';
import { ROOT, cli } from './helpers.js';

describe('opsim run: worker threads', () => {
  it('none for one replication unless asked, else at most one per replication', () => {
    expect(runWorkers(undefined, 1)).toBe(0);
    expect(runWorkers(1, 1)).toBe(1);
    expect(runWorkers(4, 1)).toBe(1);
    expect(runWorkers(0, 5)).toBe(0);
    expect(runWorkers(undefined, 2)).toBe(Math.min(2, defaultWorkers()));
    expect(runWorkers(undefined, 100)).toBe(defaultWorkers());
    expect(runWorkers(3, 2)).toBe(2);
  });

  it('a one-replication run writes the same results in the main thread as on a worker thread', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'opsim-startup-'));
    const args = ['run', path.join(ROOT, 'scenarios/mmc-validation.yaml'), '-r', '1', '--horizon', '2h', '-q', '--no-report'];
    const [main, worker] = await Promise.all([cli([...args, '-o', path.join(out, 'main')]), cli([...args, '-w', '1', '-o', path.join(out, 'worker')])]);
    expect([main.code, main.stderr, worker.code, worker.stderr]).toEqual([0, '', 0, '']);
    const read = (d: string): string => readFileSync(path.join(out, d, 'results.json'), 'utf8');
    expect(read('main')).toBe(read('worker'));
    expect(JSON.parse(read('main')).variants[0].replications).toBe(1);
  }, 60_000);
});
