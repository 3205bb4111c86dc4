/**
 * Descent over the policy space, given a way to certify points: bisection for one monotone
 * variable, greedy coordinate descent for several. Both assume more capacity is never worse
 * (monotone constraints), which is what makes "every one-step-cheaper neighbour fails" a
 * certificate of a local minimum of cost.
 */
import type { CandidateVerdict } from './certify.js';
import type { SearchCandidate } from './document.js';
import { cheaperNeighbours, costOf, type Point, type Variable } from './space.js';

/** Certifies points (the first in `role`, the rest as its neighbours) and returns their verdicts in order. */
export type Check = (ps: Point[], role: SearchCandidate['role']) => Promise<CandidateVerdict[]>;

/**
 * One monotone variable (more is never worse): certify the probe and its cheaper neighbour,
 * then bisect between the dearest value known infeasible and the cheapest known feasible,
 * galloping upwards while nothing feasible is known. Returns the cheapest feasible index.
 */
export async function bisect(vars: readonly Variable[], start: number[], check: Check): Promise<Point | null> {
  const n = vars[0]!.values.length;
  let lo = -1; // dearest index known infeasible
  let hi: number | null = null; // cheapest index known feasible
  let probe = start[0]!;
  let role: SearchCandidate['role'] = 'warm-start';
  let step = 1;
  for (;;) {
    const set = [probe];
    if (probe - 1 > lo && probe - 1 >= 0) set.push(probe - 1);
    const vs = await check(set.map((i) => [i]), role);
    let undecided = false;
    set.forEach((i, k) => {
      const d = vs[k]!.decision;
      if (d === 'feasible') hi = hi === null ? i : Math.min(hi, i);
      else if (d === 'infeasible') lo = Math.max(lo, i);
      else undecided = true;
    });
    if (hi !== null && (hi === 0 || hi - 1 <= lo)) return [hi];
    if (undecided) return hi === null ? null : [hi];
    if (lo >= n - 1) return null;
    role = 'probe';
    if (hi === null) {
      probe = Math.min(n - 1, lo + step);
      step *= 2;
    } else probe = Math.max(lo + 1, Math.floor((lo + hi) / 2));
  }
}

/**
 * Several variables: greedy coordinate descent. From a feasible point, certify every
 * one-step-cheaper neighbour and move to the cheapest feasible one; stop when none is. From
 * an infeasible start, raise every variable one step until a point is feasible.
 */
export async function greedy(vars: readonly Variable[], start: number[], check: Check): Promise<Point | null> {
  let x: number[] = [...start];
  let role: SearchCandidate['role'] = 'warm-start';
  for (;;) {
    const nbrs = cheaperNeighbours(x);
    const [vx, ...vn] = await check([x, ...nbrs], role);
    if (vx!.decision === 'undecided') return null;
    if (vx!.decision === 'infeasible') {
      const up = x.map((i, j) => Math.min(i + 1, vars[j]!.values.length - 1));
      if (up.every((i, j) => i === x[j])) return null;
      x = up;
      role = 'probe';
      continue;
    }
    const feasible = nbrs.filter((_, k) => vn[k]!.decision === 'feasible').sort((a, b) => costOf(vars, a) - costOf(vars, b));
    if (feasible.length === 0) return x;
    x = feasible[0]!;
    role = 'probe';
  }
}
