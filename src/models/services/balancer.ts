/**
 * The load balancer in front of a pool: dispatch policies, health checks, and the faults
 * operators meet in the field (a wrong weight table, a backend drained by mistake, a broken
 * health check). Every fault opens a Problem whose fix restores the configuration.
 *
 * What the balancer believes (`inRotation`) lags what is true (`pool.isAvailable`): a dead
 * backend keeps receiving traffic until the next health check notices it.
 */
import { exponential, type Rng } from '../../engine/index.js';
import type { BalancerFaultSpec, BalancerSpec } from './schema.js';
import type { Problem } from '../kernel/problems.js';
import type { World } from '../kernel/world.js';

/** What a balancer needs from the pool behind it (the pool implements it; no import back). */
export interface BalancedPool {
  readonly name: string;
  readonly servers: number;
  /** The pool's room, for the problem a fault opens. */
  readonly room: { readonly name: string } | null;
  /** Active connections per backend. */
  readonly conns: Int32Array;
  /** Whether backend `b` can serve now (up, powered, not offline). */
  isAvailable(b: number): boolean;
  /** Sends the requests queued at backend `b` elsewhere (it left rotation). */
  redispatchQueued(b: number): void;
  /** The rotation or the weights changed. */
  balancerChanged(): void;
}

// The health-check interval, standby, failover success and time default in the schema (schema.ts);
// the default failover time of 5 s is a [U] placeholder.

type Policy = BalancerSpec['policy'];

/** Longest smooth weighted round-robin cycle (sum of the weights) listed for replay. */
const MAX_CYCLE = 4096;
/** Periodicity checks after a rotation change before the walk is kept until the next change. */
const MAX_CYCLE_TRIES = 4;

export class Balancer {
  readonly policy: Policy;
  readonly standby: boolean;
  readonly failoverSuccess: number;
  readonly failoverTime: number;
  private readonly n: number;
  /** Configured weights. */
  private readonly configured: Float64Array;
  /** Weights in use (differ from `configured` while a misweight fault is active). */
  private readonly weights: Float64Array;
  /** Health-check view: the backend is believed healthy. */
  private readonly inRotation: Uint8Array;
  private readonly drained: Uint16Array;
  private readonly current: Float64Array;
  private readonly cum: Float64Array;
  /** Backends in rotation (eligible), in index order, and how many (rebuilt when dirty). */
  private readonly eligibleList: Int32Array;
  private eligibleCount = 0;
  private eligibleDirty = true;
  private eligibleTotal = 0;
  /**
   * Smooth weighted round-robin is periodic: with integer weights summing to W, W picks from
   * a zero state choose each backend its weight's number of times and leave the state as it
   * was. When the rotation's W picks are found to return to their starting state, they are
   * listed once here and replayed, O(1) per request instead of a walk over the backends;
   * `current` then holds the state at cycle position 0 and is brought up to date
   * (`leaveCycle`) before anything changes it. Same backends in the same order as the walk.
   */
  private cycle = new Int32Array(0);
  private cycleLen = 0;
  private cyclePos = 0;
  /** Walked picks left before the periodicity is checked again (after a failed check). */
  private cycleRetryIn = -1;
  private cycleTries = 0;
  private lcStart = 0;
  private hcMode: 'ok' | 'marks-down' | 'stale' = 'ok';
  private hcKeep = 1;
  private misweightToken = 0;
  private hcToken = 0;
  private readonly rng: Rng;
  private readonly interval: number;
  private checkPending = false;

  constructor(
    private readonly world: World,
    private readonly pool: BalancedPool,
    spec: BalancerSpec,
  ) {
    this.policy = spec.policy;
    this.standby = spec.standby;
    this.failoverSuccess = spec.failoverSuccess;
    this.failoverTime = spec.failoverTime;
    const n = pool.servers;
    this.n = n;
    this.configured = new Float64Array(n).fill(1);
    if (spec.weights !== undefined) {
      if (spec.weights.length !== n) throw new Error(`services.${pool.name}.balancer.weights: expected ${n} weights (one per server), got ${spec.weights.length}`);
      this.configured.set(spec.weights);
    }
    this.weights = Float64Array.from(this.configured);
    this.inRotation = new Uint8Array(n).fill(1);
    this.drained = new Uint16Array(n);
    this.current = new Float64Array(n);
    this.cum = new Float64Array(n);
    this.eligibleList = new Int32Array(n);
    this.rng = world.streams.stream(`services/${pool.name}/balancer/dispatch`);
    this.interval = spec.healthCheck.interval;
    (spec.faults ?? []).forEach((f, i) => this.scheduleFault(f, i));
  }

  // ---------------------------------------------------------------- dispatch

  private eligible(b: number): boolean {
    return this.inRotation[b] === 1 && this.drained[b] === 0 && this.weights[b]! > 0;
  }

  /** The backend for the next request, or -1 when none is in rotation. */
  pick(): number {
    // The replayed cycle of a weighted or round-robin rotation (the common case) first, in a
    // function small enough for V8 to inline into the pool's dispatch; the rest in pickWalk.
    const len = this.cycleLen;
    if (len > 0 && !this.eligibleDirty) {
      const pos = this.cyclePos;
      this.cyclePos = pos + 1 === len ? 0 : pos + 1;
      return this.cycle[pos]!;
    }
    return this.pickWalk();
  }

  /** `pick` when no cycle is being replayed (or the rotation changed since). */
  private pickWalk(): number {
    const n = this.n;
    const w = this.weights;
    switch (this.policy) {
      case 'random': {
        if (this.eligibleDirty) this.rebuild();
        if (this.eligibleTotal <= 0) return -1;
        const u = this.rng.next() * this.eligibleTotal;
        // Linear scan: pools are small and the scan beats a search below a few dozen.
        const cum = this.cum;
        for (let b = 0; b < n; b++) if (u < cum[b]!) return b;
        return n - 1;
      }
      case 'least-connections': {
        let best = -1;
        let bestLoad = Infinity;
        const start = this.lcStart;
        for (let k = 0; k < n; k++) {
          const b = (start + k) % n;
          if (!this.eligible(b)) continue;
          const load = (this.pool.conns[b]! + 1) / w[b]!;
          if (load < bestLoad) {
            bestLoad = load;
            best = b;
          }
        }
        // Rotate the tie-break so equal backends share the load.
        this.lcStart = (start + 1) % n;
        return best;
      }
      default: {
        // Smooth weighted round-robin (nginx): deterministic, evenly interleaved. Over the
        // eligible backends only (listed when the rotation changes, not tested per request);
        // the total is their weights summed in index order, as a running sum would be.
        if (this.eligibleDirty) this.rebuild();
        const len = this.cycleLen;
        if (len > 0) {
          const pos = this.cyclePos;
          this.cyclePos = pos + 1 === len ? 0 : pos + 1;
          return this.cycle[pos]!;
        }
        if (this.eligibleCount === 0) return -1;
        if (this.cycleRetryIn > 0 && --this.cycleRetryIn === 0) {
          this.findCycle();
          if (this.cycleLen > 0) return this.pick();
        }
        return this.swrrStep();
      }
    }
  }

  /** One smooth weighted round-robin pick over the eligible backends (updates `current`). */
  private swrrStep(): number {
    const w = this.weights;
    const m = this.eligibleCount;
    const list = this.eligibleList;
    const cur = this.current;
    let best = list[0]!;
    cur[best] += w[best]!;
    for (let k = 1; k < m; k++) {
      const b = list[k]!;
      cur[b] += w[b]!;
      if (cur[b]! > cur[best]!) best = b;
    }
    cur[best] -= this.eligibleTotal;
    return best;
  }

  /**
   * Lists the next W = eligibleTotal picks and keeps them as the cycle if they bring
   * `current` back to where it started (always so from a zero state with integer weights;
   * checked, not assumed, since a rotation change leaves the state mid-cycle). Weights that
   * are not small integers keep the walk.
   */
  private findCycle(): void {
    this.cycleLen = 0;
    this.cyclePos = 0;
    this.cycleRetryIn = -1;
    const W = this.eligibleTotal;
    const m = this.eligibleCount;
    if ((this.policy !== 'weighted' && this.policy !== 'round-robin') || m < 2 || !(W <= MAX_CYCLE) || !Number.isInteger(W)) return;
    const list = this.eligibleList;
    for (let k = 0; k < m; k++) if (!Number.isInteger(this.weights[list[k]!])) return;
    const start = Float64Array.from(this.current);
    if (this.cycle.length < W) this.cycle = new Int32Array(W);
    for (let k = 0; k < W; k++) this.cycle[k] = this.swrrStep();
    let back = true;
    for (let k = 0; k < m; k++) if (this.current[list[k]!] !== start[list[k]!]) back = false;
    if (back) {
      this.cycleLen = W;
      this.current.set(start);
      this.cycleTries = 0;
      return;
    }
    // Not periodic from here: the W picks just listed are lost, so start over from the saved state and walk;
    // SWRR settles into its cycle, so look again after W walked picks (a few times at most).
    this.current.set(start);
    if (++this.cycleTries <= MAX_CYCLE_TRIES) this.cycleRetryIn = W;
  }

  /** Brings `current` up to the picks made in the cycle so far and leaves it (the walk takes over). */
  private leaveCycle(): void {
    const pos = this.cyclePos;
    this.cycleLen = 0;
    this.cyclePos = 0;
    this.cycleRetryIn = -1;
    // Replayed over the rotation and weights the cycle was listed for: callers leave before changing either.
    for (let k = 0; k < pos; k++) this.swrrStep();
  }

  private rebuild(): void {
    if (this.cycleLen > 0) this.leaveCycle();
    this.cycleTries = 0;
    let acc = 0;
    let m = 0;
    for (let b = 0; b < this.n; b++) {
      if (this.eligible(b)) {
        acc += this.weights[b]!;
        this.eligibleList[m++] = b;
      }
      this.cum[b] = acc;
    }
    this.eligibleCount = m;
    this.eligibleTotal = acc;
    this.eligibleDirty = false;
    this.findCycle();
  }

  private changed(): void {
    this.eligibleDirty = true;
    this.pool.balancerChanged();
  }

  // ---------------------------------------------------------------- health

  /**
   * Checks run on the grid k·interval. A check can only change something after a backend's
   * true state changed, so instead of an event every interval for the whole run, a change
   * books the next grid point: the same outcome as periodic checks, at no cost when idle.
   */
  private requestCheck(): void {
    if (this.checkPending) return;
    this.checkPending = true;
    const sim = this.world.sim;
    const at = (Math.floor(sim.now / this.interval) + 1) * this.interval;
    sim.scheduleAt(at, this.onCheck, undefined);
  }

  private readonly onCheck = (): void => {
    this.checkPending = false;
    this.healthCheck();
  };

  /** A backend's true state changed; graceful removals (maintenance) leave rotation at once. */
  serverChanged(b: number, hard: boolean): void {
    this.requestCheck();
    if (!hard && !this.pool.isAvailable(b) && this.inRotation[b] === 1) {
      // Planned removal: operators drain the backend from the balancer first.
      this.inRotation[b] = 0;
      this.eligibleDirty = true; // before redispatching: pick must not choose b
      this.pool.redispatchQueued(b);
      this.changed();
      return;
    }
    this.pool.balancerChanged();
  }

  /** Runs one health check now. */
  healthCheck(): void {
    if (this.hcMode === 'stale') return;
    let kept = 0;
    let any = false;
    for (let b = 0; b < this.n; b++) {
      let healthy = this.pool.isAvailable(b);
      if (this.hcMode === 'marks-down' && healthy) {
        healthy = kept < this.hcKeep;
        kept++;
      }
      const v = healthy ? 1 : 0;
      if (v !== this.inRotation[b]) {
        this.inRotation[b] = v;
        this.eligibleDirty = true; // before redispatching: pick sees the rotation so far
        any = true;
        if (v === 0 && !this.pool.isAvailable(b)) this.pool.redispatchQueued(b);
      }
    }
    if (any) this.changed();
  }

  /** Available backends that are drained (out of rotation though able to serve). */
  drainedAvailable(): number {
    let k = 0;
    for (let b = 0; b < this.n; b++) if (this.drained[b]! > 0 && this.pool.isAvailable(b)) k++;
    return k;
  }

  /** True while backend b is drained. */
  isDrained(b: number): boolean {
    return this.drained[b]! > 0;
  }

  /** Weight in use for backend b now (the configured one, or a misweight fault's). */
  weightNow(b: number): number {
    return this.weights[b]!;
  }

  /** True when backend b is in the balancer's rotation now. */
  inRotationNow(b: number): boolean {
    return this.eligible(b);
  }

  // ---------------------------------------------------------------- faults

  private scheduleFault(spec: BalancerFaultSpec, i: number): void {
    const sim = this.world.sim;
    const rng = this.world.streams.stream(`services/${this.pool.name}/balancer/fault-${i}`);
    if (spec.at === undefined && spec.every === undefined) throw new Error(`services.${this.pool.name}.balancer.faults[${i}]: give "at" or "every"`);
    if (spec.kind === 'misweight' && spec.weights === undefined && spec.share === undefined) {
      throw new Error(`services.${this.pool.name}.balancer.faults[${i}]: a misweight fault needs "weights" or "share"`);
    }
    if (spec.at !== undefined) sim.scheduleAt(spec.at, () => this.inject(spec, rng), undefined);
    if (spec.every !== undefined) {
      const gap = exponential(1 / spec.every);
      const next = (): void => {
        this.inject(spec, rng);
        sim.post(gap.sample(rng), next, undefined);
      };
      sim.post(gap.sample(rng), next, undefined);
    }
  }

  /** Injects one fault now and opens its problem. */
  inject(spec: BalancerFaultSpec, rng: Rng): Problem {
    const target = `${this.pool.name}/lb`;
    let kind: string;
    let fix: () => void;
    switch (spec.kind) {
      case 'misweight': {
        const wrong = new Float64Array(this.n);
        if (spec.weights !== undefined) {
          for (let b = 0; b < this.n; b++) wrong[b] = spec.weights[b] ?? 0;
        } else {
          const { backend, share } = spec.share!;
          if (backend >= this.n) throw new Error(`services.${this.pool.name}: misweight backend ${backend} does not exist`);
          const rest = this.n > 1 ? (1 - share) / (this.n - 1) : 0;
          for (let b = 0; b < this.n; b++) wrong[b] = b === backend ? share : rest;
        }
        if (this.cycleLen > 0) this.leaveCycle();
        this.weights.set(wrong);
        this.current.fill(0);
        const token = ++this.misweightToken;
        this.changed();
        kind = 'lb-misweight';
        fix = () => {
          // A later misweight superseded this one; its own fix restores the table.
          if (token !== this.misweightToken) return;
          if (this.cycleLen > 0) this.leaveCycle();
          this.weights.set(this.configured);
          this.current.fill(0);
          this.changed();
        };
        break;
      }
      case 'drain': {
        const b = spec.backend ?? Math.floor(rng.next() * this.n);
        if (b >= this.n) throw new Error(`services.${this.pool.name}: drained backend ${b} does not exist`);
        this.drained[b]++;
        this.changed();
        kind = 'backend-drained';
        fix = () => {
          this.drained[b]--;
          this.changed();
        };
        break;
      }
      case 'health-check-broken': {
        this.hcMode = spec.mode;
        this.hcKeep = spec.keep;
        const token = ++this.hcToken;
        this.healthCheck();
        kind = 'health-check-broken';
        fix = () => {
          if (token !== this.hcToken) return;
          this.hcMode = 'ok';
          this.healthCheck();
        };
        break;
      }
    }
    const problems = this.world.problems;
    const problem = problems.open({ kind, target, service: this.pool.name, room: this.pool.room?.name ?? null, incidentType: spec.incidentType ?? null, fix });
    if (spec.autoRevertAfter !== undefined) {
      this.world.sim.post(spec.autoRevertAfter, () => problems.resolve(problem, 'auto-revert'), undefined);
    }
    return problem;
  }
}
