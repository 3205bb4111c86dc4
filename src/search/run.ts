/**
 * runSearch: the cheapest policy that meets every constraint, certified at the stated
 * confidence. Stages: the analytic warm start (zero replications), certification of the
 * candidate together with each of its one-step-cheaper neighbours, then descent — bisection
 * for one monotone variable, coordinate descent with bisection line searches for several — until the cheapest
 * feasible candidate found has every cheaper neighbour certified infeasible, or the budget
 * runs out. Candidates run through the experiment API as variants (override sets), every
 * candidate on the same replication indices (common random numbers), and every replication
 * is kept in a store so a rerun reuses it.
 */
import type { ExperimentInput } from '../experiment/run.js';
import { ReplicationPool, defaultWorkers } from '../experiment/pool.js';
import { compileRaw } from '../scenario/index.js';
import { displayPath, ScenarioLoadError } from '../scenario/errors.js';
import { scenarioWarnings } from '../models/warnings.js';
import { OPSIM_VERSION } from '../version.js';
import { metricCatalog } from '../models/replication.js';
import { metricLabel, type MetricCatalog, type Unit } from '../results/metrics.js';
import { affordable, notStartedVerdict, SearchInterrupted, splitError, type CandidateVerdict, type ConstraintVerdict, type Observe, type UndecidedReason } from './certify.js';
import { CandidateSampler } from './sampler.js';
import { constraintWords, failsWords, meetsWords, moneyWords, shortWords, undecidedWords, verdictParts, zoneWords, type ConstraintWords, type UndecidedWhy, type ZoneDescription } from './words.js';
import { SEARCH_FORMAT, type SearchCandidate, type SearchDocument, type SearchSelection, type SearchStatus } from './document.js';
import { bisect, coordinateSearch } from './descent.js';
import { selectionStage } from './select-stage.js';
import { TwoLevelDecisions, descendAndCertify } from './two-level.js';
import { cheaperNeighbours, costOf, dearerNeighbours, gridSize, overridesOf, pointName, type Point } from './space.js';
import { ReplicationStore } from './store.js';
import { storeKey } from './store-key.js';
import { prepareSearch, type PreparedSearch } from './validate.js';

/** Progress of a search, reported after every batch of replications. */
export interface SearchProgress {
  /** Replications simulated so far. */
  simulated: number;
  budget: number;
  /** Candidates decided so far, and all looked at. */
  decided: number;
  candidates: number;
}

/** Options of runSearch; every field is optional. */
export interface SearchOptions {
  /** Master seed (default: the scenario's `seed`, else "1"). */
  seed?: string;
  /** Worker threads (0 or 1 = in-process; default min(2, cores)). Ignored with `pool`. */
  workers?: number;
  /** A pool shared across runs (a server's); the search does not close it. */
  pool?: ReplicationPool;
  /** Replication store file; reused when it matches the scenario and seed, rewritten after every batch. Absent or null: none. */
  storeFile?: string | null;
  /** Overrides search.budget. */
  budget?: number;
  onProgress?: (p: SearchProgress) => void;
  /**
   * Aborting stops the search at once (the replications under way are dropped, those finished
   * are stored): the document says what was decided, with `interrupted: true`, and the tests
   * that were running are undecided (`undecidedReason: 'interrupted'`).
   */
  signal?: AbortSignal;
}

/**
 * The planner's words for a constraint's metric, from the scenario's own catalog: its label
 * (for a chance constraint on a bound, the bounded metric's) and unit. Empty for a metric
 * without a spec.
 */
function describeMetric(catalog: MetricCatalog, name: string): { label?: string; unit?: Unit } {
  const base = verdictParts(name)?.metric ?? name;
  const spec = catalog[base];
  const label = metricLabel(spec, base);
  return { ...(label !== base ? { label } : {}), ...(spec !== undefined ? { unit: spec.unit } : {}) };
}


/** A figure and its interval's bounds, written: "618 [600, 638]". */
function withInterval([x, lo, hi]: readonly string[]): string {
  return `${x} [${lo}, ${hi}]`;
}

/**
 * What a candidate missed, constraint by constraint, in the planner's words: the metric's label
 * (its name without one) and the figures in its unit, "answer-80-in-20: mean calls answered
 * within target 79.6 % [78.9 %, 80.3 %] misses ≥ 80 % (n = 2,000)".
 */
function missed(v: CandidateVerdict, words: (c: ConstraintVerdict) => ConstraintWords, verdicts?: ReadonlyMap<string, CandidateVerdict>): string[] {
  if (v.impliedBy !== undefined) {
    const src = verdicts?.get(v.impliedBy);
    return [`${v.decision} by monotonicity: ${v.impliedBy} has ${v.decision === 'infeasible' ? 'at least' : 'at most'} as much of every variable and was tested ${v.decision}${src !== undefined && v.decision === 'infeasible' ? ` (${missed(src, words).join('; ')})` : ''}`];
  }
  return v.constraints
    .filter((c) => c.decision !== 'feasible')
    .map((c) => {
      const w = words(c);
      const what = c.kind === 'mean' ? `mean ${w.name}` : `P(${w.name})`;
      const op = c.sense === 'atLeast' ? '≥' : '≤';
      const [est, lo, hi, bound] = w.figures([c.estimate, c.ci95[0], c.ci95[1], c.bound], [c.bound]);
      return `${c.constraint}: ${what} ${est} [${lo}, ${hi}] ${c.decision === 'infeasible' ? 'misses' : 'undecided at'} ${op} ${bound} (n = ${c.n.toLocaleString('en-US')})`;
    });
}

/** Runs a search on a scenario with a `search:` section and returns its document. */
/**
 * The warnings of one policy of the search (the scenario with `settings` applied), as `opsim
 * validate` says them: "field path: message". Empty when the policy does not compile (the search
 * ran it, so it does) or raises none.
 */
function policyWarnings(input: ExperimentInput, settings: Record<string, unknown>): string[] {
  const r = compileRaw(input.raw, { file: input.file ?? undefined, overrides: settings });
  return r.ok ? scenarioWarnings(r.scenario).map((w) => `${displayPath(w.path)}: ${w.message}`) : [];
}

export async function runSearch(input: ExperimentInput, options: SearchOptions = {}): Promise<SearchDocument> {
  const compiled = compileRaw(input.raw, { file: input.file ?? undefined });
  if (!compiled.ok) throw new ScenarioLoadError(compiled.errors);
  const scenario = compiled.scenario;
  if (options.budget !== undefined && scenario.search !== undefined) scenario.search = { ...scenario.search, budget: options.budget };
  const prep: PreparedSearch = prepareSearch(input.raw, input.file, scenario);
  const seed = options.seed ?? String(scenario.seed ?? 1);
  const store = await ReplicationStore.load(options.storeFile ?? null, storeKey(input.raw, compiled.scenario, seed));
  const vars = prep.variables;

  const ownPool = options.pool === undefined && (options.workers ?? defaultWorkers()) > 1;
  const pool = options.pool ?? (ownPool ? new ReplicationPool({ size: options.workers ?? defaultWorkers() }) : undefined);
  const sampler = new CandidateSampler({ input, vars, tests: prep.tests, seed, store, ...(pool !== undefined ? { pool } : {}), storeFile: options.storeFile ?? null, ...(options.signal !== undefined ? { signal: options.signal } : {}) });
  const points = sampler.points;
  // With a random objective the selection takes half of α, the feasibility decisions the other half.
  const expected = prep.objective.kind === 'expected' ? prep.objective : null;
  const alphaFeasibility = expected !== null ? prep.alpha / 2 : prep.alpha;
  const settings = { alpha: alphaFeasibility, candidatesCovered: prep.candidatesCovered, n0: prep.n0, batch: prep.batch, maxReplications: prep.maxReplications };
  // Set once the search noticed the signal: a test cut short, or work skipped.
  let interrupted = false;
  const stopped = (): boolean => {
    if (options.signal?.aborted === true) interrupted = true;
    return interrupted;
  };
  // Two levels (two-level.ts): the descent's probes at β_probe, the certificate's points at β.
  const levels = new TwoLevelDecisions({ nameOf: (p) => sampler.name(p), tests: prep.tests, observe: (ids, upTo) => observe(ids, upTo), certificate: settings, probeBeta: prep.probeBeta, remaining: () => prep.budget - sampler.simulated, costOf: (p) => costOf(vars, p), cost: sampler.cost, stopped });
  const nameOf = (p: Point): string => sampler.name(p);
  const decidedCount = (): number => levels.names().filter((n) => levels.verdict(n)?.decision !== 'undecided').length;
  const observe: Observe = async (ids, upTo) => {
    let out: Awaited<ReturnType<Observe>>;
    try {
      out = await sampler.observe(ids, upTo);
    } catch (err) {
      if (err instanceof SearchInterrupted) interrupted = true;
      throw err;
    }
    options.onProgress?.({ simulated: sampler.simulated, budget: prep.budget, decided: decidedCount(), candidates: points.size });
    return out;
  };

  let chosen: Point | null = null;
  let rounds = 0;
  let selection: SearchSelection | undefined;
  let uncompared: string[] = [];
  // Certified feasible, but left out of the selection: the budget could not pay for their first n0 replications.
  const leftOut = new Set<string>();
  try {
    ({ chosen, rounds } = await descendAndCertify(vars, prep.start, vars.length === 1 ? bisect : coordinateSearch, levels, stopped));
    if (expected !== null && chosen !== null && !stopped()) {
      // The cheapest feasible policy need not have the lowest expected total cost (penalties
      // fall as capacity grows): certify its one-step-dearer neighbours too, then select among
      // every candidate certified feasible.
      // Screening on first-stage means (stored, free): while the candidate with the lowest mean
      // total cost over n0 has dearer neighbours not yet checked, certify them and look again.
      // Only candidates decided feasible at the certificate's β take part (the selection's set),
      // and only those whose first n0 replications are stored or the budget pays for: a decision
      // implied by monotonicity has none. The others are left out and named.
      const admitted = new Set<string>();
      const admit = async (): Promise<void> => {
        const fresh = [...levels.strict].filter(([n, v]) => v.decision === 'feasible' && !admitted.has(n) && !leftOut.has(n)).map(([n]) => n);
        const { start, skipped } = affordable(fresh.sort((a, b) => costOf(vars, points.get(a)!) - costOf(vars, points.get(b)!)), prep.n0, sampler.cost, prep.budget - sampler.simulated);
        if (start.length > 0) await observe(start, prep.n0);
        for (const n of start) admitted.add(n);
        for (const n of skipped) leftOut.add(n);
      };
      const feasibleNow = (): Map<string, number> => new Map([...levels.strict].filter(([n, v]) => v.decision === 'feasible' && admitted.has(n)).map(([n]) => [n, costOf(vars, points.get(n)!)] as const));
      for (;;) {
        await admit();
        const f = feasibleNow();
        if (f.size === 0) break;
        const { records } = await observe([...f.keys()], prep.n0); // stored by admit: free
        const mean = (n: string): number => records.get(n)!.reduce((a, r) => a + (r[expected.metric] ?? NaN), 0) / prep.n0 + f.get(n)!;
        const lead = [...f.keys()].sort((a, b) => mean(a) - mean(b))[0]!;
        const fresh = dearerNeighbours(vars, points.get(lead)!).filter((q) => !levels.strict.has(nameOf(q)));
        if (fresh.length === 0 || prep.budget - sampler.simulated < sampler.cost(fresh.map(nameOf), prep.n0)) break;
        await levels.certify(fresh, 'probe');
      }
      const feasible = feasibleNow();
      selection = await selectionStage(feasible, observe, { metric: expected.metric, ...(expected.range !== undefined ? { range: expected.range } : {}), alpha: prep.alpha / 2, delta: expected.delta, n0: prep.n0, batch: prep.batch, maxReplications: prep.maxReplications }, () => prep.budget - sampler.simulated);
      if (leftOut.size > 0) selection = { ...selection, notCompared: [...leftOut] };
      if (selection.best !== null) chosen = points.get(selection.best)!;
      // The selection is local: say so when the winner's dearer neighbours were not compared.
      uncompared = dearerNeighbours(vars, chosen).map((q) => pointName(vars, q)).filter((q) => !feasible.has(q) && !leftOut.has(q));
    }
  } catch (err) {
    // Stopped during the screening or the selection: the feasibility answer stands, the selection is not made.
    if (!(err instanceof SearchInterrupted)) throw err;
    selection = undefined;
  } finally {
    if (ownPool) await pool!.close();
  }
  // The last word on progress: every verdict is in now (candidates the budget could not start count as looked at, undecided).
  options.onProgress?.({ simulated: sampler.simulated, budget: prep.budget, decided: decidedCount(), candidates: new Set([...levels.names(), ...levels.notStarted.keys()]).size });
  const verdicts = new Map(levels.names().map((n) => [n, levels.verdict(n)!] as const));
  // Why a candidate stayed undecided, in the planner's words (words.ts; the statement covers decisions only).
  const undecided = undecidedWords({ budget: prep.budget, n0: prep.n0, maxReplications: prep.maxReplications, interrupted });
  const because = (r: UndecidedReason, n?: string): string => undecided.phrase(r, r === 'not-started' && n !== undefined ? levels.turnedAway.get(n) : undefined);
  // Each constraint's metric in the scenario's words (label and unit from its catalog).
  const catalog = metricCatalog(scenario).metrics;
  const described = new Map(prep.tests.map((t) => [t.metric, constraintWords({ kind: t.kind, metric: t.metric, ...describeMetric(catalog, t.metric) })] as const));
  const words = (c: ConstraintVerdict): ConstraintWords => described.get(c.metric) ?? constraintWords(c);
  const explained = (v: CandidateVerdict, n: string): string[] => [...missed(v, words, verdicts), ...(v.decision === 'undecided' && v.undecidedReason !== undefined ? [because(v.undecidedReason, n)] : [])];

  // The document: every candidate with a verdict, and those asked for that the budget could not start.
  const candidates: SearchCandidate[] = [...points.entries()]
    .filter(([n]) => verdicts.has(n) || levels.notStarted.has(n))
    .map(([n, p]) => {
      const v = verdicts.get(n) ?? notStartedVerdict();
      // A decision implied at the certificate's β supersedes a probe's test of the same point:
      // the replications that probe read were still used (the table adds up to `used`).
      const probed = v.impliedBy !== undefined ? levels.loose.get(n) : undefined;
      const reps = probed !== undefined && probed.impliedBy === undefined ? Math.max(v.replications, probed.replications) : v.replications;
      return {
        name: n,
        settings: overridesOf(vars, p),
        cost: costOf(vars, p),
        role: levels.roles.get(n) ?? 'probe',
        level: verdicts.has(n) ? levels.level(n) : levels.notStarted.get(n)!,
        decision: v.decision,
        replications: reps,
        constraints: v.constraints,
        ...(v.impliedBy !== undefined ? { impliedBy: v.impliedBy } : {}),
        ...(v.undecidedReason !== undefined ? { undecidedReason: v.undecidedReason } : {}),
        ...(!verdicts.has(n) && levels.turnedAway.has(n) ? { reserve: levels.turnedAway.get(n)! } : {}),
      };
    });
  let status: SearchStatus;
  let answer: SearchDocument['answer'] = null;
  let misses: string[] | undefined;
  let neighbours: SearchDocument['cheaperNeighbours'] = [];
  if (chosen !== null) {
    const n = pointName(vars, chosen);
    answer = { candidate: n, settings: overridesOf(vars, chosen), cost: costOf(vars, chosen), decision: 'feasible' };
    neighbours = cheaperNeighbours(chosen).map((q) => {
      const qn = pointName(vars, q);
      // The certificate speaks only of decisions at its own β.
      const v = levels.strict.get(qn);
      const sel = selection?.systems.find((x) => x.candidate === qn);
      const beaten = sel !== undefined && selection!.best !== qn ? [`expected total cost ${withInterval(moneyWords([sel.expectedCost, sel.ci95[0], sel.ci95[1]], scenario.currency))} (n = ${sel.n})${sel.eliminatedBy !== null ? `, eliminated by ${sel.eliminatedBy} at n = ${sel.eliminatedAt}` : ', not yet eliminated'}`] : null;
      const unchecked = levels.notStarted.get(qn) === 'certificate' ? because('not-started', qn) : undecided.phrase('unchecked');
      return { candidate: qn, cost: costOf(vars, q), decision: v?.decision ?? 'undecided', missed: v === undefined ? [unchecked] : (beaten ?? explained(v, qn)) };
    });
    const beatenOrInfeasible = (q: (typeof neighbours)[number]): boolean => q.decision === 'infeasible' || (selection?.systems.find((x) => x.candidate === q.candidate)?.eliminatedBy ?? null) !== null;
    // With a random objective the answer is certified only by a selection (an interrupted search may have none).
    status = neighbours.every(beatenOrInfeasible) && (selection === undefined ? expected === null : selection.decision === 'selected') ? 'certified' : 'feasible';
  } else {
    status = 'no-feasible-point';
    // What budget would have decided the best found at β, so the planner reruns once, not by
    // trial: its test continued on the replications it read (the reserve's plug-in guess,
    // two-level.ts). Only for one the budget left open (not the cap, not a stop), when it ran.
    const budgetHint = async (n: string): Promise<string[]> => {
      const strict = levels.strict.get(n);
      const why = strict?.undecidedReason ?? (levels.notStarted.get(n) === 'certificate' ? 'not-started' : undefined);
      const have = Math.max(strict?.replications ?? 0, levels.loose.get(n)?.impliedBy === undefined ? (levels.loose.get(n)?.replications ?? 0) : 0);
      if (interrupted || (why !== 'budget' && why !== 'not-started') || have === 0 || levels.loose.get(n)?.decision === 'infeasible') return [];
      const need = await levels.predictedLength(n, have);
      const others = sampler.used.size - have;
      return need >= prep.maxReplications
        ? [`its test at the certificate's β is predicted not to decide within its cap of ${prep.maxReplications} replications (its ${have} replications repeated), so a larger budget alone may not decide it`]
        : [`its test at the certificate's β is predicted to decide within about ${need} replications of it (its ${have} replications repeated, a guess): rerun with a budget of ${need + others} or more${others > 0 ? ` (${need} for it and the ${others} this run spent on the others)` : ''}; replications stored by this run are reused free`];
    };
    // The best found: fewest constraints missed, then the dearest — among the tested (an
    // implied decision lists no constraints, so it would look as if it missed none).
    const best = candidates.filter((c) => c.impliedBy === undefined && c.undecidedReason !== 'not-started').sort((a, b) => a.constraints.filter((c) => c.decision === 'infeasible').length - b.constraints.filter((c) => c.decision === 'infeasible').length || b.cost - a.cost)[0];
    if (best !== undefined) {
      // The certificate states nothing about a decision made only at the probes' β: the answer carries the certificate's decision.
      const strict = levels.strict.get(best.name);
      answer = { candidate: best.name, settings: best.settings, cost: best.cost, decision: best.level === 'probe' ? (strict?.decision ?? 'undecided') : best.decision };
      misses = [
        ...explained(verdicts.get(best.name)!, best.name),
        ...(await budgetHint(best.name)),
        ...(best.level === 'probe' && best.decision !== 'undecided'
          ? [`${best.decision} only at the probes' β = ${Number(prep.probeBeta.toPrecision(3))}, not confirmed at the certificate's${levels.notStarted.get(best.name) === 'certificate' ? ` (${because('not-started', best.name)})` : ''}`]
          : []),
      ];
    }
  }
  const answerWarnings = answer === null ? [] : policyWarnings(input, answer.settings);
  const confidence = 1 - prep.alpha;
  const pct = `${(confidence * 100).toFixed(confidence * 100 === Math.round(confidence * 100) ? 0 : 1)} %`;
  const best = selection?.systems.find((x) => x.candidate === answer?.candidate);
  // Each cheaper neighbour the certificate could not decide, and why.
  const byReason = new Map<UndecidedWhy, string[]>();
  const openNeighbours: string[] = [];
  for (const q of neighbours.filter((x) => x.decision === 'undecided')) {
    const r = levels.strict.get(q.candidate)?.undecidedReason ?? (levels.notStarted.get(q.candidate) === 'certificate' ? 'not-started' : 'unchecked');
    // One the reserve turned away has its own sentence (what was kept, for whom); the others are grouped by reason.
    const reserve = r === 'not-started' ? levels.turnedAway.get(q.candidate) : undefined;
    if (reserve !== undefined) openNeighbours.push(undecided.sentence([q.candidate], r, reserve));
    else byReason.set(r, [...(byReason.get(r) ?? []), q.candidate]);
  }
  openNeighbours.unshift(...[...byReason].map(([r, qs]) => undecided.sentence(qs, r)));
  // An interrupted search ran out of time, not of budget.
  const within = interrupted ? 'by then' : `within the budget (${prep.budget} replications)`;
  // What "meets" certifies: each constraint's bound less its indifference zone (words.ts).
  const stated = prep.tests.map((t): [ZoneDescription, ConstraintWords] => [t.kind === 'mean' ? { kind: 'mean', sense: t.sense, bound: t.threshold, tolerance: t.tolerance } : { kind: 'chance', bound: t.probability, tolerance: t.tolerance }, described.get(t.metric)!]);
  const zones = stated.map(([z, w]) => zoneWords(z, w));
  // What "infeasible" certifies of a cheaper neighbour: short of the bound plus its indifference zone, not "fails the bound".
  const fails = failsWords(stated.map(([z, w]) => shortWords(z, w)));
  // Money as the run report writes it, with the scenario's currency.
  const money = (...xs: number[]): string[] => moneyWords(xs, scenario.currency);
  const mayExist = openNeighbours.length > 0 ? `a cheaper policy may exist: ${openNeighbours.join('; ')}.` : 'a cheaper policy may exist.';
  const notCompared = [...leftOut];
  const k = selection?.systems.length ?? 0;
  const compared = `${k} certified-feasible ${k === 1 ? 'policy' : 'policies'}${notCompared.length > 0 ? ' compared' : ''}`;
  const summary =
    selection !== undefined && best !== undefined && answer !== null
      ? `${answer.candidate} (known cost ${money(answer.cost)[0]}, expected total cost ${money(best.expectedCost)[0]}): ${meetsWords(zones)} and ${selection.decision === 'selected' ? `has the lowest expected total cost of the ${compared} (within δ = ${money(selection.delta)[0]}), with ${pct} confidence` : `had the lowest mean total cost when the budget (${prep.budget} replications) ran out; ${selection.systems.filter((x) => x.eliminatedBy === null).map((x) => x.candidate).join(', ')} were still in the running`}; ${status === 'certified' ? `each one-step-cheaper policy ${fails} or costs more in expectation.` : openNeighbours.length > 0 ? mayExist : 'some cheaper policy is undecided.'}${notCompared.length > 0 ? ` ${notCompared.join(', ')} ${notCompared.length === 1 ? 'is' : 'are'} certified feasible but not compared: the budget (${prep.budget} replications) could not pay for ${notCompared.length === 1 ? 'its' : 'their'} first ${prep.n0} replications; ${notCompared.length === 1 ? 'it' : 'one'} may cost less in expectation.` : ''}${uncompared.length > 0 ? ` A dearer policy (${uncompared.join(', ')}) was not compared; it may cost less in expectation.` : ''}`
      : status === 'certified'
      ? `${answer!.candidate} (cost ${money(answer!.cost)[0]}): ${meetsWords(zones, pct)}; ${neighbours.length > 0 ? `each one-step-cheaper policy was checked and ${fails}.` : 'it is the cheapest policy in the search space (widen the ranges to look further).'}`
      : status === 'feasible'
        ? `${answer!.candidate} (cost ${money(answer!.cost)[0]}): ${meetsWords(zones, pct)}; ${mayExist}`
        : answer !== null
          ? `no policy was certified feasible ${within}; the best found is ${answer.candidate} (${answer.decision}): ${misses!.join('; ')}.`
          : `no policy was checked ${within}.`;
  // An interrupted search says so first, with how far it got.
  const stoppedAt = interrupted
    ? `Interrupted after ${sampler.simulated} of ${prep.budget} replications${expected !== null && selection === undefined && chosen !== null ? ' (before the selection by expected total cost)' : ''}: `
    : '';
  const grid = gridSize(vars);
  return {
    format: SEARCH_FORMAT,
    opsimVersion: OPSIM_VERSION,
    scenario: { name: scenario.name, file: input.file, hash: input.hash },
    seed,
    // Money is written with it, as in results.json.
    ...(scenario.currency !== undefined ? { currency: scenario.currency } : {}),
    status,
    ...(interrupted ? { interrupted: true as const } : {}),
    summary: stoppedAt + summary,
    answer,
    ...(answerWarnings.length > 0 ? { answerWarnings } : {}),
    cheaperNeighbours: neighbours,
    ...(misses !== undefined ? { misses } : {}),
    candidates,
    // Said only where the known cost leaves a part of a variable's cost to the simulation.
    ...(vars.some((v) => v.partlyRandom === true) ? { costNotes: vars.filter((v) => v.partlyRandom === true).map((v) => `${v.label}: ${v.priceNote}`) } : {}),
    ...(selection !== undefined ? { selection } : {}),
    procedure: {
      confidence,
      alpha: prep.alpha,
      objective: prep.objective.kind,
      alphaFeasibility,
      candidatesCovered: prep.candidatesCovered,
      constraints: prep.tests.length,
      beta: splitError(alphaFeasibility, prep.candidatesCovered, prep.tests.length),
      probeBeta: levels.single ? splitError(alphaFeasibility, prep.candidatesCovered, prep.tests.length) : prep.probeBeta,
      rounds,
      mean: 'Batur & Kim (2010) fully sequential feasibility check F_B, c = 1, no variance update',
      chance: "Wald's SPRT on 0/1 period verdicts, p0 ± δ",
      commonRandomNumbers: true,
      initialReplications: prep.n0,
      batch: prep.batch,
      maxReplications: prep.maxReplications,
      budget: prep.budget,
      descent: vars.length === 1 ? 'bisection' : 'coordinate bisection',
      implication: 'monotonicity: a policy with no more of any variable than one tested infeasible is infeasible, one with no less than one tested feasible is feasible (no replications)',
      constraintSpecs: prep.tests.map((t) => ({
        ...(t.kind === 'mean' ? { name: t.name, kind: 'mean' as const, metric: t.metric, bound: t.threshold, sense: t.sense, tolerance: t.tolerance } : { name: t.name, kind: 'chance' as const, metric: t.metric, bound: t.probability, sense: 'atLeast' as const, tolerance: t.tolerance }),
        ...describeMetric(catalog, t.metric),
      })),
    },
    warmStart: prep.warmStart,
    // Under common random numbers an exhaustive grid at the same β would decide every tested
    // candidate on the very same replications, and needs at least n0 for every other point
    // (those decided by implication included: the grid tests every point).
    replications: { simulated: sampler.simulated, reused: sampler.reused, used: sampler.used.size, grid: { points: grid, atLeast: sampler.used.size + (grid - candidates.filter((c) => c.replications > 0).length) * prep.n0 } },
  };
}
