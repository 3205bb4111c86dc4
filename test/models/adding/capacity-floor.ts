/**
 * The example of docs/adding-a-model.md: a small model that records, per service, the fewest
 * servers available at any minute. It owns no scenario field, needs the services port and
 * declares its one metric. (A model with its own fields adds a schema fragment too.)
 */
import { defineModel } from '../../../src/models/kernel/plugin.js';
import type { MetricSpec } from '../../../src/results/metrics.js';

const FLOOR: MetricSpec = {
  name: 'service.<service>.servers_available.min',
  unit: 'count',
  better: 'higher',
  range: { lo: 0 },
  doc: 'Fewest servers available at any whole minute of the measured period.',
};

export const capacityFloor = defineModel<'services'>({
  name: 'capacity-floor',
  about: 'Per service: the fewest servers available at any minute.',
  fields: [],
  needs: ['services'],
  gives: [],
  build(world, ports) {
    const sim = world.sim;
    for (const pool of ports.services.poolList) {
      let min = pool.serversAvailable();
      sim.onReset(() => {
        min = pool.serversAvailable();
      });
      const look = (): void => {
        min = Math.min(min, pool.serversAvailable());
        if (sim.now + 60 <= world.horizon) sim.post(60, look, undefined);
      };
      sim.post(60, look, undefined);
      world.recorder.metric(FLOOR, { service: pool.name }, () => min);
    }
    return {};
  },
  metrics: [FLOOR],
  columns: [],
});
