/** The cooling model: rooms as lumped thermal masses with CRAC units (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { RoomsFields } from './schema.js';
import { checkRooms } from './checks.js';
import { ROOM_COLUMNS, ROOM_METRICS } from './metrics.js';
import { buildRooms } from './runtime.js';
import { compileCooling } from './compile.js';
import { offerCoolingTargets } from './targets.js';
import './ports.js';

export const cooling = defineModel({
  name: 'cooling',
  about: 'Per room, for every room in `rooms`.',
  schema: RoomsFields,
  needs: ['failureTargets'],
  gives: ['rooms'],
  check: checkRooms,
  compile: compileCooling,
  build: (world, ports, config) => {
    const rooms = buildRooms(world, config);
    offerCoolingTargets(rooms, ports.failureTargets);
    return { rooms };
  },
  metrics: Object.values(ROOM_METRICS),
  columns: Object.values(ROOM_COLUMNS),
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    cooling: typeof RoomsFields;
  }
}
