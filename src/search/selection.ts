/**
 * Selection of the best among feasible policies when the objective is random (expected total
 * cost, penalties included): the fully sequential procedure KN of S.-H. Kim and B. L. Nelson,
 * "A fully sequential procedure for indifference-zone selection in simulation", ACM TOMACS
 * 11(3), 251–273 (2001), written for minimisation.
 *
 * With k systems, first-stage size n0, indifference zone δ and confidence 1 − α:
 *
 *     η = ½[(2α/(k − 1))^{−2/(n0−1)} − 1],      h² = 2η(n0 − 1),
 *     S²_il = sample variance of X_i − X_l over the first n0 observations,
 *     W_il(r) = max{0, (δ/(2r))(h²S²_il/δ² − r)}.
 *
 * At every r ≥ n0 each survivor i is eliminated when X̄_i(r) > X̄_l(r) + W_il(r) for some other
 * survivor l; the procedure stops when one survivor is left. When the best mean is at least
 * δ below every other, it is the one left with probability ≥ 1 − α. Pairwise differences
 * make it valid under common random numbers (the paired S²_il absorbs the correlation), and
 * CRN is where it gains: the difference of two neighbouring policies varies far less than
 * either. It is a pure function of the observations so far, so they may arrive in batches.
 */
import { summarize } from '../experiment/stats.js';

/** Parameters of a selection. */
export interface SelectionParams {
  /** Error of the selection (1 − its confidence). */
  alpha: number;
  /** Indifference zone δ > 0 in the objective's unit: a system within δ of the best may be picked. */
  delta: number;
  /** First-stage size n0 ≥ 2. */
  n0: number;
}

/** One system's part in a selection. */
export interface SelectionSystem {
  name: string;
  /** Observations the selection used of it (up to its elimination, or all so far). */
  n: number;
  /** Sample mean of the objective over those n, with a 95 % t-interval. */
  mean: number;
  ci95: [number, number];
  /** The observation count at which it was eliminated, and by whom; null while it survives. */
  eliminatedAt: number | null;
  eliminatedBy: string | null;
}

/** The outcome of KN on the observations so far. */
export interface SelectionResult {
  /** `selected` when one system is left; `undecided` while several survive. */
  decision: 'selected' | 'undecided';
  /** The system left (selected), or null. */
  best: string | null;
  survivors: string[];
  systems: SelectionSystem[];
  eta: number;
  h2: number;
}

/** KN's η for k systems (k ≥ 2): ½[(2α/(k − 1))^{−2/(n0−1)} − 1]. */
export function knEta(alpha: number, k: number, n0: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`knEta: α must lie in (0, 1), got ${alpha}`);
  if (!Number.isInteger(n0) || n0 < 2) throw new RangeError(`knEta: n0 must be an integer ≥ 2, got ${n0}`);
  if (k < 2) return 0;
  return 0.5 * (Math.pow((2 * alpha) / (k - 1), -2 / (n0 - 1)) - 1);
}

/**
 * Runs KN (minimisation) over each system's observations, index by index (index j of every
 * system is the same replication under common random numbers). Only indices every survivor
 * has are used.
 */
export function selectBest(observations: ReadonlyMap<string, readonly number[]>, p: SelectionParams): SelectionResult {
  if (!(p.delta > 0)) throw new RangeError(`selectBest: the indifference zone δ must be > 0, got ${p.delta}`);
  const names = [...observations.keys()];
  const k = names.length;
  const eta = knEta(p.alpha, k, p.n0);
  const h2 = 2 * eta * (p.n0 - 1);
  const eliminated = new Map<string, { at: number; by: string }>();
  const obs = (n: string): readonly number[] => observations.get(n)!;
  const finish = (r: number): SelectionResult => {
    const survivors = names.filter((n) => !eliminated.has(n));
    const systems = names.map((n): SelectionSystem => {
      const e = eliminated.get(n);
      const used = e?.at ?? Math.min(r, obs(n).length);
      const s = summarize(obs(n).slice(0, used));
      return { name: n, n: used, mean: s.mean, ci95: s.ci95, eliminatedAt: e?.at ?? null, eliminatedBy: e?.by ?? null };
    });
    return { decision: survivors.length === 1 ? 'selected' : 'undecided', best: survivors.length === 1 ? survivors[0]! : null, survivors, systems, eta, h2 };
  };
  if (k <= 1) return finish(k === 1 ? obs(names[0]!).length : 0);
  if (names.some((n) => obs(n).length < p.n0)) return finish(Math.min(...names.map((n) => obs(n).length)));

  // Pairwise first-stage variances of the differences.
  const s2 = new Map<string, number>();
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const x = obs(names[a]!);
      const y = obs(names[b]!);
      let m = 0;
      for (let j = 0; j < p.n0; j++) m += x[j]! - y[j]!;
      m /= p.n0;
      let ss = 0;
      for (let j = 0; j < p.n0; j++) ss += (x[j]! - y[j]! - m) ** 2;
      const v = ss / (p.n0 - 1);
      s2.set(`${a}|${b}`, v);
      s2.set(`${b}|${a}`, v);
    }
  }
  const sums = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) for (let j = 0; j < p.n0 - 1; j++) sums[i] += obs(names[i]!)[j]!;
  let alive = names.map((_, i) => i);
  const available = (): number => Math.min(...alive.map((i) => obs(names[i]!).length));
  let r = p.n0 - 1;
  while (alive.length > 1 && r < available()) {
    r++;
    for (const i of alive) sums[i] += obs(names[i]!)[r - 1]!;
    const next: number[] = [];
    for (const i of alive) {
      let out: number | null = null;
      for (const l of alive) {
        if (l === i) continue;
        const w = Math.max(0, (p.delta / (2 * r)) * ((h2 * s2.get(`${i}|${l}`)!) / (p.delta * p.delta) - r));
        if (sums[i]! / r > sums[l]! / r + w) {
          out = l;
          break;
        }
      }
      if (out === null) next.push(i);
      else eliminated.set(names[i]!, { at: r, by: names[out]! });
    }
    // Ties at W = 0 could eliminate everyone; keep the lowest mean then.
    if (next.length === 0) {
      const keep = alive.reduce((a, b) => (sums[b]! < sums[a]! ? b : a));
      eliminated.delete(names[keep]!);
      next.push(keep);
    }
    alive = next;
  }
  return finish(r);
}
