import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/index.js';
import { input } from './helpers.js';

describe('an experiment leaves no listener on the signal it is given', () => {
  // A search runs thousands of batches on one signal: each used to leave an 'abort' listener
  // (runJobs added one per call and never removed it), until Node warned of a leak.
  it('three in-process experiments on one signal: no abort listener left', async () => {
    const ctl = new AbortController();
    for (let i = 0; i < 3; i++) {
      const doc = await runExperiment(input(), { workers: 0, replications: 1, signal: ctl.signal });
      expect(doc.failures).toEqual([]);
    }
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  }, 60_000);
});
