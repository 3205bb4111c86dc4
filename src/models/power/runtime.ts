/**
 * Power: each server draws P(u) = P_idle + (P_peak − P_idle)·u (Fan, Weber & Barroso,
 * "Power provisioning for a warehouse-sized computer", ISCA 2007; idle defaults to 50 % of
 * peak), summed per room with the room's other IT load; facility power is IT power × PUE
 * (default 1.58, Uptime Institute 2023).
 *
 * Update rule: every TICK (60 s) each pool's average busy level over the tick just ended
 * sets its power for the next tick (a zero-order hold, one tick late), and the room's
 * thermal model gets the new P_IT. A thermal shutdown or restart re-estimates at once from
 * the instantaneous busy level. This keeps the thermal model exact between updates while
 * costing nothing per request.
 */
import { TICK } from '../kernel/timing.js';
import type { RoomsPort } from '../cooling/ports.js';
import type { ServicesPort } from '../services/ports.js';
import { DEFAULT_PUE, type Room } from '../cooling/runtime.js';
import type { ServicePool } from '../services/pool.js';
import type { World } from '../kernel/world.js';
import type { MetricSpec } from '../../results/metrics.js';
import { POWER_COLUMNS, POWER_METRICS } from './metrics.js';

/** Power of a pool (W) given the average number of busy units. */
export function poolPower(pool: ServicePool, busyUnits: number): number {
  const powered = pool.poweredServers();
  if (powered === 0) return 0;
  const u = Math.min(powered, busyUnits / pool.concurrency);
  return powered * pool.idlePower + (pool.peakPower - pool.idlePower) * u;
}

/** Builds the power model (after services and rooms). */
export function buildPower(world: World, services: ServicesPort, rooms: RoomsPort): void {
  const site = { poolList: services.poolList, rooms };
  const sim = world.sim;
  const pools = site.poolList;
  const lastBusy = new Float64Array(pools.length);
  const poolWatts = new Float64Array(pools.length);
  let lastTick = sim.now;
  let unroomedEnergy = 0;
  let resetAt = sim.now;
  let unroomedLast = sim.now;

  // The pools standing in each room, in scenario order.
  const poolsIn = new Map<Room, typeof pools[number][]>();
  for (const room of site.rooms.values()) poolsIn.set(room, pools.filter((pool) => pool.room === room));
  const roomPower = (room: Room): number => {
    if (room.isShutdown) return room.otherItPower;
    let p = room.otherItPower;
    for (const pool of poolsIn.get(room)!) p += poolWatts[pool.index]!;
    return p;
  };
  const unroomedPower = (): number => {
    let p = 0;
    for (const pool of pools) if (pool.room === null) p += poolWatts[pool.index]!;
    return p;
  };
  const advanceUnroomed = (): void => {
    const dt = sim.now - unroomedLast;
    const p = unroomedPower();
    unroomedEnergy += p * dt;
    unroomedLast = sim.now;
  };

  // Initial estimate: idle servers.
  for (const pool of pools) poolWatts[pool.index] = poolPower(pool, 0);
  for (const room of site.rooms.values()) {
    room.setItPower(roomPower(room));
    room.onPowerStateChange = () => {
      for (const pool of poolsIn.get(room)!) poolWatts[pool.index] = poolPower(pool, pool.busyNow());
      room.setItPower(roomPower(room));
    };
  }

  const tick = (): void => {
    const now = sim.now;
    const span = now - lastTick;
    advanceUnroomed();
    for (const pool of pools) {
      const b = pool.busyIntegral();
      poolWatts[pool.index] = poolPower(pool, span > 0 ? (b - lastBusy[pool.index]!) / span : pool.busyNow());
      lastBusy[pool.index] = b;
    }
    lastTick = now;
    for (const room of site.rooms.values()) room.setItPower(roomPower(room));
    sim.post(TICK, tick, undefined);
  };
  // Without rooms, power feeds no thermal model and no metric.
  if (site.rooms.size > 0) sim.schedule(TICK, tick, undefined);
  sim.onReset(() => {
    advanceUnroomed();
    unroomedEnergy = 0;
    resetAt = sim.now;
    // Resource integrals restarted at zero: the next tick averages from here.
    for (const pool of pools) lastBusy[pool.index] = pool.busyIntegral();
    lastTick = sim.now;
  });

  const rec = world.recorder;
  const kwh = (joules: number): number => joules / 3.6e6;
  for (const room of site.rooms.values()) {
    const m = (spec: MetricSpec, f: () => number): void => rec.metric(spec, { room: room.name }, f);
    m(POWER_METRICS.roomItPower, () => {
      const span = room.measuredSpan();
      return span > 0 ? room.itEnergyJoules() / span : room.currentItPower();
    });
    m(POWER_METRICS.roomEnergy, () => kwh(room.itEnergyJoules() * room.pue));
    let lastE = 0;
    sim.onReset(() => {
      lastE = room.itEnergyAllJoules();
    });
    rec.column(POWER_COLUMNS.itPower, { room: room.name }, (a, b) => {
      const e = room.itEnergyAllJoules();
      const v = b > a ? (e - lastE) / (b - a) / 1000 : room.currentItPower() / 1000;
      lastE = e;
      return v;
    });
  }
  const span = (): number => sim.now - resetAt;
  const totalIt = (): number => {
    advanceUnroomed();
    let e = unroomedEnergy;
    for (const room of site.rooms.values()) e += room.itEnergyJoules();
    return e;
  };
  const totalFacility = (): number => {
    advanceUnroomed();
    // Servers outside any room carry the default PUE of their (unmodelled) facility.
    let e = unroomedEnergy * DEFAULT_PUE;
    for (const room of site.rooms.values()) e += room.itEnergyJoules() * room.pue;
    return e;
  };
  if (site.rooms.size > 0) {
    rec.metric(POWER_METRICS.siteItPower, {}, () => (span() > 0 ? totalIt() / span() : 0));
    rec.metric(POWER_METRICS.siteEnergy, {}, () => kwh(totalFacility()));
  }
}
