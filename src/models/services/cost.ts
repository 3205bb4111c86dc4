/**
 * What the services' servers cost: every server of a pool at its service's `costPerHour`,
 * over the measured period (from the end of warm-up), whatever it does. A planner pays for
 * the servers owned: failed ones, ones in repair or taken offline for a backup, and a recovery
 * site's standby servers that are not standing are paid like the rest. Read once at the end
 * of a replication; nothing here runs per event.
 */
import type { World } from '../kernel/world.js';
import { flatCapacityCost } from '../kernel/capacity-cost.js';
import type { ServicesConfig } from './compile.js';
import type { ServersCostPort } from './ports.js';
import { SERVICE_METRICS } from './metrics.js';

/** What all the pools' servers cost per hour: Σ servers × costPerHour. */
export function serversPerHour(config: ServicesConfig): number {
  return config.services.reduce((sum, s) => sum + s.spec.servers * s.spec.costPerHour, 0);
}

/** The servers' cost over the measured period (cost.servers only when some service prices its servers). */
export function buildServersCost(world: World, config: ServicesConfig): ServersCostPort {
  return flatCapacityCost(world, serversPerHour(config), SERVICE_METRICS.cost);
}
