/**
 * What a metric means, declared by the model that records it: its unit, which way is better,
 * whether it is a 0/1 verdict, which values are possible and where it stands in the planner's
 * summary. The catalog of specs is written into results.json (`ResultsDocument.metrics`), so
 * the report, `opsim compare`, the CLI summary, the dashboard and the interval code read what a
 * metric means from the document instead of guessing it from its name.
 *
 * This file is the contract between the producers (models, through the recorder) and the
 * consumers (experiment statistics, report, compare, dashboard). It imports nothing.
 */

/** Units a metric or a series column can carry. */
export type Unit =
  | 'seconds'
  | 'minutes'
  | 'hours'
  | 'fraction'
  | 'count'
  | 'per_second'
  | 'watts'
  | 'kilowatts'
  | 'kWh'
  | 'celsius'
  | 'currency'
  | 'clock_seconds';

/** Which way a metric improves; neutral metrics (load, counts of arrivals) are never a regression on their own. */
export type Better = 'lower' | 'higher' | 'neutral';

/** The values a metric can take; intervals never leave it. */
export interface FeasibleRange {
  /** Smallest possible value (absent: unbounded below). */
  readonly lo?: number;
  /** Largest possible value (absent: unbounded above). */
  readonly hi?: number;
  /**
   * The largest possible value is the run's horizon (a clock time of an event inside the run).
   * The recorder resolves it as `hi` and keeps the flag; in results.json `hi` is the longest
   * variant's horizon (a bound for every variant), and each variant's own bound is its horizon
   * (`VariantResults.horizonSeconds`, else the document's `horizonSeconds`).
   */
  readonly hiAtHorizon?: true;
  /**
   * In a model's declaration: the smallest possible value is the end of the warm-up (a clock time
   * of an event in the measured period: nothing before it is measured). The recorder writes it as
   * `lo` in the run's catalog, as `hiAtHorizon`.
   */
  readonly loAtWarmup?: true;
}

/**
 * A chart of report.html a metric or series column is drawn on. The model that declares the
 * metric says where it belongs; the report owns how each chart looks. A column or metric
 * without a chart is still in the tables, CSV and dashboard.
 *  - series columns: 'load' (arrivals), 'response_time_p95', 'utilisation', 'temperature'
 *    (with the spec's reference bands), 'open_incidents', 'operators', 'sla_windows' (one chart
 *    per SLA);
 *  - metrics: 'sla_attainment' (attainment by variant, and the cost-vs-SLA chart), 'mttr'
 *    (mean time to resolve by priority).
 */
export const CHART_IDS = ['load', 'response_time_p95', 'utilisation', 'temperature', 'open_incidents', 'operators', 'sla_windows', 'sla_attainment', 'mttr'] as const;

/** A report chart's id (see CHART_IDS). */
export type ChartId = (typeof CHART_IDS)[number];

/**
 * The part a metric plays in the verdict of one SLA, for consumers that show verdicts (the
 * decision report): 'met' (the 0/1 verdict of the SLA's period), 'error_budget_used' (breach
 * minutes ÷ budget minutes), 'first_breach' (clock time of the first bad window),
 * 'breach_minutes' (minutes in bad windows). The SLA is the one named by the template's
 * `<sla>` label (SLA_LABEL).
 */
export const SLA_ROLES = ['met', 'error_budget_used', 'first_breach', 'breach_minutes'] as const;

/** A metric's role in an SLA's verdict (see SLA_ROLES). */
export type SlaRole = (typeof SLA_ROLES)[number];

/** The name-template label that holds the SLA's name in a spec with an `sla` role. */
export const SLA_LABEL = 'sla';

/** What one metric means. */
export interface MetricSpec {
  /**
   * Name template with labels in angle brackets, e.g. 'service.<service>.response_time.p95'.
   * The concrete names in results.json are this template with the labels filled in.
   */
  readonly name: string;
  /**
   * A short planner-facing name for tables and summaries, a template with (some of) the
   * labels of `name`, e.g. '<priority> incident targets met' for
   * 'incidents.<priority>.targets_met'. Absent: readers show the name itself.
   */
  readonly label?: string;
  /** Unit of the values. */
  readonly unit: Unit;
  /** Which way is better. */
  readonly better: Better;
  /** A 0/1 per-replication verdict: aggregated as a probability with a Wilson or Clopper–Pearson interval. */
  readonly flag?: boolean;
  /** What values are possible (e.g. 0..1 for a share, ≥ 0 for a time): intervals never leave it. */
  readonly range?: FeasibleRange;
  /** Position in the planner's summary (1 = first); absent = not a key metric. */
  readonly key?: number;
  /** The report chart it is drawn on (absent: tables only). */
  readonly chart?: ChartId;
  /** Its role in the verdict of the SLA its `<sla>` label names (absent: none). */
  readonly sla?: SlaRole;
  /** One line for docs/results-format.md. */
  readonly doc: string;
}

/** What one time-series column means. */
export interface ColumnSpec {
  /** Column name template with labels, e.g. 'room.<room>.temperature'. */
  readonly name: string;
  readonly unit: Unit;
  readonly better: Better;
  readonly range?: FeasibleRange;
  /** Reference bands drawn under the series (e.g. ASHRAE's recommended envelope), owned by the model. */
  readonly bands?: readonly { readonly lo: number; readonly hi: number; readonly label: string }[];
  /** The report chart it is drawn on (absent: series CSV and dashboard only). */
  readonly chart?: ChartId;
  /** Words added to the label values in the chart's legend (e.g. 'on shift' after the team's name). */
  readonly legend?: string;
  /** What a row's value describes: `'at-end'` the level at the interval's end (t + interval); absent, the interval [t, t + interval) (a time-average, rate, share or percentile over it). */
  readonly sampled?: 'at-end';
  readonly doc: string;
}

/**
 * The catalog written into results.json: every concrete metric name that occurs in the
 * document, mapped to its spec (the spec's `name` keeps the template).
 */
export type MetricCatalog = Record<string, MetricSpec>;

/** The same for series columns. */
export type ColumnCatalog = Record<string, ColumnSpec>;

/** Label values that fill a name template's `<label>` slots, e.g. `{ service: 'web' }`. */
export type Labels = Readonly<Record<string, string | number>>;

/** The labels a template names, in order of appearance: 'sla.<sla>.met' → ['sla']. */
export function templateLabels(template: string): string[] {
  return [...template.matchAll(/<([a-z_]+)>/g)].map((m) => m[1]!);
}

/**
 * The concrete name of a template with its labels filled in. Every label the template names
 * must be given and no other, so a spec and its registration cannot drift apart silently.
 */
export function fillTemplate(template: string, labels: Labels): string {
  const names = templateLabels(template);
  const given = Object.keys(labels);
  const missing = names.filter((n) => !(n in labels));
  const extra = given.filter((n) => !names.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`"${template}": labels ${JSON.stringify(labels)} do not fit (missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'})`);
  }
  return template.replace(/<([a-z_]+)>/g, (_, n: string) => String(labels[n]));
}

/**
 * The label values of a concrete name made from `template`, or null when the name is not an
 * instance of it: 'service.<service>.utilisation' and 'service.web.utilisation' give
 * `{ service: 'web' }`. The template's literal text must match exactly; a label takes the
 * shortest non-empty text up to the next literal piece (the last label takes the rest before
 * the closing literal). This reads names through their specs instead of guessing them.
 */
export function templateMatch(template: string, name: string): Record<string, string> | null {
  // Most names do not start with a template's literal text: pass over those before splitting it.
  const lead = template.search(/<[a-z_]+>/);
  if (!name.startsWith(lead < 0 ? template : template.slice(0, lead))) return null;
  const labels = templateLabels(template);
  const pieces = template.split(/<[a-z_]+>/);
  const out: Record<string, string> = {};
  if (!name.startsWith(pieces[0]!)) return null;
  let at = pieces[0]!.length;
  for (let i = 0; i < labels.length; i++) {
    const next = pieces[i + 1]!;
    const last = i === labels.length - 1;
    const end = last ? name.length - next.length : next === '' ? -1 : name.indexOf(next, at + 1);
    if (end <= at || (last && !name.endsWith(next))) return null;
    out[labels[i]!] = name.slice(at, end);
    at = end + next.length;
  }
  return labels.length === 0 ? (name === template ? out : null) : at === name.length ? out : null;
}

/**
 * What a planner reads for the concrete metric `name`: the spec's `label` template filled with
 * the label values `name` gives its `name` template ('incidents.P1.targets_met' under
 * '<priority> incident targets met' reads 'P1 incident targets met'), else the name itself
 * (no spec, no label, or a name that is not an instance of the spec's template).
 */
export function metricLabel(spec: Pick<MetricSpec, 'name' | 'label'> | undefined, name: string): string {
  if (spec?.label === undefined) return name;
  const values = templateMatch(spec.name, name);
  if (values === null) return name;
  const want = templateLabels(spec.label);
  if (want.some((l) => !(l in values))) return name;
  return spec.label.replace(/<([a-z_]+)>/g, (_, n: string) => values[n]!);
}

/** The metrics of one SLA's verdict, by role (concrete metric names). */
export type SlaMetrics = Partial<Record<SlaRole, string>>;

/**
 * The metrics of every SLA in a catalog, by SLA name and role, read from the specs: a spec with
 * an `sla` role contributes its concrete metric under the value of its `<sla>` label. No metric
 * name is parsed by a pattern of its own; names are read through their specs' templates.
 */
export function slaMetrics(catalog: MetricCatalog): Map<string, SlaMetrics> {
  const out = new Map<string, SlaMetrics>();
  for (const name of Object.keys(catalog).sort()) {
    const spec = catalog[name]!;
    if (spec.sla === undefined) continue;
    const sla = templateMatch(spec.name, name)?.[SLA_LABEL];
    if (sla === undefined) continue;
    const roles = out.get(sla) ?? {};
    roles[spec.sla] = name;
    out.set(sla, roles);
  }
  return out;
}
