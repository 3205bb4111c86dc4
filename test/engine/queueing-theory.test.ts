/** The closed forms of src/theory/queueing.ts against textbook numbers, so the simulation tests compare with the right targets. */
import { describe, expect, it } from 'vitest';
import {
  cobhamWq,
  erlangB,
  erlangC,
  erlangCServiceLevel,
  md1Wq,
  mm1W,
  mm1Wq,
  mmcW,
  mmcWq,
  pollaczekKhinchineW,
  pollaczekKhinchineWq,
  preemptiveResumeW,
} from '../../src/theory/queueing.js';

/** Erlang C by the textbook sum, Σ_{k<c} a^k/k! and a^c/(c!(1 − ρ)), in log space: an independent check of the recursion. */
function erlangCLogSum(c: number, a: number): number {
  const logs = [0];
  let log = 0;
  for (let k = 1; k < c; k++) logs.push((log += Math.log(a / k)));
  const top = log + Math.log(a / c) - Math.log(1 - a / c);
  const m = Math.max(top, ...logs);
  const head = logs.reduce((s, l) => s + Math.exp(l - m), 0);
  return Math.exp(top - m) / (head + Math.exp(top - m));
}

describe('queueing formulas', () => {
  it('M/M/1 via Erlang C with c = 1: P(wait) = ρ, Wq = ρ/(μ − λ)', () => {
    expect(erlangC(1, 16, 20)).toBeCloseTo(0.8, 12);
    expect(mmcWq(1, 16, 20) * 60).toBeCloseTo(12, 10); // 12 minutes
  });

  it('Erlang C matches published tables', () => {
    // c = 10, a = 9: P(wait) = 0.6687 (standard call-centre tables).
    expect(erlangC(10, 9, 1)).toBeCloseTo(0.66869, 4);
    // c = 2, a = 1: P(wait) = 1/3 exactly.
    expect(erlangC(2, 1, 1)).toBeCloseTo(1 / 3, 12);
    // c = 3, a = 2: P(wait) = 4/9.
    expect(erlangC(3, 2, 1)).toBeCloseTo(4 / 9, 12);
  });

  it('Erlang C agrees with its Erlang B identity C = cB / (c − a(1 − B))', () => {
    for (const [c, a] of [[5, 3.5], [10, 9], [50, 45]] as const) {
      const b = erlangB(c, a);
      expect(erlangC(c, a, 1)).toBeCloseTo((c * b) / (c - a * (1 - b)), 12);
    }
  });

  it('Pollaczek–Khinchine reduces to M/M/1 and M/D/1', () => {
    expect(pollaczekKhinchineWq(0.8, 1, 1)).toBeCloseTo(4, 12); // M/M/1: ρ/(μ − λ)
    expect(pollaczekKhinchineWq(0.8, 1, 0)).toBeCloseTo(2, 12); // M/D/1: half of M/M/1
  });

  it("Cobham's formula: textbook two-class example and conservation", () => {
    const cls = [
      { lambda: 0.3, serviceMean: 1, serviceVariance: 1 },
      { lambda: 0.5, serviceMean: 1, serviceVariance: 1 },
    ];
    const [w1, w2] = cobhamWq(cls) as [number, number];
    expect(w1).toBeCloseTo(0.8 / 0.7, 12);
    expect(w2).toBeCloseTo(0.8 / (0.7 * 0.2), 12);
    // Kleinrock's conservation law: Σ ρ_k Wq_k equals FIFO's ρ·Wq for equal service times.
    expect(0.3 * w1 + 0.5 * w2).toBeCloseTo(0.8 * pollaczekKhinchineWq(0.8, 1, 1), 10);
  });

  it('preemptive-resume: top class sees its own M/M/1; totals obey Little with M/M/1', () => {
    const cls = [
      { lambda: 0.3, serviceMean: 1, serviceVariance: 1 },
      { lambda: 0.5, serviceMean: 1, serviceVariance: 1 },
    ];
    const [t1, t2] = preemptiveResumeW(cls) as [number, number];
    expect(t1).toBeCloseTo(1 / (1 - 0.3), 12);
    // Exponential, equal rates: the total number in system is that of M/M/1, ρ/(1 − ρ).
    expect(0.3 * t1 + 0.5 * t2).toBeCloseTo(0.8 / 0.2, 10);
  });

  it('Erlang C is finite and accurate for many servers (a^k/k! alone overflows past a ≈ 700)', () => {
    for (const [c, a] of [[10, 9], [50, 45], [1000, 950], [1000, 990]] as const) {
      expect(erlangC(c, a)).toBeCloseTo(erlangCLogSum(c, a), 12);
    }
    const big = erlangC(2000, 1990);
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(1);
  });

  it('M/M/1, M/D/1 and M/M/c means agree with each other', () => {
    expect(mm1Wq(16, 20) * 60).toBeCloseTo(12, 10); // 12 minutes
    expect(mm1W(16, 20) * 60).toBeCloseTo(15, 10); // 15 minutes
    expect(mmcW(1, 16, 20)).toBeCloseTo(mm1W(16, 20), 12);
    expect(mmcW(10, 9, 1)).toBeCloseTo(mmcWq(10, 9, 1) + 1, 12);
    expect(md1Wq(0.8, 1)).toBeCloseTo(2, 12);
    expect(pollaczekKhinchineW(0.8, 1, 1)).toBeCloseTo(mm1W(0.8, 1), 12);
  });

  it('Erlang C service level: 10 erlangs, 180 s handle time, 20 s target', () => {
    expect(erlangCServiceLevel(14, 10, 20, 180)).toBeCloseTo(0.888, 3);
    expect(erlangCServiceLevel(13, 10, 20, 180)).toBeCloseTo(0.796, 3);
    expect(erlangCServiceLevel(14, 10, 0, 180)).toBeCloseTo(1 - erlangC(14, 10), 12);
  });

  it('unstable systems and meaningless input throw instead of returning a number', () => {
    expect(() => erlangC(10, 10)).toThrow(RangeError);
    expect(() => erlangC(2.5, 1)).toThrow(RangeError);
    expect(() => erlangB(3, -1)).toThrow(RangeError);
    expect(() => mm1Wq(20, 20)).toThrow(RangeError);
    expect(() => pollaczekKhinchineWq(1, 1, 0)).toThrow(RangeError);
    expect(() => cobhamWq([{ lambda: 0.6, serviceMean: 1, serviceVariance: 1 }, { lambda: 0.5, serviceMean: 1, serviceVariance: 1 }])).toThrow(RangeError);
    expect(() => preemptiveResumeW([{ lambda: 1, serviceMean: 1, serviceVariance: 0 }])).toThrow(RangeError);
  });
});
