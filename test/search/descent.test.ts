import { describe, expect, it } from 'vitest';
import type { CandidateVerdict } from '../../src/search/certify.js';
import { bisect, coordinateSearch, type Check } from '../../src/search/descent.js';
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

describe('coordinate descent with bisection line searches on several variables', () => {
  it('walks down to a point whose every one-step-cheaper neighbour is infeasible', async () => {
    // Feasible when a + 2b ≥ 10; b costs 1.5 per unit, a costs 1: b is the cheaper capacity per unit of effect.
    const vars = [variable('a', 11, 1), variable('b', 6, 1.5)];
    const rule = (p: Point): boolean => p[0]! + 2 * p[1]! >= 10;
    const x = (await coordinateSearch(vars, [10, 5], oracle(rule).check))!;
    expect(rule(x)).toBe(true);
    for (let i = 0; i < x.length; i++) if (x[i]! > 0) expect(rule(x.map((v, j) => (j === i ? v - 1 : v)))).toBe(false);
    // The line search takes the largest saving first (b), so it ends at a local minimum, [10, 0]
    // (cost 10), not the global one, [0, 5] (cost 7.5): the certificate is local, as docs/search.md says.
    expect(x).toEqual([10, 0]);
  });
  it('climbs from an infeasible start, and gives up at the top of the space', async () => {
    const vars = [variable('a', 5, 1), variable('b', 5, 1)];
    expect(await coordinateSearch(vars, [0, 0], oracle((p) => p[0]! + p[1]! >= 6).check)).not.toBeNull();
    expect(await coordinateSearch(vars, [0, 0], oracle(() => false).check)).toBeNull();
  });
});

describe('coordinate bisection visits few points on a large space', () => {
  it('finds the cheapest feasible corner of a 40 × 40 space with O(log n) probes per variable, its neighbours certified', async () => {
    // Feasible when a ≥ 13 and b ≥ 27 (two independent needs), start at the dearest corner.
    const vars = [variable('a', 40, 2), variable('b', 40, 1)];
    const { check, asked } = oracle((p) => p[0]! >= 13 && p[1]! >= 27);
    expect(await coordinateSearch(vars, [39, 39], check)).toEqual([13, 27]);
    expect(asked).toContain('12,27');
    expect(asked).toContain('13,26');
    // A step-by-step walk would visit ~40 points; bisection about 2 × log2(40) + the neighbours.
    expect(new Set(asked).size).toBeLessThanOrEqual(16);
    expect(new Set(asked).size).toBe(asked.length); // nothing certified twice
  });
  it('treats an undecided probe as not feasible and stops above it', async () => {
    const vars = [variable('a', 10, 1), variable('b', 10, 1)];
    const x = await coordinateSearch(vars, [9, 9], oracle((p) => (p[1] === 4 ? 'undecided' : p[0]! >= 3 && p[1]! >= 4)).check);
    expect(x).toEqual([3, 5]);
  });
});
