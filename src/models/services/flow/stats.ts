/**
 * Statistics of a flow-level pool, under the request-level metric names and units: instead
 * of one record per request, each step adds (possibly fractional) counts of successes with
 * the step's response-time distribution (a `Regime`), failures, busy and available
 * unit-seconds and queue area. Percentiles are quantiles of the mixture of the regimes seen,
 * weighted by their successes; monitors read the same mixture over 10-second slots.
 */
import type { Simulation } from '../../../engine/index.js';
import { SERVICE_METRICS } from '../metrics.js';
import type { World } from '../../kernel/world.js';
import { IntervalRow, ObjectiveWindows, registerPoolMetrics, ServerAvailability, TrackedThresholds, type BackendSums, type IntervalTotals, type PoolStatsSubject } from '../pool-stats.js';
import { MAX_RECENT_WINDOW } from '../histogram.js';
import { mixtureQuantile, type Regime } from './queue.js';

/** Successes per regime (insertion-ordered; a regime recurs, so the lists stay short). */
class RegimeMix {
  regimes: Regime[] = [];
  weights: number[] = [];
  private readonly index = new Map<Regime, number>();

  add(r: Regime, w: number): void {
    const i = this.index.get(r);
    if (i === undefined) {
      this.index.set(r, this.regimes.length);
      this.regimes.push(r);
      this.weights.push(w);
    } else this.weights[i]! += w;
  }

  addMix(m: RegimeMix): void {
    for (let i = 0; i < m.regimes.length; i++) this.add(m.regimes[i]!, m.weights[i]!);
  }

  quantile(q: number): number {
    return mixtureQuantile(this.regimes, this.weights, q);
  }

  clear(): void {
    this.regimes = [];
    this.weights = [];
    this.index.clear();
  }
}

/** Width of a recent-history slot (s), as the request level's SlidingWindow. */
const SLOT = 10;

/** Recent history: per 10-s slot, successes by regime and failures. */
class FlowWindow {
  private n = 91;
  private epochs = new Float64Array(91).fill(-1);
  private mixes: RegimeMix[] = Array.from({ length: 91 }, () => new RegimeMix());
  private fails = new Float64Array(91);
  private oks = new Float64Array(91);

  reserve(window: number): void {
    if (!(window > 0 && window <= MAX_RECENT_WINDOW)) throw new RangeError(`sliding window must be > 0 and at most ${MAX_RECENT_WINDOW} s, got ${window}`);
    const need = Math.ceil(window / SLOT) + 1;
    if (need <= this.n) return;
    // Sized at build time, before anything is recorded.
    this.n = need;
    this.epochs = new Float64Array(need).fill(-1);
    this.mixes = Array.from({ length: need }, () => new RegimeMix());
    this.fails = new Float64Array(need);
    this.oks = new Float64Array(need);
  }

  private slot(ep: number): number {
    const s = ep % this.n;
    if (this.epochs[s] !== ep) {
      this.epochs[s] = ep;
      this.mixes[s]!.clear();
      this.fails[s] = 0;
      this.oks[s] = 0;
    }
    return s;
  }

  /** Spreads `ok` successes of regime r and `failed` failures evenly over [t0, t1). */
  add(t0: number, t1: number, r: Regime | null, ok: number, failed: number): void {
    const span = t1 - t0;
    if (!(span > 0)) return;
    for (let ep = Math.floor(t0 / SLOT); ep * SLOT < t1; ep++) {
      const share = (Math.min(t1, (ep + 1) * SLOT) - Math.max(t0, ep * SLOT)) / span;
      if (share <= 0) continue;
      const s = this.slot(ep);
      if (r !== null && ok > 0) {
        this.mixes[s]!.add(r, ok * share);
        this.oks[s] += ok * share;
      }
      this.fails[s] += failed * share;
    }
  }

  private slotsIn(now: number, window: number, fn: (s: number) => void): number {
    const last = Math.floor(now / SLOT);
    const n = Math.max(1, Math.ceil(window / SLOT));
    if (n > this.n) throw new RangeError(`sliding window of ${window} s is longer than the ${this.n * SLOT} s kept (reserve it at build time)`);
    for (let k = 0; k < n; k++) {
      const ep = last - k;
      if (ep < 0) break;
      const s = ep % this.n;
      if (this.epochs[s] === ep) fn(s);
    }
    return now - Math.max(0, (last - n + 1) * SLOT);
  }

  latencyQuantile(now: number, window: number, q: number): number {
    const mix = new RegimeMix();
    this.slotsIn(now, window, (s) => mix.addMix(this.mixes[s]!));
    return mix.quantile(q);
  }

  errorRate(now: number, window: number): number {
    let ok = 0;
    let bad = 0;
    this.slotsIn(now, window, (s) => {
      ok += this.oks[s]!;
      bad += this.fails[s]!;
    });
    return ok + bad > 0 ? bad / (ok + bad) : 0;
  }

  throughput(now: number, window: number): number {
    let n = 0;
    const span = this.slotsIn(now, window, (s) => {
      n += this.oks[s]! + this.fails[s]!;
    });
    return span > 0 ? n / span : 0;
  }
}

/** What the flow statistics read from their pool. */
export interface FlowStatsSubject extends PoolStatsSubject {
  readonly balanced: boolean;
  serversAvailable(): number;
  /** Brings the flow up to now (every read does this first). */
  sync(): void;
}

/** Counters, mixtures and windows of one flow-level pool. */
export class FlowStats {
  private resetAt: number;
  requests = 0;
  private ok = 0;
  private failed = 0;
  private timedOut = 0;
  private rtSum = 0;
  private waitSum = 0;
  private waitCount = 0;
  busy = 0;
  capacity = 0;
  private queueArea = 0;
  private readonly mix = new RegimeMix();
  readonly window = new FlowWindow();
  private readonly availability: ServerAvailability;
  private readonly objective: ObjectiveWindows;
  private readonly tracked: TrackedThresholds;
  private readonly perBackend: BackendSums;
  // Per-interval series: cumulative counters, the interval's mixture and its row.
  private readonly cum: IntervalTotals = { arrivals: 0, ok: 0, failed: 0, rt: 0, busy: 0, capacity: 0 };
  private readonly intMix = new RegimeMix();
  private readonly interval = new IntervalRow();

  constructor(
    private readonly sim: Simulation,
    private readonly pool: FlowStatsSubject,
  ) {
    const n = pool.servers;
    this.resetAt = sim.now;
    this.perBackend = { rt: new Float64Array(n), ok: new Float64Array(n) };
    this.availability = new ServerAvailability(sim, pool);
    this.objective = new ObjectiveWindows(sim, pool.spec, () => pool.sync());
    this.tracked = new TrackedThresholds(pool.name);
  }

  // ---------------------------------------------------------------- recording (per step)

  /** Fresh requests (or upstream calls) that arrived in the step. */
  arrived(n: number): void {
    this.requests += n;
    this.cum.arrivals += n;
  }

  /** `ok` successes with response-time distribution r over [t0, t1), at backend b (-1: pooled). */
  recordOk(t0: number, t1: number, r: Regime, ok: number, b: number): void {
    if (!(ok > 0)) return;
    this.ok += ok;
    this.cum.ok += ok;
    const rt = ok * r.okMean;
    this.rtSum += rt;
    this.cum.rt += rt;
    this.mix.add(r, ok);
    this.intMix.add(r, ok);
    this.window.add(t0, t1, r, ok, 0);
    const th = this.objective.threshold;
    this.objective.succeeded(ok, th > 0 ? ok * r.okCdf(th) : 0);
    const limits = this.tracked.limits;
    const slow = this.tracked.slow;
    for (let i = 0; i < limits.length; i++) slow[i] += ok * (1 - r.okCdf(limits[i]!));
    if (b >= 0) {
      this.perBackend.ok[b] += ok;
      this.perBackend.rt[b] += rt;
    }
  }

  /** Successes of a pooled least-connections queue credited to backend b. */
  recordBackend(b: number, ok: number, r: Regime): void {
    this.perBackend.ok[b] += ok;
    this.perBackend.rt[b] += ok * r.okMean;
  }

  /** Attempts served in the step (successful or not) and their mean wait. */
  served(n: number, waitMean: number): void {
    this.waitSum += n * waitMean;
    this.waitCount += n;
  }

  /** Requests that failed for good over [t0, t1). */
  recordFailed(t0: number, t1: number, n: number): void {
    if (!(n > 0)) return;
    this.failed += n;
    this.cum.failed += n;
    this.objective.failed(n);
    this.window.add(t0, t1, null, 0, n);
  }

  /** Attempts that hit the timeout. */
  recordTimeouts(n: number): void {
    this.timedOut += n;
  }

  /** Busy and available unit-seconds and queue area of a step. */
  recordLoad(busy: number, capacity: number, queueArea: number): void {
    this.busy += busy;
    this.capacity += capacity;
    this.cum.busy += busy;
    this.cum.capacity += capacity;
    this.queueArea += queueArea;
  }

  /** The number of servers able to serve changed. */
  noteAvailability(now: number, n: number): void {
    this.availability.note(now, n);
  }

  /** A capacity check on the 60-s grid (as the request level's capacity ticks). */
  capacityTick(now: number): void {
    this.availability.check(now);
  }

  // ---------------------------------------------------------------- queries

  totals(): { finished: number; failed: number; slow: number } {
    return { finished: this.ok + this.failed, failed: this.failed, slow: this.objective.slow(this.ok) };
  }

  trackThreshold(seconds: number): number {
    return this.tracked.add(seconds);
  }

  slowerThan(id: number): number {
    return this.tracked.slowerThan(id);
  }

  /** Mean response time of all successes so far (NaN if none). */
  meanResponse(): number {
    return this.ok > 0 ? this.rtSum / this.ok : NaN;
  }

  // ---------------------------------------------------------------- windows, reset, metrics

  /** Restarts every statistic at the end of warm-up (the pool has synced first). */
  reset(): void {
    const now = this.sim.now;
    this.resetAt = now;
    this.requests = this.ok = this.failed = this.timedOut = 0;
    this.rtSum = this.waitSum = this.waitCount = 0;
    this.busy = this.capacity = this.queueArea = 0;
    this.tracked.slow.fill(0);
    this.mix.clear();
    this.availability.reset(now);
    this.perBackend.ok.fill(0);
    this.perBackend.rt.fill(0);
    this.objective.reset();
    this.interval.rebase(this.cum.busy, this.cum.capacity);
  }

  /** Registers the class's response-time metric (every class of a flow pool shares the pool's distribution). */
  addClass(recorder: World['recorder'], name: string): void {
    recorder.metric(SERVICE_METRICS.classRtMean, { service: this.pool.name, class: name }, () => {
      this.pool.sync();
      return this.meanResponse();
    });
  }

  /** Registers the metrics and series columns under the request level's names. */
  register(world: World): void {
    const pool = this.pool;
    registerPoolMetrics(
      world,
      pool,
      () => pool.sync(),
      {
        span: () => this.sim.now - this.resetAt,
        requests: () => this.requests,
        ok: () => this.ok,
        failed: () => this.failed,
        timedOut: () => this.timedOut,
        rtMean: () => this.meanResponse(),
        rtQuantile: (q) => this.mix.quantile(q),
        waitMean: () => (this.waitCount > 0 ? this.waitSum / this.waitCount : NaN),
        utilisation: () => (this.capacity > 0 ? Math.min(1, this.busy / this.capacity) : 0),
        queueMean: () => (this.sim.now - this.resetAt > 0 ? this.queueArea / (this.sim.now - this.resetAt) : 0),
      },
      { availability: this.availability, objective: this.objective, backends: pool.balanced ? this.perBackend : null },
    );
    this.interval.register(world.recorder, pool.name, (a, b) => {
      pool.sync();
      this.interval.close(a, b, { ...this.cum }, (ok) => (ok > 0 ? this.intMix.quantile(0.95) : NaN));
      this.intMix.clear();
    });
  }
}
