/**
 * Load: request classes arriving as non-homogeneous Poisson processes. A class's rate
 * profile is built in the stores' local time — base rate × hour-of-day × day-of-week
 * multipliers, local-clock peak windows, holidays — then summed over the time zones the stores
 * are in (share-weighted, each shifted by its UTC offset); reference-clock peaks then act on
 * the sum. Or it replays a trace of request counts
 * per interval as a piecewise-constant rate. Time 0 is Monday 00:00 at UTC offset 0.
 *
 * Arrivals are drawn by inversion over the profile compiled into a flat table (engine
 * `ArrivalSampler`: one draw per arrival), except for a constant rate, which takes the direct
 * exponential gap.
 */
import { ArrivalSampler, constantRate, exponential, nextArrival, piecewiseRate, scaleRate, shiftRate, sumRates, withMultiplier, type Distribution, type RateProfile, type Rng } from '../../engine/index.js';
import type { LoadClassSpec } from './schema.js';
// Trace files are read when the scenario is loaded (files.ts, the model's resolveFiles hook), not here.
export { parseTraceCsv } from './files.js';
import type { ServicesPort } from '../services/ports.js';
import type { ServicePool } from '../services/pool.js';
import type { World } from '../kernel/world.js';
import type { LoadConfig } from './compile.js';

const HOUR = 3600;
const DAY = 86400;
const WEEK = 7 * DAY;

/** A profile multiplied by `factor` inside [start, end) + k·every (every = 0: once). */
export function periodicMultiplier(base: RateProfile, start: number, end: number, factor: number, every: number): RateProfile {
  if (!(end > start)) throw new RangeError(`peak window must have end > start, got [${start}, ${end})`);
  if (!(factor >= 0)) throw new RangeError(`peak factor must be ≥ 0, got ${factor}`);
  if (every <= 0) return withMultiplier(base, start, end, factor);
  if (end - start > every) throw new RangeError(`peak window [${start}, ${end}) is longer than its period ${every}`);
  const inside = (t: number): boolean => {
    const k = Math.floor((t - start) / every);
    const s = start + k * every;
    return t >= s && t < s + (end - start);
  };
  return {
    rate: (t) => (inside(t) ? base.rate(t) * factor : base.rate(t)),
    max: base.max * Math.max(1, factor),
    integral: (a, b) => {
      let extra = 0;
      for (let k = Math.floor((a - end) / every); start + k * every < b; k++) {
        const lo = Math.max(a, start + k * every);
        const hi = Math.min(b, end + k * every);
        if (hi > lo) extra += base.integral(lo, hi);
      }
      return base.integral(a, b) + (factor - 1) * extra;
    },
    breaks:
      base.breaks === undefined
        ? undefined
        : (a, b, out) => {
            base.breaks!(a, b, out);
            for (let k = Math.floor((a - end) / every); start + k * every < b; k++) {
              const s = start + k * every;
              const e = end + k * every;
              if (s > a && s < b) out.push(s);
              if (e > a && e < b) out.push(e);
            }
          },
  };
}

/** A trace of counts per interval as a rate profile (repeating, or zero after its end). */
export function traceProfile(counts: readonly number[], interval: number, repeat: boolean): RateProfile {
  if (counts.length === 0) throw new RangeError('trace: no counts');
  const points: [number, number][] = counts.map((c, i) => [i * interval, c / interval]);
  if (!repeat) points.push([counts.length * interval, 0]);
  return piecewiseRate(points, repeat ? counts.length * interval : undefined);
}

/** The rate profile of one load class (in reference time). */
export function classProfile(spec: LoadClassSpec, where = `load.${spec.name}`): RateProfile {
  let local: RateProfile;
  const hasTrace = spec.trace !== undefined || spec.traceFile !== undefined;
  if (hasTrace && spec.rate !== undefined) throw new Error(`${where}: give either "rate" or a trace, not both`);
  if (spec.trace !== undefined) {
    local = traceProfile(spec.trace.counts, spec.trace.interval, spec.trace.repeat);
  } else if (spec.traceFile !== undefined) {
    // Loading the scenario replaces traceFile by the inline trace; models never read files.
    throw new Error(`${where}.traceFile: not resolved; load the scenario with loadScenarioFile/loadScenarioText, which read the file into "trace"`);
  } else {
    if (spec.rate === undefined) throw new Error(`${where}: needs "rate" (or a trace)`);
    const rate = spec.rate;
    if (spec.daily !== undefined || spec.weekly !== undefined) {
      // One piecewise-constant profile by hour: daily × weekly multipliers.
      const daily = spec.daily ?? new Array<number>(24).fill(1);
      const weekly = spec.weekly;
      const hours = weekly === undefined ? 24 : 168;
      const points: [number, number][] = [];
      for (let h = 0; h < hours; h++) points.push([h * HOUR, rate * daily[h % 24]! * (weekly === undefined ? 1 : weekly[Math.floor(h / 24)]!)]);
      local = piecewiseRate(points, weekly === undefined ? DAY : WEEK);
    } else local = constantRate(rate);
  }
  const peaks = spec.peaks ?? [];
  for (const p of peaks) if (p.clock !== 'reference') local = periodicMultiplier(local, p.start, p.end, p.factor, p.every);
  for (const h of spec.holidays ?? []) local = withMultiplier(local, h.from, h.to, h.factor);
  let profile = local;
  if (spec.stores !== undefined) {
    // Local time = reference time + offset, so the rate at reference time t is local.rate(t + offset).
    profile = sumRates(spec.stores.map((s) => scaleRate(shiftRate(local, s.offset * HOUR), s.share)));
  }
  // Reference-clock peaks (e.g. a global 17:00–20:00 UTC rush) act on the summed profile.
  for (const p of peaks) if (p.clock === 'reference') profile = periodicMultiplier(profile, p.start, p.end, p.factor, p.every);
  if (spec.scale !== 1) profile = scaleRate(profile, spec.scale);
  return profile;
}

/** Drives one class's arrivals into its pool; one object per class, no closure per request. */
class ArrivalProcess {
  /** Gap between arrivals of a constant-rate class (null: a varying rate, or rate 0). */
  private readonly gap: Distribution | null;
  /** The compiled profile of a varying rate (null: constant, or a profile drawn by thinning). */
  private readonly sampler: ArrivalSampler | null;
  /** The simulation lane this class's next arrival waits in (Simulation.openLane). */
  private readonly lane: number;

  constructor(
    private readonly world: World,
    private readonly pool: ServicePool,
    private readonly profile: RateProfile,
    private readonly constant: boolean,
    private readonly cls: number,
    private readonly rng: Rng,
  ) {
    this.gap = constant && profile.max > 0 ? exponential(profile.max) : null;
    this.sampler = !constant && ArrivalSampler.accepts(profile) ? new ArrivalSampler(profile, world.horizon, world.sim.now) : null;
    this.lane = world.sim.openLane();
    this.scheduleNext();
  }

  /**
   * Posts the next arrival in the lane (none after the horizon). The commonest kind, a
   * compiled profile, is drawn here; the others in `stageOther`, so that this stays small:
   * it is inlined into `fire` with the pool's arrival, and V8 inlines a hot function's
   * callees only up to about 920 bytes of bytecode in all (the lane's insert then fits too).
   */
  private scheduleNext(): void {
    const sim = this.world.sim;
    const s = this.sampler;
    if (s !== null) {
      if (!s.draw(this.rng)) return;
      sim.staged[0] = s.time;
    } else if (!this.stageOther()) return;
    sim.postLane(this.lane, this.fire, undefined);
  }

  /** The next arrival of a constant rate, or of a profile drawn by thinning, into `sim.staged[0]`; false when none comes before the horizon. */
  private stageOther(): boolean {
    const sim = this.world.sim;
    const horizon = this.world.horizon;
    let t: number;
    if (this.constant) {
      if (this.gap === null) return false;
      t = sim.now + this.gap.sample(this.rng);
      if (!(t < horizon)) return false;
    } else {
      t = nextArrival(this.profile, sim.now, this.rng, horizon);
      if (t === Infinity) return false;
    }
    sim.staged[0] = t;
    return true;
  }

  private readonly fire = (): void => {
    this.pool.arrive(this.cls);
    this.scheduleNext();
  };
}

/** Builds every load class (after the services it feeds). */
export function buildLoad(world: World, site: ServicesPort, config: LoadConfig): void {
  for (const { spec, where, service, constant } of config.classes) {
    const pool = site.poolList[service]!;
    const profile = classProfile(spec, where);
    const cls = pool.addClass(spec.name, spec.priority, profile);
    // A flow-level pool evaluates the profile itself: no request events.
    if (pool.perRequest) new ArrivalProcess(world, pool, profile, constant, cls, world.streams.stream(`load/${spec.name}/arrivals`));
  }
}
