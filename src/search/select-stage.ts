/**
 * The selection stage of a search with `objective: expected`: among the candidates certified
 * feasible, the one with the lowest expected total cost (its known cost plus the mean of a
 * random cost metric, penalties say), chosen with KN (selection.ts) on the replications the
 * candidates share (common random numbers). Replications go in batches to the survivors only;
 * the stage stops when one is left, when a survivor reaches the per-candidate cap, or when
 * the budget cannot pay for the next batch.
 */
import { withinRange, type Observe } from './certify.js';
import type { FeasibleRange } from '../results/metrics.js';
import type { SearchSelection } from './document.js';
import { selectBest } from './selection.js';

/** What the selection stage needs. */
export interface SelectionStageSettings {
  /** The random cost metric. */
  metric: string;
  /** What the random cost metric can take (its MetricSpec range): a shown interval is cut to known cost + it; KN never reads it. */
  range?: FeasibleRange;
  /** The selection's share of α. */
  alpha: number;
  /** Indifference zone δ in currency. */
  delta: number;
  n0: number;
  batch: number;
  maxReplications: number;
}

/** Runs KN among `feasible` (name → known cost) and returns the document's `selection`. */
export async function selectionStage(feasible: ReadonlyMap<string, number>, observe: Observe, s: SelectionStageSettings, budgetLeft: () => number): Promise<SearchSelection> {
  const names = [...feasible.keys()];
  const obs = new Map<string, number[]>(names.map((n) => [n, []]));
  const take = async (ids: readonly string[], upTo: number): Promise<void> => {
    const { records } = await observe(ids, upTo);
    for (const id of ids) {
      obs.set(
        id,
        records.get(id)!.map((r, i) => {
          const v = r[s.metric];
          if (v === undefined || !Number.isFinite(v)) throw new Error(`search: the random cost ${s.metric} is not a number in replication ${i} of ${id}`);
          return feasible.get(id)! + v;
        }),
      );
    }
  };
  let upTo = Math.min(s.n0, s.maxReplications);
  // Every certified candidate already has n0 replications stored: this first look is free.
  if (names.length > 0) await take(names, upTo);
  let res = selectBest(obs, { alpha: s.alpha, delta: s.delta, n0: s.n0 });
  while (res.decision === 'undecided' && names.length > 0) {
    const have = Math.min(...res.survivors.map((n) => obs.get(n)!.length));
    const step = Math.min(s.batch, s.maxReplications - have, Math.floor(budgetLeft() / res.survivors.length));
    if (step <= 0) break;
    upTo = have + step;
    await take(res.survivors, upTo);
    res = selectBest(obs, { alpha: s.alpha, delta: s.delta, n0: s.n0 });
  }
  // The total can never fall below the known cost plus the random cost's least (penalties ≥ 0):
  // the true mean lies inside that, so cutting the t-interval to it keeps its coverage.
  const possible = (known: number): FeasibleRange | undefined => {
    const r = s.range;
    if (r === undefined) return undefined;
    return { ...(r.lo !== undefined ? { lo: known + r.lo } : {}), ...(r.hi !== undefined ? { hi: known + r.hi } : {}) };
  };
  // Undecided: the survivor with the lowest mean so far is the best guess.
  const guess = res.best ?? [...res.systems].filter((x) => res.survivors.includes(x.name)).sort((a, b) => a.mean - b.mean)[0]?.name ?? null;
  return {
    procedure: 'KN (Kim & Nelson 2001) fully sequential selection of the lowest mean, among the certified-feasible candidates, on common random numbers',
    metric: s.metric,
    alpha: s.alpha,
    delta: s.delta,
    initialReplications: s.n0,
    eta: res.eta,
    h2: res.h2,
    decision: res.decision,
    best: guess,
    systems: res.systems.map((x) => ({ candidate: x.name, knownCost: feasible.get(x.name)!, n: x.n, expectedCost: x.mean, ci95: withinRange(x.ci95, possible(feasible.get(x.name)!)), eliminatedAt: x.eliminatedAt, eliminatedBy: x.eliminatedBy })),
  };
}
