/**
 * Descent over the policy space, given a way to certify points: bisection for one monotone
 * variable, coordinate descent with bisection line searches for several. Both assume more capacity is never worse
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
 * Several variables: coordinate descent with a bisection line search. From a feasible point,
 * take each variable in turn (the one whose step saves most first) and bisect it down between
 * the dearest value known infeasible for it and its current value, the others held; repeat
 * until a round moves nothing; then certify every one-step-cheaper neighbour of the point and
 * stop when none is feasible (else move to the cheapest feasible one and go on). Monotonicity
 * lets a value found infeasible stay a lower bound while the other variables only fall, so
 * later rounds bisect a shorter interval. An undecided probe counts as not feasible. From an
 * infeasible start, raise every variable a step until a point is feasible.
 *
 * Against a step-by-step greedy walk (certify all neighbours, move one step), the line search
 * visits O(log n) points per variable instead of O(n), and certifies the neighbours of the
 * final point only.
 */
export async function coordinateSearch(vars: readonly Variable[], start: number[], check: Check): Promise<Point | null> {
  const memo = new Map<string, CandidateVerdict['decision']>();
  const decide = async (ps: number[][], role: SearchCandidate['role']): Promise<CandidateVerdict['decision'][]> => {
    const todo = ps.filter((p) => !memo.has(p.join(',')));
    if (todo.length > 0) {
      const vs = await check(todo, role);
      todo.forEach((p, i) => memo.set(p.join(','), vs[i]!.decision));
    }
    return ps.map((p) => memo.get(p.join(','))!);
  };
  const at = (x: readonly number[], j: number, v: number): number[] => x.map((y, k) => (k === j ? v : y));
  let x: number[] = [...start];
  let role: SearchCandidate['role'] = 'warm-start';
  for (;;) {
    const [d] = await decide([x], role);
    if (d === 'feasible') break;
    if (d === 'undecided') return null;
    const up = x.map((i, j) => Math.min(i + 1, vars[j]!.values.length - 1));
    if (up.every((i, j) => i === x[j])) return null;
    x = up;
    role = 'probe';
  }
  const lo = vars.map(() => -1);
  for (;;) {
    let moved = false;
    // A variable priced together with others (a recovery plan's) saves what the point's known cost does.
    const saving = (j: number): number => (x[j]! <= 0 ? -Infinity : vars[j]!.joint !== undefined ? costOf(vars, x) - costOf(vars, at(x, j, x[j]! - 1)) : vars[j]!.costs[x[j]!]! - vars[j]!.costs[x[j]! - 1]!);
    const order = vars.map((_, j) => j).sort((a, b) => saving(b) - saving(a));
    for (const j of order) {
      let l = lo[j]!;
      let h = x[j]!;
      while (h - l > 1) {
        const mid = Math.floor((l + h) / 2);
        const [d] = await decide([at(x, j, mid)], 'probe');
        if (d === 'feasible') h = mid;
        else l = mid;
      }
      lo[j] = l;
      if (h < x[j]!) {
        x = at(x, j, h);
        moved = true;
      }
    }
    if (moved) continue;
    const nbrs = cheaperNeighbours(x);
    const ds = await decide(nbrs, 'neighbour');
    const feasible = nbrs.filter((_, k) => ds[k] === 'feasible').sort((a, b) => costOf(vars, a) - costOf(vars, b));
    if (feasible.length === 0) return x;
    // More capacity hurt somewhere (monotonicity broke): forget the bounds and walk on.
    x = feasible[0]!;
    lo.fill(-1);
  }
}
