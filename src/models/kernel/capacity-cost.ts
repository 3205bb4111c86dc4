/**
 * What owned capacity costs: servers, network devices, recovery sites' standby servers. Each
 * model that prices capacity gives one of these through a port, and the SLA model sums them
 * into cost.total. A model records its own cost metric only when something is priced, so
 * scenarios that price nothing keep their results (and pins) unchanged.
 */
import type { MetricSpec } from '../../results/metrics.js';
import type { World } from './world.js';

/** What some owned capacity costs so far in the measured period (0 when it has no price). */
export interface CapacityCost {
  cost(): number;
  /** Whether the capacity has a price at all (its cost metric is recorded only then). */
  readonly priced: boolean;
}

/** Capacity with no price. */
export const UNPRICED: CapacityCost = { cost: () => 0, priced: false };

/**
 * Capacity paid at a flat `perHour` over the measured period (from the end of warm-up), whatever
 * it does: recorded as `metric` when priced. Read once at the end; nothing runs per event.
 */
export function flatCapacityCost(world: World, perHour: number, metric: MetricSpec): CapacityCost {
  if (perHour === 0) return UNPRICED;
  const sim = world.sim;
  let resetAt = sim.now;
  sim.onReset(() => {
    resetAt = sim.now;
  });
  const cost = (): number => (perHour * (sim.now - resetAt)) / 3600;
  world.recorder.metric(metric, {}, cost);
  return { cost, priced: true };
}
