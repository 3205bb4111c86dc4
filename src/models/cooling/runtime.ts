/**
 * Cooling (Facilities Management): each room is one lumped thermal mass,
 *
 *     C · dT/dt = P_IT − Q_cool,
 *
 * with Q_cool from the room's working CRAC/CRAH units. The controller: cooling holds the
 * setpoint while its capacity covers the IT load (Q_cool = P_IT, T constant); otherwise,
 * or while the room is above the setpoint, it runs flat out (Q_cool = capacity). P_IT and
 * the capacity are piecewise constant between events, so T(t) is piecewise linear and is
 * integrated exactly; the times at which T crosses a threshold (throttle, shutdown,
 * resume, setpoint reached) are solved for and scheduled, not found by a fixed step.
 *
 * Calibration (docs/models.md): at 5 kW per cabinet, losing all cooling brings a room from
 * the 22 °C setpoint to the 40 °C shutdown threshold in 3 min 9 s (Opengate Data Systems /
 * Active Power 2007), which needs an effective heat capacity of
 * 5000 W × 189 s / 18 K = 52.5 kJ/K per cabinet — about 4.4× the heat capacity of 10 m³ of
 * air per cabinet, in line with the "≈5× air" practitioner rule.
 */
import type { CoolingConfig, RoomConfig } from './compile.js';
import type { EventHandle } from '../../engine/index.js';
import type { Problem } from '../kernel/problems.js';
import type { RoomHandle, World } from '../kernel/world.js';
import type { MetricSpec } from '../../results/metrics.js';
import { ROOM_COLUMNS, ROOM_METRICS } from './metrics.js';

/** Effective heat capacity per cabinet (J/K), derived above (compile.ts fills a room's heat capacity with it). */
export { HEAT_CAPACITY_PER_CABINET } from './compile.js';
/** ASHRAE recommended band upper limit (°C, TC9.9 5th ed. 2021). */
export const ASHRAE_RECOMMENDED_MAX = 27;
/** ASHRAE A1 allowable upper limit (°C). */
export const ASHRAE_A1_ALLOWABLE_MAX = 32;
// A room's setpoint, thresholds, throttle factor and PUE default in its schema (schema.ts): the
// default setpoint 22 °C inside the recommended band, throttling above the A1 allowable limit
// (32 °C), shutdown past 40 °C as in the Hosting365 incident, resume back inside the
// recommended band (27 °C), a throttle factor of 1.5 ([U] placeholder).
export { DEFAULT_PUE } from './schema.js';

const EPS = 1e-9;

/**
 * What a room needs from the equipment standing in it (service pools): a name and a power
 * switch for thermal shutdown. Cooling knows nothing more of services, so the two models do
 * not import each other.
 */
export interface RoomEquipment {
  readonly name: string;
  /** Powers the equipment off (false) or back on (true). */
  setRoomPower(on: boolean): void;
}

/** One room: thermal state, cooling units, the pools standing in it. */
export class Room implements RoomHandle {
  readonly name: string;
  readonly heatCapacity: number;
  readonly setpoint: number;
  readonly pue: number;
  readonly otherItPower: number;
  readonly throttleAbove: number;
  readonly throttleFactor: number;
  readonly shutdownAbove: number;
  readonly resumeBelow: number;
  /** Pools whose servers stand here (filled by buildServices). */
  readonly pools: RoomEquipment[] = [];
  /** Name and capacity (W) of each cooling unit. */
  readonly cracNames: string[] = [];
  readonly cracCapacity: number[] = [];
  private readonly cracDown: number[] = [];
  /** Called after a shutdown or restart so power can re-estimate the IT load at once. */
  onPowerStateChange: (() => void) | null = null;

  private T: number;
  private lastT: number;
  private slope = 0;
  private itPower: number;
  private capacity = 0;
  private throttled = false;
  private off = false;
  private pending: EventHandle = -1;
  private shutdownProblem: Problem | null = null;

  // Statistics since the last reset (exact integrals of the piecewise-linear T).
  private statStart: number;
  private tIntegral = 0;
  private tMax: number;
  private aboveRecommended = 0;
  private aboveAllowable = 0;
  private itEnergy = 0;
  private shutdowns = 0;
  // Never reset, for interval series.
  private tIntegralAll = 0;
  private itEnergyAll = 0;

  constructor(
    private readonly world: World,
    spec: RoomConfig,
  ) {
    this.name = spec.name;
    this.heatCapacity = spec.heatCapacity;
    this.setpoint = spec.setpoint;
    this.pue = spec.pue;
    this.otherItPower = spec.otherItPower;
    this.throttleAbove = spec.throttleAbove;
    this.throttleFactor = spec.throttleFactor;
    this.shutdownAbove = spec.shutdownAbove;
    this.resumeBelow = spec.resumeBelow;
    if (!(this.resumeBelow < this.shutdownAbove)) throw new Error(`rooms.${this.name}: resumeBelow (${this.resumeBelow}) must be below shutdownAbove (${this.shutdownAbove})`);
    if (!(this.setpoint < this.resumeBelow)) throw new Error(`rooms.${this.name}: setpoint (${this.setpoint}) must be below resumeBelow (${this.resumeBelow})`);
    for (const o of spec.outages) world.sim.scheduleAt(o.at, () => this.scriptedOutage(o.first, o.units, o.duration), undefined);
    for (const u of spec.units) {
      this.cracNames.push(u.name);
      this.cracCapacity.push(u.capacity);
      this.cracDown.push(0);
      this.capacity += u.capacity;
    }
    const now = world.sim.now;
    this.T = this.setpoint;
    this.lastT = now;
    this.statStart = now;
    this.tMax = this.T;
    this.itPower = this.otherItPower;
    world.sim.onReset(() => this.resetStatistics());
  }

  // ---------------------------------------------------------------- RoomHandle

  /** Air temperature now (°C). */
  temperature(): number {
    this.advance(this.world.sim.now);
    return this.T;
  }

  /** Cooling capacity of the working units now (W). */
  coolingCapacity(): number {
    return this.capacity;
  }

  /** IT power drawn now (W). */
  currentItPower(): number {
    return this.itPower;
  }

  /** True while the servers are powered off by thermal protection. */
  get isShutdown(): boolean {
    return this.off;
  }

  /** True while servers run throttled. */
  get isThrottled(): boolean {
    return this.throttled;
  }

  /** Service-time multiplier for servers here now (1 normally; throttleFactor when hot). */
  get serviceTimeFactor(): number {
    return this.throttled ? this.throttleFactor : 1;
  }

  // ---------------------------------------------------------------- inputs

  /** The IT load changes to `watts` now. */
  setItPower(watts: number): void {
    this.advance(this.world.sim.now);
    this.itPower = watts;
    this.replan();
  }

  /** Cooling unit `i` fails (down = true) or returns. Counts overlapping outages. */
  setCracDown(i: number, down: boolean): void {
    this.advance(this.world.sim.now);
    const was = this.cracDown[i]! > 0;
    this.cracDown[i] = Math.max(0, this.cracDown[i]! + (down ? 1 : -1));
    const is = this.cracDown[i]! > 0;
    if (was !== is) this.capacity += is ? -this.cracCapacity[i]! : this.cracCapacity[i]!;
    this.replan();
  }

  /** Loses `units` cooling units from index `first` now; each opens a crac-failure problem. */
  private scriptedOutage(first: number, units: number, duration: number | undefined): void {
    for (let i = first; i < first + units; i++) {
      this.setCracDown(i, true);
      const problem = this.world.problems.open({
        kind: 'crac-failure',
        target: `${this.name}/${this.cracNames[i]!}`,
        room: this.name,
        fix: () => this.setCracDown(i, false),
      });
      if (duration !== undefined) this.world.sim.schedule(duration, () => this.world.problems.resolve(problem, 'auto-repair'), undefined);
    }
  }

  // ---------------------------------------------------------------- thermal model

  /** Moves T from the last update to `now` along the current line, accumulating statistics. */
  private advance(now: number): void {
    const dt = now - this.lastT;
    if (dt <= 0) return;
    const t0 = this.T;
    const t1 = t0 + this.slope * dt;
    const area = ((t0 + t1) / 2) * dt;
    this.tIntegral += area;
    this.tIntegralAll += area;
    if (t1 > this.tMax) this.tMax = t1;
    this.aboveRecommended += timeAbove(t0, t1, dt, ASHRAE_RECOMMENDED_MAX);
    this.aboveAllowable += timeAbove(t0, t1, dt, ASHRAE_A1_ALLOWABLE_MAX);
    this.itEnergy += this.itPower * dt;
    this.itEnergyAll += this.itPower * dt;
    this.T = t1;
    this.lastT = now;
  }

  /** Sets the slope from the controller and schedules the next threshold crossing. */
  private replan(): void {
    const sim = this.world.sim;
    if (this.pending >= 0) sim.cancel(this.pending);
    this.pending = -1;
    const net = this.itPower - this.capacity;
    // At the setpoint with enough capacity, the controller matches the load exactly.
    if (this.T <= this.setpoint + EPS && net <= 0) {
      this.T = Math.max(this.T, this.setpoint);
      this.slope = 0;
      return;
    }
    this.slope = net / this.heatCapacity;
    let target = NaN;
    if (this.slope > 0) {
      // `<=`: a room sitting exactly on a threshold it has not acted on acts at once.
      if (!this.throttled && this.T <= this.throttleAbove) target = this.throttleAbove;
      if (!this.off && this.T <= this.shutdownAbove && !(target <= this.shutdownAbove)) target = this.shutdownAbove;
    } else if (this.slope < 0) {
      const candidates = [this.setpoint];
      if (this.off) candidates.push(this.resumeBelow);
      if (this.throttled) candidates.push(this.throttleAbove);
      for (const c of candidates) if (c <= this.T && !(target >= c)) target = c;
    }
    if (Number.isNaN(target)) return;
    const at = sim.now + (target - this.T) / this.slope;
    this.pending = sim.scheduleAt(Math.max(at, sim.now), this.onCrossing, target);
  }

  private readonly onCrossing = (target: number): void => {
    this.pending = -1;
    this.advance(this.world.sim.now);
    // Land exactly on the threshold: no drift from repeated linear steps.
    this.T = target;
    const rising = this.slope > 0;
    if (target === this.throttleAbove) this.throttled = rising;
    if (rising && target === this.shutdownAbove) this.shutDown();
    else if (!rising && this.off && target === this.resumeBelow) this.restart('auto-recovery');
    this.replan();
  };

  private shutDown(): void {
    this.off = true;
    this.shutdowns++;
    for (const p of this.pools) p.setRoomPower(false);
    this.itPower = this.otherItPower;
    this.onPowerStateChange?.();
    this.shutdownProblem = this.world.problems.open({
      kind: 'thermal-shutdown',
      target: this.name,
      room: this.name,
      service: this.pools.length === 1 ? this.pools[0]!.name : null,
      // An operator restarting the servers early brings them back if the room is below the
      // shutdown threshold; otherwise protection trips again at once.
      fix: () => {
        this.shutdownProblem = null;
        if (!this.off) return;
        this.advance(this.world.sim.now);
        if (this.T < this.shutdownAbove) {
          this.restart(null);
          this.replan();
        } else this.shutDownAgain();
      },
    });
  }

  private shutDownAgain(): void {
    this.off = false;
    this.shutDown();
    this.shutdowns--;
  }

  private restart(by: string | null): void {
    this.off = false;
    for (const p of this.pools) p.setRoomPower(true);
    this.onPowerStateChange?.();
    const p = this.shutdownProblem;
    this.shutdownProblem = null;
    if (by !== null && p !== null) this.world.problems.resolve(p, by);
  }

  // ---------------------------------------------------------------- statistics

  private resetStatistics(): void {
    const now = this.world.sim.now;
    this.advance(now);
    this.statStart = now;
    this.tIntegral = 0;
    this.tMax = this.T;
    this.aboveRecommended = 0;
    this.aboveAllowable = 0;
    this.itEnergy = 0;
    this.shutdowns = 0;
  }

  /** IT energy (J) since the last reset, up to now. */
  itEnergyJoules(): number {
    this.advance(this.world.sim.now);
    return this.itEnergy;
  }

  /** IT energy (J) since time 0 (never reset; for interval series). */
  itEnergyAllJoules(): number {
    this.advance(this.world.sim.now);
    return this.itEnergyAll;
  }

  /** Seconds measured since the last reset. */
  measuredSpan(): number {
    return this.world.sim.now - this.statStart;
  }

  /** Registers room metrics and columns (power metrics live in power.ts). */
  register(world: World): void {
    const m = (spec: MetricSpec, f: () => number): void => world.recorder.metric(spec, { room: this.name }, f);
    m(ROOM_METRICS.temperatureMax, () => {
      this.advance(world.sim.now);
      return this.tMax;
    });
    m(ROOM_METRICS.temperatureMean, () => {
      this.advance(world.sim.now);
      const span = this.measuredSpan();
      return span > 0 ? this.tIntegral / span : this.T;
    });
    m(ROOM_METRICS.aboveRecommended, () => {
      this.advance(world.sim.now);
      return this.aboveRecommended;
    });
    m(ROOM_METRICS.aboveAllowable, () => {
      this.advance(world.sim.now);
      return this.aboveAllowable;
    });
    m(ROOM_METRICS.shutdowns, () => this.shutdowns);
    let last = 0;
    world.sim.onReset(() => {
      last = this.tIntegralAll;
    });
    world.recorder.column(ROOM_COLUMNS.temperature, { room: this.name }, (a, b) => {
      this.advance(world.sim.now);
      const v = b > a ? (this.tIntegralAll - last) / (b - a) : this.T;
      last = this.tIntegralAll;
      return v;
    });
  }
}

/** Time within a linear segment from t0 to t1 (over dt seconds) spent above `level`. */
function timeAbove(t0: number, t1: number, dt: number, level: number): number {
  if (t0 <= level && t1 <= level) return 0;
  if (t0 > level && t1 > level) return dt;
  // One crossing inside the segment.
  const frac = (level - t0) / (t1 - t0);
  return t1 > t0 ? dt * (1 - frac) : dt * frac;
}

/** Builds every room of a compiled cooling config (first of the infrastructure models: services stand in rooms). */
export function buildRooms(world: World, config: CoolingConfig): ReadonlyMap<string, Room> {
  const rooms = new Map<string, Room>();
  for (const spec of config.rooms) {
    if (rooms.has(spec.name)) throw new Error(`rooms: the name "${spec.name}" is used twice`);
    const room = new Room(world, spec);
    rooms.set(spec.name, room);
    world.rooms.set(spec.name, room);
    room.register(world);
  }
  return rooms;
}
