/**
 * Services and capacity: a pool of servers, either behind one shared queue (the plain
 * M/M/c station) or behind a load balancer with one queue per backend, optionally calling
 * a downstream service, so a small queueing network.
 *
 * Hot path: a request is a slot in typed arrays (a free-list pool of records), and the slot
 * index is the event data; the handlers are created once per pool. Nothing is allocated per
 * request once the arrays have grown, so a seven-day run needs the memory of a one-day run.
 *
 * Timeouts: a request still waiting when its timeout fires is withdrawn from the queue; one
 * already in service keeps its server busy until the work ends (the server cannot know the
 * client left), but it counts as failed at the moment of the timeout and may be retried.
 * A failed server (or a room that powers off) fails the requests it was serving.
 */
import { Resource, Tally, TimeWeighted, type Distribution, type RateProfile, type Rng } from '../engine/index.js';
import type { ServiceSpec } from '../scenario/schema/services.js';
import { distributionFromSpec } from './distribution.js';
import { COARSE, LogHistogram, SlidingWindow } from './histogram.js';
import { Balancer } from './balancer.js';
import { siteOf, TICK, type Site } from './site.js';
import './checks.js';
import type { Room } from './cooling.js';
import type { ServiceHandle, World } from './world.js';

// Request record states.
const FREE = 0;
/** No work outstanding (between attempts, or just finished). */
const IDLE = 1;
const QUEUED = 2;
const SERVING = 3;
/** Waiting for the downstream service. */
const CALLING = 4;

/** Default idle share of peak server power (Fan, Weber & Barroso, ISCA 2007). */
export const DEFAULT_IDLE_SHARE = 0.5;
/** Default peak power of one server, in watts ([U] placeholder: a typical 1U/2U server). */
export const DEFAULT_PEAK_POWER = 400;

/** One service: pool, dispatch, request records, statistics and its ServiceHandle. */
export class ServicePool implements ServiceHandle {
  readonly name: string;
  readonly servers: number;
  readonly concurrency: number;
  /** Peak and idle power of one server (W). */
  readonly peakPower: number;
  readonly idlePower: number;
  /** Called with every requests's routing; set by the balancer (null in shared mode). */
  balancer: Balancer | null = null;
  /** The room the servers stand in (null: no thermal coupling). */
  room: Room | null = null;
  /** The service each request calls after its local work. */
  downstream: ServicePool | null = null;
  /** Load-balancer outages in progress (failure, failover): every request is refused. */
  private lbDown = 0;
  /** Arrival-rate profiles of the load classes sent here (for availability.capacity). */
  readonly demand: RateProfile[] = [];
  /** Pools that call this one (their demand is ours too). */
  readonly callers: ServicePool[] = [];

  private readonly sim: World['sim'];
  private readonly recorder: World['recorder'];
  private readonly site: Site;
  private readonly dist: Distribution;
  private readonly rng: Rng;
  private readonly backoffDist: Distribution | null;
  private readonly backoffRng: Rng;
  private readonly timeout: number;
  private readonly maxRetries: number;
  private readonly speed: Float64Array;

  // Server state. A server is available when not failed, not offline and its room is on.
  private readonly failCount: Uint16Array;
  private readonly offlineCount: Uint16Array;
  private roomOff = false;
  private failedServers = 0;
  private readonly available: Uint8Array;
  private availableCount: number;

  // Shared mode: one Resource; which unit (server × concurrency slot) a request holds is
  // tracked with a stack of free units so a failure knows whom it hits.
  private readonly shared: Resource | null;
  private readonly freeUnits: Int32Array;
  private freeTop = 0;
  private readonly inStack: Uint8Array;
  private readonly busyUnit: Uint8Array;

  // Balanced mode: one Resource per backend, and connections (active + queued) per backend.
  readonly backends: Resource[] = [];
  readonly conns: Int32Array;

  // Request records.
  private cap = 0;
  private hiWater = 0;
  private freeList = new Int32Array(0);
  private freeCount = 0;
  private arr = new Float64Array(0);
  private prio = new Int32Array(0);
  private cls = new Int32Array(0);
  private unit = new Int32Array(0);
  private retries = new Int32Array(0);
  private state = new Uint8Array(0);
  private abandoned = new Uint8Array(0);
  private parentPool = new Int32Array(0);
  private parentSlot = new Int32Array(0);
  private qh = new Float64Array(0);
  private ev = new Float64Array(0);
  private tmo = new Float64Array(0);

  // Statistics (reset at the end of warm-up).
  private resetAt = 0;
  private requests = 0;
  private okCount = 0;
  private failedCount = 0;
  private timedOut = 0;
  private readonly rt = new Tally();
  private readonly fine = new LogHistogram();
  readonly window = new SlidingWindow();
  private readonly availLevel: TimeWeighted;
  private readonly enoughServers: TimeWeighted;
  private readonly minServers: number;
  private capacityDirty = true;
  private capacityCache = 0;
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

  // Per load class: names, priorities, response-time sums and successes.
  private readonly classNames: string[] = [];
  private readonly classPriority: number[] = [];
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

  constructor(
    world: World,
    readonly spec: ServiceSpec,
    readonly index: number,
  ) {
    const sim = world.sim;
    this.sim = sim;
    this.recorder = world.recorder;
    this.site = siteOf(world);
    this.name = spec.name;
    this.servers = spec.servers;
    this.concurrency = spec.concurrency ?? 1;
    this.dist = distributionFromSpec(spec.serviceTime);
    this.rng = world.streams.stream(`services/${spec.name}/service-time`);
    this.backoffDist = spec.retryBackoff === undefined ? null : distributionFromSpec(spec.retryBackoff);
    this.backoffRng = world.streams.stream(`services/${spec.name}/retry-backoff`);
    this.timeout = spec.timeout ?? 0;
    this.maxRetries = spec.retries ?? 0;
    this.peakPower = spec.power?.peak ?? DEFAULT_PEAK_POWER;
    this.idlePower = spec.power?.idle ?? this.peakPower * DEFAULT_IDLE_SHARE;
    const n = this.servers;
    this.speed = new Float64Array(n).fill(1);
    spec.speed?.forEach((v, i) => {
      if (i < n) this.speed[i] = v;
    });
    this.failCount = new Uint16Array(n);
    this.offlineCount = new Uint16Array(n);
    this.available = new Uint8Array(n).fill(1);
    this.availableCount = n;
    const units = n * this.concurrency;
    this.conns = new Int32Array(n);
    this.backendRt = new Float64Array(n);
    this.backendOk = new Float64Array(n);
    const balanced = spec.balancer !== undefined && spec.balancer !== 'none';
    if (balanced) {
      this.shared = null;
      this.freeUnits = new Int32Array(0);
      this.inStack = new Uint8Array(0);
      this.busyUnit = new Uint8Array(0);
      for (let b = 0; b < n; b++) this.backends.push(new Resource(sim, { capacity: this.concurrency, name: `${spec.name}/${b}` }));
    } else {
      this.shared = new Resource(sim, { capacity: units, name: spec.name, discipline: 'priority' });
      this.freeUnits = new Int32Array(units);
      this.inStack = new Uint8Array(units).fill(1);
      this.busyUnit = new Uint8Array(units);
      // Lowest units on top, so with spare capacity the first servers do the work.
      for (let u = units - 1; u >= 0; u--) this.freeUnits[this.freeTop++] = u;
    }
    this.minServers = spec.minServers ?? 0;
    this.availLevel = new TimeWeighted(n, sim.now);
    this.enoughServers = new TimeWeighted(n >= this.minServers ? 1 : 0, sim.now);
    this.objThreshold = spec.latencyObjective?.threshold ?? -1;
    this.objTarget = spec.latencyObjective?.target ?? 1;
    this.grow(1024);
    sim.onReset(() => this.resetStatistics());
  }

  // ---------------------------------------------------------------- request life cycle

  /** Registers a load class sending requests here; returns its index for `arrive`. */
  addClass(name: string, priority: number, profile: RateProfile): number {
    this.classNames.push(name);
    this.classPriority.push(priority);
    this.classRt.push(0);
    this.classOk.push(0);
    this.demand.push(profile);
    const c = this.classNames.length - 1;
    this.recorder.metric(`service.${this.name}.class.${name}.response_time.mean`, () => (this.classOk[c]! > 0 ? this.classRt[c]! / this.classOk[c]! : NaN));
    return c;
  }

  /** A new request of load class `cls` (from addClass) arrives now. */
  arrive(cls: number): void {
    this.requests++;
    this.cumArrivals++;
    const slot = this.alloc();
    this.init(slot, this.sim.now, this.classPriority[cls]!, 0, -1, -1);
    this.cls[slot] = cls;
    this.startAttempt(slot);
  }

  /** A call from an upstream pool's request (`parentSlot` of pool `parentPool`). */
  call(priority: number, parentPool: number, parentSlot: number): void {
    this.requests++;
    this.cumArrivals++;
    const slot = this.alloc();
    this.init(slot, this.sim.now, priority, 0, parentPool, parentSlot);
    this.startAttempt(slot);
  }

  private init(slot: number, arrival: number, priority: number, retries: number, parentPool: number, parentSlot: number): void {
    this.arr[slot] = arrival;
    this.prio[slot] = priority;
    this.retries[slot] = retries;
    this.parentPool[slot] = parentPool;
    this.parentSlot[slot] = parentSlot;
    this.state[slot] = IDLE;
    this.abandoned[slot] = 0;
    this.unit[slot] = -1;
    this.cls[slot] = -1;
    this.qh[slot] = -1;
    this.ev[slot] = -1;
    this.tmo[slot] = -1;
  }

  private startAttempt(slot: number): void {
    if (this.timeout > 0) this.tmo[slot] = this.sim.schedule(this.timeout, this.onTimeout, slot);
    this.dispatch(slot);
  }

  private dispatch(slot: number): void {
    const shared = this.shared;
    if (shared !== null) {
      const h = shared.seize(this.onGrant, slot, this.prio[slot]!);
      if (h === -1) this.beginService(slot);
      else {
        this.state[slot] = QUEUED;
        this.qh[slot] = h;
      }
      return;
    }
    const b = this.lbDown > 0 ? -1 : this.balancer!.pick();
    if (b < 0) {
      // No backend in rotation (or no load balancer): the request is refused at once.
      this.state[slot] = IDLE;
      this.endAttempt(slot, false);
      return;
    }
    this.unit[slot] = b;
    this.conns[b]++;
    const h = this.backends[b]!.seize(this.onGrant, slot, this.prio[slot]!);
    if (h === -1) this.beginService(slot);
    else {
      this.state[slot] = QUEUED;
      this.qh[slot] = h;
    }
  }

  private readonly onGrant = (slot: number): void => {
    this.qh[slot] = -1;
    this.beginService(slot);
  };

  private beginService(slot: number): void {
    let server: number;
    if (this.shared !== null) {
      let u: number;
      do {
        if (this.freeTop === 0) throw new Error(`service ${this.name}: unit accounting broken (no free unit for a granted request)`);
        u = this.freeUnits[--this.freeTop]!;
        this.inStack[u] = 0;
      } while (this.available[(u / this.concurrency) | 0] === 0);
      this.busyUnit[u] = 1;
      this.unit[slot] = u;
      server = (u / this.concurrency) | 0;
    } else {
      server = this.unit[slot]!;
    }
    this.state[slot] = SERVING;
    let factor = 1 / this.speed[server]!;
    if (this.room !== null) factor *= this.room.serviceTimeFactor;
    this.ev[slot] = this.sim.schedule(this.dist.sample(this.rng) * factor, this.onComplete, slot);
  }

  private readonly onComplete = (slot: number): void => {
    this.ev[slot] = -1;
    this.freeUnit(slot);
    if (this.abandoned[slot] === 1) {
      this.release(slot);
      return;
    }
    if (this.downstream !== null) {
      this.state[slot] = CALLING;
      this.downstream.call(this.prio[slot]!, this.index, slot);
      return;
    }
    this.succeed(slot);
  };

  /** Gives back the server unit held by `slot` (which is in service). */
  private freeUnit(slot: number): void {
    this.state[slot] = IDLE;
    const shared = this.shared;
    if (shared !== null) {
      const u = this.unit[slot]!;
      this.busyUnit[u] = 0;
      // Push before releasing: the release may grant the next claim, which pops a unit.
      if (this.available[(u / this.concurrency) | 0] === 1) {
        this.freeUnits[this.freeTop++] = u;
        this.inStack[u] = 1;
      }
      shared.release();
    } else {
      const b = this.unit[slot]!;
      this.conns[b]--;
      this.backends[b]!.release();
    }
  }

  /** The downstream call of `slot` ended. */
  childDone(slot: number, ok: boolean): void {
    this.state[slot] = IDLE;
    if (this.abandoned[slot] === 1) this.release(slot);
    else if (ok) this.succeed(slot);
    else this.endAttempt(slot, false);
  }

  private succeed(slot: number): void {
    const now = this.sim.now;
    const t = this.tmo[slot]!;
    if (t >= 0) this.sim.cancel(t);
    const rt = now - this.arr[slot]!;
    this.recordOk(rt, now);
    if (this.shared === null) {
      const b = this.unit[slot]!;
      this.backendRt[b] += rt;
      this.backendOk[b]++;
    }
    const c = this.cls[slot]!;
    if (c >= 0) {
      this.classRt[c] += rt;
      this.classOk[c]++;
    }
    const pp = this.parentPool[slot]!;
    const ps = this.parentSlot[slot]!;
    this.release(slot);
    if (pp >= 0) this.site.poolList[pp]!.childDone(ps, true);
  }

  private readonly onTimeout = (slot: number): void => {
    this.tmo[slot] = -1;
    this.timedOut++;
    const st = this.state[slot];
    if (st === QUEUED) this.leaveQueue(slot);
    this.endAttempt(slot, true);
  };

  private leaveQueue(slot: number): void {
    const h = this.qh[slot]!;
    this.qh[slot] = -1;
    if (this.shared !== null) this.shared.withdraw(h);
    else {
      const b = this.unit[slot]!;
      this.backends[b]!.withdraw(h);
      this.conns[b]--;
    }
    this.state[slot] = IDLE;
  }

  /**
   * The current attempt of `slot` is over from the client's side (failed or timed out):
   * retry after the backoff, or fail the request. A slot whose work is still in progress
   * is abandoned and freed when the work ends.
   */
  private endAttempt(slot: number, timedOut: boolean): void {
    if (!timedOut) {
      const t = this.tmo[slot]!;
      if (t >= 0) this.sim.cancel(t);
      this.tmo[slot] = -1;
    }
    const pp = this.parentPool[slot]!;
    const ps = this.parentSlot[slot]!;
    const busy = this.state[slot] !== IDLE;
    if (this.retries[slot]! < this.maxRetries) {
      const next = this.alloc();
      this.init(next, this.arr[slot]!, this.prio[slot]!, this.retries[slot]! + 1, pp, ps);
      this.cls[next] = this.cls[slot]!;
      const delay = this.backoffDist === null ? 0 : this.backoffDist.sample(this.backoffRng);
      this.sim.schedule(delay, this.onRetry, next);
      if (busy) {
        this.abandoned[slot] = 1;
        this.parentPool[slot] = -1;
      } else this.release(slot);
      return;
    }
    this.recordFailed(this.sim.now);
    if (busy) {
      this.abandoned[slot] = 1;
      this.parentPool[slot] = -1;
    } else this.release(slot);
    if (pp >= 0) this.site.poolList[pp]!.childDone(ps, false);
  }

  private readonly onRetry = (slot: number): void => {
    this.startAttempt(slot);
  };

  // ---------------------------------------------------------------- records

  private alloc(): number {
    if (this.freeCount === 0) this.grow(this.cap * 2);
    const slot = this.freeList[--this.freeCount]!;
    if (slot >= this.hiWater) this.hiWater = slot + 1;
    return slot;
  }

  private release(slot: number): void {
    this.state[slot] = FREE;
    this.freeList[this.freeCount++] = slot;
  }

  private grow(cap: number): void {
    const old = this.cap;
    const g64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.arr = g64(this.arr);
    this.qh = g64(this.qh);
    this.ev = g64(this.ev);
    this.tmo = g64(this.tmo);
    this.prio = g32(this.prio);
    this.cls = g32(this.cls);
    this.unit = g32(this.unit);
    this.retries = g32(this.retries);
    this.parentPool = g32(this.parentPool);
    this.parentSlot = g32(this.parentSlot);
    this.state = g8(this.state);
    this.abandoned = g8(this.abandoned);
    const fl = new Int32Array(cap);
    fl.set(this.freeList.subarray(0, this.freeCount));
    // Lowest slots on top of the free list.
    for (let s = cap - 1; s >= old; s--) fl[this.freeCount++] = s;
    this.freeList = fl;
    this.cap = cap;
  }

  // ---------------------------------------------------------------- servers

  /** Server index of the request in `slot`. */
  private serverOf(slot: number): number {
    return this.shared !== null ? (this.unit[slot]! / this.concurrency) | 0 : this.unit[slot]!;
  }

  /** A hard failure of server `s` begins (a server, disk, PSU, rack or PDU failure). */
  failServer(s: number): void {
    if (this.failCount[s]++ === 0) this.failedServers++;
    this.refresh(s, true);
  }

  /** One hard failure of server `s` ends. */
  repairServer(s: number): void {
    if (this.failCount[s]! > 0 && --this.failCount[s]! === 0) this.failedServers--;
    this.refresh(s, false);
  }

  /** True when server `s` is up and serving (not failed, offline or powered off). */
  isAvailable(s: number): boolean {
    return this.available[s] === 1;
  }

  /** Powers every server off (thermal shutdown) or back on. */
  setRoomPower(on: boolean): void {
    if (this.roomOff === !on) return;
    this.roomOff = !on;
    for (let s = 0; s < this.servers; s++) this.refresh(s, !on);
  }

  /** Servers drawing power: not failed and not powered off (offline ones idle). */
  poweredServers(): number {
    return this.roomOff ? 0 : this.servers - this.failedServers;
  }

  /** Busy units integrated over time since the last statistics reset. */
  busyIntegral(): number {
    const now = this.sim.now;
    if (this.shared !== null) return this.shared.busy.integral(now);
    let a = 0;
    for (const r of this.backends) a += r.busy.integral(now);
    return a;
  }

  /** Units busy right now. */
  busyNow(): number {
    if (this.shared !== null) return this.shared.inUse;
    let a = 0;
    for (const r of this.backends) a += r.inUse;
    return a;
  }

  private capacityIntegral(): number {
    const now = this.sim.now;
    if (this.shared !== null) return this.shared.capacityLevel.integral(now);
    let a = 0;
    for (const r of this.backends) a += r.capacityLevel.integral(now);
    return a;
  }

  private refresh(s: number, hard: boolean): void {
    const avail = this.failCount[s] === 0 && this.offlineCount[s] === 0 && !this.roomOff ? 1 : 0;
    if (avail === this.available[s]) return;
    this.available[s] = avail;
    this.availableCount += avail === 1 ? 1 : -1;
    this.capacityDirty = true;
    this.noteAvailability();
    const c = this.concurrency;
    if (this.shared !== null) {
      if (avail === 1) {
        for (let u = s * c; u < (s + 1) * c; u++) {
          if (this.inStack[u] === 0 && this.busyUnit[u] === 0) {
            this.freeUnits[this.freeTop++] = u;
            this.inStack[u] = 1;
          }
        }
      }
      this.shared.setCapacity(this.availableCount * c);
    } else {
      this.backends[s]!.setCapacity(avail === 1 ? c : 0);
    }
    if (avail === 0 && hard) this.killServing(s);
    this.balancer?.serverChanged(s, hard);
  }

  /** Fails every request in service on server `s` (it lost power or broke). */
  private killServing(s: number): void {
    for (let slot = 0; slot < this.hiWater; slot++) {
      if (this.state[slot] !== SERVING || this.serverOf(slot) !== s) continue;
      const e = this.ev[slot]!;
      if (e >= 0) this.sim.cancel(e);
      this.ev[slot] = -1;
      this.freeUnit(slot);
      if (this.abandoned[slot] === 1) this.release(slot);
      else this.endAttempt(slot, false);
    }
  }

  /** Sends the requests queued at backend `b` elsewhere (it left rotation with no capacity). */
  redispatchQueued(b: number): void {
    for (let slot = 0; slot < this.hiWater; slot++) {
      if (this.state[slot] !== QUEUED || this.unit[slot] !== b) continue;
      this.leaveQueue(slot);
      this.dispatch(slot);
    }
  }

  private noteAvailability(): void {
    const now = this.sim.now;
    const n = this.serversAvailable();
    this.availLevel.update(now, n);
    this.enoughServers.update(now, n >= this.minServers ? 1 : 0);
  }

  /** A load-balancer outage begins (+1) or ends (−1). */
  lbOutage(delta: 1 | -1): void {
    this.lbDown += delta;
    this.capacityDirty = true;
    this.noteAvailability();
  }

  /** Called by the balancer when its view (drains, rotation) changed. */
  balancerChanged(): void {
    this.capacityDirty = true;
    this.noteAvailability();
  }

  // ---------------------------------------------------------------- ServiceHandle

  /** Sizes the recent-history ring for windows up to `seconds` (≤ 1 h; default 15 min). */
  reserveWindow(seconds: number): void {
    this.window.reserve(seconds);
  }

  /** Response-time q-quantile of requests finished in the last `window` seconds (≤ the reserved window). */
  recentLatencyQuantile(q: number, window: number): number {
    return this.window.latencyQuantile(this.sim.now, window, q);
  }

  /** Failed or timed-out fraction of requests finished in the last `window` seconds. */
  recentErrorRate(window: number): number {
    return this.window.errorRate(this.sim.now, window);
  }

  /** Requests finished per second over the last `window` seconds. */
  recentThroughput(window: number): number {
    return this.window.throughput(this.sim.now, window);
  }

  /** Servers able to serve now: up, not offline, not drained, room powered, load balancer up. */
  serversAvailable(): number {
    if (this.lbDown > 0) return 0;
    const drained = this.balancer?.drainedAvailable() ?? 0;
    return this.availableCount - drained;
  }

  /** Takes up to `count` available servers out of service gracefully (work in progress ends normally). */
  takeOffline(count: number, reason: string): () => void {
    void reason;
    const taken: number[] = [];
    for (let s = this.servers - 1; s >= 0 && taken.length < count; s--) {
      if (this.available[s] === 1) taken.push(s);
    }
    for (const s of taken) {
      this.offlineCount[s]++;
      this.refresh(s, false);
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const s of taken) {
        this.offlineCount[s]--;
        this.refresh(s, false);
      }
    };
  }

  /** Running totals since warm-up: finished (ok + failed), failed, and successes slower than the objective. */
  totals(): { finished: number; failed: number; slow: number } {
    const slow = this.objThreshold > 0 ? this.okCount - this.under : 0;
    return { finished: this.okCount + this.failedCount, failed: this.failedCount, slow };
  }

  /** Registers a latency threshold to count slow successes against; returns its id for slowerThan. */
  trackThreshold(seconds: number): number {
    if (!(seconds >= 0)) throw new RangeError(`service ${this.name}: latency threshold must be ≥ 0, got ${seconds}`);
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
    const v = this.trackedSlow[id];
    if (v === undefined) throw new RangeError(`service ${this.name}: no tracked threshold ${id}`);
    return v;
  }

  /** The latency objective declared by the scenario, if any. */
  get latencyObjective(): { threshold: number; target: number } | null {
    return this.objThreshold > 0 ? { threshold: this.objThreshold, target: this.objTarget } : null;
  }

  /** Requests waiting in the queue(s) now. */
  queueLength(): number {
    if (this.shared !== null) return this.shared.waiting;
    let n = 0;
    for (const r of this.backends) n += r.waiting;
    return n;
  }

  // ---------------------------------------------------------------- statistics

  private recordOk(rt: number, now: number): void {
    this.okCount++;
    this.cumOk++;
    this.cumRt += rt;
    this.rt.add(rt);
    this.fine.add(rt);
    const b = COARSE.index(rt);
    this.window.addOk(now, b);
    this.intHist[b]++;
    this.winTotal++;
    if (rt <= this.objThreshold) {
      this.under++;
      this.winUnder++;
    }
    const th = this.trackedTh;
    for (let i = 0; i < th.length; i++) if (rt > th[i]!) this.trackedSlow[i]++;
  }

  private recordFailed(now: number): void {
    this.failedCount++;
    this.cumFailed++;
    this.window.addFailed(now);
    this.winTotal++;
  }

  /** Offered rate of new requests at time t (own load classes plus callers'). */
  demandRate(t: number): number {
    let r = 0;
    for (const p of this.demand) r += p.rate(t);
    for (const c of this.callers) r += c.demandRate(t);
    return r;
  }

  /** Maximum throughput the available servers could sustain now (requests per second). */
  capacityRate(): number {
    if (this.lbDown > 0) return 0;
    if (!this.capacityDirty) return this.capacityCache * this.capacityScale();
    let r = 0;
    for (let s = 0; s < this.servers; s++) {
      if (this.available[s] === 1 && !(this.balancer?.isDrained(s) ?? false)) r += this.speed[s]!;
    }
    this.capacityCache = (r * this.concurrency) / this.dist.mean;
    this.capacityDirty = false;
    return this.capacityCache * this.capacityScale();
  }

  private capacityScale(): number {
    return 1 / (this.room?.serviceTimeFactor ?? 1);
  }

  private readonly onCapacityTick = (): void => {
    // Nothing ever arrives here: capacity trivially covers demand; stop ticking.
    if (this.demand.length === 0 && this.callers.length === 0) return;
    const now = this.sim.now;
    this.capTicks++;
    if (this.capacityRate() >= this.demandRate(now)) this.capMet++;
    this.sim.schedule(TICK, this.onCapacityTick, undefined);
  };

  private readonly onObjectiveWindow = (window: number): void => {
    this.winCount++;
    if (this.winTotal === 0 || this.winUnder / this.winTotal >= this.objTarget) this.winMet++;
    this.winTotal = 0;
    this.winUnder = 0;
    this.winEvent = this.sim.schedule(window, this.onObjectiveWindow, window);
  };

  private resetStatistics(): void {
    this.resetAt = this.sim.now;
    this.requests = 0;
    this.okCount = 0;
    this.failedCount = 0;
    this.timedOut = 0;
    this.under = 0;
    this.trackedSlow.fill(0);
    this.rt.reset();
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
    this.snap.busy = this.busyIntegral();
    this.snap.capacity = this.capacityIntegral();
  }

  /** Computes this pool's row of the interval [start, end) (called by its first column). */
  private closeInterval(start: number, end: number): void {
    const span = end - start;
    const s = this.snap;
    const ok = this.cumOk - s.ok;
    const failed = this.cumFailed - s.failed;
    const busy = this.busyIntegral();
    const capacity = this.capacityIntegral();
    this.row.arrivals = span > 0 ? (this.cumArrivals - s.arrivals) / span : NaN;
    this.row.rtMean = ok > 0 ? (this.cumRt - s.rt) / ok : NaN;
    this.row.rtP95 = COARSE.quantile(this.intHist, ok, 0.95);
    this.row.util = capacity - s.capacity > 0 ? (busy - s.busy) / (capacity - s.capacity) : NaN;
    this.row.failed = ok + failed > 0 ? failed / (ok + failed) : NaN;
    this.intHist.fill(0);
    this.snap = { arrivals: this.cumArrivals, ok: this.cumOk, failed: this.cumFailed, rt: this.cumRt, busy, capacity };
  }

  /** Registers metrics, series columns and periodic checks (called once by buildServices). */
  register(world: World): void {
    const m = (suffix: string, f: () => number): void => world.recorder.metric(`service.${this.name}.${suffix}`, f);
    const span = (): number => this.sim.now - this.resetAt;
    m('requests', () => this.requests);
    m('throughput', () => (span() > 0 ? this.okCount / span() : 0));
    m('response_time.mean', () => this.rt.mean);
    m('response_time.p50', () => this.fine.quantile(0.5));
    m('response_time.p95', () => this.fine.quantile(0.95));
    m('response_time.p99', () => this.fine.quantile(0.99));
    m('wait.mean', () => {
      if (this.shared !== null) return this.shared.waits.mean;
      let n = 0;
      let sum = 0;
      for (const r of this.backends) {
        n += r.waits.count;
        sum += r.waits.count > 0 ? r.waits.mean * r.waits.count : 0;
      }
      return n > 0 ? sum / n : NaN;
    });
    m('failed_fraction', () => (this.okCount + this.failedCount > 0 ? this.failedCount / (this.okCount + this.failedCount) : 0));
    m('timed_out', () => this.timedOut);
    m('utilisation', () => {
      if (this.shared !== null) return this.shared.utilisation();
      const cap = this.capacityIntegral();
      return cap > 0 ? this.busyIntegral() / cap : 0;
    });
    m('queue_length.mean', () => {
      const now = this.sim.now;
      if (this.shared !== null) return this.shared.queueLength.mean(now);
      let q = 0;
      for (const r of this.backends) q += r.queueLength.mean(now);
      return q;
    });
    m('servers_available.mean', () => this.availLevel.mean(this.sim.now));
    m('availability.capacity', () => (this.capTicks > 0 ? this.capMet / this.capTicks : 1));
    if (this.spec.minServers !== undefined) m('availability.servers', () => this.enoughServers.mean(this.sim.now));
    if (this.spec.latencyObjective !== undefined) {
      const window = this.spec.latencyObjective.window ?? 300;
      m('latency_objective_met', () => (this.okCount + this.failedCount > 0 ? this.under / (this.okCount + this.failedCount) : 1));
      m('availability.latency', () => (this.winCount > 0 ? this.winMet / this.winCount : 1));
      this.winLength = window;
      this.winEvent = this.sim.schedule(window, this.onObjectiveWindow, window);
    }
    this.sim.schedule(TICK, this.onCapacityTick, undefined);
    if (this.shared === null) {
      for (let b = 0; b < this.servers; b++) {
        m(`backend.${b}.response_time.mean`, () => (this.backendOk[b]! > 0 ? this.backendRt[b]! / this.backendOk[b]! : NaN));
        m(`backend.${b}.share`, () => (this.okCount > 0 ? this.backendOk[b]! / this.okCount : 0));
      }
    }

    const rec = world.recorder;
    rec.column(`${this.name}.arrivals`, (a, b) => {
      this.closeInterval(a, b);
      return this.row.arrivals;
    });
    rec.column(`${this.name}.response_time.mean`, () => this.row.rtMean);
    rec.column(`${this.name}.response_time.p95`, () => this.row.rtP95);
    rec.column(`${this.name}.utilisation`, () => this.row.util);
    rec.column(`${this.name}.failed_fraction`, () => this.row.failed);
  }
}

/** Builds every service of the scenario (after the rooms, before the load). */
export function buildServices(world: World): void {
  const site = siteOf(world);
  const specs = world.scenario.services ?? [];
  for (const spec of specs) {
    if (site.pools.has(spec.name)) throw new Error(`services: the name "${spec.name}" is used twice`);
    const pool = new ServicePool(world, spec, site.poolList.length);
    if (spec.room !== undefined) {
      const room = site.rooms.get(spec.room);
      if (room === undefined) throw new Error(`services.${spec.name}.room: no room named "${spec.room}" (rooms: ${[...site.rooms.keys()].join(', ') || 'none'})`);
      pool.room = room;
      room.pools.push(pool);
    }
    if (spec.balancer !== undefined && spec.balancer !== 'none') pool.balancer = new Balancer(world, pool, spec.balancer);
    site.pools.set(spec.name, pool);
    site.poolList.push(pool);
    world.services.set(spec.name, pool);
  }
  for (const pool of site.poolList) {
    const d = pool.spec.downstream;
    if (d === undefined) continue;
    const target = site.pools.get(d);
    if (target === undefined) throw new Error(`services.${pool.name}.downstream: no service named "${d}"`);
    pool.downstream = target;
    target.callers.push(pool);
  }
  // A call cycle would send a request round for ever.
  for (const pool of site.poolList) {
    let p: ServicePool | null = pool.downstream;
    for (let hops = 0; p !== null; hops++) {
      if (p === pool || hops > site.poolList.length) throw new Error(`services.${pool.name}.downstream: calls form a cycle`);
      p = p.downstream;
    }
  }
  for (const pool of site.poolList) pool.register(world);
}
