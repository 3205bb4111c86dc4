/**
 * Statistics of a flow-level pool, under the request-level metric names and units: instead
 * of one record per request, each step adds (possibly fractional) counts of successes with
 * the step's response-time distribution (a `Regime`), failures, busy and available
 * unit-seconds and queue area. Percentiles are quantiles of the mixture of the regimes seen,
 * weighted by their successes; monitors read the same mixture over 10-second slots.
 */
import { TimeWeighted, type Simulation } from '../../../engine/index.js';
import type { ServiceSpec } from '../schema.js';
import { SERVICE_COLUMNS, SERVICE_METRICS } from '../metrics.js';
import type { MetricSpec } from '../../../results/metrics.js';
import type { World } from '../../kernel/world.js';
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
export interface FlowStatsSubject {
  readonly name: string;
  readonly servers: number;
  readonly spec: ServiceSpec;
  readonly demand: readonly unknown[];
  readonly callers: readonly unknown[];
  readonly balanced: boolean;
  capacityRate(): number;
  demandRate(t: number): number;
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
  private under = 0;
  private readonly mix = new RegimeMix();
  readonly window = new FlowWindow();
  private readonly availLevel: TimeWeighted;
  private readonly enoughServers: TimeWeighted;
  private readonly minServers: number;
  private capTicks = 0;
  private capMet = 0;
  private readonly objThreshold: number;
  private readonly objTarget: number;
  private winUnder = 0;
  private winTotal = 0;
  private winCount = 0;
  private winMet = 0;
  private winEvent = -1;
  private winLength = 0;
  private trackedTh: number[] = [];
  private trackedSlow: number[] = [];
  private readonly backendOk: Float64Array;
  private readonly backendRt: Float64Array;
  // Per-interval series: cumulative counters, the interval's mixture, the last snapshot.
  private cum = { arrivals: 0, ok: 0, failed: 0, rt: 0, busy: 0, capacity: 0 };
  private snap = { arrivals: 0, ok: 0, failed: 0, rt: 0, busy: 0, capacity: 0 };
  private readonly intMix = new RegimeMix();
  private readonly row = { arrivals: 0, rtMean: NaN, rtP95: NaN, util: NaN, failed: NaN };

  constructor(
    private readonly sim: Simulation,
    private readonly pool: FlowStatsSubject,
  ) {
    const spec = pool.spec;
    const n = pool.servers;
    this.resetAt = sim.now;
    this.backendOk = new Float64Array(n);
    this.backendRt = new Float64Array(n);
    this.minServers = spec.minServers ?? 0;
    this.availLevel = new TimeWeighted(n, sim.now);
    this.enoughServers = new TimeWeighted(n >= this.minServers ? 1 : 0, sim.now);
    this.objThreshold = spec.latencyObjective?.threshold ?? -1;
    this.objTarget = spec.latencyObjective?.target ?? 1;
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
    const under = this.objThreshold > 0 ? ok * r.okCdf(this.objThreshold) : 0;
    this.under += under;
    this.winUnder += under;
    this.winTotal += ok;
    for (let i = 0; i < this.trackedTh.length; i++) this.trackedSlow[i]! += ok * (1 - r.okCdf(this.trackedTh[i]!));
    if (b >= 0) {
      this.backendOk[b] += ok;
      this.backendRt[b] += rt;
    }
  }

  /** Successes of a pooled least-connections queue credited to backend b. */
  recordBackend(b: number, ok: number, r: Regime): void {
    this.backendOk[b] += ok;
    this.backendRt[b] += ok * r.okMean;
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
    this.winTotal += n;
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
    this.availLevel.update(now, n);
    this.enoughServers.update(now, n >= this.minServers ? 1 : 0);
  }

  /** A capacity check on the 60-s grid (as the request level's capacity ticks). */
  capacityTick(now: number): void {
    if (this.pool.demand.length === 0 && this.pool.callers.length === 0) return;
    this.capTicks++;
    if (this.pool.capacityRate() >= this.pool.demandRate(now)) this.capMet++;
  }

  // ---------------------------------------------------------------- queries

  totals(): { finished: number; failed: number; slow: number } {
    const slow = this.objThreshold > 0 ? this.ok - this.under : 0;
    return { finished: this.ok + this.failed, failed: this.failed, slow };
  }

  trackThreshold(seconds: number): number {
    if (!(seconds >= 0)) throw new RangeError(`service ${this.pool.name}: latency threshold must be ≥ 0, got ${seconds}`);
    const i = this.trackedTh.indexOf(seconds);
    if (i >= 0) return i;
    this.trackedTh.push(seconds);
    this.trackedSlow.push(0);
    return this.trackedTh.length - 1;
  }

  slowerThan(id: number): number {
    const v = this.trackedSlow[id];
    if (v === undefined) throw new RangeError(`service ${this.pool.name}: no tracked threshold ${id}`);
    return v;
  }

  /** Mean response time of all successes so far (NaN if none). */
  meanResponse(): number {
    return this.ok > 0 ? this.rtSum / this.ok : NaN;
  }

  // ---------------------------------------------------------------- windows, reset, metrics

  private readonly onObjectiveWindow = (window: number): void => {
    this.pool.sync();
    this.winCount++;
    if (this.winTotal === 0 || this.winUnder / this.winTotal >= this.objTarget) this.winMet++;
    this.winTotal = 0;
    this.winUnder = 0;
    this.winEvent = this.sim.schedule(window, this.onObjectiveWindow, window);
  };

  /** Restarts every statistic at the end of warm-up (the pool has synced first). */
  reset(): void {
    const now = this.sim.now;
    this.resetAt = now;
    this.requests = this.ok = this.failed = this.timedOut = 0;
    this.rtSum = this.waitSum = this.waitCount = 0;
    this.busy = this.capacity = this.queueArea = this.under = 0;
    this.trackedSlow.fill(0);
    this.mix.clear();
    this.availLevel.reset(now);
    this.enoughServers.reset(now);
    this.capTicks = this.capMet = 0;
    this.backendOk.fill(0);
    this.backendRt.fill(0);
    this.winCount = this.winMet = this.winTotal = this.winUnder = 0;
    if (this.winEvent >= 0) {
      this.sim.cancel(this.winEvent);
      this.winEvent = this.sim.schedule(this.winLength, this.onObjectiveWindow, this.winLength);
    }
    this.snap.busy = this.cum.busy;
    this.snap.capacity = this.cum.capacity;
  }

  /** Registers the class's response-time metric (every class of a flow pool shares the pool's distribution). */
  addClass(recorder: World['recorder'], name: string): void {
    recorder.metric(SERVICE_METRICS.classRtMean, { service: this.pool.name, class: name }, () => {
      this.pool.sync();
      return this.meanResponse();
    });
  }

  private closeInterval(start: number, end: number): void {
    const span = end - start;
    const c = this.cum;
    const s = this.snap;
    const ok = c.ok - s.ok;
    const failed = c.failed - s.failed;
    this.row.arrivals = span > 0 ? (c.arrivals - s.arrivals) / span : NaN;
    this.row.rtMean = ok > 0 ? (c.rt - s.rt) / ok : NaN;
    this.row.rtP95 = ok > 0 ? this.intMix.quantile(0.95) : NaN;
    this.row.util = c.capacity - s.capacity > 0 ? (c.busy - s.busy) / (c.capacity - s.capacity) : NaN;
    this.row.failed = ok + failed > 0 ? failed / (ok + failed) : NaN;
    this.intMix.clear();
    this.snap = { ...c };
  }

  /** Registers the metrics and series columns under the request level's names. */
  register(world: World): void {
    const name = this.pool.name;
    const spec = this.pool.spec;
    const synced =
      (f: () => number): (() => number) =>
      () => {
        this.pool.sync();
        return f();
      };
    const m = (s: MetricSpec, f: () => number): void => world.recorder.metric(s, { service: name }, synced(f));
    const S = SERVICE_METRICS;
    const span = (): number => this.sim.now - this.resetAt;
    m(S.requests, () => this.requests);
    m(S.throughput, () => (span() > 0 ? this.ok / span() : 0));
    m(S.rtMean, () => this.meanResponse());
    m(S.rtP50, () => this.mix.quantile(0.5));
    m(S.rtP95, () => this.mix.quantile(0.95));
    m(S.rtP99, () => this.mix.quantile(0.99));
    m(S.waitMean, () => (this.waitCount > 0 ? this.waitSum / this.waitCount : NaN));
    m(S.failedFraction, () => (this.ok + this.failed > 0 ? this.failed / (this.ok + this.failed) : 0));
    m(S.timedOut, () => this.timedOut);
    m(S.utilisation, () => (this.capacity > 0 ? Math.min(1, this.busy / this.capacity) : 0));
    m(S.queueMean, () => (span() > 0 ? this.queueArea / span() : 0));
    m(S.serversAvailable, () => this.availLevel.mean(this.sim.now));
    m(S.availabilityCapacity, () => (this.capTicks > 0 ? this.capMet / this.capTicks : 1));
    if (spec.minServers !== undefined) m(S.availabilityServers, () => this.enoughServers.mean(this.sim.now));
    if (spec.latencyObjective !== undefined) {
      const window = spec.latencyObjective.window;
      m(S.latencyObjectiveMet, () => (this.ok + this.failed > 0 ? this.under / (this.ok + this.failed) : 1));
      m(S.availabilityLatency, () => (this.winCount > 0 ? this.winMet / this.winCount : 1));
      this.winLength = window;
      this.winEvent = this.sim.schedule(window, this.onObjectiveWindow, window);
    }
    if (this.pool.balanced) {
      for (let b = 0; b < this.pool.servers; b++) {
        world.recorder.metric(S.backendRtMean, { service: name, backend: b }, synced(() => (this.backendOk[b]! > 0 ? this.backendRt[b]! / this.backendOk[b]! : NaN)));
        world.recorder.metric(S.backendShare, { service: name, backend: b }, synced(() => (this.ok > 0 ? this.backendOk[b]! / this.ok : 0)));
      }
    }
    const rec = world.recorder;
    const C = SERVICE_COLUMNS;
    rec.column(C.arrivals, { service: name }, (a, b) => {
      this.pool.sync();
      this.closeInterval(a, b);
      return this.row.arrivals;
    });
    rec.column(C.rtMean, { service: name }, () => this.row.rtMean);
    rec.column(C.rtP95, { service: name }, () => this.row.rtP95);
    rec.column(C.utilisation, { service: name }, () => this.row.util);
    rec.column(C.failedFraction, { service: name }, () => this.row.failed);
  }
}
