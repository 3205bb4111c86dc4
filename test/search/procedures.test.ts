import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { batturKimEta, batturKimG, checkMean } from '../../src/search/feasibility.js';
import { checkChance } from '../../src/search/sprt.js';

/** Standard normal draws by Box–Muller from a seeded generator. */
function normals(rng: () => number): () => number {
  return () => {
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
}

describe('Batur & Kim boundary constant', () => {
  it('η solves g(η) = β, in closed form for c = 1 and by bisection for c > 1', () => {
    for (const [beta, n0] of [[0.05, 10], [0.0125, 20], [0.001, 5]] as const) {
      const eta1 = batturKimEta(beta, n0, 1);
      expect(batturKimG(eta1, n0, 1)).toBeCloseTo(beta, 12);
      // c = 1: g(η) = ½(1 + 2η)^{−(n0−1)/2}
      expect(0.5 * Math.pow(1 + 2 * eta1, -(n0 - 1) / 2)).toBeCloseTo(beta, 12);
      const eta2 = batturKimEta(beta, n0, 2);
      expect(batturKimG(eta2, n0, 2)).toBeCloseTo(beta, 9);
    }
  });
  it('refuses impossible parameters', () => {
    expect(() => batturKimEta(0.6, 10)).toThrow(RangeError);
    expect(() => batturKimEta(0.05, 1)).toThrow(RangeError);
  });
});

describe('mean feasibility check (F_B) on normal data ε from the threshold', () => {
  const RUNS = 10_000;
  const alpha = 0.05;
  for (const [label, offset, sense, want] of [
    ['mean ε below an at-most threshold → feasible', -1, 'atMost', 'feasible'],
    ['mean ε above an at-most threshold → infeasible', 1, 'atMost', 'infeasible'],
    ['mean ε above an at-least threshold → feasible', 1, 'atLeast', 'feasible'],
    ['mean ε below an at-least threshold → infeasible', -1, 'atLeast', 'infeasible'],
  ] as const) {
    it(`${label} in ≥ 1 − α of ${RUNS} runs`, () => {
      const q = 10;
      const eps = 0.5;
      const sd = 2;
      const z = normals(seedrandom(`fb-${label}`));
      let correct = 0;
      let total = 0;
      for (let run = 0; run < RUNS; run++) {
        const obs: number[] = [];
        let res = checkMean(obs, { threshold: q, sense, tolerance: eps, beta: alpha, n0: 10 });
        // Feed observations in batches of 5 until decided (the region always closes).
        while (res.decision === 'undecided') {
          for (let b = 0; b < 5; b++) obs.push(q + offset * eps + sd * z());
          res = checkMean(obs, { threshold: q, sense, tolerance: eps, beta: alpha, n0: 10 });
        }
        total += res.n;
        if (res.decision === want) correct++;
      }
      expect(correct / RUNS).toBeGreaterThanOrEqual(1 - alpha);
      // The check is not trivially "always right": it used a finite number of observations.
      expect(total / RUNS).toBeLessThan(Math.ceil(batturKimEta(alpha, 10) * 2 * 9 * sd * sd / (eps * eps)) + 10);
    });
  }
  it('an exactly-at-the-threshold mean is decided both ways (the test is not one-sided)', () => {
    const z = normals(seedrandom('fb-mid'));
    const seen = new Set<string>();
    for (let run = 0; run < 200; run++) {
      const obs = Array.from({ length: 2000 }, () => 10 + 2 * z());
      seen.add(checkMean(obs, { threshold: 10, sense: 'atMost', tolerance: 0.5, beta: 0.05, n0: 10 }).decision);
    }
    expect(seen).toEqual(new Set(['feasible', 'infeasible']));
  });
});

describe('SPRT for a chance constraint on Bernoulli verdicts δ from p0', () => {
  const RUNS = 10_000;
  const alpha = 0.05;
  for (const [offset, want] of [[1, 'feasible'], [-1, 'infeasible']] as const) {
    it(`p = p0 ${offset > 0 ? '+' : '−'} δ → ${want} in ≥ 1 − α of ${RUNS} runs`, () => {
      const rng = seedrandom(`sprt-${want}`);
      const p0 = 0.9;
      const delta = 0.05;
      let correct = 0;
      for (let run = 0; run < RUNS; run++) {
        const v: number[] = [];
        let res = checkChance(v, { probability: p0, tolerance: delta, beta: alpha });
        while (res.decision === 'undecided') {
          for (let b = 0; b < 5; b++) v.push(rng() < p0 + offset * delta ? 1 : 0);
          res = checkChance(v, { probability: p0, tolerance: delta, beta: alpha });
        }
        if (res.decision === want) correct++;
      }
      expect(correct / RUNS).toBeGreaterThanOrEqual(1 - alpha);
    });
  }
  it('refuses an indifference zone that leaves (0, 1)', () => {
    expect(() => checkChance([], { probability: 0.97, tolerance: 0.05, beta: 0.05 })).toThrow(/strictly between 0 and 1/);
  });
});
