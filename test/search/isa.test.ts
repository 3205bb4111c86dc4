import { describe, expect, it } from 'vitest';
import { isaStaffing, simulateStaffing, type TimeVaryingQueue } from '../../src/search/isa.js';
import { erlangCDelayServers } from '../../src/theory/staffing.js';

/** FMMW's example: λ(t) = 100 + 20 sin t per hour, one-hour exponential service, 15-minute staffing. */
const queue: TimeVaryingQueue = { rate: (t) => 100 + 20 * Math.sin(t), rateMax: 120, mu: 1, horizon: 8, step: 0.25 };

function hourly(q: TimeVaryingQueue, staffing: number[], reps: number, seed: string, tau?: number): number[] {
  const ev = simulateStaffing(q, staffing, reps, seed, tau ?? 0);
  const per = Math.round(1 / q.step);
  return Array.from({ length: Math.round(q.horizon) }, (_, h) => {
    let d = 0;
    let a = 0;
    for (let i = h * per; i < (h + 1) * per; i++) {
      d += (tau === undefined ? ev.delayProbability[i]! : ev.waitExceeds[i]!) * ev.arrivals[i]!;
      a += ev.arrivals[i]!;
    }
    return d / a;
  });
}

describe('ISA on M_t/M/s_t with a sinusoidal arrival rate', () => {
  it('keeps the delay probability within ±0.02 of its target in every hour, where pointwise Erlang C does not', () => {
    const alpha = 0.2;
    const isa = isaStaffing(queue, { delayProbability: alpha, replications: 1500, seed: 'isa' });
    expect(isa.converged).toBe(true);
    // Checked on fresh replications (another seed), not the ones ISA was fitted on.
    const isaDelay = hourly(queue, isa.staffing, 1000, 'check');
    for (const p of isaDelay) expect(Math.abs(p - alpha)).toBeLessThanOrEqual(0.02);
    // Pointwise stationary Erlang C on λ(t) ignores the lag and the empty start: it misses.
    const psa = Array.from({ length: isa.staffing.length }, (_, i) => erlangCDelayServers(queue.rate((i + 0.5) * queue.step) / queue.mu, alpha));
    const psaDelay = hourly(queue, psa, 1000, 'check');
    expect(Math.max(...psaDelay.map((p) => Math.abs(p - alpha)))).toBeGreaterThan(0.05);
  }, 30_000);

  it('ISA(τ): keeps P(wait > τ) at or just under its target in every hour after the empty start (τ = 3 min)', () => {
    const alpha = 0.2;
    const tau = 0.05;
    const isa = isaStaffing(queue, { delayProbability: alpha, waitThreshold: tau, replications: 1000, seed: 'isa-tau' });
    expect(isa.converged).toBe(true);
    const late = hourly(queue, isa.staffing, 800, 'check-tau', tau);
    // Never above the target (by more than noise); after the first hour within one server's worth
    // of tail probability under it (a server moves P(W > τ) by ~0.03 here). The first hour, from
    // an empty queue with staffing climbing fast, is conservative (~0.11).
    for (const p of late) expect(p).toBeLessThanOrEqual(alpha + 0.01);
    for (const p of late.slice(1)) expect(p).toBeGreaterThanOrEqual(alpha - 0.04);
    // A tail target needs fewer servers than the same α on the delay probability.
    const delayOnly = isaStaffing(queue, { delayProbability: alpha, replications: 1000, seed: 'isa-tau' });
    expect(isa.staffing.reduce((a, b) => a + b, 0)).toBeLessThan(delayOnly.staffing.reduce((a, b) => a + b, 0));
  }, 30_000);
});
