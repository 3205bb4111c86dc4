/**
 * Certification: decides, for a set of candidate policies, which meet every constraint, at a
 * stated confidence, spending replications only where a decision is still open.
 *
 * - Mean constraints use the fully sequential check of Batur & Kim (feasibility.ts), chance
 *   constraints Wald's SPRT on the 0/1 period verdicts (sprt.ts).
 * - The error α is split evenly over every (candidate, constraint) pair the search may
 *   decide (Bonferroni: β = α/(k·s)), so all decisions are right together with probability
 *   at least 1 − α whatever the dependence between candidates.
 * - Replications come in batches and only undecided candidates get more; every candidate
 *   uses the same replication indices 0, 1, 2, … (common random numbers: the same seed per
 *   index, so neighbours see the same arrivals and failures).
 * - The budget holds: a candidate starts only when the budget pays for its first n0
 *   replications (stored ones are free), a batch only when it pays for the whole batch. A
 *   candidate the budget could not start is reported undecided (`not-started`), never judged;
 *   the error split does not change with what was run (K is fixed before anything runs).
 */
import { wilsonInterval, summarize } from '../experiment/stats.js';
import { checkMean, type Decision, type Sense } from './feasibility.js';
import { checkChance } from './sprt.js';
import type { FeasibleRange } from '../results/metrics.js';

/** A constraint as the certification sees it. */
export type ConstraintTest =
  | {
      kind: 'mean';
      /** Name for reports. */
      name: string;
      /** Metric whose per-replication mean is bounded. */
      metric: string;
      sense: Sense;
      threshold: number;
      /** Indifference zone ε in the metric's unit. */
      tolerance: number;
      /** What values the metric can take (its MetricSpec range): the shown interval is cut to it; the decision never reads it. */
      range?: FeasibleRange;
    }
  | {
      kind: 'chance';
      name: string;
      /** A 0/1 verdict metric (e.g. sla.<name>.met). */
      metric: string;
      /** Required probability p0 that a period meets it. */
      probability: number;
      /** Indifference zone δ. */
      tolerance: number;
    };

/** One constraint's verdict on one candidate. */
export interface ConstraintVerdict {
  constraint: string;
  kind: 'mean' | 'chance';
  metric: string;
  decision: Decision;
  /** Observations the decision used (or all of them when undecided). */
  n: number;
  /** Mean (mean constraint) or proportion of periods met (chance constraint) over those n. */
  estimate: number;
  /**
   * 95 % interval of the estimate: t-interval for a mean (cut to the metric's range: the true
   * mean lies in it, so the cut keeps the coverage), Wilson for a proportion; NaN below 2
   * observations. Shown only: the decision is the sequential test's.
   */
  ci95: [number, number];
  /** The bound: threshold (mean) or p0 (chance). */
  bound: number;
  /** `atMost`/`atLeast` for a mean; `atLeast` for a chance constraint. */
  sense: Sense;
}

/**
 * Why a candidate is undecided: `not-started` (the budget could not pay for its first n0
 * replications: no observation, no verdict), `budget` (started, but the budget ran out before
 * a decision), `cap` (it reached maxReplications undecided), `interrupted` (the search was
 * stopped while it was being tested).
 */
export type UndecidedReason = 'not-started' | 'budget' | 'cap' | 'interrupted';

/** Verdicts on one candidate. */
export interface CandidateVerdict {
  decision: Decision;
  /** Replications of this candidate observed so far. */
  replications: number;
  constraints: ConstraintVerdict[];
  /**
   * Set when the decision was not tested but implied by monotonicity (more capacity never
   * hurts): the candidate whose tested decision implies it — an infeasible one with at least
   * as much of every variable, or a feasible one with at most as much. No replications.
   */
  impliedBy?: string;
  /** Set when a tested candidate is undecided: what stopped it. */
  undecidedReason?: UndecidedReason;
}

/** Settings of a certification. */
export interface CertifySettings {
  /** Overall error α (1 − confidence). */
  alpha: number;
  /** Number of candidates the error is split over (≥ the candidates certified in this call). */
  candidatesCovered: number;
  /** First-stage replications n0 ≥ 2. */
  n0: number;
  /** Replications added per round to each undecided candidate. */
  batch: number;
  /** Most replications any one candidate may get. */
  maxReplications: number;
  /** Error per (candidate, constraint) when not the Bonferroni split α/(K·s): the descent's probes (two-level.ts) are decided at a looser one. */
  beta?: number;
}

/** Split error per (candidate, constraint) pair. */
export function splitError(alpha: number, candidates: number, constraints: number): number {
  return alpha / (Math.max(1, candidates) * Math.max(1, constraints));
}

function finite(records: readonly Record<string, number>[], metric: string): number[] {
  const out: number[] = [];
  for (const r of records) {
    const v = r[metric];
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** An interval cut to what its metric can take (attainment 98.9 % [97.2 %, 100 %], never 100.6 %); also the selection's expected cost (select-stage.ts). */
export function withinRange(ci: [number, number], range: FeasibleRange | undefined): [number, number] {
  if (range === undefined) return ci;
  const cut = (x: number): number => Math.min(range.hi ?? Infinity, Math.max(range.lo ?? -Infinity, x));
  return [cut(ci[0]), cut(ci[1])];
}

/** Judges one candidate on the observations so far (pure). */
export function judge(records: readonly Record<string, number>[], tests: readonly ConstraintTest[], settings: Pick<CertifySettings, 'alpha' | 'candidatesCovered' | 'n0' | 'beta'>): CandidateVerdict {
  const beta = settings.beta ?? splitError(settings.alpha, settings.candidatesCovered, tests.length);
  const constraints = tests.map((t): ConstraintVerdict => {
    const values = finite(records, t.metric);
    if (t.kind === 'mean') {
      const r = checkMean(values, { threshold: t.threshold, sense: t.sense, tolerance: t.tolerance, beta, n0: settings.n0 });
      const s = summarize(values.slice(0, r.n));
      return { constraint: t.name, kind: 'mean', metric: t.metric, decision: r.decision, n: r.n, estimate: s.mean, ci95: withinRange(s.ci95, t.range), bound: t.threshold, sense: t.sense };
    }
    const r = checkChance(values, { probability: t.probability, tolerance: t.tolerance, beta });
    const ci: [number, number] = r.n >= 2 ? wilsonInterval(r.met, r.n) : [NaN, NaN];
    return { constraint: t.name, kind: 'chance', metric: t.metric, decision: r.decision, n: r.n, estimate: r.n > 0 ? r.met / r.n : NaN, ci95: ci, bound: t.probability, sense: 'atLeast' };
  });
  const decision: Decision = constraints.some((c) => c.decision === 'infeasible') ? 'infeasible' : constraints.every((c) => c.decision === 'feasible') ? 'feasible' : 'undecided';
  return { decision, replications: records.length, constraints };
}

/**
 * Supplies observations: for every candidate named, its metric records for replication
 * indices 0 … upTo − 1 (from a store or by simulating), and how many replications it had to
 * simulate to do so. Throws SearchInterrupted when the search is asked to stop mid-batch.
 */
export type Observe = (candidates: readonly string[], upTo: number) => Promise<{ records: Map<string, Record<string, number>[]>; simulated: number }>;

/**
 * An observation cut short because the search was asked to stop (Ctrl-C, a cancelled API
 * search): the decisions made before it stand; the tests it was feeding stay open.
 */
export class SearchInterrupted extends Error {
  constructor() {
    super('search: interrupted');
    this.name = 'SearchInterrupted';
  }
}

/**
 * How many replications `observe(candidates, upTo)` would simulate (those not stored yet). An
 * upper bound keeps the budget too; the exact count lets stored replications be free.
 */
export type ObserveCost = (candidates: readonly string[], upTo: number) => number;

/** What a certification did. */
export interface CertifyOutcome {
  /** Every candidate asked about; those the budget could not start are undecided with `undecidedReason: 'not-started'`. */
  verdicts: Map<string, CandidateVerdict>;
  /** Replications simulated (not taken from the store). */
  simulated: number;
  /** Candidates the budget could not start, in the order given. */
  notStarted: string[];
  /** Set when observing was interrupted: the candidates still open are undecided with `undecidedReason: 'interrupted'`. */
  interrupted?: true;
}

/**
 * Which candidates a budget can start, in the order given: each whose first `upTo`
 * replications the budget still pays for (one whose replications are all stored costs
 * nothing and always starts); the others are skipped, and a later, cheaper one may still start.
 */
export function affordable(candidates: Iterable<string>, upTo: number, cost: ObserveCost, budget: number): { start: string[]; skipped: string[] } {
  const start: string[] = [];
  const skipped: string[] = [];
  let committed = 0;
  for (const id of new Set(candidates)) {
    const c = cost([id], upTo);
    if (c === 0 || committed + c <= budget) {
      start.push(id);
      committed += c;
    } else skipped.push(id);
  }
  return { start, skipped };
}

/** The verdict on a candidate the budget could not start. */
export function notStartedVerdict(): CandidateVerdict {
  return { decision: 'undecided', replications: 0, constraints: [], undecidedReason: 'not-started' };
}

/**
 * Certifies candidates together: n0 replications each, then batches of `batch` more to the
 * undecided ones only, until every candidate is decided, reaches maxReplications, or the
 * budget cannot pay for its next step. The budget (replications this call may simulate)
 * holds: candidates start in the order given while the budget pays for their first n0
 * replications — a later one whose replications are stored may still start for free — and the
 * rest are reported not started. While the budget pays for a whole batch for every undecided
 * candidate they all take it (so a budget that never binds decides as if it were unlimited);
 * when it does not, they take it in the order given — the first (the descent's answer, when
 * certifying a certificate) before its neighbours — each the longest step (≤ batch) the budget
 * left still pays for, stored replications free: a shorter step is still a fair look (the
 * tests are pure functions of the observations so far), and a candidate whose next
 * replications are stored reads them whatever the others can afford. One that gets no step
 * stays undecided (`budget`, or `cap` at maxReplications). Without `cost`, every replication
 * this call has not itself observed is counted as one to simulate (an upper bound).
 * Interrupted (observe throws SearchInterrupted), it returns what it decided, the open
 * candidates undecided.
 */
export async function certify(candidates: readonly string[], tests: readonly ConstraintTest[], observe: Observe, settings: CertifySettings, budget: number, cost?: ObserveCost): Promise<CertifyOutcome> {
  const verdicts = new Map<string, CandidateVerdict>();
  const seen = new Map<string, number>();
  const price: ObserveCost = cost ?? ((ids, upTo) => ids.reduce((a, id) => a + Math.max(0, upTo - (seen.get(id) ?? 0)), 0));
  let simulated = 0;
  const first = affordable(candidates, Math.min(settings.n0, settings.maxReplications), price, budget);
  // Replications each open candidate is to be judged on next (all equal until the budget binds).
  const next = new Map(first.start.map((id) => [id, Math.min(settings.n0, settings.maxReplications)] as const));
  const notStarted = first.skipped;
  for (const id of notStarted) verdicts.set(id, notStartedVerdict());
  while (next.size > 0) {
    // One observation per length asked for, in the order given (one call while the budget does not bind).
    const lengths = [...new Set(next.values())];
    for (const upTo of lengths) {
      const ids = [...next].filter(([, u]) => u === upTo).map(([id]) => id);
      let observed: Awaited<ReturnType<Observe>>;
      try {
        observed = await observe(ids, upTo);
      } catch (err) {
        if (!(err instanceof SearchInterrupted)) throw err;
        // Decisions already made stand; the open tests end undecided, on what they had seen.
        for (const id of next.keys()) verdicts.set(id, { ...(verdicts.get(id) ?? { decision: 'undecided', replications: 0, constraints: [] }), undecidedReason: 'interrupted' });
        return { verdicts, simulated, notStarted, interrupted: true };
      }
      simulated += observed.simulated;
      for (const id of ids) {
        seen.set(id, upTo);
        verdicts.set(id, judge(observed.records.get(id) ?? [], tests, settings));
      }
    }
    const open = [...next.keys()].filter((id) => verdicts.get(id)!.decision === 'undecided');
    next.clear();
    const step = (id: string): number => Math.min(settings.batch, settings.maxReplications - seen.get(id)!);
    const stop = (id: string, reason: UndecidedReason): void => void verdicts.set(id, { ...verdicts.get(id)!, undecidedReason: reason });
    let left = budget - simulated;
    for (const id of open) {
      const full = step(id);
      if (full <= 0) {
        stop(id, 'cap');
        continue;
      }
      // A whole batch while the budget pays it (when it pays everyone's, it pays each in turn),
      // else the longest step it still pays for, in order.
      let take = full;
      if (price([id], seen.get(id)! + full) > left) {
        let lo = 0;
        let hi = full;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (price([id], seen.get(id)! + mid) <= left) lo = mid;
          else hi = mid;
        }
        take = lo;
      }
      if (take <= 0) {
        stop(id, 'budget');
        continue;
      }
      left -= price([id], seen.get(id)! + take);
      next.set(id, seen.get(id)! + take);
    }
  }
  return { verdicts, simulated, notStarted };
}
