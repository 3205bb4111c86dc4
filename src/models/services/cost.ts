/**
 * What the services' servers cost: every server of a pool at its service's `costPerHour`,
 * over the measured period (from the end of warm-up), whatever it does. A planner pays for
 * the servers owned: failed ones, ones in repair or taken offline for a backup, and a recovery
 * site's standby servers that are not standing are paid like the rest. Read once at the end
 * of a replication; nothing here runs per event.
 */
import type { World } from '../kernel/world.js';
import type { ServicesConfig } from './compile.js';
import type { ServersCostPort } from './ports.js';
import { SERVICE_METRICS } from './metrics.js';

/** What all the pools' servers cost per hour: Σ servers × costPerHour. */
export function serversPerHour(config: ServicesConfig): number {
  return config.services.reduce((sum, s) => sum + s.spec.servers * s.spec.costPerHour, 0);
}

/**
 * The servers' cost over the measured period. cost.servers is recorded only when some service
 * prices its servers, so scenarios that price none keep their results (and pins) unchanged.
 */
export function buildServersCost(world: World, config: ServicesConfig): ServersCostPort {
  const perHour = serversPerHour(config);
  if (perHour === 0) return { cost: () => 0, priced: false };
  const sim = world.sim;
  let resetAt = sim.now;
  sim.onReset(() => {
    resetAt = sim.now;
  });
  const cost = (): number => (perHour * (sim.now - resetAt)) / 3600;
  world.recorder.metric(SERVICE_METRICS.cost, {}, cost);
  return { cost, priced: true };
}
