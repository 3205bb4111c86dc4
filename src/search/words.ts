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
  /** Figures read together (an estimate, its interval, the bound) in the metric's unit and one scale; a chance constraint's are shares of periods. */
  figures: (xs: readonly number[]) => string[];
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
  if (c.kind === 'chance') return { ...common, figures: (xs) => xs.map((x) => percent(x)), delta: (x) => percent(x) };
  return { ...common, figures: (xs) => formatTogether(xs, unit), delta: (x) => formatValue(x, unit === 'clock_seconds' ? 'seconds' : unit) };
}
