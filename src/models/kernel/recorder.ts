/**
 * The recorder collects what a replication reports: scalar metrics computed at the end, and
 * time-series columns sampled at the end of every interval. Models register producers; no
 * model writes result-assembly code, and nothing is stored per request.
 *
 * Every metric and column is registered with the spec that says what it means (unit,
 * direction, range, …), so the catalog of a scenario's concrete names is known as soon as its
 * models are built, before anything runs (see `metricCatalog` in replication.ts).
 */
import type { Simulation } from '../../engine/index.js';
import type { Series } from '../../results/format.js';
import { fillTemplate, type ColumnCatalog, type ColumnSpec, type Labels, type FeasibleRange, type MetricCatalog, type MetricSpec } from '../../results/metrics.js';

/** Produces a column's value for the interval [start, end). */
export type ColumnSampler = (start: number, end: number) => number;

// Sampling runs after every other event at the interval boundary, so a column sees the
// state at the end of the interval.
const SAMPLE_PRIORITY = 1000;

/**
 * A declared range whose upper bound is the horizon, or lower bound the warm-up's end, with those
 * bounds resolved for this run. The `hiAtHorizon` flag stays: a catalog of several variants
 * (metricCatalog) keeps the longest horizon's bound, and each variant's intervals are cut at its
 * own (applyMetricSpecs); `loAtWarmup` is resolved here and dropped (the catalog keeps the
 * earliest warm-up, which holds for every variant).
 */
function withHorizon(r: FeasibleRange, horizon: number, warmup: number): FeasibleRange {
  const { loAtWarmup, ...rest } = r;
  return { ...rest, ...(loAtWarmup === true ? { lo: Math.max(r.lo ?? -Infinity, warmup) } : {}), ...(r.hiAtHorizon === true ? { hi: Math.min(r.hi ?? Infinity, horizon) } : {}) };
}

export class Recorder {
  private readonly metricProducers = new Map<string, () => number>();
  private readonly metricSpecs: MetricCatalog = {};
  private readonly columns: { name: string; spec: ColumnSpec; sample: ColumnSampler }[] = [];
  private readonly rows: (number | null)[][] = [];
  private lastSample: number;
  private started = false;

  /** `interval` is the series step in seconds; sampling stops at `horizon`; `warmup` is when the measured period starts. */
  constructor(readonly sim: Simulation, readonly interval: number, readonly horizon: number, readonly warmup = 0) {
    if (!(interval > 0)) throw new RangeError(`recorder interval must be > 0, got ${interval}`);
    this.lastSample = sim.now;
  }

  /**
   * Registers a scalar metric, computed once when the replication ends: its name is the
   * spec's template filled with `labels`. Names must be unique.
   */
  metric(spec: MetricSpec, labels: Labels, compute: () => number): void {
    const name = fillTemplate(spec.name, labels);
    if (this.metricProducers.has(name)) throw new Error(`metric "${name}" registered twice`);
    this.metricProducers.set(name, compute);
    this.metricSpecs[name] = spec.range?.hiAtHorizon === true || spec.range?.loAtWarmup === true ? { ...spec, range: withHorizon(spec.range, this.horizon, this.warmup) } : spec;
  }

  /** Registers a time-series column named by the spec's template and `labels`. Register all columns before `start`. */
  column(spec: ColumnSpec, labels: Labels, sample: ColumnSampler): void {
    const name = fillTemplate(spec.name, labels);
    if (this.started) throw new Error(`column "${name}" registered after sampling started`);
    if (name === 't' || this.columns.some((c) => c.name === name)) throw new Error(`column "${name}" registered twice`);
    this.columns.push({ name, spec, sample });
  }

  /** What every registered metric and column means, by concrete name (metrics sorted by name, columns in series order). */
  catalog(): { metrics: MetricCatalog; columns: ColumnCatalog } {
    const metrics: MetricCatalog = {};
    for (const name of Object.keys(this.metricSpecs).sort()) metrics[name] = this.metricSpecs[name]!;
    const columns: ColumnCatalog = {};
    for (const c of this.columns) columns[c.name] = c.spec;
    return { metrics, columns };
  }

  /** Starts interval sampling (the runner calls this once all models are built). */
  start(): void {
    this.started = true;
    this.lastSample = this.sim.now;
    this.scheduleNext();
  }

  /** Discards rows recorded so far (end of warm-up). */
  resetSeries(): void {
    this.rows.length = 0;
  }

  /** Closes the last partial interval and evaluates every metric. */
  finish(): { metrics: Record<string, number>; series: Series } {
    const now = this.sim.now;
    if (now > this.lastSample + 1e-9) this.sampleRow(this.lastSample, now);
    const metrics: Record<string, number> = {};
    for (const name of [...this.metricProducers.keys()].sort()) metrics[name] = this.metricProducers.get(name)!();
    return {
      metrics,
      series: { intervalSeconds: this.interval, columns: ['t', ...this.columns.map((c) => c.name)], rows: this.rows },
    };
  }

  private scheduleNext(): void {
    const next = this.lastSample + this.interval;
    if (next > this.horizon + 1e-9) return;
    this.sim.scheduleAt(next, (r: Recorder) => r.onInterval(), this, SAMPLE_PRIORITY);
  }

  private onInterval(): void {
    const start = this.lastSample;
    const end = this.sim.now;
    this.sampleRow(start, end);
    this.lastSample = end;
    this.scheduleNext();
  }

  private sampleRow(start: number, end: number): void {
    const row: (number | null)[] = [start];
    for (const c of this.columns) {
      const v = c.sample(start, end);
      row.push(Number.isFinite(v) ? v : null);
    }
    this.rows.push(row);
  }
}
