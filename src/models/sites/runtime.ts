/**
 * Sites and disaster recovery at run time. A disaster takes a site's services down (power:
 * every server fails; network: every server leaves service; cooling: every cooling unit of
 * its rooms stops and the rooms heat until the servers shut themselves down) for a drawn
 * duration. With a recovery plan the failover runbook starts at once: its bring-up step
 * starts the standby servers that were not standing, its switch step (or its end) diverts
 * every paired service's new requests to the standby (the services port's divertTo). When
 * the site works again and the failover has ended, the failback runbook brings the load
 * home and stands the extra standby servers down again. If the site works again before the
 * switch, the failover is called off: the load stays home and anything brought up stands down.
 * Every switch is announced on the diversions port, which tells the SLA model where each
 * service's requests are served now (its windows judge the service customers get).
 *
 * The recovery point is fixed at the disaster: the start of the oldest backup restored by the
 * failover's restore steps (as of its latest completed run), else the disaster time minus a
 * replication lag drawn then. A disaster striking a site already down (or still failed over
 * without a failback runbook) changes nothing and is not counted.
 *
 * A priced recovery plan pays each of its standby servers by how it is kept: its `costPerHour`
 * while it runs (standing, or brought up until it stands down) and its `reserveCostPerHour`
 * while it waits not standing. The cost is accrued at each bring-up and stand-down, so nothing
 * runs per event; cost.recovery is their sum over the measured period, plus the contract's
 * `feePerMonth` pro rata and its `invocationFee` once per failover that takes up a step acting
 * on the recovery site (bring-up, restore or switch) or, without one, switches at the end of its
 * runbook: the provider is called on then, so a failover called off before it pays no invocation fee.
 */
import { exponential, type Distribution, type Rng } from '../../engine/index.js';
import { distributionFromSpec } from '../kernel/distribution.js';
import type { World } from '../kernel/world.js';
import type { ServicesPort } from '../services/ports.js';
import type { ServicePool } from '../services/pool.js';
import type { RoomsPort } from '../cooling/ports.js';
import type { Room } from '../cooling/runtime.js';
import type { TeamsPort } from '../staffing/ports.js';
import type { BackupsPort } from '../backups/ports.js';
import { Tally } from '../../engine/index.js';
import type { DisasterSpec, SiteSpec } from './schema.js';
import { standingServers } from './membership.js';
import type { RecoveryConfig, SiteConfig, SitesConfig } from './compile.js';
import { RECOVERY_COST_METRICS, SITE_METRICS } from './metrics.js';
import type { DiversionsPort, RecoveryCostPort } from './ports.js';
import { UNPRICED } from '../kernel/capacity-cost.js';
import { compileRunbook, RunbookRun, type Step } from './runbook.js';

/** Per-minute samples of successful requests, for the data-loss count. */
const SAMPLE_EVERY = 60;
/** Hours in the month a `feePerMonth` is prorated over: 8760 ÷ 12, the convention of cloud price lists. */
const MONTH_HOURS = 730;

/** A service and its standby at run time. */
interface Pair {
  readonly primary: ServicePool;
  readonly standby: ServicePool;
  /** Servers of the standby not standing (0: all run, or another pair of the plan holds them). */
  readonly idle: number;
  /** Puts the idle standby servers back into service (null while they stand down). */
  startIdle: (() => void) | null;
}

/** The ports the sites model uses. */
export interface SitesPorts {
  readonly services: ServicesPort;
  readonly rooms: RoomsPort;
  readonly teams: TeamsPort;
  readonly backups: BackupsPort;
}

/** One site at run time. */
class SiteRuntime {
  private readonly pools: ServicePool[];
  private readonly rooms: Room[];
  private readonly warmup: number;
  // The disaster in progress.
  private down = false;
  private struckAt = NaN;
  private restoredAt = NaN;
  private repaired = false;
  private counted = false;
  // Recovery state.
  private readonly pairs: Pair[] = [];
  private readonly plan: RecoveryConfig | null;
  private failover: Step[] = [];
  private failback: Step[] | null = null;
  private run: RunbookRun | null = null;
  private switched = false;
  /** A re-check of the standbys' capacity is pending (see checkRestored). */
  private polling = false;
  private failoverEnded = false;
  private repairedAt = NaN;
  private failoverEndedAt = NaN;
  private lagDist: Distribution | null = null;
  private lagRng: Rng | null = null;
  // What the standby servers cost per hour, by how they are kept (see accrueCost).
  private reservedPerHour = 0;
  private broughtUpPerHour = 0;
  /** The standby servers not standing run (brought up and not yet stood down). */
  private broughtUp = false;
  private costSoFar = 0;
  private costSince = 0;
  /** Start of the measured period (the contract's monthly fee is paid pro rata from here). */
  private measuredFrom = 0;
  /** The failover in progress has invoked the plan (taken up a bring-up, restore or switch step, or switched at its end). */
  private invoked = false;
  /** Failovers that invoked the plan in the measured period (each pays the invocation fee). */
  private invocations = 0;
  // Statistics of the measured period.
  private disasters = 0;
  private readonly rto = new Tally();
  private readonly rpo = new Tally();
  private rtoMissed = 0;
  private rpoMissed = 0;
  private lost = 0;
  private downSeconds = 0;
  private readonly failbackTime = new Tally();
  // Successful requests at the paired services, sampled every minute (see countAt).
  private readonly samples: number[] = [];

  private readonly spec: SiteSpec;

  constructor(
    private readonly world: World,
    config: SiteConfig,
    /** End of the warm-up. */
    warmup: number,
    private readonly ports: SitesPorts,
    /** Where each diverted service sends its requests now, shared by every site of the world. */
    private readonly diverted: Map<ServicePool, ServicePool>,
    /** Tells the diversions port's listeners that a switch happened or servers went or came back (any site's). */
    private readonly changed: () => void,
  ) {
    const spec = config.spec;
    this.spec = spec;
    this.pools = config.services.map((i) => ports.services.poolList[i]!);
    // The compile step has checked that every room exists.
    this.rooms = (spec.rooms ?? []).map((r) => ports.rooms.get(r)!);
    this.warmup = warmup;
    this.plan = config.recovery;
    if (this.plan !== null) this.buildPlan(this.plan);
    (spec.disasters ?? []).forEach((d, i) => this.schedule(d, d.name ?? String(i)));
    world.sim.onReset(() => this.reset());
    this.register();
  }

  private buildPlan(plan: RecoveryConfig): void {
    const { world, ports } = this;
    const standbys = new Set<ServicePool>();
    for (const p of plan.pairs) {
      const primary = ports.services.poolList[p.primary]!;
      const standby = ports.services.poolList[p.standby]!;
      // A standby named by two pairs is one set of servers: its idle ones are kept offline,
      // brought up and priced once, by the first pair.
      const first = !standbys.has(standby);
      standbys.add(standby);
      const idle = first ? standby.servers - standingServers(standby.servers, plan.standing) : 0;
      // The standby's capacity checks count the primary's load while it is diverted there.
      standby.standBy(primary);
      const pair: Pair = { primary, standby, idle, startIdle: null };
      if (idle > 0) pair.startIdle = standby.takeOffline(idle, `standby of ${p.service}`);
      this.pairs.push(pair);
      if (!first) continue;
      this.reservedPerHour += (standby.servers - idle) * plan.costPerHour + idle * plan.reserveCostPerHour;
      this.broughtUpPerHour += standby.servers * plan.costPerHour;
    }
    const bringUp = distributionFromSpec(plan.bringUp);
    this.failover = compileRunbook(world, plan.failover, `sites.${this.spec.name}.failover`, ports.teams, ports.backups, bringUp);
    this.failback = plan.failback === undefined ? null : compileRunbook(world, plan.failback, `sites.${this.spec.name}.failback`, ports.teams, ports.backups, bringUp);
    if (plan.replication !== undefined) {
      this.lagDist = distributionFromSpec(plan.replication.lag);
      this.lagRng = world.streams.stream(`sites/${this.spec.name}/replication-lag`);
    }
    const sim = world.sim;
    const sample = (): void => {
      this.samples.push(this.successes());
      if (sim.now + SAMPLE_EVERY <= world.horizon) sim.post(SAMPLE_EVERY, sample, undefined);
    };
    this.samples.push(0);
    sim.post(SAMPLE_EVERY, sample, undefined);
  }

  private schedule(d: DisasterSpec, label: string): void {
    const sim = this.world.sim;
    const horizon = this.world.horizon;
    const duration = distributionFromSpec(d.duration);
    const durationRng = this.world.streams.stream(`sites/${this.spec.name}/disasters/${label}/duration`);
    const strike = (): void => this.strike(d, duration.sample(durationRng));
    if (d.at !== undefined && d.at < horizon) sim.scheduleAt(Math.max(d.at, sim.now), strike, undefined);
    if (d.every !== undefined) {
      const gap = exponential(1 / d.every);
      const rng = this.world.streams.stream(`sites/${this.spec.name}/disasters/${label}`);
      const next = (): void => {
        const t = sim.now + gap.sample(rng);
        if (t < horizon) sim.scheduleAt(t, fire, undefined);
      };
      const fire = (): void => {
        strike();
        next();
      };
      next();
    }
  }

  // ---------------------------------------------------------------- a disaster

  private strike(d: DisasterSpec, duration: number): void {
    if (this.down) return;
    const now = this.world.sim.now;
    this.down = true;
    this.struckAt = now;
    this.restoredAt = NaN;
    this.repaired = false;
    this.repairedAt = NaN;
    this.counted = now >= this.warmup;
    if (this.counted) this.disasters++;
    const undo = this.takeDown(d.kind);
    this.changed();
    this.world.sim.post(duration, () => {
      undo();
      this.onRepaired();
      this.changed();
    }, undefined);
    if (this.plan === null) return;
    this.recordDataLoss(now);
    this.switched = false;
    this.failoverEnded = false;
    this.failoverEndedAt = NaN;
    this.invoked = false;
    this.run = new RunbookRun(this.world.sim, this.failover, {
      stepTaken: (step) => {
        if (this.invoked || step.action === 'work') return;
        this.invoked = true;
        this.invocations++;
      },
      stepDone: (step) => {
        if (step.action === 'bring-up') this.bringUp();
        else if (step.action === 'switch') this.switchOver();
        this.checkRestored();
      },
      allDone: () => {
        if (!this.switched) {
          // A runbook without a step acting on the recovery site moves the load as it ends:
          // the provider is called on then, so the plan is invoked (once) there.
          if (!this.invoked) {
            this.invoked = true;
            this.invocations++;
          }
          this.switchOver();
        }
        this.failoverEnded = true;
        this.failoverEndedAt = this.world.sim.now;
        this.checkRestored();
        if (this.repaired) this.startFailback();
      },
    });
  }

  /** Applies a disaster's effect; returns its undo. */
  private takeDown(kind: DisasterSpec['kind']): () => void {
    if (kind === 'power') {
      for (const p of this.pools) for (let s = 0; s < p.servers; s++) p.failServer(s);
      return () => {
        for (const p of this.pools) for (let s = 0; s < p.servers; s++) p.repairServer(s);
      };
    }
    if (kind === 'network') {
      const back = this.pools.map((p) => p.takeOffline(p.servers, `site ${this.spec.name} cut off`));
      return () => {
        for (const b of back) b();
      };
    }
    for (const r of this.rooms) for (let i = 0; i < r.cracCapacity.length; i++) r.setCracDown(i, true);
    return () => {
      for (const r of this.rooms) for (let i = 0; i < r.cracCapacity.length; i++) r.setCracDown(i, false);
    };
  }

  private onRepaired(): void {
    this.repaired = true;
    this.repairedAt = this.world.sim.now;
    if (this.plan === null) {
      this.markRestored();
      this.down = false;
      return;
    }
    if (!this.switched) {
      // Back before the load moved: call the failover off, keep the load home.
      this.run?.stop();
      this.run = null;
      this.standDown();
      this.markRestored();
      this.down = false;
      return;
    }
    if (this.failoverEnded) this.startFailback();
  }

  private bringUp(): void {
    for (const p of this.pairs) {
      p.startIdle?.();
      p.startIdle = null;
    }
    this.accrueCost(true);
  }

  /** Stands the standby servers that were not standing down again. */
  private standDown(): void {
    for (const p of this.pairs) {
      if (p.idle > 0 && p.startIdle === null) p.startIdle = p.standby.takeOffline(p.idle, `standby of ${p.primary.name}`);
    }
    this.accrueCost(false);
  }

  // ---------------------------------------------------------------- cost

  /** What the standby servers cost per hour now. */
  private costRate(): number {
    return this.broughtUp ? this.broughtUpPerHour : this.reservedPerHour;
  }

  /** Books the standby servers' cost up to now at the old rate, then keeps them brought up or not. */
  private accrueCost(broughtUp: boolean): void {
    if (broughtUp === this.broughtUp) return;
    const now = this.world.sim.now;
    this.costSoFar += (this.costRate() * (now - this.costSince)) / 3600;
    this.costSince = now;
    this.broughtUp = broughtUp;
  }

  /** What the plan has cost since the end of warm-up: its standby servers and its contract's fees (0 without a priced plan). */
  recoveryCost(): number {
    const now = this.world.sim.now;
    const servers = this.costSoFar + (this.costRate() * (now - this.costSince)) / 3600;
    if (this.plan === null) return servers;
    const subscription = (this.plan.feePerMonth * (now - this.measuredFrom)) / 3600 / MONTH_HOURS;
    return servers + subscription + this.invocations * this.plan.invocationFee;
  }

  /** Where requests sent to `pool` end up now, following the diversions. */
  private destination(pool: ServicePool): ServicePool {
    return destination(this.diverted, pool);
  }

  /**
   * Diverts every pair to its standby. Refused as a whole when a standby's requests already
   * come back here (two sites recovering into each other, both struck): the load would go
   * round for ever, so it stays home and the runbook's end tries again.
   */
  private switchOver(): void {
    if (this.pairs.some((p) => this.destination(p.standby) === p.primary)) return;
    this.switched = true;
    for (const p of this.pairs) {
      p.primary.divertTo(p.standby);
      this.diverted.set(p.primary, p.standby);
    }
    this.changed();
  }

  private switchBack(): void {
    for (const p of this.pairs) {
      p.primary.divertTo(null);
      this.diverted.delete(p.primary);
    }
    this.changed();
  }

  /**
   * Restored once the load is switched and every pair's requests end at a service with a
   * server available (at the switch for hot and warm sites, at the bring-up for a cold one).
   * If the standby itself is down, a re-check every minute finds when it comes back.
   */
  private checkRestored(): void {
    if (!this.switched || !this.down || !Number.isNaN(this.restoredAt)) return;
    if (this.pairs.every((p) => this.destination(p.standby).serversAvailable() > 0)) {
      this.markRestored();
      return;
    }
    if (this.polling) return;
    this.polling = true;
    this.world.sim.post(60, this.recheck, undefined);
  }

  private readonly recheck = (): void => {
    this.polling = false;
    this.checkRestored();
  };

  private markRestored(): void {
    if (!Number.isNaN(this.restoredAt) || !this.down) return;
    const now = this.world.sim.now;
    this.restoredAt = now;
    if (this.counted) this.judgeRto(now - this.struckAt);
    this.downSeconds += now - Math.max(this.struckAt, this.warmup);
  }

  private judgeRto(rto: number): void {
    this.rto.add(rto);
    const target = this.plan?.targets?.rto;
    if (target !== undefined && rto > target) this.rtoMissed++;
  }

  private startFailback(): void {
    const from = Math.max(this.repairedAt, this.failoverEndedAt);
    const home = (): void => {
      this.switchBack();
      this.standDown();
      // Back home on a working site: restored now if it was not yet (capacity never came up).
      this.switched = false;
      this.markRestored();
      const now = this.world.sim.now;
      if (from >= this.warmup) this.failbackTime.add(now - from);
      this.down = false;
      this.run = null;
    };
    if (this.failback === null) return; // the load stays at the recovery site
    let movedHome = false;
    this.run = new RunbookRun(this.world.sim, this.failback, {
      stepDone: (step) => {
        if (step.action === 'switch' && !movedHome) {
          movedHome = true;
          home();
        }
      },
      allDone: () => {
        if (!movedHome) home();
      },
    });
  }

  // ---------------------------------------------------------------- data loss

  /** Requests that succeeded at the paired primaries since the end of warm-up (the services' totals). */
  private successes(): number {
    let n = 0;
    for (const p of this.pairs) {
      const t = p.primary.totals();
      n += t.finished - t.failed;
    }
    return n;
  }

  /**
   * Successes since the end of warm-up up to time t (warm-up end ≤ t ≤ now), interpolated
   * linearly between the per-minute samples; samples taken at or before the end of warm-up
   * count before the services' reset, so the warm-up end stands in for them with 0.
   */
  private countAt(t: number): number {
    const now = this.world.sim.now;
    const k = Math.floor(t / SAMPLE_EVERY);
    let t0 = k * SAMPLE_EVERY;
    let v0 = this.samples[k] ?? 0;
    if (t0 <= this.warmup) {
      t0 = this.warmup;
      v0 = 0;
    }
    let t1: number;
    let v1: number;
    if ((k + 1) * SAMPLE_EVERY <= now && this.samples[k + 1] !== undefined) {
      t1 = (k + 1) * SAMPLE_EVERY;
      v1 = this.samples[k + 1]!;
    } else {
      t1 = now;
      v1 = this.successes();
    }
    return t1 > t0 ? v0 + ((v1 - v0) * (t - t0)) / (t1 - t0) : v1;
  }

  private recordDataLoss(now: number): void {
    let point = now;
    const restores = this.failover.filter((s) => s.action === 'restore');
    if (restores.length > 0) {
      for (const s of restores) point = Math.min(point, this.ports.backups.get(s.backup!)!.recoveryPoint());
    } else if (this.lagDist !== null) {
      point = now - this.lagDist.sample(this.lagRng!);
    }
    const rpo = now - point;
    if (!this.counted) return;
    this.rpo.add(rpo);
    const target = this.plan?.targets?.rpo;
    if (target !== undefined && rpo > target) this.rpoMissed++;
    const from = Math.max(point, this.warmup);
    if (from < now) this.lost += this.successes() - this.countAt(from);
  }

  // ---------------------------------------------------------------- results

  private reset(): void {
    this.disasters = 0;
    this.rto.reset();
    this.rpo.reset();
    this.rtoMissed = 0;
    this.rpoMissed = 0;
    this.lost = 0;
    this.downSeconds = 0;
    this.failbackTime.reset();
    this.costSoFar = 0;
    this.costSince = this.world.sim.now;
    this.measuredFrom = this.world.sim.now;
    this.invocations = 0;
  }

  /** Time the disaster in progress has lasted unrestored (0 when none). */
  private openOutage(): number {
    return this.down && Number.isNaN(this.restoredAt) ? this.world.sim.now - this.struckAt : 0;
  }

  private register(): void {
    if ((this.spec.disasters ?? []).length === 0 && this.plan === null) return;
    const rec = this.world.recorder;
    const labels = { site: this.spec.name };
    // A disaster not restored by the horizon counts with its time so far (a lower bound).
    const rtoWithOpen = (): { mean: number; max: number; missed: number; n: number } => {
      const open = this.counted ? this.openOutage() : 0;
      const n = this.rto.count + (open > 0 ? 1 : 0);
      const sum = (this.rto.count > 0 ? this.rto.mean * this.rto.count : 0) + open;
      const target = this.plan?.targets?.rto;
      const missed = this.rtoMissed + (open > 0 && target !== undefined && open > target ? 1 : 0);
      return { mean: n > 0 ? sum / n : NaN, max: n > 0 ? Math.max(this.rto.count > 0 ? this.rto.max : 0, open) : NaN, missed, n };
    };
    rec.metric(SITE_METRICS.disasters, labels, () => this.disasters);
    rec.metric(SITE_METRICS.rto, labels, () => rtoWithOpen().mean);
    rec.metric(SITE_METRICS.rtoMax, labels, () => rtoWithOpen().max);
    rec.metric(SITE_METRICS.downtime, labels, () => (this.downSeconds + (this.down && Number.isNaN(this.restoredAt) ? this.world.sim.now - Math.max(this.struckAt, this.warmup) : 0)) / 60);
    if (this.plan?.targets?.rto !== undefined) {
      rec.metric(SITE_METRICS.rtoMet, labels, () => {
        const r = rtoWithOpen();
        return r.n === 0 ? NaN : r.missed > 0 ? 0 : 1;
      });
    }
    if (this.plan === null) return;
    rec.metric(SITE_METRICS.rpo, labels, () => this.rpo.mean);
    rec.metric(SITE_METRICS.rpoMax, labels, () => this.rpo.max);
    if (this.plan.targets?.rpo !== undefined) rec.metric(SITE_METRICS.rpoMet, labels, () => (this.rpo.count === 0 ? NaN : this.rpoMissed > 0 ? 0 : 1));
    rec.metric(SITE_METRICS.transactionsLost, labels, () => this.lost);
    if (this.failback !== null) rec.metric(SITE_METRICS.failback, labels, () => this.failbackTime.mean);
  }
}

/** Where requests sent to `pool` end up now, following the diversions (the sites refuse cycles). */
function destination(diverted: ReadonlyMap<ServicePool, ServicePool>, pool: ServicePool): ServicePool {
  let at = pool;
  for (let next = diverted.get(at); next !== undefined && next !== pool; next = diverted.get(at)) at = next;
  return at;
}

/** What the sites give the later models. */
export interface SitesRuntime {
  readonly recoveryCost: RecoveryCostPort;
  readonly diversions: DiversionsPort;
}

/**
 * Builds every site (after services, rooms, teams and backups); returns what the recovery
 * plans cost, for cost.total, and where each service's requests are served now, for the SLA
 * windows. cost.recovery is recorded only when some plan has a price, so scenarios that price
 * none keep their results (and pins) unchanged.
 */
export function buildSites(world: World, ports: SitesPorts, config: SitesConfig): SitesRuntime {
  const diverted = new Map<ServicePool, ServicePool>();
  const listeners: (() => void)[] = [];
  const changed = (): void => {
    for (const l of listeners) l();
  };
  const sites = config.sites.map((site) => new SiteRuntime(world, site, config.warmup, ports, diverted, changed));
  const diversions = diversionsPort(ports.services, config, diverted, listeners);
  if (!config.priced) return { recoveryCost: UNPRICED, diversions };
  const cost = (): number => sites.reduce((sum, s) => sum + s.recoveryCost(), 0);
  world.recorder.metric(RECOVERY_COST_METRICS.cost, {}, cost);
  return { recoveryCost: { cost, priced: true }, diversions };
}

/** The diversions port over the sites' shared map of diverted services. */
function diversionsPort(services: ServicesPort, config: SitesConfig, diverted: ReadonlyMap<ServicePool, ServicePool>, listeners: (() => void)[]): DiversionsPort {
  // Each primary's standbys by index, from every plan (a standby may be a primary in turn).
  const next = new Map<number, number[]>();
  for (const site of config.sites) for (const p of site.recovery?.pairs ?? []) next.set(p.primary, [...(next.get(p.primary) ?? []), p.standby]);
  const pool = (name: string): ServicePool => {
    const p = services.pools.get(name);
    if (p === undefined) throw new Error(`sites: no service named "${name}"`);
    return p;
  };
  return {
    servedAt: (name) => destination(diverted, pool(name)),
    standbysOf: (name) => {
      const from = pool(name).index;
      const seen = new Set<number>([from]);
      const todo = [from];
      for (let i = todo.pop(); i !== undefined; i = todo.pop()) {
        for (const s of next.get(i) ?? []) {
          if (seen.has(s)) continue;
          seen.add(s);
          todo.push(s);
        }
      }
      seen.delete(from);
      return [...seen].sort((a, b) => a - b).map((i) => services.poolList[i]!);
    },
    onChange: (listener) => {
      listeners.push(listener);
    },
  };
}
