/**
 * Statistics of one service pool: response times, failures, the latency objective and its
 * windows, capacity availability (capacity against demand, sampled every TICK), server
 * availability, per-class and per-backend sums, and the per-interval series. Everything here
 * restarts at the end of warm-up; `register` publishes it as metrics and series columns.
 */
import { TimeWeighted, type Resource, type Simulation } from '../../engine/index.js';
import type { ServiceSpec } from './schema.js';
import { COARSE, fineIndexOfHigh, fineToCoarse, LogHistogram, SlidingWindow } from './histogram.js';

const FINE = LogHistogram.buckets;
/** Successes held before they are folded into the statistics (see recordOk). */
const BATCH = 256;
import { TICK } from '../kernel/timing.js';
import type { World } from '../kernel/world.js';
import type { MetricSpec } from '../../results/metrics.js';
import { SERVICE_COLUMNS, SERVICE_METRICS } from './metrics.js';
import type { RequestRecords } from './requests.js';

/** What the statistics read from their pool (ServicePool provides it). */
export interface StatsSubject {
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
  /** Busy units integrated over time since the last statistics reset. */
  busyIntegral(): number;
  /** Units in service (capacity) integrated over time since the last statistics reset. */
  capacityIntegral(): number;
}

/** Counters, tallies and objective windows of one service pool. */
export class ServiceStats {
  private readonly sim: Simulation;
  private readonly pool: StatsSubject;
  /** The pool's queues: one shared Resource, or one per backend (shared is then null). */
  private readonly shared: Resource | null;
  private readonly backends: readonly Resource[];

  private resetAt = 0;
  private requests = 0;
  private okCount = 0;
  private failedCount = 0;
  private timedOut = 0;
  // Attempts that reached a queue: blocked (queue full), admitted, and admitted but queued.
  private blocked = 0;
  private admittedCount = 0;
  private queuedCount = 0;
  /**
   * Successes since the reset and their mean response time (element 0), updated as a Tally
   * would (Welford) but only the mean, the one figure read; kept by `fold` in locals.
   */
  private rtCount = 0;
  private readonly rtMean = new Float64Array(1);
  private readonly fine = new LogHistogram();
  /** Recent history; read it through `recent()`, which folds the pending successes in first. */
  private readonly window = new SlidingWindow();
  private readonly availLevel: TimeWeighted;
  private readonly enoughServers: TimeWeighted;
  private readonly minServers: number;
  private capTicks = 0;
  private capMet = 0;
  private readonly objThreshold: number;
  private readonly objTarget: number;
  private under = 0;
  private winUnder = 0;
  private winTotal = 0;
  private winCount = 0;
  private winMet = 0;
  /** Pending end of the current objective window (-1: none) and the window length. */
  private winEvent = -1;
  private winLength = 0;
  // Latency thresholds registered by other models (SLAs): successes slower than each.
  private trackedTh = new Float64Array(0);
  private trackedSlow = new Float64Array(0);

  // Per load class: response-time sums and successes.
  private readonly classRt: number[] = [];
  private readonly classOk: number[] = [];

  // Per backend (balanced mode): response-time sums and successes.
  private readonly backendRt: Float64Array;
  private readonly backendOk: Float64Array;

  // Per-interval series: cumulative counters and the snapshot at the last interval end.
  private cumArrivals = 0;
  private cumOk = 0;
  private cumFailed = 0;
  private cumRt = 0;
  private readonly intHist = new Uint32Array(COARSE.size);
  private snap = { arrivals: 0, ok: 0, failed: 0, rt: 0, busy: 0, capacity: 0 };
  private readonly row = { arrivals: 0, rtMean: NaN, rtP95: NaN, util: NaN, failed: NaN };

  // Successes recorded but not yet folded into the statistics above, in finishing order:
  // finish time, response time, backend (-1: shared mode) and load class (-1: a call).
  private readonly pendAt = new Float64Array(BATCH);
  private readonly pendRt = new Float64Array(BATCH);
  /** pendRt's buffer as 32-bit words: the high word of response time k is word 2k + 1 (see LogBuckets.indexOfHigh). */
  private readonly pendWords = new Uint32Array(this.pendRt.buffer);
  private readonly pendBackend = new Int32Array(BATCH);
  private readonly pendClass = new Int32Array(BATCH);
  private pending = 0;

  constructor(sim: Simulation, pool: StatsSubject, shared: Resource | null, backends: readonly Resource[]) {
    this.sim = sim;
    this.pool = pool;
    this.shared = shared;
    this.backends = backends;
    const spec = pool.spec;
    const n = pool.servers;
    this.backendRt = new Float64Array(n);
    this.backendOk = new Float64Array(n);
    this.minServers = spec.minServers ?? 0;
    this.availLevel = new TimeWeighted(n, sim.now);
    this.enoughServers = new TimeWeighted(n >= this.minServers ? 1 : 0, sim.now);
    this.objThreshold = spec.latencyObjective?.threshold ?? -1;
    this.objTarget = spec.latencyObjective?.target ?? 1;
  }

  // ---------------------------------------------------------------- recording (hot path)

  /** A new request (or upstream call) arrived. */
  arrived(): void {
    this.requests++;
    this.cumArrivals++;
  }

  /**
   * The request in `slot` of `rec` succeeded now, served by backend `b` (-1: shared mode).
   * The success is only noted here, in flat arrays; `fold` adds a batch of them to every
   * statistic in one tight loop per statistic, in finishing order, so every sum comes out
   * the same as if each success had been added at once. Everything that reads a statistic
   * folds first (see `fold`), and recording draws nothing, so results do not change.
   * It takes the record rather than the response time: doubles passed to a call V8 does
   * not inline are boxed, a heap allocation per request.
   */
  recordOk(rec: RequestRecords, slot: number, b: number): void {
    const n = this.pending;
    const now = this.sim.clock[0]!;
    this.pendAt[n] = now;
    this.pendRt[n] = now - rec.arr[slot]!;
    this.pendBackend[n] = b;
    this.pendClass[n] = rec.cls[slot]!;
    this.pending = n + 1;
    if (n + 1 === BATCH) this.fold();
  }

  /**
   * Adds the pending successes to the statistics. Called when the batch is full and before
   * anything reads or changes what they feed: queries, metrics, interval rows, objective
   * windows, failures (the recent-history ring must see successes and failures in finishing
   * order), thresholds added and the warm-up reset.
   */
  fold(): void {
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    const at = this.pendAt;
    const rts = this.pendRt;
    const words = this.pendWords;
    // Counts first (order-free), then each double sum in finishing order.
    this.okCount += n;
    this.cumOk += n;
    this.winTotal += n;
    const intHist = this.intHist;
    const fine = this.fine.counts;
    this.fine.total += n;
    const th = this.objThreshold;
    const bs = this.pendBackend;
    const backendRt = this.backendRt;
    const backendOk = this.backendOk;
    const cs = this.pendClass;
    const classRt = this.classRt;
    const classOk = this.classOk;
    // The recent-history ring: successes go to the buckets of the slot opened for the first
    // of them while their finish times stay below its end, then the slot is closed with their
    // number and bucket range. The inner loop makes no call: a call in a loop makes V8 check
    // every typed array's map and bounds again on each pass, which cost more than the work.
    const window = this.window;
    const ring = window.counts;
    const slotEnd = window.slotEnd;
    const none = COARSE.size;
    // The running mean (Welford's update, as Tally.add does it) in locals.
    const mean = this.rtMean;
    let m = mean[0]!;
    let count = this.rtCount;
    let under = 0;
    let cum = this.cumRt;
    let k = 0;
    while (k < n) {
      const base = window.openSlot(at, k);
      const end = slotEnd[0]!;
      const first = k;
      let lo = none;
      let hi = -1;
      // One loop: the mean's chain of divisions overlaps with the independent histogram and
      // sum updates of the same success.
      do {
        const rt = rts[k]!;
        count++;
        m += (rt - m) / count;
        cum += rt;
        // One index computation for every histogram: the coarse bucket is a prefix of the fine one.
        const f = fineIndexOfHigh(words[2 * k + 1]!);
        fine[f]++;
        const c = fineToCoarse(f);
        intHist[c]++;
        ring[base + c]++;
        if (c < lo) lo = c;
        if (c > hi) hi = c;
        if (rt <= th) under++;
        const b = bs[k]!;
        if (b >= 0) {
          backendRt[b] += rt;
          backendOk[b]++;
        }
        const cl = cs[k]!;
        if (cl >= 0) {
          classRt[cl] += rt;
          classOk[cl]++;
        }
        k++;
      } while (k < n && at[k]! < end);
      window.closeSlot(k - first, lo, hi);
    }
    mean[0] = m;
    this.rtCount = count;
    this.cumRt = cum;
    this.under += under;
    this.winUnder += under;
    const tracked = this.trackedTh;
    const trackedSlow = this.trackedSlow;
    for (let i = 0; i < tracked.length; i++) {
      const limit = tracked[i]!;
      let slow = 0;
      for (let k = 0; k < n; k++) if (rts[k]! > limit) slow++;
      trackedSlow[i] += slow;
    }
  }

  /** The recent-history ring, with every success so far in it. */
  recent(): SlidingWindow {
    this.fold();
    return this.window;
  }

  /** A request failed for good (no retry left). */
  recordFailed(): void {
    this.fold();
    this.failedCount++;
    this.cumFailed++;
    this.window.addFailedOn(this.sim.clock);
    this.winTotal++;
  }

  /** An attempt was admitted to a queue; `queued` when it found no free server. */
  admitted(queued: boolean): void {
    this.admittedCount++;
    if (queued) this.queuedCount++;
  }

  /** An attempt was blocked: no free server and the queue full. */
  recordBlocked(): void {
    this.blocked++;
  }

  /** An attempt's timeout fired. */
  recordTimeout(): void {
    this.timedOut++;
  }

  /** The number of servers able to serve changed to `n`. */
  noteAvailability(now: number, n: number): void {
    this.availLevel.update(now, n);
    this.enoughServers.update(now, n >= this.minServers ? 1 : 0);
  }

  // ---------------------------------------------------------------- queries

  /** Running totals since warm-up: finished (ok + failed), failed, and successes slower than the objective. */
  totals(): { finished: number; failed: number; slow: number } {
    this.fold();
    const slow = this.objThreshold > 0 ? this.okCount - this.under : 0;
    return { finished: this.okCount + this.failedCount, failed: this.failedCount, slow };
  }

  /** Registers a latency threshold to count slow successes against; returns its id for slowerThan. */
  trackThreshold(seconds: number): number {
    if (!(seconds >= 0)) throw new RangeError(`service ${this.pool.name}: latency threshold must be ≥ 0, got ${seconds}`);
    // Successes so far are judged against the thresholds known when they finished.
    this.fold();
    const i = this.trackedTh.indexOf(seconds);
    if (i >= 0) return i;
    const n = this.trackedTh.length + 1;
    const th = new Float64Array(n);
    th.set(this.trackedTh);
    th[n - 1] = seconds;
    const slow = new Float64Array(n);
    slow.set(this.trackedSlow);
    this.trackedTh = th;
    this.trackedSlow = slow;
    return n - 1;
  }

  /** Successes slower than tracked threshold `id` since the end of warm-up. */
  slowerThan(id: number): number {
    this.fold();
    const v = this.trackedSlow[id];
    if (v === undefined) throw new RangeError(`service ${this.pool.name}: no tracked threshold ${id}`);
    return v;
  }

  /** The latency objective declared by the scenario, if any. */
  latencyObjective(): { threshold: number; target: number } | null {
    return this.objThreshold > 0 ? { threshold: this.objThreshold, target: this.objTarget } : null;
  }

  // ---------------------------------------------------------------- periodic checks

  private readonly onCapacityTick = (): void => {
    // Nothing ever arrives here: capacity trivially covers demand; stop ticking.
    if (this.pool.demand.length === 0 && this.pool.callers.length === 0) return;
    const now = this.sim.now;
    this.capTicks++;
    if (this.pool.capacityRate() >= this.pool.demandRate(now)) this.capMet++;
    this.sim.post(TICK, this.onCapacityTick, undefined);
  };

  private readonly onObjectiveWindow = (window: number): void => {
    this.fold();
    this.winCount++;
    if (this.winTotal === 0 || this.winUnder / this.winTotal >= this.objTarget) this.winMet++;
    this.winTotal = 0;
    this.winUnder = 0;
    this.winEvent = this.sim.schedule(window, this.onObjectiveWindow, window);
  };

  /** Restarts every statistic at the end of warm-up (the pool's Resources have reset first). */
  reset(): void {
    // Warm-up successes still pending belong to the recent-history ring, which is not reset.
    this.fold();
    this.resetAt = this.sim.now;
    this.requests = 0;
    this.okCount = 0;
    this.failedCount = 0;
    this.timedOut = 0;
    this.blocked = 0;
    this.admittedCount = 0;
    this.queuedCount = 0;
    this.under = 0;
    this.trackedSlow.fill(0);
    this.rtCount = 0;
    this.rtMean[0] = 0;
    this.fine.reset();
    this.availLevel.reset(this.sim.now);
    this.enoughServers.reset(this.sim.now);
    this.capTicks = 0;
    this.capMet = 0;
    this.backendRt.fill(0);
    this.backendOk.fill(0);
    this.classRt.fill(0);
    this.classOk.fill(0);
    this.winCount = 0;
    this.winMet = 0;
    // The objective windows restart with the measured period: the window open at the end of
    // warm-up would otherwise judge warm-up requests; the grid is realigned to the reset.
    this.winTotal = 0;
    this.winUnder = 0;
    if (this.winEvent >= 0) {
      this.sim.cancel(this.winEvent);
      this.winEvent = this.sim.schedule(this.winLength, this.onObjectiveWindow, this.winLength);
    }
    // Resource integrals restart at zero; the interval snapshot must follow them.
    this.snap.busy = this.pool.busyIntegral();
    this.snap.capacity = this.pool.capacityIntegral();
  }

  // ---------------------------------------------------------------- metrics and series

  /** Adds the sums of a new load class and its response-time metric; returns the class index. */
  addClass(recorder: World['recorder'], name: string): number {
    this.classRt.push(0);
    this.classOk.push(0);
    const c = this.classRt.length - 1;
    recorder.metric(SERVICE_METRICS.classRtMean, { service: this.pool.name, class: name }, () => {
      this.fold();
      return this.classOk[c]! > 0 ? this.classRt[c]! / this.classOk[c]! : NaN;
    });
    return c;
  }

  /** Computes this pool's row of the interval [start, end) (called by its first column). */
  private closeInterval(start: number, end: number): void {
    this.fold();
    const span = end - start;
    const s = this.snap;
    const ok = this.cumOk - s.ok;
    const failed = this.cumFailed - s.failed;
    const busy = this.pool.busyIntegral();
    const capacity = this.pool.capacityIntegral();
    this.row.arrivals = span > 0 ? (this.cumArrivals - s.arrivals) / span : NaN;
    this.row.rtMean = ok > 0 ? (this.cumRt - s.rt) / ok : NaN;
    this.row.rtP95 = COARSE.quantile(this.intHist, ok, 0.95);
    this.row.util = capacity - s.capacity > 0 ? (busy - s.busy) / (capacity - s.capacity) : NaN;
    this.row.failed = ok + failed > 0 ? failed / (ok + failed) : NaN;
    this.intHist.fill(0);
    this.snap = { arrivals: this.cumArrivals, ok: this.cumOk, failed: this.cumFailed, rt: this.cumRt, busy, capacity };
  }

  /** Registers metrics, series columns and the periodic checks (objective windows, capacity ticks). */
  register(world: World): void {
    const name = this.pool.name;
    const spec = this.pool.spec;
    // Every metric reads the statistics with the pending successes folded in.
    const m = (spec: MetricSpec, f: () => number): void =>
      world.recorder.metric(spec, { service: name }, () => {
        this.fold();
        return f();
      });
    const S = SERVICE_METRICS;
    const span = (): number => this.sim.now - this.resetAt;
    m(S.requests, () => this.requests);
    m(S.throughput, () => (span() > 0 ? this.okCount / span() : 0));
    m(S.rtMean, () => (this.rtCount > 0 ? this.rtMean[0]! : NaN));
    m(S.rtP50, () => this.fine.quantile(0.5));
    m(S.rtP95, () => this.fine.quantile(0.95));
    m(S.rtP99, () => this.fine.quantile(0.99));
    m(S.waitMean, () => {
      if (this.shared !== null) return this.shared.waits.mean;
      let n = 0;
      let sum = 0;
      for (const r of this.backends) {
        n += r.waits.count;
        sum += r.waits.count > 0 ? r.waits.mean * r.waits.count : 0;
      }
      return n > 0 ? sum / n : NaN;
    });
    m(S.failedFraction, () => (this.okCount + this.failedCount > 0 ? this.failedCount / (this.okCount + this.failedCount) : 0));
    m(S.timedOut, () => this.timedOut);
    if (spec.queueCapacity !== undefined) {
      m(S.blockedFraction, () => (this.blocked + this.admittedCount > 0 ? this.blocked / (this.blocked + this.admittedCount) : 0));
      m(S.waitProbability, () => (this.admittedCount > 0 ? this.queuedCount / this.admittedCount : 0));
    }
    m(S.utilisation, () => {
      if (this.shared !== null) return this.shared.utilisation();
      const cap = this.pool.capacityIntegral();
      return cap > 0 ? this.pool.busyIntegral() / cap : 0;
    });
    m(S.queueMean, () => {
      const now = this.sim.now;
      if (this.shared !== null) return this.shared.queueLength.mean(now);
      let q = 0;
      for (const r of this.backends) q += r.queueLength.mean(now);
      return q;
    });
    m(S.serversAvailable, () => this.availLevel.mean(this.sim.now));
    m(S.availabilityCapacity, () => (this.capTicks > 0 ? this.capMet / this.capTicks : 1));
    if (spec.minServers !== undefined) m(S.availabilityServers, () => this.enoughServers.mean(this.sim.now));
    if (spec.latencyObjective !== undefined) {
      const window = spec.latencyObjective.window;
      m(S.latencyObjectiveMet, () => (this.okCount + this.failedCount > 0 ? this.under / (this.okCount + this.failedCount) : 1));
      m(S.availabilityLatency, () => (this.winCount > 0 ? this.winMet / this.winCount : 1));
      this.winLength = window;
      this.winEvent = this.sim.schedule(window, this.onObjectiveWindow, window);
    }
    this.sim.post(TICK, this.onCapacityTick, undefined);
    if (this.shared === null) {
      for (let b = 0; b < this.pool.servers; b++) {
        world.recorder.metric(S.backendRtMean, { service: name, backend: b }, () => {
          this.fold();
          return this.backendOk[b]! > 0 ? this.backendRt[b]! / this.backendOk[b]! : NaN;
        });
        world.recorder.metric(S.backendShare, { service: name, backend: b }, () => {
          this.fold();
          return this.okCount > 0 ? this.backendOk[b]! / this.okCount : 0;
        });
      }
    }

    const rec = world.recorder;
    const C = SERVICE_COLUMNS;
    rec.column(C.arrivals, { service: name }, (a, b) => {
      this.closeInterval(a, b);
      return this.row.arrivals;
    });
    rec.column(C.rtMean, { service: name }, () => this.row.rtMean);
    rec.column(C.rtP95, { service: name }, () => this.row.rtP95);
    rec.column(C.utilisation, { service: name }, () => this.row.util);
    rec.column(C.failedFraction, { service: name }, () => this.row.failed);
  }
}
