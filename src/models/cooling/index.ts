/** The cooling model: rooms as lumped thermal masses with CRAC units (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { RoomsFields } from './schema.js';
import { checkRooms } from './checks.js';
import { ROOM_COLUMNS, ROOM_METRICS } from './metrics.js';
import { buildRooms } from './runtime.js';
import './ports.js';

export const cooling = defineModel<never, 'rooms'>({
  name: 'cooling',
  about: 'Per room, for every room in `rooms`.',
  fields: Object.keys(RoomsFields),
  needs: [],
  gives: ['rooms'],
  check: checkRooms,
  build: (world) => ({ rooms: buildRooms(world) }),
  metrics: Object.values(ROOM_METRICS),
  columns: Object.values(ROOM_COLUMNS),
});
