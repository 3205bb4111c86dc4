/**
 * Statistics of one request-level service pool: response times, failures, the latency
 * objective and its windows, capacity availability (capacity against demand, sampled every
 * TICK), server availability, per-class and per-backend sums, and the per-interval series.
 * Everything here restarts at the end of warm-up; `register` publishes it as metrics and
 * series columns. What the flow level measures the same way is shared (pool-stats.ts).
 */
import type { Resource, Simulation } from '../../engine/index.js';
import { COARSE, fineIndexOfHigh, fineToCoarse, LogHistogram, SlidingWindow } from './histogram.js';

const FINE = LogHistogram.buckets;
/** Successes held before they are folded into the statistics (see recordOk). */
const BATCH = 256;
import { TICK } from '../kernel/timing.js';
import type { World } from '../kernel/world.js';
import { SERVICE_METRICS } from './metrics.js';
import type { RequestRecords } from './requests.js';
import { DivertedIn, IntervalRow, ObjectiveWindows, registerPoolMetrics, ServerAvailability, TrackedThresholds, type BackendSums, type PoolStatsSubject, type RequestTotals } from './pool-stats.js';

/** What the statistics read from their pool (ServicePool provides it). */
export interface StatsSubject extends PoolStatsSubject {
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
  private readonly availability: ServerAvailability;
  private readonly objective: ObjectiveWindows;
  private readonly tracked: TrackedThresholds;

  // Per load class: response-time sums and successes.
  private readonly classRt: number[] = [];
  private readonly classOk: number[] = [];
  /** The requests a failover diverted here, by the pool they were sent to (classes after the load's). */
  private readonly diverted = new DivertedIn();

  // Per backend (balanced mode): response-time sums and successes.
  private readonly perBackend: BackendSums;

  // Per-interval series: cumulative counters, the interval's histogram and its row.
  private cumArrivals = 0;
  private cumOk = 0;
  private cumFailed = 0;
  private cumRt = 0;
  private readonly intHist = new Uint32Array(COARSE.size);
  private readonly interval = new IntervalRow();

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
    const n = pool.servers;
    this.perBackend = { rt: new Float64Array(n), ok: new Float64Array(n) };
    this.availability = new ServerAvailability(sim, pool);
    this.objective = new ObjectiveWindows(sim, pool.spec, () => this.fold());
    this.tracked = new TrackedThresholds(pool.name);
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
    const intHist = this.intHist;
    const fine = this.fine.counts;
    this.fine.total += n;
    const th = this.objective.threshold;
    const bs = this.pendBackend;
    const backendRt = this.perBackend.rt;
    const backendOk = this.perBackend.ok;
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
    this.objective.succeeded(n, under);
    const tracked = this.tracked.limits;
    const trackedSlow = this.tracked.slow;
    for (let i = 0; i < tracked.length; i++) {
      const limit = tracked[i]!;
      let slow = 0;
      for (let k = 0; k < n; k++) if (rts[k]! > limit) slow++;
      trackedSlow[i] += slow;
    }
    // A standby's diverted requests (never elsewhere: one test per batch).
    if (this.diverted.first >= 0) this.diverted.fold(n, cs, rts, tracked);
  }

  /** The recent-history ring, with every success so far in it. */
  recent(): SlidingWindow {
    this.fold();
    return this.window;
  }

  /** A request of class `cls` (−1: a call) failed for good (no retry left). */
  recordFailed(cls: number): void {
    this.fold();
    this.failedCount++;
    this.diverted.noteFailed(cls);
    this.cumFailed++;
    this.window.addFailedOn(this.sim.clock);
    this.objective.failed(1);
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
    this.availability.note(now, n);
  }

  // ---------------------------------------------------------------- queries

  /** Running totals since warm-up: finished (ok + failed), failed, and successes slower than the objective. */
  totals(): { finished: number; failed: number; slow: number } {
    this.fold();
    return { finished: this.okCount + this.failedCount, failed: this.failedCount, slow: this.objective.slow(this.okCount) };
  }

  /** Registers a latency threshold to count slow successes against; returns its id for slowerThan. */
  trackThreshold(seconds: number): number {
    // Successes so far are judged against the thresholds known when they finished.
    if (seconds >= 0) this.fold();
    return this.tracked.add(seconds);
  }

  /** Successes slower than tracked threshold `id` since the end of warm-up. */
  slowerThan(id: number): number {
    this.fold();
    return this.tracked.slowerThan(id);
  }

  /** The latency objective declared by the scenario, if any. */
  latencyObjective(): { threshold: number; target: number } | null {
    return this.objective.objective();
  }

  // ---------------------------------------------------------------- periodic checks

  private readonly onCapacityTick = (): void => {
    // Nothing ever arrives here (false): capacity trivially covers demand; stop ticking.
    if (this.availability.check(this.sim.now)) this.sim.post(TICK, this.onCapacityTick, undefined);
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
    this.tracked.slow.fill(0);
    this.rtCount = 0;
    this.rtMean[0] = 0;
    this.fine.reset();
    this.availability.reset(this.sim.now);
    this.perBackend.rt.fill(0);
    this.perBackend.ok.fill(0);
    this.classRt.fill(0);
    this.classOk.fill(0);
    this.diverted.reset();
    this.objective.reset();
    // Resource integrals restart at zero; the interval snapshot must follow them.
    this.interval.rebase(this.pool.busyIntegral(), this.pool.capacityIntegral());
  }

  // ---------------------------------------------------------------- metrics and series

  /** Adds the sums of a new load class and its response-time metric; returns the class index. */
  addClass(recorder: World['recorder'], name: string): number {
    if (this.diverted.first >= 0) throw new Error(`service ${this.pool.name}: load class ${name} added after the run started`);
    this.classRt.push(0);
    this.classOk.push(0);
    const c = this.classRt.length - 1;
    recorder.metric(SERVICE_METRICS.classRtMean, { service: this.pool.name, class: name }, () => {
      this.fold();
      return this.classOk[c]! > 0 ? this.classRt[c]! / this.classOk[c]! : NaN;
    });
    return c;
  }

  /** Adds the class of a pool whose requests a failover diverts here (no metric of its own); returns its index. */
  addOrigin(): number {
    this.classRt.push(0);
    this.classOk.push(0);
    return this.diverted.add(this.classRt.length - 1);
  }

  /** Totals of the requests of origin class `cls` (from addOrigin), slow against tracked threshold `id` (−1: none). */
  originTotals(cls: number, id: number): RequestTotals {
    this.fold();
    return this.diverted.totals(cls - this.diverted.first, this.classOk[cls]!, id);
  }

  /** Computes this pool's row of the interval [start, end) (called by its first column). */
  private closeInterval(start: number, end: number): void {
    this.fold();
    const now = { arrivals: this.cumArrivals, ok: this.cumOk, failed: this.cumFailed, rt: this.cumRt, busy: this.pool.busyIntegral(), capacity: this.pool.capacityIntegral() };
    this.interval.close(start, end, now, (ok) => COARSE.quantile(this.intHist, ok, 0.95));
    this.intHist.fill(0);
  }

  /** Registers metrics, series columns and the periodic checks (objective windows, capacity ticks). */
  register(world: World): void {
    // Every metric reads the statistics with the pending successes folded in.
    registerPoolMetrics(
      world,
      this.pool,
      () => this.fold(),
      {
        span: () => this.sim.now - this.resetAt,
        requests: () => this.requests,
        ok: () => this.okCount,
        failed: () => this.failedCount,
        timedOut: () => this.timedOut,
        rtMean: () => (this.rtCount > 0 ? this.rtMean[0]! : NaN),
        rtQuantile: (q) => this.fine.quantile(q),
        waitMean: () => {
          if (this.shared !== null) return this.shared.waits.mean;
          let n = 0;
          let sum = 0;
          for (const r of this.backends) {
            n += r.waits.count;
            sum += r.waits.count > 0 ? r.waits.mean * r.waits.count : 0;
          }
          return n > 0 ? sum / n : NaN;
        },
        blockedFraction: () => (this.blocked + this.admittedCount > 0 ? this.blocked / (this.blocked + this.admittedCount) : 0),
        waitProbability: () => (this.admittedCount > 0 ? this.queuedCount / this.admittedCount : 0),
        utilisation: () => {
          if (this.shared !== null) return this.shared.utilisation();
          const cap = this.pool.capacityIntegral();
          return cap > 0 ? this.pool.busyIntegral() / cap : 0;
        },
        queueMean: () => {
          const now = this.sim.now;
          if (this.shared !== null) return this.shared.queueLength.mean(now);
          let q = 0;
          for (const r of this.backends) q += r.queueLength.mean(now);
          return q;
        },
      },
      { availability: this.availability, objective: this.objective, backends: this.shared === null ? this.perBackend : null },
    );
    this.sim.post(TICK, this.onCapacityTick, undefined);
    this.interval.register(world.recorder, this.pool.name, (a, b) => this.closeInterval(a, b));
  }
}
