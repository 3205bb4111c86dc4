import { describe, expect, it } from 'vitest';
import { erlangCAgents, erlangCDelayServers, halfinWhittBeta, halfinWhittDelay, mmcResponseTail, mmcServersForLatency, splitQueueServersForLatency, squareRootStaffing } from '../../src/theory/staffing.js';
import { erlangC, erlangCServiceLevel } from '../../src/theory/queueing.js';

describe('closed-form staffing', () => {
  it('the Erlang C example: 100 calls / 30 min at 180 s, 80 % in 20 s → 14 agents (13 fall short)', () => {
    const a = (100 / 1800) * 180;
    expect(a).toBeCloseTo(10, 12);
    expect(erlangCAgents(a, 180, 20, 0.8)).toBe(14);
    expect(erlangCServiceLevel(13, a, 20, 180)).toBeLessThan(0.8);
    expect(erlangCServiceLevel(14, a, 20, 180)).toBeGreaterThanOrEqual(0.8);
  });
  it('delay-probability staffing is the smallest c with C(c, a) ≤ target', () => {
    const c = erlangCDelayServers(100, 0.2);
    expect(erlangC(c, 100)).toBeLessThanOrEqual(0.2);
    expect(erlangC(c - 1, 100)).toBeGreaterThan(0.2);
  });
  it('square-root staffing with the Halfin–Whitt β lands within a server of Erlang C for large loads', () => {
    const beta = halfinWhittBeta(0.2);
    expect(halfinWhittDelay(beta)).toBeCloseTo(0.2, 9);
    expect(Math.abs(squareRootStaffing(400, beta) - erlangCDelayServers(400, 0.2))).toBeLessThanOrEqual(1);
  });
  it('the M/M/c response tail reduces to M/M/1 for one server and is monotone in c', () => {
    // M/M/1: T ~ Exp(μ − λ)
    expect(mmcResponseTail(1, 3, 5, 2)).toBeCloseTo(Math.exp(-(5 - 3) * 2), 12);
    const c = mmcServersForLatency(20, 5, 2, 0.99);
    expect(mmcResponseTail(c, 20, 5, 2)).toBeLessThanOrEqual(0.01);
    expect(c === 5 || mmcResponseTail(c - 1, 20, 5, 2) > 0.01).toBe(true);
  });
  it('split queues: GlobalMart at 29/s peak, 200 ms, 99 % under 2 s', () => {
    const c = splitQueueServersForLatency(29, 5, 2, 0.99);
    expect(Math.exp(-(5 - 29 / c) * 2)).toBeLessThanOrEqual(0.01);
    expect(Math.exp(-(5 - 29 / (c - 1)) * 2)).toBeGreaterThan(0.01);
  });
});
