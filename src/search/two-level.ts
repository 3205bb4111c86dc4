/**
 * Two levels of decision. The descent's probes only steer: which point it looks at next.
 * The certificate's statement is about the answer and its one-step-cheaper neighbours only.
 * So probes are decided at a looser error β_probe (default α per constraint), and the answer
 * and its cheaper neighbours are decided again at the certificate's β = α/(G·s), from
 * replication 0 of the same replication sequence (common random numbers: fresh where the probe
 * stopped short, shared where it did not). Why that keeps the certificate's guarantee
 * (docs/search.md, "Two levels of decision"): each sequential test is a pure function of its
 * candidate's own replication sequence, which does not depend on the path that reached it; the
 * probes decide only which candidates get a strict test and how long the sequence is allowed
 * to run, and a strict test cut short says "undecided", never a wrong decision. So a wrong
 * strict decision anywhere still lies in the union of the G·s per-test error events, each of
 * probability ≤ β.
 *
 * When a strict decision contradicts a probe's (the answer fails, or a cheaper neighbour is
 * strictly feasible), the descent runs again from the start with the strict decisions taking
 * precedence; its earlier decisions are remembered, so replaying them costs nothing. Each
 * failed round turns at least one probe decision into a strict one, so the rounds end.
 *
 * A larger budget must not give a worse answer (docs/search.md, "The budget"). While the budget
 * left is roomy — more than the next probe and a certificate could spend, caps counted — the
 * budget plays no part. Once it is tight: the best point found so far is decided at β before
 * the descent probes below it (a point so decided stays the answer) — and while none is, a probe
 * of several points decides its first alone and makes sure of it before the others (the warm
 * start of a search tight from its first probe) —, probes spend only what the
 * certificate of the best point decided at β does not need (its neighbours' share), the answer
 * is decided before its neighbours, and the search ends by deciding the neighbours of the best
 * point decided feasible at β with what is left (one the probes found feasible first, alone).
 */
import { affordable, certify, judge, type CandidateVerdict, type CertifySettings, type ConstraintTest, type Observe, type ObserveCost } from './certify.js';
import type { Check } from './descent.js';
import type { SearchCandidate } from './document.js';
import { impliedVerdict, type TestedPoint } from './implication.js';
import { cheaperNeighbours, costOf, type Point, type Variable } from './space.js';
import type { ReserveNote } from './words.js';

/** The level a decision was made at: the certificate's β, or the probes' looser one. */
export type DecisionLevel = 'certificate' | 'probe';

/** What the two levels need. */
export interface TwoLevelOptions {
  /** The candidate name of a point. */
  nameOf: (p: Point) => string;
  tests: readonly ConstraintTest[];
  observe: Observe;
  /** Settings of the certificate's decisions (β = α/(K·s)). */
  certificate: CertifySettings;
  /** Error per (probe, constraint); at or below the certificate's β there is only one level. */
  probeBeta: number;
  /** Replications the budget has left. */
  remaining: () => number;
  /** The known cost of a point (which feasible point found so far is the best: the one the reserve keeps the certificate for). */
  costOf: (p: Point) => number;
  /** Replications an observation would simulate (default: an upper bound, every replication a certification has not itself observed). */
  cost?: ObserveCost;
  /** True once the search is asked to stop. */
  stopped?: () => boolean;
}

const decided = (v: CandidateVerdict | undefined): boolean => v !== undefined && v.decision !== 'undecided';
const UNDECIDED: CandidateVerdict = { decision: 'undecided', replications: 0, constraints: [] };

/** Decisions at two levels, remembered across descents. */
export class TwoLevelDecisions {
  /** Decided at the certificate's β (tested, or implied by a point so tested). */
  readonly strict = new Map<string, CandidateVerdict>();
  /** Decided at the probes' β (tested, or implied by any tested point). */
  readonly loose = new Map<string, CandidateVerdict>();
  /** The role a candidate was first looked at in. */
  readonly roles = new Map<string, SearchCandidate['role']>();
  /**
   * Candidates asked for at a level but not started there (the budget could not pay for their
   * first n0 replications), with that level; a later start removes them. Kept apart from the
   * decisions: a candidate never observed decides nothing (the descent sees it as undecided),
   * and recording it as a decision would make the next descent look like a new round.
   */
  readonly notStarted = new Map<string, DecisionLevel>();
  /**
   * Of the candidates not started, those the budget left would have started but the reserve
   * turned away (kept for the certificate of the best point decided feasible at β): what was
   * left, what was kept and for whom, as the planner is told.
   */
  readonly turnedAway = new Map<string, ReserveNote>();
  private readonly pointOf = new Map<string, Point>();
  /** One level only: probes are decided at the certificate's β. */
  readonly single: boolean;

  constructor(private readonly o: TwoLevelOptions) {
    this.single = o.probeBeta <= this.strictBeta();
  }

  /** The certificate's β per (candidate, constraint). */
  strictBeta(): number {
    const c = this.o.certificate;
    return c.beta ?? c.alpha / (Math.max(1, c.candidatesCovered) * Math.max(1, this.o.tests.length));
  }

  /**
   * The verdict the descent steers by: the certificate's, else a probe's. A strict test that
   * ran out (undecided at the cap or the budget) overrides a probe's decision: the descent must
   * not keep returning a point the certificate cannot confirm.
   */
  verdict(n: string): CandidateVerdict | undefined {
    return this.strict.get(n) ?? this.loose.get(n);
  }

  /**
   * True when the probes decided the point feasible (tested, not implied) and what is left of
   * the budget pays for what its test at β is predicted to need beyond its replications (the
   * reserve's plug-in guess, `predictedNeed`).
   */
  async affordablyFeasible(p: Point): Promise<boolean> {
    const n = this.o.nameOf(p);
    const v = this.loose.get(n);
    if (v === undefined || v.decision !== 'feasible' || v.impliedBy !== undefined || v.replications === 0) return false;
    return (await this.predictedNeed(n, v.replications)) <= this.o.remaining();
  }

  /** The level of the verdict `verdict(n)` returns. */
  level(n: string): DecisionLevel {
    return this.strict.has(n) || !this.loose.has(n) ? 'certificate' : 'probe';
  }

  /** Names with any verdict. */
  names(): string[] {
    return [...new Set([...this.strict.keys(), ...this.loose.keys()])];
  }

  /** True when the point is decided at the certificate's β (tested or implied). */
  strictlyDecided(p: Point): boolean {
    return decided(this.strict.get(this.o.nameOf(p)));
  }

  point(n: string): Point | undefined {
    return this.pointOf.get(n);
  }

  /**
   * Decides at the probes' level (the descent's check). While the budget is tight, the best
   * point found so far is first made sure of (`secure`), and the probes spend only what the
   * certificate of the best point decided feasible at β does not need (`reserve`).
   */
  readonly probe: Check = async (ps, role) => {
    const tight = this.tight(ps.length, ps[0]?.length ?? 0);
    const level: DecisionLevel = this.single ? 'certificate' : 'probe';
    if (tight) {
      await this.secure();
      // Tight before any point is decided feasible at β (a search tight from its first probe:
      // the warm start checks the start point and its cheaper neighbour together): the reserve
      // is still 0, so the neighbour could take everything and leave the start point, which
      // the descent would end on, nothing for its certificate. Decide the first alone, make
      // sure of it if it is feasible, and only then probe the others within its reserve.
      if (ps.length > 1 && !this.anyStrictlyFeasible()) {
        const [first] = await this.decide(ps.slice(0, 1), role, level, true);
        if (first!.decision === 'feasible') await this.secure();
      }
    }
    return this.decide(ps, role, level, tight);
  };
  /**
   * Decides at the certificate's level. When the budget left could run out before these
   * candidates are decided (less than a cap each), the first (the answer) is decided alone
   * first, within the reserve of the best point already decided feasible at β; only if it is
   * feasible do its neighbours follow, with all that is left (its certificate is now the one
   * that counts). Otherwise they are left for the next descent, and the reserve stays with the
   * point decided feasible before.
   */
  readonly certify: Check = async (ps, role) => {
    if (ps.length > 1 && this.o.remaining() < ps.length * this.o.certificate.maxReplications) {
      const [first] = await this.decide(ps.slice(0, 1), role, 'certificate', true);
      if (first!.decision !== 'feasible') return [first!, ...ps.slice(1).map((p) => this.strict.get(this.o.nameOf(p)) ?? UNDECIDED)];
    }
    return this.decide(ps, role, 'certificate', false);
  };

  /**
   * The best point found so far: the cheapest tested point the descent sees as feasible (at
   * either level). It is where the descent ends if it probes no further — the coordinate and
   * one-variable descents only ever move to a cheaper feasible point.
   */
  incumbent(): string | null {
    let best: string | null = null;
    for (const n of this.names()) {
      const v = this.verdict(n)!;
      if (v.decision !== 'feasible' || v.impliedBy !== undefined) continue;
      if (best === null || this.o.costOf(this.pointOf.get(n)!) < this.o.costOf(this.pointOf.get(best)!)) best = n;
    }
    return best;
  }

  /** True when some point is decided feasible at the certificate's β (tested or implied). */
  private anyStrictlyFeasible(): boolean {
    for (const v of this.strict.values()) if (v.decision === 'feasible') return true;
    return false;
  }

  /**
   * True when the budget left could run out before a call deciding `k` candidates and the
   * certificate of the best point found so far are done: less than k + 1 caps plus n0 per
   * variable (the neighbours' first looks). A budget that is never tight decides as if it
   * were unlimited.
   */
  tight(k: number, dims: number): boolean {
    const c = this.o.certificate;
    return this.o.remaining() < (k + 1) * c.maxReplications + dims * c.n0;
  }

  /**
   * Makes sure of the best point found so far before looking for a better one (only when the
   * budget is tight): decides it at the certificate's β, alone, with what the reserve leaves
   * (all of the budget left while no point is decided feasible at β). If
   * that test does not confirm it, the next best is tried, until the best is decided feasible
   * at β or nothing feasible is left. A point so confirmed stays the answer whatever later
   * probes cost (the search ends on the cheapest point decided feasible at β).
   */
  private async secure(): Promise<void> {
    const tried = new Set<string>();
    for (;;) {
      const inc = this.incumbent();
      if (inc === null || tried.has(inc) || decided(this.strict.get(inc)) || this.o.stopped?.() === true) return;
      tried.add(inc);
      // Within the reserve: a point already decided feasible at β keeps its neighbours' first looks.
      await this.decide([this.pointOf.get(inc)!], this.roles.get(inc) ?? 'probe', 'certificate', true);
    }
  }

  /**
   * Replications kept back from the probes while the budget is tight, for the certificate of the
   * best point decided feasible at β: for each of its one-step-cheaper neighbours not yet
   * decided at β (nor implied by a point tested at β), its first n0 replications less those
   * stored; for a neighbour a probe has tested, what its test at β is predicted to need beyond
   * the replications it has (`predictedNeed`). 0 while no point is decided feasible at β.
   */
  private async reserve(): Promise<{ kept: number; for: string | null }> {
    const c = this.o.certificate;
    const cost: ObserveCost = this.o.cost ?? ((ids, upTo) => ids.length * upTo);
    const sources = this.tested([this.strict]);
    const best = sources.filter((t) => t.verdict.decision === 'feasible').sort((x, y) => this.o.costOf(x.point) - this.o.costOf(y.point))[0];
    if (best === undefined) return { kept: 0, for: null };
    let need = 0;
    for (const q of cheaperNeighbours(best.point)) {
      const qn = this.o.nameOf(q);
      this.pointOf.set(qn, q);
      if (decided(this.strict.get(qn)) || impliedVerdict(q, sources) !== null) continue;
      const probed = this.loose.get(qn);
      need += probed !== undefined && probed.impliedBy === undefined && probed.replications > 0 ? await this.predictedNeed(qn, probed.replications) : cost([qn], Math.min(c.n0, c.maxReplications));
    }
    return { kept: need, for: best.name };
  }

  /**
   * What the test at the certificate's β of a candidate with `have` replications is predicted to
   * simulate before it decides: the test run on those replications continued by repeating them
   * in order (the plug-in guess "the next replications look like these"), on the batches
   * certification takes, up to maxReplications — a candidate the repeated data never decide is
   * predicted to need its cap — and one batch more when it needs more than it has. Pure: it
   * reads stored replications and decides nothing.
   */
  private async predictedNeed(n: string, have: number): Promise<number> {
    const cost: ObserveCost = this.o.cost ?? ((ids, upTo) => Math.max(0, upTo - have) * ids.length);
    return cost([n], await this.predictedLength(n, have));
  }

  /**
   * How many replications of candidate `n` its test at the certificate's β is predicted to read
   * before it decides, from the `have` it has (stored: nothing is simulated): the test run on them
   * continued by repeating them in order (the plug-in guess "the next replications look like
   * these"), on the batches certification takes, up to maxReplications — a candidate the
   * repeated data never decide is predicted to need its cap — and one batch more when it needs
   * more than it has. Pure: it decides nothing.
   */
  async predictedLength(n: string, have: number): Promise<number> {
    const c = this.o.certificate;
    const rs = (await this.o.observe([n], have)).records.get(n) ?? [];
    let upTo = Math.min(c.n0, c.maxReplications);
    while (upTo < c.maxReplications && !decided(judge(Array.from({ length: upTo }, (_, i) => rs[i % rs.length]!), this.o.tests, c))) upTo = Math.min(c.maxReplications, upTo + c.batch);
    // A test the replications it has do not decide is a random walk still short of its boundary:
    // one batch more than the plug-in guess, for the noise the repetition leaves out.
    if (upTo > rs.length) upTo = Math.min(c.maxReplications, upTo + c.batch);
    return upTo;
  }

  private tested(maps: Map<string, CandidateVerdict>[]): TestedPoint[] {
    const out: TestedPoint[] = [];
    for (const m of maps) for (const [name, verdict] of m) if (verdict.impliedBy === undefined && decided(verdict)) out.push({ name, point: this.pointOf.get(name)!, verdict });
    return out;
  }

  /**
   * Re-judges at the certificate's β every probe-tested point on the replications it already
   * has (stored: no simulation). The strict test reads the same sequence from replication 0, so
   * where it stops inside that prefix its decision is exactly the one it would make afresh.
   */
  private async promote(): Promise<void> {
    for (const [n, v] of this.loose) {
      if (decided(this.strict.get(n)) || v.impliedBy !== undefined || v.replications === 0) continue;
      const { records } = await this.o.observe([n], v.replications);
      const sv = judge(records.get(n) ?? [], this.o.tests, this.o.certificate);
      if (decided(sv)) this.strict.set(n, sv);
    }
  }

  private async decide(ps: Point[], role: SearchCandidate['role'], level: DecisionLevel, reserving: boolean): Promise<CandidateVerdict[]> {
    const names = ps.map((p) => {
      const n = this.o.nameOf(p);
      this.pointOf.set(n, p);
      return n;
    });
    names.forEach((n, i) => {
      if (!this.roles.has(n)) this.roles.set(n, i === 0 ? role : 'neighbour');
    });
    const into = level === 'certificate' ? this.strict : this.loose;
    const known = level === 'certificate' ? (n: string) => this.strict.get(n) : (n: string) => this.verdict(n);
    if (level === 'certificate' && !this.single) await this.promote();
    // Monotonicity: a decision implied by a tested one is right whenever that one is; the
    // certificate's level takes implications only from points tested at its own β.
    const sources = level === 'certificate' ? this.tested([this.strict]) : this.tested([this.strict, this.loose]);
    for (const n of new Set(names)) if (!decided(known(n))) {
      const v = impliedVerdict(this.pointOf.get(n)!, sources);
      if (v !== null) into.set(n, v);
    }
    const open = [...new Set(names.filter((n) => !decided(known(n))))];
    if (open.length > 0 && this.o.stopped?.() !== true) {
      const settings = level === 'certificate' ? this.o.certificate : { ...this.o.certificate, beta: this.o.probeBeta };
      // While the budget is tight a probe spends only what the certificate's share (the reserve) leaves.
      const left = this.o.remaining();
      const kept = reserving ? await this.reserve() : { kept: 0, for: null };
      // Who the budget left would have started without the reserve (the order given, as certify starts them).
      const wouldStart = kept.for !== null && kept.kept > 0 ? new Set(affordable(open, Math.min(this.o.certificate.n0, this.o.certificate.maxReplications), this.o.cost ?? ((ids, upTo) => ids.length * upTo), left).start) : new Set<string>();
      const out = await certify(open, this.o.tests, this.o.observe, settings, left - kept.kept, this.o.cost);
      for (const [n, v] of out.verdicts) {
        if (v.undecidedReason === 'not-started') {
          // A verdict at this level from an earlier start stands (the budget only shrinks).
          if (!into.has(n)) {
            this.notStarted.set(n, level);
            if (wouldStart.has(n)) this.turnedAway.set(n, { left, kept: kept.kept, for: kept.for! });
            else this.turnedAway.delete(n);
          }
          continue;
        }
        this.notStarted.delete(n);
        this.turnedAway.delete(n);
        into.set(n, v);
      }
    }
    return names.map((n) => known(n) ?? UNDECIDED);
  }
}

/** How a two-level search ended. */
export interface TwoLevelOutcome {
  /** The answer: strictly feasible; null when no point is. */
  chosen: Point | null;
  /** Descents run (1 when the first one's answer held at the certificate's β). */
  rounds: number;
}

/** A descent over the space (bisect or coordinateSearch). */
export type Descent = (vars: readonly Variable[], start: number[], check: Check) => Promise<Point | null>;

/**
 * Descends on probe decisions, then decides the descent's answer and its one-step-cheaper
 * neighbours at the certificate's β; when that contradicts the probes, descends again with
 * the strict decisions in force. Returns a strictly feasible answer or null.
 *
 * `rounds` counts the descents that did something. A descent is a function of the verdicts
 * it reads, so one that starts from the verdicts the previous round ended with and adds none
 * (no test started, no verdict changed: the budget is gone, or the search stopped) only
 * replays the previous one; it ends the search and is not counted. (A strict test cut short
 * by the budget records an "undecided" that ends the round without a decision; the replay that
 * followed it was counted as a descent of its own until 2026-11-30.)
 */
export async function descendAndCertify(vars: readonly Variable[], start: number[], descent: Descent, d: TwoLevelDecisions, stopped: () => boolean = () => false): Promise<TwoLevelOutcome> {
  const fingerprint = (): string => [...d.strict].map(([n, v]) => `${n}=${v.decision}`).sort().join(';');
  // Everything a descent reads or adds: verdicts at both levels (with their replications) and the candidates not started.
  const state = (): string =>
    [...[...d.strict].map(([n, v]) => `s:${n}=${v.decision}/${v.replications}`), ...[...d.loose].map(([n, v]) => `l:${n}=${v.decision}/${v.replications}`), ...[...d.notStarted].map(([n, l]) => `n:${n}=${l}`)].sort().join(';');
  for (let rounds = 1; ; rounds++) {
    const begun = state();
    // Ends the search on the cheapest strictly feasible point; a round that changed nothing was a replay.
    const end = (): TwoLevelOutcome => ({ chosen: cheapestStrictlyFeasible(vars, d), rounds: rounds > 1 && state() === begun ? rounds - 1 : rounds });
    // Before ending on the cheapest point decided feasible at β, decide its cheaper neighbours
    // with what is left (the reserve kept their first looks when the budget was tight and the
    // descent's own answer could not be confirmed); if one is feasible, descend again.
    const settle = async (): Promise<TwoLevelOutcome | 'again'> => {
      const best = cheapestStrictlyFeasible(vars, d);
      if (best === null || stopped() || cheaperNeighbours(best).every((q) => d.strictlyDecided(q))) return end();
      const before = fingerprint();
      // A neighbour the probes found feasible first, alone, with all that is left (cheapest
      // first), when what is left pays for its predicted test: decided feasible at β it is the
      // better answer, and the other neighbours are no longer its certificate's business. Shared
      // batch by batch with them, the budget could end with it one batch short after deciding
      // neighbours that did not matter (the shift search at 490–520 ended at 7/8/8 with 7/8/7 at
      // 190–220 of the 230 replications its test needed). One the budget is not predicted to
      // decide keeps the shared rule: alone it would take what may decide a cheaper neighbour.
      const open = cheaperNeighbours(best).filter((q) => !d.strictlyDecided(q)).sort((a, b) => costOf(vars, a) - costOf(vars, b));
      for (const q of open) {
        if (stopped() || !(await d.affordablyFeasible(q))) continue;
        const [v] = await d.certify([q], 'probe');
        if (v!.decision === 'feasible' || stopped()) return stopped() ? end() : 'again';
      }
      await d.certify([best, ...cheaperNeighbours(best)], 'probe');
      return fingerprint() === before || stopped() ? end() : 'again';
    };
    const x = await descent(vars, start, d.probe);
    if (x !== null) {
      const before = fingerprint();
      const vs = await d.certify([x, ...cheaperNeighbours(x)], 'probe');
      if (vs[0]!.decision === 'feasible' && vs.slice(1).every((v) => v.decision !== 'feasible')) return { chosen: x, rounds };
      // Nothing new at the certificate's level (budget gone, or stopped): the next descent would end here again.
      if (fingerprint() === before || stopped()) {
        const settled = await settle();
        if (settled !== 'again') return settled;
      }
    } else {
      // No point feasible on the probes' word: before saying so, decide at β the dearest points
      // the probes found wanting (a probe's "infeasible" at the top of the space must not end
      // the search on its own); if one turns out feasible, descend again.
      const before = fingerprint();
      const top = maximal(d, [...d.loose].filter(([n, v]) => v.impliedBy === undefined && v.decision !== 'feasible' && !decided(d.strict.get(n))).map(([n]) => n));
      if (top.length > 0 && !stopped()) await d.certify(top.map((n) => d.point(n)! as number[]), 'probe');
      if (fingerprint() === before || stopped()) {
        const settled = await settle();
        if (settled !== 'again') return settled;
      }
    }
  }
}

/** The names among `ns` whose point no other in `ns` dominates (has at least as much of every variable). */
function maximal(d: TwoLevelDecisions, ns: string[]): string[] {
  const pt = (n: string): Point => d.point(n)!;
  return ns.filter((n) => !ns.some((m) => m !== n && pt(m).every((x, i) => x >= pt(n)[i]!)));
}

/** The cheapest point decided feasible at the certificate's level (tested or implied), or null. */
function cheapestStrictlyFeasible(vars: readonly Variable[], d: TwoLevelDecisions): Point | null {
  const f = [...d.strict].filter(([, v]) => v.decision === 'feasible').map(([n]) => d.point(n)!);
  return f.sort((a, b) => costOf(vars, a) - costOf(vars, b))[0] ?? null;
}
