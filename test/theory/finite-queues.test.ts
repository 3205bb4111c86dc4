/**
 * The closed forms for callers who hang up (Erlang A, src/theory/abandonment.ts) and for
 * queues with a finite room (Erlang B, M/M/c/K, src/theory/finite-queue.ts) against published
 * tables, textbook special cases and independent formulas, so the simulation tests compare
 * with the right targets.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, erlangCServiceLevel, mmcWq } from '../../src/theory/queueing.js';
import { logInverseErlangB, mmcK } from '../../src/theory/finite-queue.js';
import { erlangA, erlangAAbandonAgents, erlangAAgents, erlangAServiceLevel } from '../../src/theory/abandonment.js';

/** P(Poisson(a) ≥ c). */
function poissonTail(a: number, c: number): number {
  let p = 0;
  for (let k = 0; k < c; k++) p += Math.exp(-a + k * Math.log(a) - gammaln(k + 1));
  return 1 - p;
}

/** E[(Poisson(a) − c)⁺]. */
function poissonExcess(a: number, c: number): number {
  let e = 0;
  for (let k = c + 1; k < c + 2000; k++) e += (k - c) * Math.exp(-a + k * Math.log(a) - gammaln(k + 1));
  return e;
}

describe('Erlang B and M/M/c/K', () => {
  it('Erlang B matches the published traffic tables (offered erlangs at a grade of service)', () => {
    // Standard Erlang B tables: 10 trunks carry 4.46 E at 1 % blocking and 5.08 E at 2 %;
    // 20 trunks carry 12.03 E at 1 %; 5 trunks carry 1.36 E at 1 %.
    expect(erlangB(10, 4.46)).toBeCloseTo(0.01, 3);
    expect(erlangB(10, 5.08)).toBeCloseTo(0.02, 3);
    expect(erlangB(20, 12.03)).toBeCloseTo(0.01, 3);
    expect(erlangB(5, 1.36)).toBeCloseTo(0.01, 3);
  });

  it('the log-space inverse agrees with the recursion, and stays finite where B underflows', () => {
    for (const [c, a] of [[1, 0.5], [10, 4.46], [50, 45], [300, 280]] as const) expect(Math.exp(-logInverseErlangB(c, a))).toBeCloseTo(erlangB(c, a), 12);
    expect(erlangB(2000, 1)).toBe(0);
    expect(logInverseErlangB(2000, 1)).toBeGreaterThan(10_000);
  });

  it('M/M/c/K with K = c is Erlang B: blocked, and nobody waits', () => {
    for (const [c, lambda, mu] of [[1, 2, 1], [10, 5.08, 1], [14, 10 / 180, 1 / 180]] as const) {
      const m = mmcK(c, c, lambda, mu);
      expect(m.blocking).toBeCloseTo(erlangB(c, lambda / mu), 12);
      expect(m.waitProbability).toBe(0);
      expect(m.meanWait).toBe(0);
    }
  });

  it('M/M/1/K matches the textbook p_K = (1 − ρ)ρ^K / (1 − ρ^(K+1)) and Lq', () => {
    // Kleinrock Vol. 1, ch. 3: M/M/1/K with ρ = 0.8, K = 5.
    const rho = 0.8;
    const K = 5;
    const p = (n: number): number => ((1 - rho) * rho ** n) / (1 - rho ** (K + 1));
    const m = mmcK(1, K, 0.8, 1);
    expect(m.blocking).toBeCloseTo(p(K), 12);
    let lq = 0;
    for (let n = 2; n <= K; n++) lq += (n - 1) * p(n);
    expect(m.queueMean).toBeCloseTo(lq, 12);
    expect(m.meanWait).toBeCloseTo(lq / (0.8 * (1 - p(K))), 12);
    // An arrival that gets in waits unless the system is empty.
    expect(m.waitProbability).toBeCloseTo((1 - p(0) - p(K)) / (1 - p(K)), 12);
    // ρ = 1 is fine with a finite room: uniform over 0 … K.
    expect(mmcK(1, 4, 1, 1).blocking).toBeCloseTo(1 / 5, 12);
  });

  it('M/M/c/K tends to M/M/c (Erlang C) as K grows, and overload only fills the room', () => {
    const m = mmcK(10, 10_000, 9, 1);
    expect(m.blocking).toBeLessThan(1e-12);
    expect(m.waitProbability).toBeCloseTo(erlangC(10, 9, 1), 10);
    expect(m.meanWait).toBeCloseTo(mmcWq(10, 9, 1), 10);
    // ρ = 2: with 3 servers and 7 places, the room is nearly always full; throughput ≈ cμ.
    const over = mmcK(3, 10, 6, 1);
    expect(over.blocking).toBeGreaterThan(0.45);
    expect(over.throughput).toBeLessThan(3);
    expect(over.throughput).toBeGreaterThan(2.9);
  });

  it('bad input is refused with the reason', () => {
    expect(() => mmcK(3, 2, 1, 1)).toThrow(/K must be an integer ≥ c/);
    expect(() => mmcK(0, 2, 1, 1)).toThrow(/servers/);
    expect(() => mmcK(1, 2, 1, 0)).toThrow(/service rate/);
  });
});

describe('Erlang A (M/M/c+M)', () => {
  it('with patience rate θ = μ the system is M/M/∞: N ~ Poisson(a) (Garnett, Mandelbaum & Reiman 2002)', () => {
    for (const [c, a] of [[5, 4], [14, 10], [3, 6]] as const) {
      const m = erlangA(c, a, 1, 1);
      expect(m.waitProbability).toBeCloseTo(poissonTail(a, c), 10);
      expect(m.queueMean).toBeCloseTo(poissonExcess(a, c), 10);
      expect(m.abandonProbability).toBeCloseTo(poissonExcess(a, c) / a, 10);
    }
  });

  it('as callers grow patient (θ → 0) it tends to Erlang C', () => {
    const m = erlangA(14, 10 / 180, 1 / 180, 1e-9);
    expect(m.waitProbability).toBeCloseTo(erlangC(14, 10), 5);
    expect(m.meanWaitServed).toBeCloseTo(mmcWq(14, 10 / 180, 1 / 180), 2);
    expect(m.abandonProbability).toBeLessThan(1e-6);
    expect(erlangAServiceLevel(14, 10 / 180, 1 / 180, 1e-9, 20)).toBeCloseTo(erlangCServiceLevel(14, 10, 20, 180), 5);
  });

  it('P(wait) agrees with Mandelbaum & Zeltyn\'s incomplete-gamma formula A·B / (1 + (A − 1)·B)', () => {
    for (const [c, lambda, mu, theta] of [[14, 10, 1, 0.6], [5, 6, 1, 0.2], [50, 48, 1, 0.1], [20, 30, 1, 2]] as const) {
      const x = (c * mu) / theta;
      const y = lambda / theta;
      // A(x, y) = x·e^y·y^(−x)·γ(x, y), with γ(x, y) = Γ(x)·P(x, y) (regularised lower incomplete gamma).
      const A = Math.exp(Math.log(x) + y - x * Math.log(y) + gammaln(x)) * gammainc(y, x, true, false);
      const B = erlangB(c, lambda / mu);
      expect(erlangA(c, lambda, mu, theta).waitProbability).toBeCloseTo((A * B) / (1 + (A - 1) * B), 9);
    }
  });

  it('is internally consistent: abandonments are θ·Lq (flow balance); the answered callers\' mean wait is the integral of the service level\'s tail', () => {
    for (const [c, lambda, mu, theta] of [[14, 10, 1, 0.6], [5, 6, 1, 0.2], [2, 1, 1, 3]] as const) {
      const m = erlangA(c, lambda, mu, theta);
      expect(m.abandonProbability).toBeCloseTo((theta * m.queueMean) / lambda, 10);
      // E[W·1{answered}] = ∫ P(answered, W > t) dt = ∫ (1 − P(ab) − SL(t)) dt: the place chain's
      // uniformisation against the telescoped closed form (Simpson's rule out to 25 mean patience or handle times).
      const tail = (t: number): number => 1 - m.abandonProbability - erlangAServiceLevel(c, lambda, mu, theta, t);
      const T = 25 / Math.min(theta, c * mu);
      const n = 1600;
      let integral = tail(0) + tail(T);
      for (let k = 1; k < n; k++) integral += (k % 2 === 1 ? 4 : 2) * tail((k * T) / n);
      integral *= T / n / 3;
      expect(m.meanWaitServed * (1 - m.abandonProbability)).toBeCloseTo(integral, 6);
      // Everyone is answered within ∞; nobody who waits is answered within 0.
      expect(erlangAServiceLevel(c, lambda, mu, theta, 0)).toBeCloseTo(1 - m.waitProbability, 12);
      expect(erlangAServiceLevel(c, lambda, mu, theta, 200 / theta)).toBeCloseTo(1 - m.abandonProbability, 8);
    }
  });

  it('overload is stable: with more calls than agents can take, the surplus hangs up', () => {
    // λ = 2cμ: in the fluid limit half the callers abandon (Garnett et al. 2002, efficiency-driven regime).
    const m = erlangA(100, 200, 1, 1);
    expect(m.abandonProbability).toBeGreaterThan(0.49);
    expect(m.abandonProbability).toBeLessThan(0.52);
  });

  it('staffing: the fewest agents meeting a service level or an abandonment target', () => {
    const lambda = 100 / 1800;
    const mu = 1 / 180;
    const theta = 1 / 300;
    const c = erlangAAgents(lambda, mu, theta, 20, 0.8);
    expect(erlangAServiceLevel(c, lambda, mu, theta, 20)).toBeGreaterThanOrEqual(0.8);
    expect(erlangAServiceLevel(c - 1, lambda, mu, theta, 20)).toBeLessThan(0.8);
    // Impatient callers leave the queue, so fewer agents are needed than Erlang C's 14 … but never more.
    expect(c).toBeLessThanOrEqual(14);
    const d = erlangAAbandonAgents(lambda, mu, theta, 0.05);
    expect(erlangA(d, lambda, mu, theta).abandonProbability).toBeLessThanOrEqual(0.05);
    expect(erlangA(d - 1, lambda, mu, theta).abandonProbability).toBeGreaterThan(0.05);
  });

  it('bad input is refused with the reason', () => {
    expect(() => erlangA(3, 1, 1, 0)).toThrow(/use Erlang C/);
    expect(() => erlangA(0, 1, 1, 1)).toThrow(/agents/);
    expect(() => erlangAServiceLevel(3, 1, 1, 1, -1)).toThrow(/answer time/);
  });
});
