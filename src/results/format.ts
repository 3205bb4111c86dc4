/**
 * The one results format. A replication produces a compact `ReplicationRecord`; an
 * experiment aggregates records into a `ResultsDocument` (results.json). The CLI, the
 * worker pool, the report, the server and `opsim compare` all read and write these types.
 * Metric names are stable and documented in docs/results-format.md.
 */

import type { ColumnCatalog, MetricCatalog } from './metrics.js';

/** Version tag written into every results document. */
export const RESULTS_FORMAT = 'opsim-results/1';

/** A per-interval time series: rows of numbers, the first column being the interval start (s). */
export interface Series {
  /** Width of each interval in seconds. */
  intervalSeconds: number;
  /** Column names; columns[0] is always "t". */
  columns: string[];
  /** One row per interval: [t, value of columns[1], ...]. NaN is written as null in JSON. */
  rows: (number | null)[][];
}

/** ITIL incident priorities. */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';

/** One incident's life cycle in a replication (times in simulated seconds; null = never). */
export interface IncidentRecord {
  /** Sequence number within the replication. */
  id: number;
  /** Incident type (from the scenario). */
  type: string;
  /** What caused it: a fault, a failure, a monitor, a false alarm. */
  cause: string;
  priority: Priority;
  /** When the underlying problem began. */
  raisedAt: number;
  /** When monitoring turned it into an incident. */
  detectedAt: number;
  /** When an operator picked it up. */
  acknowledgedAt: number | null;
  /** When it was fixed. */
  resolvedAt: number | null;
  /** The tier that resolved it (L1, L2, L3, vendor). */
  resolvedBy: string | null;
  /** Response target missed. */
  responseBreached: boolean;
  /** Resolution target missed. */
  resolutionBreached: boolean;
}

/** What one replication of one variant produced: compact, no per-request data. */
export interface ReplicationRecord {
  /** Variant name ("base" when the scenario declares none). */
  variant: string;
  /** Replication index, 0-based. */
  replication: number;
  /** Master seed of the run; with `replication` it determines every stream. */
  seed: string;
  /** Scalar metrics by stable name, e.g. "service.inventory.response_time.p95". */
  metrics: Record<string, number>;
  /** Per-interval series for charts. */
  series: Series;
  /** Incidents, in order of detection. */
  incidents: IncidentRecord[];
  /** Events executed by the engine. */
  events: number;
}

/** A replication that threw: enough to report it and rerun it alone. */
export interface FailedReplication {
  variant: string;
  replication: number;
  seed: string;
  error: string;
}

/**
 * Summary of one metric across replications.
 *
 * A statistic that does not exist is NaN in memory and null in results.json (JSON.stringify
 * writes NaN as null; readers of a parsed document turn null back into NaN, see
 * compare.ts `checkResultsDocument`): with n = 0 (no replication observed the metric, e.g.
 * the MTTA of a priority that never occurred) every field but `n` is NaN, never 0; with
 * n = 1 `sd` and `ci95` are NaN (one value gives no spread). Readers check `n` or
 * `Number.isFinite` before using a value.
 */
export interface MetricSummary {
  /** Replications with a finite value. */
  n: number;
  /** NaN (null in JSON) when n = 0. */
  mean: number;
  /** Sample standard deviation; NaN (null in JSON) when n < 2. */
  sd: number;
  /** 95 % confidence interval of the mean (see `method`); [NaN, NaN] (null in JSON) when n < 2. */
  ci95: [number, number];
  /**
   * How `ci95` was formed: 't' (Student t), 'wilson' (a 0/1 verdict: Wilson score interval
   * of the proportion, defined from n = 1), 'bootstrap' (the t interval reached past the
   * metric's feasible range, a sign of a skewed or bounded sample: percentile bootstrap of the
   * mean, n ≥ 5), 't-clipped' (the same with n < 5: the t interval cut to the range; the mean
   * lies in the range, so the cut keeps the coverage). Absent: 't'.
   */
  method?: 't' | 'wilson' | 'bootstrap' | 't-clipped';
  min: number;
  max: number;
  /** Percentiles across replications. */
  p05: number;
  p50: number;
  p95: number;
}

/** Aggregated series across replications: mean and a 95 % band per column. */
export interface SeriesSummary {
  intervalSeconds: number;
  columns: string[];
  mean: (number | null)[][];
  /** Lower band; null where fewer than two replications had a value (no interval). */
  lo: (number | null)[][];
  hi: (number | null)[][];
}

/** A paired comparison of a variant against the reference variant under common random numbers. */
export interface PairedComparison {
  metric: string;
  variant: string;
  reference: string;
  /** Mean of (variant − reference) over replications. */
  meanDifference: number;
  /** t-interval of the mean difference; [NaN, NaN] (null in JSON) when n < 2. */
  ci95: [number, number];
  /** Pairs with a finite value on both sides (at least 1; metrics with none are left out). */
  n: number;
}

/** One variant's results. */
export interface VariantResults {
  name: string;
  /** Field-path overrides that define this variant. */
  overrides: Record<string, unknown>;
  replications: number;
  metrics: Record<string, MetricSummary>;
  series: SeriesSummary | null;
  /** Incidents of the first replication (for the timeline chart). */
  sampleIncidents: IncidentRecord[];
  /** Probability of meeting each SLA across replications (see docs/experiments.md). */
  slaProbabilities?: SlaProbability[];
  /**
   * Every metric's value per replication, aligned with `replications` (null where a
   * replication produced no finite value). Lets `opsim compare` pair runs that share seeds.
   */
  perReplication?: { replications: number[]; metrics: Record<string, (number | null)[]> };
}

/** Probability that a replication meets an SLA, with a Wilson 95 % interval. */
export interface SlaProbability {
  /** The verdict metric: one whose spec has `flag: true` (e.g. `sla.<sla>.met`) and whose values are all exactly 0 or 1. */
  metric: string;
  /** Replications that met it. */
  met: number;
  n: number;
  p: number;
  ci95: [number, number];
}

/** Variants ordered by one metric's mean (rank 1 = best). */
export interface Ranking {
  metric: string;
  direction: 'lower' | 'higher';
  /** Variants with at least one observation of the metric (n = 0 is left out). */
  order: { variant: string; mean: number; ci95: [number, number]; rank: number }[];
}

/**
 * The order a planner reads the variants in (report.html's decision table, `opsim run`'s summary,
 * the dashboard; src/report/decision-order.ts): first by each variant's worst P(met) band over
 * the judged SLAs and service-level targets, then by `ranking`. `ranking` stays by its metric alone.
 */
export interface DecisionOrderRecord {
  /** 'verdict': some variant was judged on an SLA or target, so the band came first; 'ranking': none was, the order is `ranking`'s. */
  by: 'verdict' | 'ranking';
  /** The SLAs and targets judged, in the decision table's column order: each name and its 0/1 verdict metric (as in `slaProbabilities`). */
  judged: { name: string; metric: string }[];
  /**
   * Every variant, best first. `rank`: its place among the ranked variants (1 = best; null when
   * `ranking` leaves it out). `band`: its worst P(met) over `judged`, high (≥ 0.90), middle, low
   * (≤ 0.50); null when it was judged on none.
   */
  order: { variant: string; rank: number | null; band: 'high' | 'middle' | 'low' | null }[];
}

/** Warm-up found automatically from a pilot run (MSER-5 on one series column). */
export interface WarmupDetection {
  method: 'mser5';
  /** Series column the rule was applied to. */
  column: string;
  /** Variant whose pilot replications were averaged. */
  variant: string;
  pilotReplications: number;
  /** Whole intervals discarded. */
  intervals: number;
  /** Warm-up applied to every replication of the run, in seconds. */
  seconds: number;
  /** False when the minimum lay in the second half of the series (run too short to tell). */
  reliable: boolean;
}

/** How sequential stopping ended. */
export interface StoppingReport {
  metric: string;
  /** Target half-width: absolute, or relative to |mean| when `relative`. */
  halfWidth: number;
  relative: boolean;
  maxReplications: number;
  /** Replications per variant actually run. */
  replications: number;
  /** Whether every variant's half-width reached the target. */
  met: boolean;
  /** Achieved half-width per variant (absolute; for metric "key", the widest relative half-width over the key metrics). */
  achieved: Record<string, number>;
}

/** How an SLA's verdict was formed, written into results.json (`ResultsDocument.slas`). */
export interface SlaBasis {
  /** SLA name (metrics are sla.<name>.*). */
  name: string;
  service: string;
  /** Availability target, e.g. 0.999. */
  target: number;
  /** SLA period in seconds (default 30 days). */
  periodSeconds: number;
  /** Observed seconds per replication (horizon minus warm-up). */
  observedSeconds: number;
  /** 'whole-horizon' when the observed span covers the period, else how the shortfall is read (docs/results-format.md). */
  basis: 'whole-horizon' | 'pro-rated' | 'rest-of-period-met';
  /** Downtime the verdict allows, in minutes. */
  budgetMinutes: number;
  /** The rule in one sentence, for the CLI summary and the report. */
  statement: string;
  /** The latency objective that decides a window (seconds; share of requests), when there is one. */
  latency?: { threshold: number; target: number };
}

/** Achieved precision of one key metric of one variant. */
export interface AchievedPrecision {
  variant: string;
  metric: string;
  n: number;
  /** Half-width of the 95 % interval ÷ |mean| (null when the mean is 0 or there is no interval). */
  relativeHalfWidth: number | null;
  /** Replications per variant the target would need, estimated as n × (achieved ÷ target)² (null when met or unknown). */
  replicationsNeeded: number | null;
}

/** How precisely the key metrics were estimated, against a relative half-width target. */
export interface PrecisionReport {
  /** Target relative half-width of the 95 % interval (0.05 = ±5 %). */
  target: number;
  /** Whether every key metric of every variant reached it. */
  met: boolean;
  achieved: AchievedPrecision[];
}

/** Something a reader of the figures must know: too few replications, an event that never occurred, a clipped interval, an imprecise key metric. */
export interface ResultsWarning {
  kind: 'small-n' | 'never-observed' | 'never-occurred' | 'clipped' | 'imprecise';
  /** The variant concerned (absent: every variant). */
  variant?: string;
  /** The metric concerned (absent: the variant as a whole). */
  metric?: string;
  message: string;
}

/**
 * A warning about the scenario as planned (a service or team offered at least the work it can
 * do, a flow outside its validated region): what `opsim validate` and `opsim run` print, located
 * where the planner would change it. It never stopped the run.
 */
export interface ScenarioWarningRecord {
  /** The scenario file as the run named it (null for a scenario given as text, e.g. over HTTP). */
  file: string | null;
  /** Line and column (1-based) of the field in `file`, null when not known. */
  line: number | null;
  column: number | null;
  /** The field it concerns: a variant's own setting (`experiment.variants.list[1].set["services.s.servers"]`) when the variant set the value. */
  path: string;
  /** What holds, tagged with the variants it holds in ("in variant small: …") when the scenario has variants. */
  message: string;
}

/** results.json */
export interface ResultsDocument {
  format: typeof RESULTS_FORMAT;
  opsimVersion: string;
  scenario: { name: string; file: string | null; hash: string };
  seed: string;
  horizonSeconds: number;
  warmupSeconds: number;
  /** False when the run was interrupted or some replications failed. */
  complete: boolean;
  variants: VariantResults[];
  comparisons: PairedComparison[];
  failures: FailedReplication[];
  /** Field-path overrides applied to every variant (`--set`, `--horizon`), when any. */
  overrides?: Record<string, unknown>;
  /** Name of the reference variant of `comparisons`. */
  reference?: string;
  /** Replications per variant asked for (before sequential stopping or `--only`). */
  replicationsRequested?: number;
  /** Set when only some (variant, replication) pairs were run (`--only`). */
  only?: { variant: string; replication: number }[];
  ranking?: Ranking;
  /** The decision order (every document this version writes has it; one written before lacks it, and readers then derive it as report.html does). */
  decisionOrder?: DecisionOrderRecord;
  warmupDetection?: WarmupDetection;
  stopping?: StoppingReport;
  /** True when the run was stopped by a signal or an abort before finishing. */
  interrupted?: boolean;
  /** Achieved precision of the key metrics (docs/results-format.md, "Intervals and warnings"). */
  precision?: PrecisionReport;
  /** Warnings about the figures (docs/results-format.md, "Intervals and warnings"). */
  warnings?: ResultsWarning[];
  /** Warnings about the scenario as planned, one per field and words (docs/results-format.md, "Intervals and warnings"); absent when there are none. */
  scenarioWarnings?: ScenarioWarningRecord[];
  /** How each service SLA's verdict (`sla.<name>.met`, attainment, error budget) was formed. */
  slas?: SlaBasis[];
  /** The scenario's `currency` (e.g. "EUR"), written with every money figure; absent when the scenario sets none. */
  currency?: string;
  /** What every metric in the document means (unit, direction, verdict, feasible range, key order). */
  metrics?: MetricCatalog;
  /** What every series column means. */
  columns?: ColumnCatalog;
}
