/**
 * A flow-level service pool (`fidelity: flow`): the same ServicePool behind the services
 * port — servers fail and are repaired, rooms throttle and power off, the balancer's faults
 * and health checks change its rotation, all through the inherited server state — but its
 * requests are not events. Time is cut into 60-s cells (and at every change of state inside
 * one, and behind a network path at the load's rate changes: see FlowNetwork); in each step every station (one backend, or the shared pool) is a queue with offered
 * rate λ and capacity c·μ:
 *
 * - stable (no backlog, λ < cμ): the stationary M/G/c response-time distribution
 *   (Allen–Cunneen; exact M/M/c for exponential service; see queue.ts);
 * - overloaded or draining: a fluid backlog Q with dQ/dt = λ − cμ while positive, each
 *   request served after the wait Q/(cμ); with a timeout T the backlog that can still be
 *   served is capped at cμ·T and the excess times out;
 * - the fresh arrivals of each cell are a Poisson count from the pool's own stream
 *   (`services/<name>/flow/arrivals`), so replications differ.
 *
 * Nothing is scheduled per request: the pool is brought up to date lazily, whenever anyone
 * reads it or changes it (`sync`), and the station parameters in force (shares, units,
 * speeds) are cached so that a change is applied after the time before it was accounted.
 */
import type { RateProfile, Rng } from '../../../engine/index.js';
import { distributionFromSpec } from '../../kernel/distribution.js';
import { TICK } from '../../kernel/timing.js';
import type { World } from '../../kernel/world.js';
import { ServicePool, type ServicesRegistry } from '../pool.js';
import type { ServiceSpec } from '../schema.js';
import type { FlowPath, NetworkDelay, RequestPath } from '../request-path.js';
import { fluidRegime, poisson, serviceShape, stationaryRegime, type Regime, type ServiceShape } from './queue.js';
import { FlowStats } from './stats.js';

/** Length of a flow cell (s): one Poisson draw per pool per cell. */
export const FLOW_CELL = TICK;

/** One queue of a flow pool: a backend, or the whole pool behind a shared queue. */
interface Station {
  /** Backend index (-1: pooled). */
  readonly backend: number;
  /** Share of the pool's attempts it receives (cached at the last change). */
  share: number;
  /** Units serving (servers × concurrency available). */
  units: number;
  /** Mean speed of those units. */
  speed: number;
  /** Interarrival SCV (1: Poisson; p for a smooth round-robin share p). */
  ca2: number;
  /** Backlog that will still be served (requests). */
  q: number;
  /** Busy units in the last step (for busyNow and killed work). */
  busyNow: number;
  /** Work (unit-seconds) admitted but not yet done. */
  work: number;
  /** The last regime looked up and its bins (most steps reuse it). */
  memo: Regime | null;
  readonly memoBins: Float64Array;
}

/** Relative width of the bins rates and waits are rounded to before a regime is looked up (small enough to bias nothing measurable). */
const BIN = 1e-5;
/** Coarser bins for a fluid backlog's wait, which changes every step (0.5 %). */
const FLUID_BIN = 0.005;
/** The bin of x > 0 (−1e9 for 0). */
const bin = (x: number, w = BIN): number => (x > 0 ? Math.round(Math.log(x) / w) : -1e9);
const unbin = (k: number, w = BIN): number => (k === -1e9 ? 0 : Math.exp(k * w));

/**
 * The flow pools of one replication, stepped together (callers before the services they call).
 * Steps end at the 60-s cells, at every change of state (a sync), and, when a pool sits behind
 * a network path, at the load profiles' rate changes that move a device's offered rate: a
 * device is evaluated at the step's mean rate, and its drop share is convex in the rate, so a
 * rate change averaged over a cell would understate the drops.
 */
export class FlowNetwork {
  private readonly pools: FlowPool[] = [];
  private order: FlowPool[] | null = null;
  private last: number;
  /** The network paths in front of the pools (their rate changes break the steps). */
  private readonly paths: FlowPath[] = [];
  /** The cell whose breaks are listed, and those breaks in increasing order. */
  private breaksCell = -1;
  private readonly cellBreaks: number[] = [];

  constructor(private readonly world: World) {
    this.last = world.sim.now;
  }

  add(pool: FlowPool): void {
    this.pools.push(pool);
    this.order = null;
  }

  /** A network path in front of a pool: the steps break at its rate changes. */
  addPath(path: FlowPath): void {
    this.paths.push(path);
    this.breaksCell = -1;
  }

  /** Advances every flow pool to `t` (now). */
  advance(t: number): void {
    if (!(t > this.last)) return;
    const order = (this.order ??= this.topological());
    while (this.last < t) {
      const cell = Math.floor(this.last / FLOW_CELL);
      const cellEnd = (cell + 1) * FLOW_CELL;
      let end = Math.min(cellEnd, t);
      if (this.paths.length > 0) end = Math.min(end, this.nextBreak(cell, this.last));
      for (const p of order) p.step(this.last, end, cell);
      this.last = end;
      if (end === cellEnd) for (const p of order) p.gridPoint(end);
    }
  }

  /** The first rate change of the paths' load after `t` within `cell` (Infinity: none). */
  private nextBreak(cell: number, t: number): number {
    const b = this.cellBreaks;
    if (cell !== this.breaksCell) {
      this.breaksCell = cell;
      b.length = 0;
      for (const p of this.paths) p.breaks(cell * FLOW_CELL, (cell + 1) * FLOW_CELL, b);
      b.sort((x, y) => x - y);
    }
    for (const x of b) if (x > t) return x;
    return Infinity;
  }

  private topological(): FlowPool[] {
    const depth = (p: FlowPool): number => {
      let d = 0;
      for (let q = p.downstream; q !== null; q = q.downstream) d++;
      return d;
    };
    // Deepest callers (longest chain below them) first.
    return [...this.pools].sort((a, b) => depth(b) - depth(a));
  }
}

/** A service pool evaluated at flow level. */
export class FlowPool extends ServicePool {
  override readonly perRequest: boolean = false;
  readonly balanced: boolean;
  private readonly net: FlowNetwork;
  private readonly world: World;
  private readonly shape: ServiceShape;
  private readonly arrivalsRng: Rng;
  private readonly killRng: Rng;
  private readonly flow: FlowStats;
  private readonly stations: Station[] = [];
  private readonly limit: number;
  private readonly maxAttempts: number;
  private readonly pooledLc: boolean;
  /** Attempts waiting to be (re)tried, by attempt number (0: redispatched first attempts). */
  private readonly carry: Float64Array;
  /** Fresh arrivals drawn for the current cell, and the cell's expected count. */
  private cellIndex = -1;
  private cellCount = 0;
  private cellMean = 0;
  /** Calls from upstream flow pools in the current step: counts, and their expected number. */
  private callsIn = 0;
  private callsExpected = 0;
  /** Attempts lost with a failed or powered-off server since the last step. */
  private killed = 0;
  private lbDownFlow = 0;
  /** The network path in front of the pool (null: none). */
  private path: FlowPath | null = null;
  /** Mean response time and failed share of the last step's successes (what callers see). */
  lastRt = 0;
  lastFail = 0;
  private readonly regimes = new Map<string, Regime>();

  constructor(world: World, spec: ServiceSpec, index: number, site: ServicesRegistry, net: FlowNetwork) {
    super(world, spec, index, site);
    this.world = world;
    this.net = net;
    this.balanced = spec.balancer !== undefined && spec.balancer !== 'none';
    this.pooledLc = this.balanced && spec.balancer !== 'none' && spec.balancer?.policy === 'least-connections';
    this.shape = serviceShape(distributionFromSpec(spec.serviceTime), world.streams.stream(`services/${spec.name}/flow/service-shape`));
    this.arrivalsRng = world.streams.stream(`services/${spec.name}/flow/arrivals`);
    this.killRng = world.streams.stream(`services/${spec.name}/flow/killed`);
    this.limit = spec.timeout ?? 0;
    this.maxAttempts = spec.retries + 1;
    this.carry = new Float64Array(this.maxAttempts);
    this.flow = new FlowStats(world.sim, this);
    if (this.balanced && !this.pooledLc) for (let b = 0; b < this.servers; b++) this.stations.push(this.station(b));
    else this.stations.push(this.station(-1));
    net.add(this);
    world.sim.onReset(() => {
      this.sync();
      this.flow.reset();
    });
  }

  private station(backend: number): Station {
    return { backend, share: 0, units: 0, speed: 1, ca2: 1, q: 0, busyNow: 0, work: 0, memo: null, memoBins: new Float64Array(8) };
  }

  /** Brings every flow pool up to now. */
  sync(): void {
    this.net.advance(this.world.sim.now);
  }

  // ---------------------------------------------------------------- station parameters

  /** Recomputes the shares, units and speeds in force (after a change of state). */
  private refreshStations(): void {
    const spec = this.spec;
    const conc = this.concurrency;
    const speedOf = (s: number): number => spec.speed?.[s] ?? 1;
    const lb = this.balancer;
    if (!this.balanced || this.pooledLc) {
      // Shared queue, or least-connections treated as one pooled queue (join-the-shortest-queue
      // keeps the backends' queues nearly equal, so it behaves much like M/M/c).
      let units = 0;
      let speed = 0;
      for (let s = 0; s < this.servers; s++) {
        const ok = this.isAvailable(s) && (lb === null || lb.inRotationNow(s));
        if (ok) {
          units += conc;
          speed += speedOf(s) * conc;
        }
      }
      const st = this.stations[0]!;
      st.units = units;
      st.speed = units > 0 ? speed / units : 1;
      st.share = this.lbDownFlow > 0 || (lb !== null && !this.anyInRotation()) ? 0 : 1;
      st.ca2 = 1;
    } else {
      let total = 0;
      for (let b = 0; b < this.servers; b++) if (lb!.inRotationNow(b)) total += lb!.weightNow(b);
      for (const st of this.stations) {
        const b = st.backend;
        const w = lb!.inRotationNow(b) ? lb!.weightNow(b) : 0;
        st.share = this.lbDownFlow > 0 || total <= 0 ? 0 : w / total;
        st.units = this.isAvailable(b) ? conc : 0;
        st.speed = speedOf(b);
        // Random dispatch thins a Poisson stream (still Poisson); smooth weighted round-robin
        // sends every (1/p)-th request, so interarrivals are close to Erlang-(1/p): SCV ≈ p.
        st.ca2 = lb!.policy === 'random' ? 1 : Math.max(st.share, 1e-3);
      }
    }
  }

  private anyInRotation(): boolean {
    const lb = this.balancer!;
    for (let b = 0; b < this.servers; b++) if (lb.inRotationNow(b)) return true;
    return false;
  }

  private regime(st: Station, kind: 's' | 'f', scale: number, lambda: number, shift: number, back = 0, net: NetworkDelay | null = null): Regime {
    const l = bin(lambda);
    const sc = bin(scale);
    const w = kind === 's' ? BIN : FLUID_BIN;
    const sh = bin(shift, w);
    const bk = bin(back, w);
    const nd = net === null ? 0 : net.id;
    const m = st.memoBins;
    const k0 = kind === 's' ? 0 : 1;
    if (st.memo !== null && m[0] === k0 && m[1] === st.units && m[2] === l && m[3] === sc && m[4] === sh && m[5] === st.ca2 && m[6] === bk && m[7] === nd) return st.memo;
    const key = `${kind}|${st.units}|${l}|${sc}|${sh}|${st.ca2}|${bk}|${nd}`;
    let r = this.regimes.get(key);
    if (r === undefined) {
      if (this.regimes.size > 20_000) this.regimes.clear();
      r =
        kind === 's'
          ? stationaryRegime(this.shape, unbin(sc), st.units, unbin(l), st.ca2, unbin(sh, w), this.limit, net)
          : fluidRegime(this.shape, unbin(sc), unbin(sh, w), this.limit, unbin(bk, w), net);
      this.regimes.set(key, r);
    }
    m[0] = k0;
    m[1] = st.units;
    m[2] = l;
    m[3] = sc;
    m[4] = sh;
    m[5] = st.ca2;
    m[6] = bk;
    m[7] = nd;
    st.memo = r;
    return r;
  }

  // ---------------------------------------------------------------- one step

  /** Advances this pool over [t0, t1) within cell `cell` (called by the network). */
  step(t0: number, t1: number, cell: number): void {
    const dt = t1 - t0;
    if (cell !== this.cellIndex) {
      // One Poisson draw per cell: how a cell is split by changes never shifts the stream.
      this.cellIndex = cell;
      const a = cell * FLOW_CELL;
      this.cellMean = this.expected(a, a + FLOW_CELL);
      this.cellCount = poisson(this.cellMean, this.arrivalsRng);
    }
    const expected = this.expected(t0, t1);
    const fresh = this.cellMean > 0 ? (this.cellCount * expected) / this.cellMean : 0;
    const calls = this.callsIn;
    const callsExpected = this.callsExpected;
    this.callsIn = 0;
    this.callsExpected = 0;
    this.flow.arrived(fresh + calls);
    // Attempts by attempt number: first attempts (fresh, calls, redispatched), then retries.
    const carry = this.carry;
    const first = fresh + calls + carry[0]!;
    let attempts = first;
    for (let k = 1; k < carry.length; k++) attempts += carry[k]!;
    // The regime sees the expected offered rate (the counts carry the randomness), so stable
    // periods reuse one regime; retries and redispatched attempts add what is carried.
    let offered = (expected + callsExpected + (attempts - fresh - calls)) / dt;
    // A network path in front: it passes a share of the attempts (the rest fail at once, as a
    // drop or a refusal does at request level, and may be retried) and delays the ones it passes.
    let reached = attempts;
    let net: NetworkDelay | null = null;
    const path = this.path;
    if (path !== null) {
      const pass = path.step(t0, t1, attempts);
      reached = attempts * pass;
      offered *= pass;
      if (path.delay.mean > 0) net = path.delay;
    }

    const factor = this.room?.serviceTimeFactor ?? 1;
    const ds = this.downstream as FlowPool | null;
    const dsShift = ds === null ? 0 : ds.lastRt;
    const dsFail = ds === null ? 0 : ds.lastFail;
    let ok = 0;
    let failedAttempts = attempts - reached;
    let timeouts = 0;
    let busy = 0;
    let capacityUnits = 0;
    let queueArea = 0;
    let rtSum = 0;
    let callsOut = 0;
    let callsOutExpected = 0;
    for (let s = 0; s < this.servers; s++) if (this.isAvailable(s)) capacityUnits += this.concurrency;
    for (const st of this.stations) {
      const n = reached * st.share;
      const lambda = offered * st.share;
      const scale = factor / st.speed;
      const mu = 1 / (this.shape.mean * scale);
      const cap = st.units * mu;
      if (st.units <= 0) {
        // Nothing serves here (a dead backend still in rotation, or no server left): the
        // attempts wait and, with a timeout, fail when it fires.
        st.busyNow = 0;
        st.work = 0;
        if (this.limit > 0) {
          failedAttempts += n + st.q;
          timeouts += n + st.q;
          queueArea += (n + st.q) * Math.min(this.limit, dt);
          st.q = 0;
        } else {
          st.q += n;
          queueArea += st.q * dt;
        }
        continue;
      }
      let r: Regime;
      let served: number;
      if (st.q < Math.max(1, st.units) && lambda < cap * (1 - 1e-4)) {
        // Stable: stationary M/G/c; a small leftover backlog drains with the step.
        r = this.regime(st, 's', scale, lambda, dsShift, 0, net);
        served = n + st.q;
        st.q = 0;
        queueArea += served * r.waitMean;
      } else {
        // Fluid backlog: dQ/dt = λ − cμ while positive.
        const q0 = st.q;
        let q1 = q0 + n - cap * dt;
        served = q0 + n - Math.max(0, q1);
        q1 = Math.max(0, q1);
        let back = 0;
        if (this.limit > 0 && q1 >= cap * this.limit) {
          const doomed = q1 - cap * this.limit;
          q1 = cap * this.limit;
          failedAttempts += doomed;
          timeouts += doomed;
          queueArea += doomed * this.limit;
          // Held at the cap by overload: the virtual wait sits below the timeout at an
          // exponential distance. M/M/c+D (deterministic patience): the wait density is
          // ∝ e^{(λ − cμ)x} below T, rate λ − cμ; other arrival and service variability
          // scale it as Allen–Cunneen does the stable wait, 2(λ − cμ)/(ca² + cs²).
          if (lambda > cap) back = (2 * (lambda - cap)) / Math.max(1e-9, st.ca2 + this.shape.cs2);
        }
        st.q = q1;
        const wait = (0.5 * (q0 + q1)) / cap;
        r = this.regime(st, 'f', scale, 0, wait + dsShift, back, net);
        queueArea += 0.5 * (q0 + q1) * dt;
      }
      // Work beyond what the units can do in the step (a Poisson count above the mean) is
      // done in the next steps, so utilisation is not clipped.
      const due = served * this.shape.mean * scale + st.work;
      const work = Math.min(due, st.units * dt);
      st.work = due - work;
      busy += work;
      st.busyNow = dt > 0 ? work / dt : 0;
      const good = served * r.okFraction * (1 - dsFail);
      const late = served * (1 - r.okFraction);
      timeouts += late;
      failedAttempts += served - good;
      this.flow.served(served, r.waitMean - dsShift);
      this.flow.recordOk(t0, t1, r, good, st.backend >= 0 ? st.backend : -1);
      if (this.pooledLc && good > 0) this.spreadBackends(good, r);
      ok += good;
      rtSum += good * r.okMean;
      callsOut += served * r.okFraction;
      callsOutExpected += (r.shift > dsShift ? served : lambda * dt) * r.okFraction;
    }
    // Work lost with servers that failed or powered off since the last step.
    failedAttempts += Math.min(this.killed, attempts);
    this.killed = 0;
    this.flow.recordTimeouts(timeouts);
    this.flow.recordLoad(busy, capacityUnits * dt, queueArea);
    // Retries: every attempt number fails in the same proportion.
    const f = attempts > 0 ? Math.min(1, failedAttempts / attempts) : 0;
    let finalFail = 0;
    for (let k = carry.length - 1; k >= 0; k--) {
      const nk = k === 0 ? first : carry[k]!;
      carry[k] = 0;
      const fk = nk * f;
      if (k + 1 < carry.length) carry[k + 1] += fk;
      else finalFail += fk;
    }
    this.flow.recordFailed(t0, t1, finalFail);
    this.lastRt = ok > 0 ? rtSum / ok : this.lastRt;
    this.lastFail = attempts > 0 ? finalFail / attempts : 0;
    // Successful local work calls the downstream service within the same step.
    if (ds !== null) {
      ds.callsIn += callsOut;
      ds.callsExpected += callsOutExpected;
    }
  }

  /** Least-connections pooled: the successes spread over the backends serving. */
  private spreadBackends(good: number, r: Regime): void {
    let k = 0;
    for (let b = 0; b < this.servers; b++) if (this.isAvailable(b) && this.balancer!.inRotationNow(b)) k++;
    if (k === 0) return;
    for (let b = 0; b < this.servers; b++) if (this.isAvailable(b) && this.balancer!.inRotationNow(b)) this.flow.recordBackend(b, good / k, r);
  }

  /** Expected fresh arrivals in [a, b) from the load classes sent here. */
  private expected(a: number, b: number): number {
    let x = 0;
    for (const p of this.demand) x += p.integral(a, b);
    return x;
  }

  /** A 60-s grid point: the capacity check. */
  gridPoint(t: number): void {
    this.flow.capacityTick(t);
  }

  // ---------------------------------------------------------------- requests (none: flow)

  /** Registers a load class; its profile feeds the flow (the load model draws no arrivals for this pool). */
  override addClass(name: string, _priority: number, profile: RateProfile): number {
    this.demand.push(profile);
    this.flow.addClass(this.world.recorder, name);
    return this.demand.length - 1;
  }

  override arrive(_cls: number): void {
    throw new Error(`service ${this.name}: flow-level pools take no individual requests`);
  }

  /** A network path in front of the pool: crossed by each step's attempts (its flow form). */
  override setRequestPath(path: RequestPath): void {
    if (path.flow === undefined) throw new Error(`service ${this.name}: this network path is modelled per request only; give the service fidelity: request`);
    this.path = path.flow;
    path.flow.attach(() => this.sync());
    this.net.addPath(path.flow);
  }

  override call(_priority: number, _parentPool: number, _parentSlot: number): void {
    throw new Error(`service ${this.name}: a flow-level pool cannot be called by a request-level one (give both the same fidelity)`);
  }

  // ---------------------------------------------------------------- changes of state

  private changed(): void {
    this.refreshStations();
    this.flow.noteAvailability(this.world.sim.now, this.serversAvailable());
  }

  /** Work in service on server s is lost: its busy units' attempts fail. */
  private loseWork(s: number): void {
    const st = this.balanced && !this.pooledLc ? this.stations[s] : this.stations[0];
    if (st === undefined || st.units <= 0) return;
    const busyOnServer = this.balanced && !this.pooledLc ? st.busyNow : (st.busyNow * this.concurrency) / st.units;
    // A whole number of requests: the fractional part is drawn.
    const whole = Math.floor(busyOnServer);
    this.killed += whole + (this.killRng.next() < busyOnServer - whole ? 1 : 0);
  }

  override failServer(s: number): void {
    this.sync();
    const was = this.isAvailable(s);
    super.failServer(s);
    if (was && !this.isAvailable(s)) this.loseWork(s);
    this.changed();
  }

  override repairServer(s: number): void {
    this.sync();
    super.repairServer(s);
    this.changed();
  }

  override setRoomPower(on: boolean): void {
    this.sync();
    if (!on) for (let s = 0; s < this.servers; s++) if (this.isAvailable(s)) this.loseWork(s);
    super.setRoomPower(on);
    this.changed();
  }

  override lbOutage(delta: 1 | -1): void {
    this.sync();
    this.lbDownFlow += delta;
    super.lbOutage(delta);
    this.changed();
  }

  override balancerChanged(): void {
    // Called after the balancer changed its view: the time before was accounted with the
    // cached shares.
    this.sync();
    super.balancerChanged();
    this.changed();
  }

  override redispatchQueued(b: number): void {
    this.sync();
    const st = this.stations.find((x) => x.backend === b);
    if (st !== undefined && st.q > 0) {
      this.carry[0] += st.q;
      st.q = 0;
    }
  }

  override takeOffline(count: number, reason: string): () => void {
    this.sync();
    const undo = super.takeOffline(count, reason);
    this.changed();
    return () => {
      this.sync();
      undo();
      this.changed();
    };
  }

  // ---------------------------------------------------------------- readings

  override busyIntegral(): number {
    this.sync();
    return this.flow.busy;
  }

  override busyNow(): number {
    this.sync();
    let b = 0;
    for (const st of this.stations) b += st.busyNow;
    return b;
  }

  override capacityIntegral(): number {
    this.sync();
    return this.flow.capacity;
  }

  override queueLength(): number {
    this.sync();
    let q = 0;
    for (const st of this.stations) q += st.q;
    return q;
  }

  override reserveWindow(seconds: number): void {
    this.flow.window.reserve(seconds);
  }

  override recentLatencyQuantile(q: number, window: number): number {
    this.sync();
    return this.flow.window.latencyQuantile(this.world.sim.now, window, q);
  }

  override recentErrorRate(window: number): number {
    this.sync();
    return this.flow.window.errorRate(this.world.sim.now, window);
  }

  override recentThroughput(window: number): number {
    this.sync();
    return this.flow.window.throughput(this.world.sim.now, window);
  }

  override totals(): { finished: number; failed: number; slow: number } {
    this.sync();
    return this.flow.totals();
  }

  override trackThreshold(seconds: number): number {
    return this.flow.trackThreshold(seconds);
  }

  override slowerThan(id: number): number {
    this.sync();
    return this.flow.slowerThan(id);
  }

  /** Backlog of each station now (tests and the fidelity table read it). */
  backlog(): number[] {
    this.sync();
    return this.stations.map((s) => s.q);
  }

  override register(world: World): void {
    this.refreshStations();
    this.flow.register(world);
  }
}
