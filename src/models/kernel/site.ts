/**
 * The infrastructure models' shared registry for one replication. `World` publishes only
 * the narrow handles operations models may use; the infrastructure models also need each
 * other's internals (the load model feeds a pool, the cooling model powers it off), and
 * they find them here, keyed by the world so replications never share state.
 */
import type { World } from './world.js';
import type { ServicePool } from '../services/pool.js';
import type { Room } from '../cooling/runtime.js';

/** Internal objects of the infrastructure models of one replication. */
export interface Site {
  /** Service pools by name, in scenario order. */
  readonly pools: Map<string, ServicePool>;
  /** Pools by index (a request record names its parent pool by index). */
  readonly poolList: ServicePool[];
  /** Rooms by name. */
  readonly rooms: Map<string, Room>;
}

const sites = new WeakMap<World, Site>();

/** The registry of `world`, created on first use. */
export function siteOf(world: World): Site {
  let s = sites.get(world);
  if (s === undefined) {
    s = { pools: new Map(), poolList: [], rooms: new Map() };
    sites.set(world, s);
  }
  return s;
}

/** Seconds between coarse updates (power draw, thermal input, capacity availability). */
export const TICK = 60;
