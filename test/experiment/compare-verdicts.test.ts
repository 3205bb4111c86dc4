/**
 * `opsim compare` verdicts read right: a move that is not significant is not "unchanged" unless
 * the interval of the difference lies within the tolerance; otherwise it is "inconclusive",
 * with the replications that would decide it. Only a regression fails the gate (exit 1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { variantResults } from '../../src/experiment/aggregate.js';
import { compareResults } from '../../src/experiment/compare.js';
import { pairedTTest } from '../../src/experiment/stats.js';
import { compareTable } from '../../src/cli/compare.js';
import { RESULTS_FORMAT, type ResultsDocument } from '../../src/results/format.js';
import { cli } from './helpers.js';

const W = 'service.station.wait.mean';

/** A run whose reference variant has the given per-replication waits (replications 0…n−1, seed 1). */
function run(xs: number[]): ResultsDocument {
  return {
    format: RESULTS_FORMAT,
    opsimVersion: 't',
    scenario: { name: 's', file: null, hash: 'h' },
    seed: '1',
    horizonSeconds: 7200,
    warmupSeconds: 0,
    complete: true,
    variants: [variantResults({ name: 'base', overrides: {}, records: xs.map((x, r) => ({ variant: 'base', replication: r, seed: '1', metrics: { [W]: x }, series: { intervalSeconds: 60, columns: ['t'], rows: [] }, incidents: [], events: 0 })) })],
    comparisons: [],
    failures: [],
    metrics: { [W]: { name: 'service.<service>.wait.mean', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'mean wait' } },
  };
}

/** n paired differences with exactly the given mean and sample standard deviation. */
function differences(n: number, mean: number, sd: number): number[] {
  const z = Array.from({ length: n }, (_, i) => i - (n - 1) / 2);
  const s = Math.sqrt(z.reduce((a, x) => a + x * x, 0) / (n - 1));
  return z.map((x) => mean + (sd * x) / s);
}

const verdictOf = (a: number[], b: number[]): ReturnType<typeof compareResults>['verdicts'][number] => compareResults(run(a), run(b)).verdicts[0]!;

describe('compare verdicts', () => {
  it('a 44-fold wait, every replication worse (the 10 vs 9 servers case), is a regression: the log ratio is tested, not the raw difference', () => {
    // 4 replications: one queue exploded, the others grew less (ρ = 1 on 9 servers).
    const base = [0.62, 0.71, 0.66, 0.75];
    const cur = [3.1, 96.2, 11.4, 13.3];
    // On the raw values the exploded queue inflates the spread: p > 0.05 (the old gate's INCONCLUSIVE, exit 0).
    expect(pairedTTest(base, cur).p).toBeGreaterThan(0.05);
    const v = verdictOf(base, cur);
    expect(v.changePct).toBeGreaterThan(1000);
    expect([v.test, v.scale]).toEqual(['paired', 'log']);
    expect(v.p!).toBeLessThan(0.05);
    expect(v.verdict).toBe('regression');
    expect(compareResults(run(base), run(cur)).regressions).toBe(1);
    // The figures the walkthrough measured (mean response 1.69 s → 32 s, 10 → 9 servers): a regression too.
    expect(pairedTTest([1.683, 1.547, 1.844, 1.686], [16.75, 22.81, 75.53, 12.94]).p).toBeGreaterThan(0.1);
    expect(verdictOf([1.683, 1.547, 1.844, 1.686], [16.75, 22.81, 75.53, 12.94]).verdict).toBe('regression');
  });

  it('a clock time or a temperature is tested on the raw values: their ratios mean nothing', () => {
    for (const unit of ['clock_seconds', 'celsius'] as const) {
      const [a, b] = [run([30000, 31000, 29500, 30500]), run([33000, 34000, 32500, 33500])];
      for (const d of [a, b]) d.metrics![W] = { ...d.metrics![W]!, unit };
      expect(compareResults(a, b).verdicts[0]!.scale, unit).toBe('raw');
    }
    expect(verdictOf([30000, 31000, 29500, 30500], [33000, 34000, 32500, 33500]).scale).toBe('log');
  });

  it('a metric with a zero value is tested on the raw values (no log of 0)', () => {
    const v = verdictOf([0, 0.71, 0.66, 0.75], [3.1, 96.2, 11.4, 13.3]);
    expect(v.scale).toBe('raw');
    expect(v.verdict).toBe('inconclusive');
  });

  it('says how many replications would decide it: with that many (same mean and spread of the log ratios) the move is significant, with one fewer not', () => {
    // Log ratios with mean ln 1.3 and sd 0.35: t ≈ 1.5 with 4 pairs, p ≈ 0.23.
    const cur = (m: number): number[] => differences(m, Math.log(1.3), 0.35).map((d) => 10 * Math.exp(d));
    const v = verdictOf([10, 10, 10, 10], cur(4));
    expect(v.scale).toBe('log');
    expect(v.verdict).toBe('inconclusive');
    const n = v.replicationsToDecide!;
    expect(n).toBeGreaterThan(4);
    const p = (m: number): number => pairedTTest(Array(m).fill(Math.log(10)), cur(m).map(Math.log)).p;
    expect(p(n)).toBeLessThan(0.05);
    expect(p(n - 1)).toBeGreaterThanOrEqual(0.05);
    // …and the comparison at that count is a regression.
    expect(verdictOf(Array(n).fill(10), cur(n)).verdict).toBe('regression');
  });

  it('unchanged only when the interval of the difference lies within the tolerance', () => {
    expect(verdictOf([1, 1.2, 0.9, 1.1, 1.05], [1, 1.2, 0.9, 1.1, 1.05]).verdict).toBe('unchanged');
    // Noise of ±0.5 % around no change: not significant, interval within ±5 %.
    expect(verdictOf([1, 1.2, 0.9, 1.1, 1.05], [1.005, 1.195, 0.904, 1.096, 1.05]).verdict).toBe('unchanged');
    // The same mean move, not significant, but a spread that reaches past ±5 %.
    expect(verdictOf([1, 1.2, 0.9, 1.1, 1.05], [1.1, 1.1, 0.8, 1.2, 1.05]).verdict).toBe('inconclusive');
  });

  it('a significant move within the tolerance is within tolerance, one beyond it a regression or improvement', () => {
    const base = [1, 1.2, 0.9, 1.1, 1.05];
    expect(verdictOf(base, base.map((x) => x * 1.03)).verdict).toBe('within-tolerance');
    expect(verdictOf(base, base.map((x) => x * 1.3)).verdict).toBe('regression');
    expect(verdictOf(base, base.map((x) => x * 0.7)).verdict).toBe('improvement');
  });

  it('without a test (one replication) the tolerance alone decides: equal is unchanged, a small move within tolerance', () => {
    expect(verdictOf([2], [2]).verdict).toBe('unchanged');
    expect(verdictOf([2], [2.04]).verdict).toBe('within-tolerance');
    expect(verdictOf([2], [3]).verdict).toBe('regression');
    expect(verdictOf([2], [3]).replicationsToDecide).toBeNull();
  });

  it('the table names the inconclusive metrics and the replications that would decide them; exit code 0, or 1 with --fail-on inconclusive', async () => {
    const a = run([1, 1, 1, 1]);
    const b = run([0.6, 3.0, 0.9, 2.0]);
    const r = compareResults(a, b);
    const text = compareTable(r);
    expect(text).toMatch(new RegExp(`^${W.replace(/\./g, '\\.')} +lower .* paired log .* INCONCLUSIVE$`, 'm'));
    expect(text).toContain('tolerance 5%: no regression, 1 inconclusive');
    expect(text).toContain(`about ${r.verdicts[0]!.replicationsToDecide} replications per run (now 4) would decide it`);
    expect(text).not.toMatch(/UNCHANGED/);
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-compare-'));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(a));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(b));
    const out = await cli(['compare', path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('INCONCLUSIVE');
    const decide = await cli(['compare', path.join(dir, 'a.json'), path.join(dir, 'b.json'), '--fail-on', 'inconclusive']);
    expect(decide.code).toBe(1);
    expect(decide.stdout).toContain('gate: 1 variant compared: no regression, 1 inconclusive ("base"), failing the gate (--fail-on inconclusive)');
    expect((await cli(['compare', path.join(dir, 'a.json'), path.join(dir, 'b.json'), '--fail-on', 'maybe'])).code).toBe(2);
  }, 30_000);
});
