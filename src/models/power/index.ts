/** The power model: IT power of servers and rooms, facility energy through PUE (see README.md). Its fields live in services and rooms. */
import { defineModel } from '../kernel/plugin.js';
import { POWER_COLUMNS, POWER_METRICS } from './metrics.js';
import { buildPower } from './runtime.js';

export const power = defineModel({
  name: 'power',
  about: 'Per room, and for the site when the scenario has rooms.',
  schema: {},
  needs: ['services', 'rooms'],
  gives: [],
  build: (world, ports) => {
    buildPower(world, ports.services, ports.rooms);
    return {};
  },
  metrics: Object.values(POWER_METRICS),
  columns: Object.values(POWER_COLUMNS),
});
