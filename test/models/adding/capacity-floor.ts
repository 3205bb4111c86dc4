/**
 * The example of docs/adding-a-model.md: a small model that records, per service, the fewest
 * servers available, looked at every `capacityFloor.every` (default 1 minute). It owns one
 * scenario field, needs the services port and declares its one metric.
 */
import { Type } from '@sinclair/typebox';
import { defineModel } from '../../../src/models/kernel/plugin.js';
import type { MetricSpec } from '../../../src/results/metrics.js';
import { Duration } from '../../../src/scenario/units.js';
import { Defaulted } from '../../../src/scenario/schema/defaults.js';

/** The scenario fields it owns (schema.ts in a model folder). */
export const CapacityFloorFields = {
  capacityFloor: Type.Optional(
    Type.Object(
      { every: Defaulted(Duration({ exclusiveMinimum: true, description: 'How often the servers available are looked at.' }), '1m') },
      { additionalProperties: false, description: 'Record the fewest servers available per service.' },
    ),
  ),
};

// The static type of its fields, so `world.scenario.capacityFloor` is typed (see ScenarioFragments).
declare module '../../../src/models/kernel/plugin.js' {
  interface ScenarioFragments {
    'capacity-floor': typeof CapacityFloorFields;
  }
}

const FLOOR: MetricSpec = {
  name: 'service.<service>.servers_available.min',
  unit: 'count',
  better: 'higher',
  range: { lo: 0 },
  doc: 'Fewest servers available at any look of the measured period.',
};

export const capacityFloor = defineModel({
  name: 'capacity-floor',
  about: 'Per service, when the scenario has `capacityFloor`: the fewest servers available.',
  schema: CapacityFloorFields,
  needs: ['services'],
  gives: [],
  // Pure, once per scenario (not per replication): what build needs, or null without the field.
  // `every` has a schema default, filled in when the scenario is loaded: no fallback here.
  compile: (scenario) => (scenario.capacityFloor === undefined ? null : { every: scenario.capacityFloor.every }),
  build(world, ports, config) {
    if (config === null) return {};
    const every = config.every;
    const sim = world.sim;
    for (const pool of ports.services.poolList) {
      let min = pool.serversAvailable();
      sim.onReset(() => {
        min = pool.serversAvailable();
      });
      const look = (): void => {
        min = Math.min(min, pool.serversAvailable());
        if (sim.now + every <= world.horizon) sim.post(every, look, undefined);
      };
      sim.post(every, look, undefined);
      world.recorder.metric(FLOOR, { service: pool.name }, () => min);
    }
    return {};
  },
  metrics: [FLOOR],
  columns: [],
});
