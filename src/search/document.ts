/**
 * The search document (search.json, format "opsim-search/3"): the answer first, then the
 * certificate behind it. Documented field by field in docs/search.md. Format 2 added
 * `procedure.alphaFeasibility`, `objective`, `constraintSpecs`, `implication` and
 * `candidates[].impliedBy`; format 3 the two levels of decision (`candidates[].level`,
 * `procedure.probeBeta`, `procedure.rounds`); readers accept formats 1 and 2 (`readSearchDocument`).
 */
import type { CandidateVerdict, UndecidedReason } from './certify.js';
import type { Unit } from '../results/metrics.js';
import { constraintWords, moneyWords, undecidedWords, type ReserveNote, type UndecidedWhy } from './words.js';
import type { WarmStartNote } from './warm-start.js';

/** Version tag of the search document. */
export const SEARCH_FORMAT = 'opsim-search/3';

/** Formats a reader accepts: the current one and formats 1 and 2 (fields missing in them are filled with what they meant). */
export const SEARCH_FORMATS_READ = ['opsim-search/1', 'opsim-search/2', SEARCH_FORMAT] as const;

/** How a search ended. */
export type SearchStatus =
  /** The chosen policy is certified feasible and every one-step-cheaper neighbour certified infeasible. */
  | 'certified'
  /** The chosen policy is certified feasible, but some cheaper neighbour stayed undecided within the budget. */
  | 'feasible'
  /** No candidate was certified feasible within the budget; `answer` is the best found, with what it misses. */
  | 'no-feasible-point';

/** One candidate the search looked at. */
export interface SearchCandidate {
  /** e.g. "agents=14". */
  name: string;
  /** Field path → value. */
  settings: Record<string, unknown>;
  /** Known cost (from the variables' prices). */
  cost: number;
  /** Why it was checked: the warm start, a probe of the descent, or a cheaper neighbour of one. */
  role: 'warm-start' | 'probe' | 'neighbour';
  /** feasible / infeasible / undecided (see `undecidedReason`). */
  decision: CandidateVerdict['decision'];
  /** Replications of this candidate used (indices 0 … n − 1, shared by all candidates). */
  replications: number;
  /** Per constraint: decision, mean or proportion with its 95 % interval, observations used. */
  constraints: CandidateVerdict['constraints'];
  /**
   * Decided by monotonicity, not tested at that level: the tested candidate that implies the
   * decision (`constraints` empty). `replications` is 0 unless a probe had tested it before the
   * implication at the certificate's β superseded the probe's decision: then what that probe read.
   */
  impliedBy?: string;
  /**
   * Why a tested candidate is undecided: `not-started` (the budget could not pay for its first
   * n0 replications: no replications, no constraint verdicts, no statement about it), `budget`
   * (the budget ran out before a decision), `cap` (it reached maxReplications). Absent on
   * decided candidates, and on documents written before 2026-11-30 (format 3 as first issued).
   */
  undecidedReason?: UndecidedReason;
  /**
   * Only on a candidate not started because of the budget's reserve (the budget left would have
   * paid for its first n0, but part of it was kept for the certificate of the cheapest point
   * decided feasible at β): what was left, what was kept, and for whom. Since 2026-11-30.
   */
  reserve?: ReserveNote;
  /**
   * The error the decision was made at: `certificate` (β, the certificate's; tested, or implied
   * by a candidate so tested) or `probe` (β_probe: a descent probe that only steered the search).
   */
  level: 'certificate' | 'probe';
}

/** One policy in the selection: its known cost and its expected total cost as KN saw it. */
export interface SelectionEntry {
  candidate: string;
  knownCost: number;
  /** Replications the selection used of it (up to its elimination). */
  n: number;
  /** Mean total cost (known cost + random cost) over those n, with its 95 % t-interval cut to what the total can take (known cost + the random cost's range). */
  expectedCost: number;
  ci95: [number, number];
  /** Replication count at which KN eliminated it, and the policy that beat it; null for the survivors. */
  eliminatedAt: number | null;
  eliminatedBy: string | null;
}

/** The selection of the best among the certified-feasible candidates (`objective: expected`). */
export interface SearchSelection {
  procedure: string;
  /** The random cost metric added to the known cost. */
  metric: string;
  /** The selection's share of α, its indifference zone δ (currency), n0, and KN's η and h². */
  alpha: number;
  delta: number;
  initialReplications: number;
  eta: number;
  h2: number;
  /** `selected` when one policy is left; `undecided` when the budget or the cap ran out first. */
  decision: 'selected' | 'undecided';
  /** The policy left, or (undecided) the survivor with the lowest mean. */
  best: string | null;
  systems: SelectionEntry[];
  /** Candidates certified feasible but not compared: the budget could not pay for their first n0 replications (a decision implied by monotonicity has none). Absent when every one was compared. */
  notCompared?: string[];
}

/** The search document. */
export interface SearchDocument {
  format: typeof SEARCH_FORMAT;
  opsimVersion: string;
  scenario: { name: string; file: string | null; hash: string };
  seed: string;
  /** The scenario's `currency` (e.g. "EUR"), written with every money figure of the summary and the report; absent when the scenario sets none (since 2026-12-01, without a format change). */
  currency?: string;
  status: SearchStatus;
  /** Set when the search was stopped (Ctrl-C, a cancelled API search) before it ended: the document holds what was decided by then. */
  interrupted?: true;
  /** One sentence leading with the answer. */
  summary: string;
  /** The chosen policy (or, with no feasible point, the best found). */
  answer: { candidate: string; settings: Record<string, unknown>; cost: number; decision: CandidateVerdict['decision'] } | null;
  /**
   * The warnings of the answer's policy as `opsim validate` and `opsim run` would say them (a team
   * or service offered at least the work it can do, a flow outside its validated region), each
   * "field path: message": a policy that meets the constraints can still be overloaded where no
   * constraint looks. Absent when there is none (since 2026-12-01, without a format change).
   */
  answerWarnings?: string[];
  /** For the answer: each one-step-cheaper neighbour and the constraints it missed (or could not be decided on). */
  cheaperNeighbours: { candidate: string; cost: number; decision: CandidateVerdict['decision']; missed: string[] }[];
  /** With status no-feasible-point: what the best found misses. */
  misses?: string[];
  candidates: SearchCandidate[];
  /**
   * How the known cost of a variable was found, for each variable whose known cost leaves a part
   * of its cost to the simulation (a recovery plan's standing share, mode or standby servers: the
   * bring-up during a disaster is in cost.recovery): "label: note". Absent when there is none
   * (since 2026-11-30, without a format change).
   */
  costNotes?: string[];
  /** With `objective: expected`: the selection of the lowest expected total cost among the certified-feasible candidates. */
  selection?: SearchSelection;
  procedure: {
    confidence: number;
    alpha: number;
    /** What was minimised: the known cost, or the expected total cost (known cost + mean random cost). */
    objective: 'known' | 'expected';
    /** The share of α the feasibility decisions get: α, or α/2 when a selection takes the other half. */
    alphaFeasibility: number;
    /** Candidates the error is split over: K = every point of the space (format 1 documents may hold min(points, ⌊budget / n0⌋)). */
    candidatesCovered: number;
    constraints: number;
    /** Error per (candidate, constraint): α_feasibility / (K · s) (Bonferroni). */
    beta: number;
    /** Error per (probe, constraint) of the descent's probes (candidates with `level: probe`); equal to `beta` with one level (formats 1 and 2). */
    probeBeta: number;
    /** Descents run: 1 when the first descent's answer held at β; more when a decision at β overturned a probe's. */
    rounds: number;
    mean: string;
    chance: string;
    commonRandomNumbers: true;
    initialReplications: number;
    batch: number;
    maxReplications: number;
    budget: number;
    descent: 'bisection' | 'coordinate bisection';
    /** How decisions were implied without replications (monotonicity), for candidates with `impliedBy`. */
    implication: string;
    /** Constraints as certified: mean (bound, tolerance ε) or chance (p0, indifference zone δ). */
    /**
     * Each constraint as stated; `label` and `unit` (since 2026-11-30) are those of its metric in
     * the scenario's catalog (for a chance constraint on a bound, "metric<=b", the bounded
     * metric's), absent for a metric without a label or spec.
     */
    constraintSpecs: { name: string; kind: 'mean' | 'chance'; metric: string; bound: number; sense: 'atMost' | 'atLeast'; tolerance: number; label?: string; unit?: Unit }[];
  };
  warmStart: WarmStartNote[];
  replications: {
    /** Simulated by this run. */
    simulated: number;
    /** Taken from the replication store (earlier runs). */
    reused: number;
    /** Used by all candidates together (simulated + reused). */
    used: number;
    /**
     * Grid points, and the least an exhaustive grid at the same confidence needs: with common
     * random numbers it decides every candidate tested here on the same replications, plus at
     * least n0 for each point not tested (decided by implication or not checked).
     */
    grid: { points: number; atLeast: number };
  };
}

/** Money figures read together, as the run report writes them, with the document's currency (words.ts moneyWords). */
function fmt(doc: SearchDocument, ...xs: number[]): string[] {
  return moneyWords(xs, doc.currency);
}

/** The CLI summary and report section: the answer, what each cheaper neighbour missed, the replications spent. */
export function searchSummary(doc: SearchDocument): string {
  const lines: string[] = [doc.summary, ''];
  if (doc.answerWarnings !== undefined) lines.push(...doc.answerWarnings.map((w) => `warning: the answer's policy: ${w}`), '');
  if (doc.cheaperNeighbours.length > 0) {
    lines.push('one step cheaper:');
    for (const n of doc.cheaperNeighbours) lines.push(`  ${n.candidate} (cost ${fmt(doc, n.cost)[0]}): ${n.decision}${n.missed.length > 0 ? ` — ${n.missed.join('; ')}` : ''}`);
    lines.push('');
  }
  if (doc.costNotes !== undefined) lines.push('known cost:', ...doc.costNotes.map((n) => `  ${n}`), '');
  lines.push('candidates:');
  // Estimates in each metric's unit (words.ts).
  const words = new Map(doc.procedure.constraintSpecs.map((c) => [c.name, constraintWords(c)] as const));
  const p = doc.procedure;
  // Why a candidate is undecided: the same words as the document's explanations and the report (words.ts).
  const undecided = undecidedWords({ budget: p.budget, n0: p.initialReplications, maxReplications: p.maxReplications, interrupted: doc.interrupted === true });
  const rows = [['candidate', 'cost', 'decision', 'reps', 'constraint estimates (95 % CI)']];
  for (const c of [...doc.candidates].sort((a, b) => a.cost - b.cost)) {
    const why = c.undecidedReason === undefined ? '' : ` (${undecided.tag(c.undecidedReason, c.reserve)})`;
    // An implied decision has no estimates of its own; say where it came from (and, when it superseded a probe's test, what that read).
    const implied = c.impliedBy === undefined ? null : `implied by ${c.impliedBy}${c.replications > 0 ? `, superseding a probe that read ${c.replications}` : ''}`;
    rows.push([c.name, fmt(doc, c.cost)[0]!, `${c.decision}${why}${c.level === 'probe' ? ' (probe)' : ''}`, String(c.replications), implied ?? c.constraints.map((k) => {
      const [est, lo, hi] = (words.get(k.constraint) ?? constraintWords(k)).figures([k.estimate, k.ci95[0], k.ci95[1]]);
      return `${k.constraint} ${est} [${lo}, ${hi}] ${k.decision}`;
    }).join('; ')]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) lines.push('  ' + r.map((c, i) => (i === 4 ? c : c.padEnd(w[i]!))).join('  ').trimEnd());
  if (doc.selection !== undefined) {
    const sel = doc.selection;
    lines.push(`selection of the lowest expected total cost (known cost + mean ${sel.metric}), ${sel.decision}:`);
    for (const x of [...sel.systems].sort((a, b) => a.expectedCost - b.expectedCost)) {
      const [mean, lo, hi, known] = fmt(doc, x.expectedCost, x.ci95[0], x.ci95[1], x.knownCost);
      lines.push(`  ${x.candidate}: ${mean} [${lo}, ${hi}] (known ${known}, n = ${x.n})${x.eliminatedBy !== null ? `, eliminated at ${x.eliminatedAt} by ${x.eliminatedBy}` : ''}`);
    }
    lines.push(`  ${sel.procedure}; α = ${Number(sel.alpha.toPrecision(6))}, δ = ${fmt(doc, sel.delta)[0]}, n0 = ${sel.initialReplications}, h² = ${sel.h2.toPrecision(4)}`);
    // The candidate table counts what each feasibility decision read; the selection reads on.
    const inTable = doc.candidates.reduce((n, c) => n + c.replications, 0);
    if (inTable < doc.replications.used) lines.push(`  the candidates' reps add up to ${inTable} of the ${doc.replications.used} used: the selection read the other ${doc.replications.used - inTable} (its n per policy above)`);
  }
  const open = doc.candidates.filter((c) => c.undecidedReason !== undefined);
  if (open.length > 0) {
    // One sentence per reason (each candidate the reserve turned away its own: what was kept differs).
    const said: string[] = [];
    for (const why of ['not-started', 'budget', 'cap', 'interrupted'] as const satisfies readonly UndecidedWhy[]) {
      const ns = open.filter((c) => c.undecidedReason === why && c.reserve === undefined).map((c) => c.name);
      if (ns.length > 0) said.push(undecided.sentence(ns, why));
    }
    for (const c of open.filter((x) => x.reserve !== undefined)) said.push(undecided.sentence([c.name], 'not-started', c.reserve));
    lines.push('', `undecided, so the confidence statement says nothing about them: ${said.join('; ')}`);
  }
  lines.push(
    '',
    `confidence ${(p.confidence * 100).toFixed(1)} % over K = ${p.candidatesCovered} candidates × ${p.constraints} constraint(s) (Bonferroni β = ${p.beta.toPrecision(3)}${p.probeBeta > p.beta ? `; the descent's probes at β = ${Number(p.probeBeta.toPrecision(3))}, the answer and its cheaper neighbours again at β; ${p.rounds} descent${p.rounds === 1 ? '' : 's'}` : ''}); ${p.mean}; ${p.chance}; common random numbers; n0 = ${p.initialReplications}, batch ${p.batch}, ${p.descent}`,
    `replications: ${doc.replications.used} used (${doc.replications.simulated} simulated, ${doc.replications.reused} reused) against at least ${doc.replications.grid.atLeast} for an exhaustive grid of ${doc.replications.grid.points} points at the same confidence`,
  );
  return lines.join('\n') + '\n';
}

/**
 * Reads a search document (search.json) of any format this version understands: format 3 as
 * is; formats 1 and 2 (one level: every decision at β, one descent) with `level`, `probeBeta`
 * and `rounds` filled as they meant them, and format 1 (before `objective`,
 * `alphaFeasibility`, `constraintSpecs` and `implication`) with those filled as format 1 meant
 * them (a known objective, all of α for feasibility, no implication). Throws on anything else.
 */
export function readSearchDocument(value: unknown): SearchDocument {
  const doc = value as Partial<SearchDocument> & { format?: unknown; procedure?: Partial<SearchDocument['procedure']> };
  if (typeof doc !== 'object' || doc === null || !(SEARCH_FORMATS_READ as readonly unknown[]).includes(doc.format)) {
    throw new Error(`not a search document this opsim reads (format ${JSON.stringify((doc as { format?: unknown } | null)?.format)}; expected one of ${SEARCH_FORMATS_READ.join(', ')})`);
  }
  if (doc.format === SEARCH_FORMAT) return doc as SearchDocument;
  const p: Partial<SearchDocument['procedure']> = doc.procedure ?? {};
  return {
    ...(doc as SearchDocument),
    format: SEARCH_FORMAT,
    procedure: {
      ...(p as SearchDocument['procedure']),
      objective: p.objective ?? 'known',
      alphaFeasibility: p.alphaFeasibility ?? p.alpha ?? NaN,
      constraintSpecs: p.constraintSpecs ?? [],
      implication: p.implication ?? 'none (format 1)',
      probeBeta: p.beta ?? NaN,
      rounds: 1,
    },
    candidates: (doc.candidates ?? []).map((c) => ({ ...c, level: 'certificate' as const })),
  };
}
