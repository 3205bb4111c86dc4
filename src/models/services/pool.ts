/**
 * Services and capacity: a pool of servers, either behind one shared queue (the plain
 * M/M/c station) or behind a load balancer with one queue per backend, optionally calling
 * a downstream service, so a small queueing network.
 *
 * Hot path: a request is a slot of the pool's RequestRecords (requests.ts), and the slot index
 * is the event data; the handlers are created once per pool, so nothing is allocated per
 * request. Statistics, objective windows, capacity checks and metrics live in stats.ts and pool-stats.ts.
 *
 * Timeouts: a request still waiting when its timeout fires is withdrawn from the queue; one
 * already in service keeps its server busy until the work ends (the server cannot know the
 * client left), but it counts as failed at the moment of the timeout and may be retried.
 * A failed server (or a room that powers off) fails the requests it was serving.
 */
import { ConstantDelayTimers, Resource, type Distribution, type RateProfile, type Rng } from '../../engine/index.js';
import type { ServiceSpec } from './schema.js';
import { distributionFromSpec, drawInto } from '../kernel/distribution.js';
import type { SlidingWindow } from './histogram.js';
import { Balancer } from './balancer.js';
import type { RoomsPort } from '../cooling/ports.js';
import { CALLING, IDLE, QUEUED, RequestRecords, SERVING } from './requests.js';
import { ServiceStats, type StatsSubject } from './stats.js';
import { NoServerSpells } from './pool-stats.js';
import type { Room } from '../cooling/runtime.js';
import type { ServiceHandle, World } from '../kernel/world.js';
import type { RequestPath } from './request-path.js';
import type { ServicesConfig } from './compile.js';

/** Default idle share of peak server power (Fan, Weber & Barroso, ISCA 2007). */
export const DEFAULT_IDLE_SHARE = 0.5;

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
  /** The network path every attempt crosses before it reaches the service (null: none; set through `setRequestPath`). */
  private requestPath: RequestPath | null = null;
  /** Load-balancer outages in progress (failure, failover): every request is refused. */
  private lbDown = 0;
  /** The spells without a server able to serve (see hadNoServerSince). */
  private readonly noServer = new NoServerSpells();
  /** True while the network in front cuts the service off (every attempt refused on its path). */
  private cutOff = false;
  /** Arrival-rate profiles of the load classes sent here (for availability.capacity). */
  readonly demand: RateProfile[] = [];
  /** Pools that call this one (their demand is ours too). */
  readonly callers: ServicePool[] = [];
  /** True: the load model sends each request (`arrive`); false: a flow-level pool (flow/pool.ts) that only takes the rate profiles. */
  readonly perRequest: boolean = true;
  /** While set, new requests and calls go to this pool instead (a site failed over; see divertTo). */
  private divert: ServicePool | null = null;
  /** The class of each pool whose requests a failover diverted here (see divertedTotals). */
  private readonly origins = new Map<ServicePool, number>();
  /** Pools a recovery plan may divert here (see standBy): their load counts in this pool's capacity checks while it is. */
  readonly standingFor: ServicePool[] = [];
  /** Service-time factor of background jobs (backups, batch) holding a share of every server: 1 ÷ (1 − share). */
  private jobFactor = 1;
  private jobShare = 0;

  private readonly sim: World['sim'];
  private readonly recorder: World['recorder'];
  private readonly site: ServicesRegistry;
  private readonly dist: Distribution;
  private readonly rng: Rng;
  /**
   * The mean of an exponential service time (NaN: another kind), drawn here with the
   * engine's formula (`exponential` in engine/distributions.ts; a test holds them equal).
   */
  private readonly expMean: number;
  /** Draws a service time of another kind into `drawn[0]` (see drawInto: no boxed double where pools of several kinds share the call). */
  private readonly drawServiceTime: () => void;
  private readonly drawn = new Float64Array(1);
  private readonly backoffDist: Distribution | null;
  private readonly backoffRng: Rng;
  private readonly timeout: number;
  /** Client timeouts of the attempts in progress, by request slot (null: no timeout). */
  private readonly timers: ConstantDelayTimers | null;
  private readonly maxRetries: number;
  private readonly speed: Float64Array;
  /** 1 ÷ speed per server, divided once here: the division was on every request's path to its service end. */
  private readonly slowness: Float64Array;
  /** Waiting places (per queue); Infinity without `queueCapacity`. */
  private readonly queueRoom: number;

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

  /** Request records (typed-array slots with a free list). */
  private readonly rec = new RequestRecords();

  // Statistics (reset at the end of warm-up), capacity and objective checks, metrics.
  private readonly stats: ServiceStats;
  /** Recent-history ring of finished requests (owned by the statistics, which bring it up to date first). */
  get window(): SlidingWindow {
    return this.stats.recent();
  }
  /** Capacity of the available servers before the room's slowdown (recomputed when dirty). */
  private capacityDirty = true;
  private capacityCache = 0;

  /** Priority of each load class (index from addClass). */
  private readonly classPriority: number[] = [];

  constructor(
    world: World,
    readonly spec: ServiceSpec,
    readonly index: number,
    site: ServicesRegistry,
  ) {
    const sim = world.sim;
    this.sim = sim;
    this.recorder = world.recorder;
    this.site = site;
    this.name = spec.name;
    this.servers = spec.servers;
    this.concurrency = spec.concurrency;
    this.dist = distributionFromSpec(spec.serviceTime);
    this.rng = world.streams.stream(`services/${spec.name}/service-time`);
    this.drawServiceTime = drawInto(spec.serviceTime, this.dist, this.rng, this.drawn);
    this.expMean = typeof spec.serviceTime !== 'number' && spec.serviceTime.dist === 'exponential' ? this.dist.mean : NaN;
    this.backoffDist = spec.retryBackoff === undefined ? null : distributionFromSpec(spec.retryBackoff);
    this.backoffRng = world.streams.stream(`services/${spec.name}/retry-backoff`);
    this.timeout = spec.timeout ?? 0;
    this.timers = this.timeout > 0 ? new ConstantDelayTimers(sim, this.timeout, this.onTimeout) : null;
    this.maxRetries = spec.retries;
    this.queueRoom = spec.queueCapacity ?? Infinity;
    this.peakPower = spec.power.peak;
    this.idlePower = spec.power.idle ?? this.peakPower * DEFAULT_IDLE_SHARE;
    const n = this.servers;
    this.speed = new Float64Array(n).fill(1);
    spec.speed?.forEach((v, i) => {
      if (i < n) this.speed[i] = v;
    });
    this.slowness = this.speed.map((v) => 1 / v);
    this.failCount = new Uint16Array(n);
    this.offlineCount = new Uint16Array(n);
    this.available = new Uint8Array(n).fill(1);
    this.availableCount = n;
    const units = n * this.concurrency;
    this.conns = new Int32Array(n);
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
    this.stats = new ServiceStats(sim, this.capacityJudged(), this.shared, this.backends);
    // Registered after the Resources': the interval snapshot reads their reset integrals.
    sim.onReset(() => this.stats.reset());
  }

  // ---------------------------------------------------------------- request life cycle

  /** Registers a load class sending requests here; returns its index for `arrive`. */
  addClass(name: string, priority: number, profile: RateProfile): number {
    this.classPriority.push(priority);
    this.demand.push(profile);
    return this.stats.addClass(this.recorder, name);
  }

  /** A new request of load class `cls` (from addClass) arrives now. */
  arrive(cls: number): void {
    if (this.divert !== null) return this.divert.call(this.classPriority[cls]!, -1, -1, this);
    this.stats.arrived();
    const slot = this.rec.alloc();
    this.rec.init(slot, this.sim.now, this.classPriority[cls]!, 0, -1, -1);
    this.rec.cls[slot] = cls;
    this.startAttempt(slot);
  }

  /**
   * A call from an upstream pool's request (`parentSlot` of pool `parentPool`), or, with `from`,
   * a request a failover diverted here from that pool (counted apart: see divertedTotals).
   */
  call(priority: number, parentPool: number, parentSlot: number, from: ServicePool | null = null): void {
    if (this.divert !== null) return this.divert.call(priority, parentPool, parentSlot, from ?? this);
    this.stats.arrived();
    const slot = this.rec.alloc();
    this.rec.init(slot, this.sim.now, priority, 0, parentPool, parentSlot);
    if (from !== null) this.rec.cls[slot] = this.originClass(from);
    this.startAttempt(slot);
  }

  /** The class counting the requests diverted here from `from` (added with the first of them). */
  private originClass(from: ServicePool): number {
    let c = this.origins.get(from);
    if (c === undefined) this.origins.set(from, (c = this.stats.addOrigin()));
    return c;
  }

  /**
   * Running totals since warm-up of the requests a failover diverted here from `origin` (all
   * origins when null), with successes slower than tracked threshold `id` (−1: none counted).
   */
  divertedTotals(origin: ServiceHandle | null, id: number): { finished: number; failed: number; slow: number } {
    const out = { finished: 0, failed: 0, slow: 0 };
    for (const [pool, cls] of this.origins) {
      if (origin !== null && pool !== origin) continue;
      const t = this.stats.originTotals(cls, id);
      out.finished += t.finished;
      out.failed += t.failed;
      out.slow += t.slow;
    }
    return out;
  }

  /** Puts a network path in front of the service: every attempt crosses it first (the network model's hook). */
  setRequestPath(path: RequestPath): void {
    this.requestPath = path;
  }

  private startAttempt(slot: number): void {
    const path = this.requestPath;
    if (path !== null) {
      const delay = path.cross();
      if (delay < 0) {
        // Dropped or refused by the network: the attempt fails at once.
        this.rec.state[slot] = IDLE;
        this.endAttempt(slot, false);
        return;
      }
      if (delay > 0) {
        this.sim.post(delay, this.onCrossed, slot);
        return;
      }
    }
    this.reachService(slot);
  }

  private readonly onCrossed = (slot: number): void => {
    this.reachService(slot);
  };

  /**
   * The attempt reaches the service: the request is dispatched and the client's timeout
   * starts now, unless it could not fire (see beginService). Nothing dispatch does before
   * the timeout starts schedules an event, so the events keep their order.
   */
  private reachService(slot: number): void {
    this.dispatch(slot, this.timers !== null);
  }

  /** `timeout`: the attempt's client timeout is still to be started (false: a queued request sent elsewhere keeps its own). */
  private dispatch(slot: number, timeout: boolean): void {
    const shared = this.shared;
    if (shared !== null) {
      if (this.full(shared)) {
        this.block(slot);
        return;
      }
      const h = shared.seize(this.onGrant, slot, this.rec.prio[slot]!);
      this.stats.admitted(h !== -1);
      if (h === -1) this.beginService(slot, timeout);
      else {
        if (timeout) this.timers!.start(slot);
        this.rec.state[slot] = QUEUED;
        this.rec.qh[slot] = h;
      }
      return;
    }
    const b = this.lbDown > 0 ? -1 : this.balancer!.pick();
    if (b < 0) {
      // No backend in rotation (or no load balancer): the request is refused at once.
      this.rec.state[slot] = IDLE;
      this.endAttempt(slot, false);
      return;
    }
    if (this.full(this.backends[b]!)) {
      this.block(slot);
      return;
    }
    this.rec.unit[slot] = b;
    this.conns[b]++;
    const h = this.backends[b]!.seize(this.onGrant, slot, this.rec.prio[slot]!);
    this.stats.admitted(h !== -1);
    if (h === -1) this.beginService(slot, timeout);
    else {
      if (timeout) this.timers!.start(slot);
      this.rec.state[slot] = QUEUED;
      this.rec.qh[slot] = h;
    }
  }

  /** True when an arrival at `queue` would have to wait and the waiting room is full. */
  private full(queue: Resource): boolean {
    return this.queueRoom !== Infinity && queue.waiting >= this.queueRoom && (queue.waiting > 0 || queue.free === 0);
  }

  /** The queue is full: the attempt is refused at once (and may be retried). */
  private block(slot: number): void {
    this.stats.recordBlocked();
    this.rec.state[slot] = IDLE;
    this.endAttempt(slot, false);
  }

  private readonly onGrant = (slot: number): void => {
    this.rec.qh[slot] = -1;
    this.beginService(slot, false);
  };

  /**
   * Service of `slot` begins now. `timeout`: the attempt's client timeout is still to be
   * started (a request served on arrival). It is started only if it could fire: with no
   * downstream call, a request served at once ends at the end drawn here unless its server
   * fails first, and a failure ends the attempt and stops the timeout anyway; so a timeout
   * due after that end would only ever be stopped (most requests: no timer, no ring entry,
   * no wake-up for it). Started, it is started before the service end is scheduled, as before.
   */
  private beginService(slot: number, timeout: boolean): void {
    let server: number;
    if (this.shared !== null) {
      let u: number;
      do {
        if (this.freeTop === 0) throw new Error(`service ${this.name}: unit accounting broken (no free unit for a granted request)`);
        u = this.freeUnits[--this.freeTop]!;
        this.inStack[u] = 0;
      } while (this.available[(u / this.concurrency) | 0] === 0);
      this.busyUnit[u] = 1;
      this.rec.unit[slot] = u;
      server = (u / this.concurrency) | 0;
    } else {
      server = this.rec.unit[slot]!;
    }
    this.rec.state[slot] = SERVING;
    let factor = this.slowness[server]!;
    if (this.room !== null) factor *= this.room.serviceTimeFactor;
    factor *= this.jobFactor;
    // Never cancelled (a failed server's requests are marked killed instead), so no handle;
    // the end time goes through the staging element, not a (boxed) double argument.
    const sim = this.sim;
    // The commonest kind drawn in place; the others through drawInto, so that pools of
    // several kinds do not share one megamorphic `sample` call returning a boxed double.
    const mean = this.expMean;
    let x: number;
    if (mean === mean) x = -Math.log(1 - this.rng.next()) * mean;
    else {
      this.drawServiceTime();
      x = this.drawn[0]!;
    }
    const end = sim.now + x * factor;
    // The same sum as the timer's expiry (now + delay): the service end must be strictly earlier.
    if (timeout && (this.downstream !== null || !(end < sim.now + this.timeout))) this.timers!.start(slot);
    sim.staged[0] = end;
    sim.postStaged(this.onComplete, slot);
  }

  private readonly onComplete = (slot: number): void => {
    if (this.rec.killed[slot] === 1) {
      // Its server failed during the work: the unit and the attempt were settled then.
      this.rec.release(slot);
      return;
    }
    this.freeUnit(slot);
    if (this.rec.abandoned[slot] === 1) {
      this.rec.release(slot);
      return;
    }
    if (this.downstream !== null) {
      this.rec.state[slot] = CALLING;
      this.downstream.call(this.rec.prio[slot]!, this.index, slot);
      return;
    }
    this.succeed(slot);
  };

  /** Gives back the server unit held by `slot` (which is in service). */
  private freeUnit(slot: number): void {
    this.rec.state[slot] = IDLE;
    const shared = this.shared;
    if (shared !== null) {
      const u = this.rec.unit[slot]!;
      this.busyUnit[u] = 0;
      // Push before releasing: the release may grant the next claim, which pops a unit.
      if (this.available[(u / this.concurrency) | 0] === 1) {
        this.freeUnits[this.freeTop++] = u;
        this.inStack[u] = 1;
      }
      shared.release();
    } else {
      const b = this.rec.unit[slot]!;
      this.conns[b]--;
      this.backends[b]!.release();
    }
  }

  /** The downstream call of `slot` ended. */
  childDone(slot: number, ok: boolean): void {
    this.rec.state[slot] = IDLE;
    if (this.rec.abandoned[slot] === 1) this.rec.release(slot);
    else if (ok) this.succeed(slot);
    else this.endAttempt(slot, false);
  }

  private succeed(slot: number): void {
    if (this.timers !== null) this.timers.stop(slot);
    this.stats.recordOk(this.rec, slot, this.shared === null ? this.rec.unit[slot]! : -1);
    const pp = this.rec.parentPool[slot]!;
    const ps = this.rec.parentSlot[slot]!;
    this.rec.release(slot);
    if (pp >= 0) this.site.poolList[pp]!.childDone(ps, true);
  }

  private readonly onTimeout = (slot: number): void => {
    this.stats.recordTimeout();
    const st = this.rec.state[slot];
    if (st === QUEUED) this.leaveQueue(slot);
    this.endAttempt(slot, true);
  };

  private leaveQueue(slot: number): void {
    const h = this.rec.qh[slot]!;
    this.rec.qh[slot] = -1;
    if (this.shared !== null) this.shared.withdraw(h);
    else {
      const b = this.rec.unit[slot]!;
      this.backends[b]!.withdraw(h);
      this.conns[b]--;
    }
    this.rec.state[slot] = IDLE;
  }

  /**
   * The current attempt of `slot` is over from the client's side (failed or timed out):
   * retry after the backoff, or fail the request. A slot whose work is still in progress
   * is abandoned and freed when the work ends.
   */
  private endAttempt(slot: number, timedOut: boolean): void {
    if (!timedOut && this.timers !== null) this.timers.stop(slot);
    const pp = this.rec.parentPool[slot]!;
    const ps = this.rec.parentSlot[slot]!;
    // A killed slot waits for its service-end event, which frees it.
    const busy = this.rec.state[slot] !== IDLE || this.rec.killed[slot] === 1;
    if (this.rec.retries[slot]! < this.maxRetries) {
      const next = this.rec.alloc();
      this.rec.init(next, this.rec.arr[slot]!, this.rec.prio[slot]!, this.rec.retries[slot]! + 1, pp, ps);
      this.rec.cls[next] = this.rec.cls[slot]!;
      const delay = this.backoffDist === null ? 0 : this.backoffDist.sample(this.backoffRng);
      this.sim.post(delay, this.onRetry, next);
      if (busy) {
        this.rec.abandoned[slot] = 1;
        this.rec.parentPool[slot] = -1;
      } else this.rec.release(slot);
      return;
    }
    this.stats.recordFailed(this.rec.cls[slot]!);
    if (busy) {
      this.rec.abandoned[slot] = 1;
      this.rec.parentPool[slot] = -1;
    } else this.rec.release(slot);
    if (pp >= 0) this.site.poolList[pp]!.childDone(ps, false);
  }

  private readonly onRetry = (slot: number): void => {
    this.startAttempt(slot);
  };

  // ---------------------------------------------------------------- servers

  /** Server index of the request in `slot`. */
  private serverOf(slot: number): number {
    return this.shared !== null ? (this.rec.unit[slot]! / this.concurrency) | 0 : this.rec.unit[slot]!;
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

  /** Capacity (units in service) integrated over time since the last statistics reset. */
  capacityIntegral(): number {
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
    for (let slot = 0; slot < this.rec.hiWater; slot++) {
      if (this.rec.state[slot] !== SERVING || this.serverOf(slot) !== s) continue;
      // The service-end event stays in the calendar and frees the slot when it fires.
      this.freeUnit(slot);
      this.rec.killed[slot] = 1;
      if (this.rec.abandoned[slot] === 0) this.endAttempt(slot, false);
    }
  }

  /** Sends the requests queued at backend `b` elsewhere (it left rotation with no capacity). */
  redispatchQueued(b: number): void {
    for (let slot = 0; slot < this.rec.hiWater; slot++) {
      if (this.rec.state[slot] !== QUEUED || this.rec.unit[slot] !== b) continue;
      this.leaveQueue(slot);
      this.dispatch(slot, false);
    }
  }

  private noteAvailability(): void {
    const now = this.sim.now;
    const n = this.serversAvailable();
    this.stats.noteAvailability(now, n);
    this.noServer.note(now, this.cutOff ? 0 : n);
  }

  /**
   * The network model says the service is cut off (a device or pair its requests cross is down)
   * or reachable again: while cut off, nothing can serve its requests, its servers up or not, so
   * it is a spell without a server for hadNoServerSince (and only for it: the servers' own
   * availability and capacity metrics are the servers').
   */
  setCutOff(cut: boolean): void {
    this.cutOff = cut;
    this.noServer.note(this.sim.now, cut ? 0 : this.serversAvailable());
  }

  /**
   * True when, for some time after `from` up to now, no server could serve (every one failed,
   * offline, powered off or drained, the load balancer down, or the network in front cut the
   * service off): a spell of positive length
   * that overlaps (from, now]. Read at an SLA window's end or a switch, never per request.
   */
  hadNoServerSince(from: number): boolean {
    return this.noServer.since(from, this.sim.now);
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
    return this.stats.totals();
  }

  /** Registers a latency threshold to count slow successes against; returns its id for slowerThan. */
  trackThreshold(seconds: number): number {
    return this.stats.trackThreshold(seconds);
  }

  /** Successes slower than tracked threshold `id` since the end of warm-up. */
  slowerThan(id: number): number {
    return this.stats.slowerThan(id);
  }

  /** The latency objective declared by the scenario, if any. */
  get latencyObjective(): { threshold: number; target: number } | null {
    return this.stats.latencyObjective();
  }

  /** Requests waiting in the queue(s) now. */
  queueLength(): number {
    if (this.shared !== null) return this.shared.waiting;
    let n = 0;
    for (const r of this.backends) n += r.waiting;
    return n;
  }

  // ---------------------------------------------------------------- capacity

  /**
   * Offered rate of new requests at time t: own load classes plus what reaches each caller
   * (its own demand and any pool diverted to it), while that caller is not diverted itself. A
   * diverted caller's requests go to its standby, whose own calls carry them downstream: web
   * failed over to web-dr loads web-dr's callee, not web's.
   */
  demandRate(t: number): number {
    let r = 0;
    for (const p of this.demand) r += p.rate(t);
    for (const c of this.callers) if (c.divert === null) r += c.inflowRate(t);
    return r;
  }

  /** Requests expected over [a, b) from the load sent here and to its callers (retries not counted): `demandRate` integrated, with the diversions of now. */
  demandIn(a: number, b: number): number {
    let x = 0;
    for (const p of this.demand) x += p.integral(a, b);
    for (const c of this.callers) if (c.divert === null) x += c.inflowIn(a, b);
    return x;
  }

  /**
   * Offered rate at time t of the new requests that cross this pool's request path (the
   * network in front of it): none while a failover diverts them, else its own demand plus that
   * of every pool diverted here. What `arrive` and `call` send on, retries not counted.
   */
  arrivalRate(t: number): number {
    return this.divert === null ? this.inflowRate(t) : 0;
  }

  /** `arrivalRate` integrated over [a, b), with the diversions of now. */
  arrivalsIn(a: number, b: number): number {
    return this.divert === null ? this.inflowIn(a, b) : 0;
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
    return 1 / ((this.room?.serviceTimeFactor ?? 1) * this.jobFactor);
  }

  /**
   * Sends new requests and calls to `target` (a recovery site's service) until called with
   * null; requests already here stay. Used by the sites model when a site fails over.
   */
  divertTo(target: ServicePool | null): void {
    for (const p of this.site.poolList) p.requestPath?.rerouting?.();
    this.divert = target === this ? null : target;
  }

  /**
   * Declares that a recovery plan may divert `primary`'s new requests here (called when the
   * sites are built, before the first capacity check): while it does, this pool's capacity
   * checks count that load too, and they run even if no load of its own reaches this pool.
   */
  standBy(primary: ServicePool): void {
    if (primary !== this && !this.standingFor.includes(primary)) this.standingFor.push(primary);
  }

  /** The pool serving this one's new requests now: itself, or where a failover diverts them (followed to the end; the sites model refuses cycles). */
  private servingPool(): ServicePool {
    let at: ServicePool = this;
    while (at.divert !== null && at.divert !== this) at = at.divert;
    return at;
  }

  /** Offered rate at time t of the requests that reach this pool: its own demand plus that of every pool diverted here. */
  private inflowRate(t: number): number {
    let r = this.demandRate(t);
    for (const p of this.standingFor) if (p.divert === this) r += p.inflowRate(t);
    return r;
  }

  /** `inflowRate` integrated over [a, b), with the diversions of now. */
  private inflowIn(a: number, b: number): number {
    let x = this.demandIn(a, b);
    for (const p of this.standingFor) if (p.divert === this) x += p.inflowIn(a, b);
    return x;
  }

  /**
   * What the statistics read from this pool, with availability.capacity judged on the capacity
   * actually serving its offered load: while a failover diverts its requests, the serving pool's
   * capacity against everything offered there (its own load plus every pool diverted to it), so
   * a primary and its standby read alike; without diversions, this pool's capacity and demand.
   */
  private capacityJudged(): StatsSubject {
    // Named, because inside the getter below `this` is the view, not the pool.
    const pool = this;
    return {
      name: pool.name,
      servers: pool.servers,
      spec: pool.spec,
      demand: pool.demand,
      get callers(): readonly unknown[] {
        return pool.standingFor.length === 0 ? pool.callers : [...pool.callers, ...pool.standingFor];
      },
      capacityRate: () => (pool.divert === null ? pool.capacityRate() : pool.servingPool().capacityRate()),
      demandRate: (t) => {
        const at = pool.divert === null ? pool : pool.servingPool();
        return at.standingFor.length === 0 ? at.demandRate(t) : at.inflowRate(t);
      },
      busyIntegral: () => pool.busyIntegral(),
      capacityIntegral: () => pool.capacityIntegral(),
    };
  }

  /**
   * A background job (backup, batch) holds `share` of every server's capacity until the
   * returned function is called: service times stretch by 1 ÷ (1 − total share), the total
   * capped at 0.95 so the service never stops outright.
   */
  holdShare(share: number): () => void {
    const change = (d: number): void => {
      this.jobShare += d;
      this.jobFactor = this.jobShare <= 1e-12 ? 1 : 1 / (1 - Math.min(this.jobShare, 0.95));
    };
    change(share);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      change(-share);
    };
  }

  /** Registers metrics, series columns and periodic checks (called once by buildServices). */
  register(world: World): void {
    this.stats.register(world);
  }
}

/** The services of one replication: by name and by index (the services port). */
export interface ServicesRegistry {
  /** Service pools by name, in scenario order. */
  readonly pools: ReadonlyMap<string, ServicePool>;
  /** Pools by index: pool i is the scenario's `services[i]` (a request record names its parent pool by index; compiled configs name services by index). */
  readonly poolList: readonly ServicePool[];
}

/** Makes the pool of one service (the request level's, or another runtime behind the same port). */
export type PoolFactory = (world: World, spec: ServiceSpec, index: number, site: ServicesRegistry) => ServicePool;

/** Builds every service of the scenario (after the rooms, before the load). */
export function buildServices(world: World, rooms: RoomsPort, config: ServicesConfig, makePool: PoolFactory = (w, spec, i, site) => new ServicePool(w, spec, i, site)): ServicesRegistry {
  const site = { pools: new Map<string, ServicePool>(), poolList: [] as ServicePool[] };
  // The compile step has checked the names, the rooms and the calls (no cycle).
  for (const { spec } of config.services) {
    const pool = makePool(world, spec, site.poolList.length, site);
    if (spec.room !== undefined) {
      const room = rooms.get(spec.room)!;
      pool.room = room;
      room.pools.push(pool);
    }
    if (spec.balancer !== undefined && spec.balancer !== 'none') pool.balancer = new Balancer(world, pool, spec.balancer);
    site.pools.set(spec.name, pool);
    site.poolList.push(pool);
    world.services.set(spec.name, pool);
  }
  config.services.forEach(({ downstream }, i) => {
    if (downstream === null) return;
    const pool = site.poolList[i]!;
    const target = site.poolList[downstream]!;
    pool.downstream = target;
    target.callers.push(pool);
  });
  for (const pool of site.poolList) pool.register(world);
  return site;
}
