import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { knEta, selectBest } from '../../src/search/selection.js';

/** Standard normal draws by Box–Muller from a seeded generator. */
function normals(rng: () => number): () => number {
  return () => {
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
}

/**
 * One KN run on k correlated normal systems (a common component per replication, as common
 * random numbers give), fed in batches of 10 until one survives; returns the selected index and
 * the observations it took.
 */
function run(means: readonly number[], sd: number, rho: number, z: () => number, alpha: number, delta: number): { best: number; used: number } {
  const names = means.map((_, i) => `s${i}`);
  const obs = new Map(names.map((n) => [n, [] as number[]]));
  for (;;) {
    for (let b = 0; b < 10; b++) {
      const common = z();
      means.forEach((m, i) => obs.get(names[i]!)!.push(m + sd * (Math.sqrt(rho) * common + Math.sqrt(1 - rho) * z())));
    }
    const r = selectBest(obs, { alpha, delta, n0: 10 });
    if (r.decision === 'selected') return { best: names.indexOf(r.best!), used: r.systems.reduce((s, x) => s + x.n, 0) };
  }
}

describe('KN selection of the best (Kim & Nelson 2001)', () => {
  it('η for k = 2 equals the feasibility check constant at β = α (one comparison)', () => {
    // k − 1 = 1 comparison: η = ½[(2α)^{−2/(n0−1)} − 1].
    expect(knEta(0.05, 2, 10)).toBeCloseTo(0.5 * (Math.pow(0.1, -2 / 9) - 1), 12);
    expect(knEta(0.05, 5, 10)).toBeGreaterThan(knEta(0.05, 2, 10));
  });

  const RUNS = 3000;
  const alpha = 0.05;
  for (const [label, rho] of [['independent systems', 0], ['systems under common random numbers (ρ = 0.6)', 0.6]] as const) {
    it(`picks the best, δ better than the other three, in ≥ 1 − α of ${RUNS} runs (${label})`, () => {
      const z = normals(seedrandom(`kn-${rho}`));
      const delta = 1;
      const means = [5 + delta, 5, 5 + delta, 5 + delta]; // the best is the second (minimisation)
      let correct = 0;
      let used = 0;
      for (let i = 0; i < RUNS; i++) {
        const r = run(means, 1.5, rho, z, alpha, delta);
        if (r.best === 1) correct++;
        used += r.used;
      }
      expect(correct / RUNS).toBeGreaterThanOrEqual(1 - alpha);
      // Not a procedure that always runs to the end: it eliminates early on average.
      const eta = knEta(alpha, 4, 10);
      const maxPerSystem = (2 * eta * 9 * 2 * 2.25 * (1 - rho)) / (delta * delta) + 10;
      expect(used / RUNS).toBeLessThan(4 * maxPerSystem);
    });
  }

  it('with equal means any system may be picked (the choice is the data\'s, not the order\'s)', () => {
    const z = normals(seedrandom('kn-equal'));
    const picked = new Set<number>();
    for (let i = 0; i < 400; i++) picked.add(run([3, 3, 3], 1, 0.3, z, 0.05, 0.5).best);
    expect(picked).toEqual(new Set([0, 1, 2]));
  });

  it('a single system is selected at once; fewer than n0 observations leave it undecided', () => {
    expect(selectBest(new Map([['a', [1, 2]]]), { alpha: 0.05, delta: 1, n0: 10 }).best).toBe('a');
    const r = selectBest(new Map([['a', [1, 2]], ['b', [3, 4]]]), { alpha: 0.05, delta: 1, n0: 10 });
    expect(r.decision).toBe('undecided');
    expect(r.survivors).toEqual(['a', 'b']);
  });
});
