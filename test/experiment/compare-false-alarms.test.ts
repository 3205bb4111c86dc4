/**
 * The gate's false-alarm rate, by simulation: runs of identical configurations must pass
 * `opsim compare` (no regression) in at least 1 − α/2 of repeated comparisons, since only the
 * bad side of a two-sided test at α fails it. Each run's replications are mean waits of an
 * M/M/1 queue at ρ = 0.9 (skewed, autocorrelated: the kind of metric the log-ratio test is
 * for), drawn from seeded streams. A confidence-interval test: the observed rate must not lie
 * above the nominal one by more than 3 standard errors.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { variantResults } from '../../src/experiment/aggregate.js';
import { compareRuns } from '../../src/experiment/compare.js';
import { RESULTS_FORMAT, type ResultsDocument } from '../../src/results/format.js';

const WAIT = 'service.station.wait.mean';
const MAX = 'service.station.wait.max';
const ALPHA = 0.05;
const COMPARISONS = 400;
const REPLICATIONS = 4;
const CUSTOMERS = 300;

/** Mean and largest wait of CUSTOMERS customers of an M/M/1 queue (λ = 0.9, μ = 1) by Lindley's recursion; arrivals and services from their own streams. */
function replication(seed: string, r: number, serviceStream = 'service'): { mean: number; max: number } {
  const arrivals = seedrandom(`${seed}/${r}/arrivals`);
  const services = seedrandom(`${seed}/${r}/${serviceStream}`);
  const exp = (u: () => number, rate: number): number => -Math.log(1 - u()) / rate;
  let w = 0;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < CUSTOMERS; i++) {
    sum += w;
    max = Math.max(max, w);
    w = Math.max(0, w + exp(services, 1) - exp(arrivals, 0.9));
  }
  return { mean: sum / CUSTOMERS, max };
}

/** A results document of REPLICATIONS replications of the queue. */
function run(seed: string, serviceStream?: string): ResultsDocument {
  const records = Array.from({ length: REPLICATIONS }, (_, r) => {
    const x = replication(seed, r, serviceStream);
    return { variant: 'base', replication: r, seed, metrics: { [WAIT]: x.mean, [MAX]: x.max }, series: { intervalSeconds: 60, columns: ['t'], rows: [] }, incidents: [], events: 0 };
  });
  return {
    format: RESULTS_FORMAT,
    opsimVersion: 't',
    scenario: { name: 'mm1', file: null, hash: 'h' },
    seed,
    horizonSeconds: 3600,
    warmupSeconds: 0,
    complete: true,
    variants: [variantResults({ name: 'base', overrides: {}, records })],
    comparisons: [],
    failures: [],
    metrics: {
      [WAIT]: { name: 'service.<service>.wait.mean', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'mean wait' },
      [MAX]: { name: 'service.<service>.wait.max', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'largest wait' },
    },
  };
}

/** Fraction of comparisons that fail the gate (a regression), and its bound: nominal + 3 SE. */
function falseAlarms(pair: (k: number) => [ResultsDocument, ResultsDocument], metrics: string[], nominal: number): { rate: number; bound: number; logTested: number } {
  let alarms = 0;
  let logTested = 0;
  for (let k = 0; k < COMPARISONS; k++) {
    const [a, b] = pair(k);
    const g = compareRuns(a, b, { metrics, alpha: ALPHA });
    if (g.regressions > 0) alarms++;
    logTested += g.sections[0]!.verdicts.filter((v) => v.scale === 'log').length;
  }
  return { rate: alarms / COMPARISONS, bound: nominal + 3 * Math.sqrt((nominal * (1 - nominal)) / COMPARISONS), logTested };
}

describe('compare false-alarm rate (identical configurations)', () => {
  it('different seeds (Welch on log values): the gate passes in ≥ 1 − α/2 of comparisons on one metric', () => {
    const r = falseAlarms((k) => [run(`a${k}`), run(`b${k}`)], [WAIT], ALPHA / 2);
    // Every comparison was on the log scale (waits are positive): the test measured is the one the gate uses.
    expect(r.logTested).toBe(COMPARISONS);
    expect(r.rate).toBeLessThan(r.bound);
  });

  it('the same seed, an equivalent change (the paired log-ratio test): the gate passes in ≥ 1 − α/2 of comparisons', () => {
    // Same arrivals (common random numbers), services from another stream of the same distribution: no real change.
    const r = falseAlarms((k) => [run(`s${k}`), run(`s${k}`, 'service-2')], [WAIT], ALPHA / 2);
    expect(r.logTested).toBe(COMPARISONS);
    expect(r.rate).toBeLessThan(r.bound);
  });

  it('two correlated metrics at once: the gate still passes in ≥ 1 − α of comparisons', () => {
    const r = falseAlarms((k) => [run(`c${k}`), run(`d${k}`)], [WAIT, MAX], ALPHA);
    expect(r.rate).toBeLessThan(r.bound);
  });
});
