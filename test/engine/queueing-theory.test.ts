/** The closed-form helpers against textbook numbers, so the simulation tests compare with the right targets. */
import { describe, expect, it } from 'vitest';
import { cobhamWq, erlangB, erlangC, mmcWq, pollaczekKhinchineWq, preemptiveResumeW } from './queueing-theory.js';

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
});
