import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicationPool, resultsJson, runExperiment, writeResults } from '../../src/experiment/index.js';
import { expandVariants } from '../../src/experiment/variants.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { formatScenarioError, loadScenarioFile } from '../../src/scenario/index.js';
import { FIXTURE, input, ROOT } from './helpers.js';

function variance(xs: number[]): number {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

describe('runExperiment', () => {
  let pool2: ReplicationPool;
  let pool4: ReplicationPool;
  let inProcess: ResultsDocument;
  beforeAll(async () => {
    pool2 = new ReplicationPool({ size: 2 });
    pool4 = new ReplicationPool({ size: 4 });
    inProcess = await runExperiment(input(), { workers: 1 });
  }, 60_000);
  afterAll(async () => {
    await pool2.close();
    await pool4.close();
  });

  it('writes byte-identical results for 1, 2 and 4 workers', async () => {
    const two = await runExperiment(input(), { pool: pool2 });
    const four = await runExperiment(input(), { pool: pool4 });
    expect(inProcess.complete).toBe(true);
    expect(inProcess.variants.map((v) => [v.name, v.replications])).toEqual([
      ['twelve', 6],
      ['fourteen', 6],
    ]);
    expect(resultsJson(two)).toBe(resultsJson(inProcess));
    expect(resultsJson(four)).toBe(resultsJson(inProcess));
    // And through the files on disk.
    const d1 = mkdtempSync(path.join(tmpdir(), 'opsim-exp-'));
    const d2 = mkdtempSync(path.join(tmpdir(), 'opsim-exp-'));
    await writeResults(d1, inProcess);
    await writeResults(d2, four);
    expect(readFileSync(path.join(d2, 'results.json'))).toEqual(readFileSync(path.join(d1, 'results.json')));
    expect(readFileSync(path.join(d2, 'series.csv'), 'utf8')).toBe(readFileSync(path.join(d1, 'series.csv'), 'utf8'));
  }, 60_000);

  it('pairs replications under common random numbers (paired variance ≪ unpaired)', () => {
    const metric = 'staffing.service-desk.utilisation';
    const a = inProcess.variants[0]!.perReplication!.metrics[metric]! as number[];
    const b = inProcess.variants[1]!.perReplication!.metrics[metric]! as number[];
    const paired = variance(a.map((x, i) => b[i]! - x));
    const unpaired = variance(a) + variance(b);
    expect(paired).toBeLessThan(unpaired / 10);
    const cmp = inProcess.comparisons.find((c) => c.metric === metric && c.variant === 'fourteen')!;
    expect(cmp.reference).toBe('twelve');
    expect(cmp.n).toBe(6);
    expect(cmp.ci95[1]).toBeLessThan(0); // fourteen agents are clearly less utilised
  });

  it('reports SLA probabilities, ranking and per-replication values', () => {
    const v = inProcess.variants[1]!;
    expect(v.perReplication!.replications).toEqual([0, 1, 2, 3, 4, 5]);
    expect(inProcess.ranking?.order.length).toBe(2);
    for (const p of v.slaProbabilities ?? []) {
      expect(p.ci95[0]).toBeLessThanOrEqual(p.p);
      expect(p.ci95[1]).toBeGreaterThanOrEqual(p.p);
    }
  });

  it('reports a failing replication with its seed, completes the others, and reruns it alone', async () => {
    process.env.OPSIM_FAIL_REPLICATION = 'fourteen:2';
    let doc: ResultsDocument;
    try {
      doc = await runExperiment(input(), { workers: 1 });
    } finally {
      delete process.env.OPSIM_FAIL_REPLICATION;
    }
    expect(doc.complete).toBe(false);
    expect(doc.failures).toEqual([{ variant: 'fourteen', replication: 2, seed: '7', error: expect.stringContaining('injected failure') }]);
    expect(doc.variants.map((v) => v.replications)).toEqual([6, 5]);
    const rerun = await runExperiment(input(), { pool: pool2, only: [{ variant: 'fourteen', replication: 2 }] });
    expect(rerun.failures).toEqual([]);
    expect(rerun.only).toEqual([{ variant: 'fourteen', replication: 2 }]);
    expect(rerun.variants.map((v) => [v.name, v.perReplication!.replications])).toEqual([['fourteen', [2]]]);
    // The rerun reproduces exactly what the full run computes for that replication.
    const full = inProcess.variants[1]!.perReplication!.metrics;
    for (const [m, xs] of Object.entries(rerun.variants[0]!.perReplication!.metrics)) expect(xs[0]).toBe(full[m]![2]);
  }, 60_000);

  it('a replication past maxEvents fails with its seed and a hint, instead of running on', async () => {
    // Above the 800 expected arrivals (a smaller budget is refused at load), below the ~1,560 events a run takes.
    const doc = await runExperiment(input(FIXTURE, { maxEvents: 1000 }), { workers: 1, replications: 2 });
    expect(doc.complete).toBe(false);
    expect(doc.failures).toHaveLength(4);
    expect(doc.failures[0]).toEqual({
      variant: 'twelve',
      replication: 0,
      seed: '7',
      error: expect.stringMatching(/event limit reached: 1,000 events executed by simulated time [\d.]+ s of the 14400 s horizon \(maxEvents 1,000\): check the scenario's rates/),
    });
  });

  it("refuses a seed containing '|' before running anything", async () => {
    await expect(runExperiment(input(), { workers: 1, seed: 'x|y' })).rejects.toThrow(/seed must be .* without '\|', got "x\|y"/);
  });

  it('fails a replication in a worker thread the same way', async () => {
    process.env.OPSIM_FAIL_REPLICATION = '1';
    const pool = new ReplicationPool({ size: 2 }); // workers copy the environment when they start
    try {
      const doc = await runExperiment(input(), { pool, replications: 3 });
      expect(doc.failures.map((f) => `${f.variant}:${f.replication}`)).toEqual(['twelve:1', 'fourteen:1']);
      expect(doc.variants.map((v) => v.replications)).toEqual([2, 2]);
    } finally {
      delete process.env.OPSIM_FAIL_REPLICATION;
      await pool.close();
    }
  }, 60_000);

  it('stops sequentially when the half-width target is met, and at maxReplications otherwise', async () => {
    const loose = await runExperiment(input(undefined, { 'experiment.stopWhen': { metric: 'staffing.service-desk.utilisation', halfWidth: '50%', maxReplications: 20 } }), {
      workers: 1,
      replications: 3,
    });
    expect(loose.stopping).toMatchObject({ met: true, replications: 3 });
    const strict = await runExperiment(input(undefined, { 'experiment.stopWhen': { metric: 'staffing.service-desk.utilisation', halfWidth: 1e-9, maxReplications: 7, batch: 2 } }), {
      pool: pool2,
      replications: 3,
    });
    expect(strict.stopping).toMatchObject({ met: false, replications: 7 });
    expect(strict.variants.map((v) => v.replications)).toEqual([7, 7]);
  }, 60_000);

  it('detects the warm-up with MSER-5 on a series column', async () => {
    const doc = await runExperiment(input(undefined, { 'experiment.warmupDetection': { method: 'mser5', column: 'service-desk.busy', pilotReplications: 3 } }), {
      workers: 1,
      replications: 2,
    });
    expect(doc.warmupDetection).toMatchObject({ method: 'mser5', column: 'service-desk.busy', pilotReplications: 3 });
    expect(doc.warmupSeconds).toBe(doc.warmupDetection!.seconds);
    expect(doc.warmupSeconds % 900).toBe(0);
  }, 60_000);

  it('aborts cleanly with partial results', async () => {
    const controller = new AbortController();
    const doc = await runExperiment(input(), {
      pool: pool2,
      replications: 40,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 3) controller.abort();
      },
    });
    expect(doc.complete).toBe(false);
    expect(doc.interrupted).toBe(true);
    const n = doc.variants.reduce((s, v) => s + v.replications, 0);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThan(80);
  }, 60_000);

  it('rejects unknown variants and bad override paths as scenario errors', async () => {
    await expect(runExperiment(input(), { workers: 1, variants: ['fourten'] })).rejects.toThrow(/did you mean "fourteen"/);
    // An unknown field path in a variant is a scenario error located in the file.
    const r = loadScenarioFile(path.join(ROOT, 'test/experiment/fixtures/bad-variant.yaml'));
    expect(r.ok).toBe(false);
    const lines = r.ok ? [] : r.errors.map(formatScenarioError);
    expect(lines).toEqual([expect.stringMatching(/bad-variant\.yaml:9:\d+ experiment\.variants\.list\[\d\]\.set\["teams\.service-desk\.headcont"\]: unknown field "headcont".*did you mean "teams\.service-desk\.headcount"/)]);
  });
});

describe('expandVariants', () => {
  it('builds the cartesian product in order, with short names', () => {
    const v = expandVariants({ variants: { factors: { 'services.web.servers': [4, 8], 'teams.noc.headcount': { name: 'noc', values: [1, 2] } } } });
    expect(v.map((x) => x.name)).toEqual(['services.web.servers=4,noc=1', 'services.web.servers=4,noc=2', 'services.web.servers=8,noc=1', 'services.web.servers=8,noc=2']);
    expect(v[3]!.set).toEqual({ 'services.web.servers': 8, 'teams.noc.headcount': 2 });
    expect(expandVariants(undefined).map((x) => x.name)).toEqual(['base']);
  });
});
