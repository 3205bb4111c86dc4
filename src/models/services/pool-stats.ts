/**
 * What a service pool's statistics measure the same way at both fidelities (stats.ts: one
 * record per request; flow/stats.ts: counts per step): the latency objective's windows, server
 * and capacity availability, the latency thresholds other models track, per-backend sums, the
 * per-interval series row, and the metrics and columns they publish under one set of names.
 * What differs stays with each: how response times are held (a log histogram, or a mixture
 * of the regimes seen), and waits, utilisation and queue length (from the pool's Resources,
 * or from each step's sums).
 */
import { TimeWeighted, type Simulation } from '../../engine/index.js';
import type { MetricSpec } from '../../results/metrics.js';
import type { World } from '../kernel/world.js';
import { SERVICE_COLUMNS, SERVICE_METRICS } from './metrics.js';
import type { ServiceSpec } from './schema.js';

/** The pool as the shared statistics read it. */
export interface PoolStatsSubject {
  readonly name: string;
  readonly servers: number;
  readonly spec: ServiceSpec;
  /** Arrival-rate profiles sent to the pool, and pools calling it (both empty: no demand). */
  readonly demand: readonly unknown[];
  readonly callers: readonly unknown[];
  /** Maximum throughput the available servers could sustain now. */
  capacityRate(): number;
  /** Offered rate of new requests at time t. */
  demandRate(t: number): number;
}

/**
 * The latency objective (`latencyObjective`): successes within its threshold since the reset,
 * and its windows, each met when that share of the window's finished requests (successes and
 * failures) reaches the target. Counts may be fractional (flow level).
 */
export class ObjectiveWindows {
  /** The objective's threshold in seconds (-1: none) and target share. */
  readonly threshold: number;
  readonly target: number;
  /** Successes within the threshold since the reset. */
  under = 0;
  private winUnder = 0;
  private winTotal = 0;
  private count = 0;
  private met = 0;
  /** Pending end of the current window (-1: none) and the window length. */
  private event = -1;
  private length = 0;

  /** `before` brings the statistics up to date before a window is judged (pending successes, the flow). */
  constructor(
    private readonly sim: Simulation,
    spec: ServiceSpec,
    private readonly before: () => void,
  ) {
    this.threshold = spec.latencyObjective?.threshold ?? -1;
    this.target = spec.latencyObjective?.target ?? 1;
  }

  /** `n` successes finished, `under` of them within the threshold. */
  succeeded(n: number, under: number): void {
    this.winTotal += n;
    this.under += under;
    this.winUnder += under;
  }

  /** `n` requests failed for good. */
  failed(n: number): void {
    this.winTotal += n;
  }

  /** Successes slower than the objective out of `ok` (0 without an objective). */
  slow(ok: number): number {
    return this.threshold > 0 ? ok - this.under : 0;
  }

  /** The objective declared by the scenario, if any. */
  objective(): { threshold: number; target: number } | null {
    return this.threshold > 0 ? { threshold: this.threshold, target: this.target } : null;
  }

  private readonly onWindow = (window: number): void => {
    this.before();
    this.count++;
    if (this.winTotal === 0 || this.winUnder / this.winTotal >= this.target) this.met++;
    this.winTotal = 0;
    this.winUnder = 0;
    this.event = this.sim.schedule(window, this.onWindow, window);
  };

  /** Restarts at the end of warm-up: the window open then would judge warm-up requests, so the grid is realigned to the reset. */
  reset(): void {
    this.under = 0;
    this.count = 0;
    this.met = 0;
    this.winTotal = 0;
    this.winUnder = 0;
    if (this.event >= 0) {
      this.sim.cancel(this.event);
      this.event = this.sim.schedule(this.length, this.onWindow, this.length);
    }
  }

  /** Publishes the objective's metrics and starts its windows (when the scenario declares one); `finished` counts successes and failures. */
  register(metric: (spec: MetricSpec, f: () => number) => void, spec: ServiceSpec, finished: () => number): void {
    if (spec.latencyObjective === undefined) return;
    const window = spec.latencyObjective.window;
    metric(SERVICE_METRICS.latencyObjectiveMet, () => (finished() > 0 ? this.under / finished() : 1));
    metric(SERVICE_METRICS.availabilityLatency, () => (this.count > 0 ? this.met / this.count : 1));
    this.length = window;
    this.event = this.sim.schedule(window, this.onWindow, window);
  }
}

/**
 * The spells in which a service had no server able to serve, kept as little as answers "was
 * there one, of positive length, in (from, now]?": the one in progress and the end of the last
 * one (an earlier one ended earlier still). What an SLA window asks, at its end or a switch.
 */
export class NoServerSpells {
  /** Since when no server has been able to serve (NaN while one can). */
  private from = NaN;
  /** When the last spell of positive length ended (−∞: none yet). */
  private until = -Infinity;

  /** The number of servers able to serve is `n` from `now` on. */
  note(now: number, n: number): void {
    if (n <= 0) {
      if (Number.isNaN(this.from)) this.from = now;
    } else if (!Number.isNaN(this.from)) {
      if (now > this.from) this.until = now;
      this.from = NaN;
    }
  }

  /** True when a spell without a server overlaps (from, now] for a positive time. */
  since(from: number, now: number): boolean {
    if (this.until > from) return true;
    return !Number.isNaN(this.from) && now > Math.max(from, this.from);
  }
}

/** Servers able to serve (time-weighted, and whether at least `minServers`) and capacity against demand on the TICK grid. */
export class ServerAvailability {
  private readonly level: TimeWeighted;
  private readonly enough: TimeWeighted;
  private readonly minServers: number;
  private ticks = 0;
  private met = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly pool: PoolStatsSubject,
  ) {
    const n = pool.servers;
    this.minServers = pool.spec.minServers ?? 0;
    this.level = new TimeWeighted(n, sim.now);
    this.enough = new TimeWeighted(n >= this.minServers ? 1 : 0, sim.now);
  }

  /** The number of servers able to serve changed to `n`. */
  note(now: number, n: number): void {
    this.level.update(now, n);
    this.enough.update(now, n >= this.minServers ? 1 : 0);
  }

  /** A capacity check at `now`; false when nothing ever arrives (capacity trivially covers demand: the checks may stop). */
  check(now: number): boolean {
    if (this.pool.demand.length === 0 && this.pool.callers.length === 0) return false;
    this.ticks++;
    if (this.pool.capacityRate() >= this.pool.demandRate(now)) this.met++;
    return true;
  }

  /** Restarts at the end of warm-up. */
  reset(now: number): void {
    this.level.reset(now);
    this.enough.reset(now);
    this.ticks = 0;
    this.met = 0;
  }

  /** Publishes servers available, capacity availability and (with minServers) server availability. */
  register(metric: (spec: MetricSpec, f: () => number) => void): void {
    const S = SERVICE_METRICS;
    metric(S.serversAvailable, () => this.level.mean(this.sim.now));
    metric(S.availabilityCapacity, () => (this.ticks > 0 ? this.met / this.ticks : 1));
    if (this.pool.spec.minServers !== undefined) metric(S.availabilityServers, () => this.enough.mean(this.sim.now));
  }
}

/** Running totals of a service's requests: finished (successes and failures), failed, and successes slower than a threshold. */
export interface RequestTotals {
  finished: number;
  failed: number;
  slow: number;
}

/**
 * The requests a failover diverted to this pool (its standby), told apart by the pool they were
 * sent to (their origin): each origin is a load class of its own at this pool, with no metric,
 * so its successes fall in the class sums `fold` keeps anyway; here its failures and its
 * successes slower than each tracked threshold. Origins are added while the replication runs
 * (the first diverted request of each), after every load class of the pool's own.
 */
export class DivertedIn {
  /** Class index of the first origin (−1: none yet: nothing ever diverted here). */
  first = -1;
  private readonly failed: number[] = [];
  /** Per origin, slow successes per tracked threshold id. */
  private readonly slow: Float64Array[] = [];

  /** Registers an origin whose class index is `cls` (the next class); returns it. */
  add(cls: number): number {
    if (this.first < 0) this.first = cls;
    this.failed.push(0);
    this.slow.push(new Float64Array(0));
    return cls;
  }

  /** A request of class `cls` failed for good: counted when it is an origin's. */
  noteFailed(cls: number): void {
    const o = cls - this.first;
    if (this.first >= 0 && o >= 0) this.failed[o]!++;
  }

  /** Counts the origins' slow successes among `n` pending ones (classes `cls`, response times `rts`). */
  fold(n: number, cls: Int32Array, rts: Float64Array, limits: Float64Array): void {
    for (let k = 0; k < n; k++) {
      const o = cls[k]! - this.first;
      if (o < 0) continue;
      let slow = this.slow[o]!;
      if (slow.length < limits.length) {
        const grown = new Float64Array(limits.length);
        grown.set(slow);
        this.slow[o] = slow = grown;
      }
      const rt = rts[k]!;
      for (let i = 0; i < limits.length; i++) if (rt > limits[i]!) slow[i]!++;
    }
  }

  /** Totals of origin `o` (its successes `ok` from the class sums), slow against threshold `id` (−1: none). */
  totals(o: number, ok: number, id: number): RequestTotals {
    const failed = this.failed[o]!;
    return { finished: ok + failed, failed, slow: id < 0 ? 0 : (this.slow[o]![id] ?? 0) };
  }

  /** Number of origins. */
  get size(): number {
    return this.failed.length;
  }

  /** Restarts the counts at the end of warm-up. */
  reset(): void {
    this.failed.fill(0);
    for (const s of this.slow) s.fill(0);
  }
}

/** Latency thresholds registered by other models (SLAs), and the successes slower than each since the reset. */
export class TrackedThresholds {
  /** The thresholds (s) and their slow successes, by id; replaced (not grown in place) when one is added. */
  limits = new Float64Array(0);
  slow = new Float64Array(0);

  constructor(private readonly service: string) {}

  /** Registers a threshold (or finds it); returns its id. */
  add(seconds: number): number {
    if (!(seconds >= 0)) throw new RangeError(`service ${this.service}: latency threshold must be ≥ 0, got ${seconds}`);
    const i = this.limits.indexOf(seconds);
    if (i >= 0) return i;
    const n = this.limits.length + 1;
    const limits = new Float64Array(n);
    limits.set(this.limits);
    limits[n - 1] = seconds;
    const slow = new Float64Array(n);
    slow.set(this.slow);
    this.limits = limits;
    this.slow = slow;
    return n - 1;
  }

  /** Successes slower than threshold `id` since the reset. */
  slowerThan(id: number): number {
    const v = this.slow[id];
    if (v === undefined) throw new RangeError(`service ${this.service}: no tracked threshold ${id}`);
    return v;
  }
}

/** Running totals an interval row is the difference of: arrivals, successes, failures, response-time sum, busy and capacity unit-seconds. */
export interface IntervalTotals {
  arrivals: number;
  ok: number;
  failed: number;
  rt: number;
  busy: number;
  capacity: number;
}

/** The pool's row of the per-interval series, from the running totals at the interval's end and at its start. */
export class IntervalRow {
  private snap: IntervalTotals = { arrivals: 0, ok: 0, failed: 0, rt: 0, busy: 0, capacity: 0 };
  private readonly row = { arrivals: 0, rtMean: NaN, rtP95: NaN, util: NaN, failed: NaN };

  /** Computes the row of [start, end) from the totals `now`; `p95(ok)` is the interval's 95th percentile of `ok` successes. */
  close(start: number, end: number, now: IntervalTotals, p95: (ok: number) => number): void {
    const span = end - start;
    const s = this.snap;
    const ok = now.ok - s.ok;
    const failed = now.failed - s.failed;
    this.row.arrivals = span > 0 ? (now.arrivals - s.arrivals) / span : NaN;
    this.row.rtMean = ok > 0 ? (now.rt - s.rt) / ok : NaN;
    this.row.rtP95 = p95(ok);
    this.row.util = now.capacity - s.capacity > 0 ? (now.busy - s.busy) / (now.capacity - s.capacity) : NaN;
    this.row.failed = ok + failed > 0 ? failed / (ok + failed) : NaN;
    this.snap = now;
  }

  /** The busy and capacity integrals restarted at the end of warm-up; the snapshot follows them. */
  rebase(busy: number, capacity: number): void {
    this.snap.busy = busy;
    this.snap.capacity = capacity;
  }

  /** Registers the pool's series columns; the first (arrivals) calls `close(start, end)`, which computes the row. */
  register(recorder: World['recorder'], service: string, close: (start: number, end: number) => void): void {
    const C = SERVICE_COLUMNS;
    recorder.column(C.arrivals, { service }, (a, b) => {
      close(a, b);
      return this.row.arrivals;
    });
    recorder.column(C.rtMean, { service }, () => this.row.rtMean);
    recorder.column(C.rtP95, { service }, () => this.row.rtP95);
    recorder.column(C.utilisation, { service }, () => this.row.util);
    recorder.column(C.failedFraction, { service }, () => this.row.failed);
  }
}

/** The figures each fidelity computes its own way, read after `before` has brought its statistics up to date. */
export interface PoolFigures {
  /** Seconds since the reset. */
  span(): number;
  requests(): number;
  ok(): number;
  failed(): number;
  timedOut(): number;
  rtMean(): number;
  rtQuantile(q: number): number;
  waitMean(): number;
  /** Blocked share and wait probability (published when the pool has a queue capacity and these are given). */
  blockedFraction?(): number;
  waitProbability?(): number;
  utilisation(): number;
  queueMean(): number;
}

/** Response-time sums and successes per backend (balanced mode). */
export interface BackendSums {
  readonly rt: Float64Array;
  readonly ok: Float64Array;
}

/**
 * Publishes a pool's metrics in one order at both fidelities: counts, response times, waits,
 * failures, utilisation and queue, availability, the latency objective (starting its windows),
 * then per backend when `backends` is given. Every metric calls `before` first.
 */
export function registerPoolMetrics(
  world: World,
  pool: PoolStatsSubject,
  before: () => void,
  f: PoolFigures,
  parts: { availability: ServerAvailability; objective: ObjectiveWindows; backends: BackendSums | null },
): void {
  const name = pool.name;
  const spec = pool.spec;
  const m = (s: MetricSpec, read: () => number): void =>
    world.recorder.metric(s, { service: name }, () => {
      before();
      return read();
    });
  const S = SERVICE_METRICS;
  m(S.requests, () => f.requests());
  m(S.throughput, () => (f.span() > 0 ? f.ok() / f.span() : 0));
  m(S.rtMean, () => f.rtMean());
  m(S.rtP50, () => f.rtQuantile(0.5));
  m(S.rtP95, () => f.rtQuantile(0.95));
  m(S.rtP99, () => f.rtQuantile(0.99));
  m(S.waitMean, () => f.waitMean());
  m(S.failedFraction, () => (f.ok() + f.failed() > 0 ? f.failed() / (f.ok() + f.failed()) : 0));
  m(S.timedOut, () => f.timedOut());
  if (spec.queueCapacity !== undefined && f.blockedFraction !== undefined && f.waitProbability !== undefined) {
    m(S.blockedFraction, () => f.blockedFraction!());
    m(S.waitProbability, () => f.waitProbability!());
  }
  m(S.utilisation, () => f.utilisation());
  m(S.queueMean, () => f.queueMean());
  parts.availability.register(m);
  parts.objective.register(m, spec, () => f.ok() + f.failed());
  const b = parts.backends;
  if (b !== null) {
    for (let i = 0; i < pool.servers; i++) {
      world.recorder.metric(S.backendRtMean, { service: name, backend: i }, () => {
        before();
        return b.ok[i]! > 0 ? b.rt[i]! / b.ok[i]! : NaN;
      });
      world.recorder.metric(S.backendShare, { service: name, backend: i }, () => {
        before();
        return f.ok() > 0 ? b.ok[i]! / f.ok() : 0;
      });
    }
  }
}
