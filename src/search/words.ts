/**
 * A search constraint in the planner's words: its metric's label (with the bound of a chance
 * constraint on one, "p95 response time ≤ 1 s") and its figures in the metric's unit
 * ("79.6 %", "52 min"). Read by the document's explanations (run.ts), the report's certificate
 * and the CLI summary, so they all say the same.
 */
import { currentMetricSpec } from '../models/index.js';
import { formatTogether, formatValue, percent } from '../report/units.js';
import { metricLabel, type Unit } from '../results/metrics.js';

/** A verdict metric "metric>=b" / "metric<=b" (a chance constraint on a metric's bound) taken apart; null for any other name. */
export function verdictParts(name: string): { metric: string; sense: 'atLeast' | 'atMost'; bound: number } | null {
  const m = /^(.*)(>=|<=)(-?[0-9.e+-]+)$/.exec(name);
  return m === null ? null : { metric: m[1]!, sense: m[2] === '>=' ? 'atLeast' : 'atMost', bound: Number(m[3]) };
}

/** What a constraint's words are made from: a constraintSpecs entry (label and unit optional). */
export interface ConstraintDescription {
  kind: 'mean' | 'chance';
  metric: string;
  /** The metric's label in the scenario's catalog (absent: today's spec for the name, else none). */
  label?: string;
  unit?: string;
}

/** A constraint's metric and figures as a planner reads them. */
export interface ConstraintWords {
  /** The metric's label, with the bound of a chance constraint on one; null without a label. */
  label: string | null;
  /** The label, else the metric's name. */
  name: string;
  /** "label (name)", or the name. */
  text: string;
  /**
   * Figures read together (an estimate, its interval, the bound) in the metric's unit and one
   * scale; a chance constraint's are shares of periods. No figure other than a target (the
   * constraint's bound) reads as one.
   */
  figures: (xs: readonly number[], targets?: readonly number[]) => string[];
  /** A difference (an indifference zone) in the same unit. */
  delta: (x: number) => string;
}

/** The words of a constraint (see the module doc). */
export function constraintWords(c: ConstraintDescription): ConstraintWords {
  const bounded = verdictParts(c.metric);
  const base = bounded?.metric ?? c.metric;
  const today = c.label === undefined || c.unit === undefined ? currentMetricSpec(base) : undefined;
  const label = c.label ?? metricLabel(today, base);
  const unit = (c.unit as Unit | undefined) ?? today?.unit;
  const bound = bounded === null ? '' : ` ${bounded.sense === 'atLeast' ? '≥' : '≤'} ${formatValue(bounded.bound, unit)}`;
  const named = label === base ? null : label + bound;
  const text = named === null ? c.metric : `${named} (${c.metric})`;
  const common = { label: named, name: named ?? c.metric, text };
  // A difference of two shares is in percentage points, as the report writes it: "±2 pp", never "±2 %", which would read as relative.
  if (c.kind === 'chance') return { ...common, figures: (xs) => xs.map((x) => percent(x)), delta: (x) => points(percent(x)) };
  return { ...common, figures: (xs, targets) => formatTogether(xs, unit, undefined, targets !== undefined ? { targets } : undefined), delta: (x) => (unit === 'fraction' ? points(percent(x)) : formatValue(x, unit === 'clock_seconds' ? 'seconds' : unit)) };
}

function points(pct: string): string {
  return pct.replace(/ %$/, ' pp');
}

/** What a constraint's zone is stated from: a mean constraint's bound (its sense) or a chance constraint's p0, and the tolerance. */
export interface ZoneDescription {
  kind: 'mean' | 'chance';
  /** A mean constraint's sense (a chance constraint's is always at least p0). */
  sense?: 'atLeast' | 'atMost';
  /** The bound, or p0. */
  bound: number;
  tolerance: number;
}

/**
 * What a certified-feasible decision says about one constraint, in the constraint's words:
 * "mean service level ≥ 80 % − 2 pp", "P(p95 response time ≤ 1 s) ≥ 90 % − 5 pp of periods".
 * The certificate (certify.ts, feasibility.ts, sprt.ts) decides wrongly with probability at
 * most β only outside the indifference zone: a policy declared feasible has a true mean on the
 * right side of the bound less ε (a chance constraint: a period meets the verdict with
 * probability at least p0 − δ); between that and the bound either decision is allowed. The
 * headline says that, not "meets the bound".
 */
export function zoneWords(c: ZoneDescription, w: ConstraintWords): string {
  if (c.kind === 'chance') return `P(${w.name}) ≥ ${percent(c.bound)} − ${w.delta(c.tolerance)} of periods`;
  const atLeast = c.sense !== 'atMost';
  // The bound as the certificate's table writes it ("≥ 80.0 %"), the zone as a difference ("2 pp", "30 s").
  // "mean P1 mean time to resolve" says mean once: "P1 mean time to resolve".
  return `${/\bmean\b/i.test(w.name) ? '' : 'mean '}${w.name} ${atLeast ? '≥' : '≤'} ${w.figures([c.bound])[0]!} ${atLeast ? '−' : '+'} ${w.delta(c.tolerance)}`;
}

/**
 * What a certified-infeasible decision says about one constraint, the mirror of zoneWords: "mean
 * calls answered within target < 80.0 % + 2 pp", "P(p95 response time ≤ 1 s) < 90 % + 5 pp of
 * periods". A policy declared infeasible falls short of the bound plus its indifference zone (an
 * at-most bound: lies above the bound less it); it may still meet the bound itself, inside the zone.
 */
export function shortWords(c: ZoneDescription, w: ConstraintWords): string {
  if (c.kind === 'chance') return `P(${w.name}) < ${percent(c.bound)} + ${w.delta(c.tolerance)} of periods`;
  const atLeast = c.sense !== 'atMost';
  return `${/\bmean\b/i.test(w.name) ? '' : 'mean '}${w.name} ${atLeast ? '<' : '>'} ${w.figures([c.bound])[0]!} ${atLeast ? '+' : '−'} ${w.delta(c.tolerance)}`;
}

/**
 * What the certificate says of each one-step-cheaper policy it decided infeasible: "falls short of
 * the bound plus its indifference zone (mean calls answered within target < 80.0 % + 0.4 pp)";
 * with several constraints, of at least one of them ("… or …").
 */
export function failsWords(shorts: readonly string[]): string {
  return `falls short of ${shorts.length === 1 ? 'the bound' : 'a bound'} plus its indifference zone (${shorts.join(' or ')})`;
}

/**
 * Money of a search (known costs, expected total costs, δ) as the run report writes it: grouped,
 * in k from 10,000, figures read together in one scale, with the scenario's `currency` ("3,360
 * EUR", "$618 [$600, $638]"); none: the bare amount.
 */
export function moneyWords(xs: readonly number[], currency?: string): string[] {
  return formatTogether(xs, 'currency', undefined, currency !== undefined ? { currency } : undefined);
}

/**
 * The headline's claim for a certified-feasible answer: "meets every constraint to within its
 * indifference zone with 95 % confidence (mean service level ≥ 80 % − 2 pp)". The confidence is
 * for all the certificate's decisions together (Bonferroni over every candidate and constraint).
 */
export function meetsWords(zones: readonly string[], confidence?: string): string {
  return `meets every constraint to within its indifference zone${confidence !== undefined ? ` with ${confidence} confidence` : ''} (${zones.join('; ')})`;
}

/** Why a candidate is undecided, as the certificate's words see it: a tested candidate's reason, or `unchecked` (asked for by no test yet). */
export type UndecidedWhy = 'not-started' | 'budget' | 'cap' | 'interrupted' | 'unchecked';

/**
 * A candidate the budget could have started but the reserve turned away (two-level.ts): of the
 * `left` replications the budget had, `kept` were kept for the certificate of `for` (its
 * cheaper neighbours' first looks or predicted tests at β), too few remained for a first look.
 */
export interface ReserveNote {
  left: number;
  kept: number;
  for: string;
}

/** What the undecided words are made from: the search's budget, n0 and cap, and whether it was interrupted. */
export interface UndecidedContext {
  budget: number;
  n0: number;
  maxReplications: number;
  interrupted?: boolean;
}

/** The words for an undecided candidate, one phrasing per reason (see `undecidedWords`). */
export interface UndecidedWords {
  /** The short mark of a table cell: "not started: budget", "not started: budget kept for the certificate of agents=14", "budget", "cap", "interrupted". */
  tag: (why: UndecidedWhy, reserve?: ReserveNote) => string;
  /** The phrase without a subject, for what a candidate missed: "undecided at its cap of 100 replications". */
  phrase: (why: UndecidedWhy, reserve?: ReserveNote) => string;
  /** The phrase with its candidates as subject, for the summary: "l1-late=1,servers=8 stayed undecided at its cap of 100 replications". */
  sentence: (who: readonly string[], why: UndecidedWhy, reserve?: ReserveNote) => string;
}

/**
 * Why a candidate stayed undecided, in the planner's words: one phrasing per reason, read by the
 * document's explanations and summary (run.ts), the CLI's candidate table (document.ts) and the
 * report (report/search.ts), so they all say the same. The statement covers decisions only.
 */
export function undecidedWords(ctx: UndecidedContext): UndecidedWords {
  const body = (why: UndecidedWhy, many: boolean, reserve?: ReserveNote): { verb: string; text: string } => {
    const its = many ? 'their' : 'its';
    switch (why) {
      case 'not-started':
        return reserve !== undefined
          ? {
              verb: many ? 'were' : 'was',
              text: `not started: the budget's reserve turned ${many ? 'them' : 'it'} away (${reserve.kept >= reserve.left ? `all ${reserve.left} replications left were kept for the certificate of ${reserve.for}, whose share is ${reserve.kept}` : `of the ${reserve.left} replications left, ${reserve.kept} were kept for the certificate of ${reserve.for}; the rest could not pay for ${its} first ${ctx.n0}`})`,
            }
          : { verb: many ? 'were' : 'was', text: `not started: the budget (${ctx.budget} replications) could not pay for ${its} first ${ctx.n0} replications` };
      case 'budget':
        return { verb: many ? 'were still' : 'was still', text: `undecided when the budget (${ctx.budget} replications) ran out` };
      case 'cap':
        return { verb: 'stayed', text: `undecided at ${its} cap of ${ctx.maxReplications} replications` };
      case 'interrupted':
        return { verb: many ? 'were still' : 'was still', text: 'undecided when the search was interrupted' };
      case 'unchecked':
        return { verb: many ? 'were' : 'was', text: `not checked (${ctx.interrupted === true ? 'the search was interrupted' : 'budget'})` };
    }
  };
  return {
    tag: (why, reserve) => (why === 'not-started' ? `not started: ${reserve !== undefined ? `budget kept for the certificate of ${reserve.for}` : 'budget'}` : why === 'unchecked' ? 'not checked' : why),
    phrase: (why, reserve) => body(why, false, reserve).text,
    sentence: (who, why, reserve) => {
      const b = body(why, who.length > 1, reserve);
      return `${who.join(', ')} ${b.verb} ${b.text}`;
    },
  };
}
