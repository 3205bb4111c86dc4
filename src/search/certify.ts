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
 */
import { wilsonInterval, summarize } from '../experiment/stats.js';
import { checkMean, type Decision, type Sense } from './feasibility.js';
import { checkChance } from './sprt.js';

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
  /** 95 % interval of the estimate: t-interval for a mean, Wilson for a proportion; NaN below 2 observations. */
  ci95: [number, number];
  /** The bound: threshold (mean) or p0 (chance). */
  bound: number;
  /** `atMost`/`atLeast` for a mean; `atLeast` for a chance constraint. */
  sense: Sense;
}

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

/** Judges one candidate on the observations so far (pure). */
export function judge(records: readonly Record<string, number>[], tests: readonly ConstraintTest[], settings: Pick<CertifySettings, 'alpha' | 'candidatesCovered' | 'n0' | 'beta'>): CandidateVerdict {
  const beta = settings.beta ?? splitError(settings.alpha, settings.candidatesCovered, tests.length);
  const constraints = tests.map((t): ConstraintVerdict => {
    const values = finite(records, t.metric);
    if (t.kind === 'mean') {
      const r = checkMean(values, { threshold: t.threshold, sense: t.sense, tolerance: t.tolerance, beta, n0: settings.n0 });
      const s = summarize(values.slice(0, r.n));
      return { constraint: t.name, kind: 'mean', metric: t.metric, decision: r.decision, n: r.n, estimate: s.mean, ci95: s.ci95, bound: t.threshold, sense: t.sense };
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
 * simulate to do so.
 */
export type Observe = (candidates: readonly string[], upTo: number) => Promise<{ records: Map<string, Record<string, number>[]>; simulated: number }>;

/** What a certification did. */
export interface CertifyOutcome {
  verdicts: Map<string, CandidateVerdict>;
  /** Replications simulated (not taken from the store). */
  simulated: number;
}

/**
 * Certifies candidates together: n0 replications each, then batches of `batch` more to the
 * undecided ones only, until every candidate is decided, reaches maxReplications, or the
 * budget cannot pay for the next batch.
 */
export async function certify(candidates: readonly string[], tests: readonly ConstraintTest[], observe: Observe, settings: CertifySettings, budget: number): Promise<CertifyOutcome> {
  const verdicts = new Map<string, CandidateVerdict>();
  let simulated = 0;
  let open = [...candidates];
  let upTo = Math.min(settings.n0, settings.maxReplications);
  for (;;) {
    const { records, simulated: s } = await observe(open, upTo);
    simulated += s;
    for (const id of open) verdicts.set(id, judge(records.get(id) ?? [], tests, settings));
    open = open.filter((id) => verdicts.get(id)!.decision === 'undecided');
    if (open.length === 0 || upTo >= settings.maxReplications) break;
    // Pay only for what the budget allows; a shorter last batch is still a fair look.
    const affordable = Math.floor((budget - simulated) / open.length);
    const step = Math.min(settings.batch, affordable, settings.maxReplications - upTo);
    if (step <= 0) break;
    upTo += step;
  }
  return { verdicts, simulated };
}
