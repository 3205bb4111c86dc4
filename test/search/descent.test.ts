import { describe, expect, it } from 'vitest';
import type { CandidateVerdict } from '../../src/search/certify.js';
import { bisect, greedy, type Check } from '../../src/search/descent.js';
import type { Point, Variable } from '../../src/search/space.js';

function variable(label: string, n: number, price: number): Variable {
  const values = Array.from({ length: n }, (_, i) => i);
  return { path: label, label, values, costs: values.map((v) => v * price), priceNote: '' };
}

/** A certifier from a known feasibility rule, counting what it was asked. */
function oracle(feasible: (p: Point) => boolean | 'undecided'): { check: Check; asked: string[] } {
  const asked: string[] = [];
  const check: Check = async (ps) =>
    ps.map((p): CandidateVerdict => {
      asked.push(p.join(','));
      const f = feasible(p);
      return { decision: f === 'undecided' ? 'undecided' : f ? 'feasible' : 'infeasible', replications: 10, constraints: [] };
    });
  return { check, asked };
}

describe('bisection on one monotone variable', () => {
  for (const start of [0, 3, 7, 13, 19]) {
    it(`finds the cheapest feasible value 7 from a start at ${start}`, async () => {
      const { check, asked } = oracle((p) => p[0]! >= 7);
      expect(await bisect([variable('x', 20, 1)], [start], check)).toEqual([7]);
      expect(asked).toContain('6');
      expect(new Set(asked).size).toBeLessThanOrEqual(12);
    });
  }
  it('says so when nothing is feasible, and when the cheapest value already is', async () => {
    expect(await bisect([variable('x', 10, 1)], [5], oracle(() => false).check)).toBeNull();
    expect(await bisect([variable('x', 10, 1)], [5], oracle(() => true).check)).toEqual([0]);
  });
  it('stops with the best known feasible value when a check stays undecided', async () => {
    expect(await bisect([variable('x', 10, 1)], [5], oracle((p) => (p[0] === 4 ? 'undecided' : p[0]! >= 4)).check)).toEqual([5]);
  });
});

describe('greedy coordinate descent on several variables', () => {
  it('walks down to a point whose every one-step-cheaper neighbour is infeasible', async () => {
    // Feasible when a + 2b ≥ 10; b costs 1.5 per unit, a costs 1: b is the cheaper capacity per unit of effect.
    const vars = [variable('a', 11, 1), variable('b', 6, 1.5)];
    const rule = (p: Point): boolean => p[0]! + 2 * p[1]! >= 10;
    const x = (await greedy(vars, [10, 5], oracle(rule).check))!;
    expect(rule(x)).toBe(true);
    for (let i = 0; i < x.length; i++) if (x[i]! > 0) expect(rule(x.map((v, j) => (j === i ? v - 1 : v)))).toBe(false);
    // Greedy takes the largest saving first (b), so it ends at a local minimum, [10, 0] (cost 10),
    // not the global one, [0, 5] (cost 7.5): the certificate is local, as docs/search.md says.
    expect(x).toEqual([10, 0]);
  });
  it('climbs from an infeasible start, and gives up at the top of the space', async () => {
    const vars = [variable('a', 5, 1), variable('b', 5, 1)];
    expect(await greedy(vars, [0, 0], oracle((p) => p[0]! + p[1]! >= 6).check)).not.toBeNull();
    expect(await greedy(vars, [0, 0], oracle(() => false).check)).toBeNull();
  });
});
