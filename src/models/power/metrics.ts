/** What the power model measures: IT power and facility energy per room and for the site. */
import type { ColumnSpec, MetricSpec } from '../../results/metrics.js';

export const POWER_METRICS = {
  roomItPower: { name: 'room.<room>.it_power.mean', unit: 'watts', better: 'neutral', range: { lo: 0 }, doc: "Time-average IT power (W): servers of the room's services plus its `otherItPower`." },
  roomEnergy: { name: 'room.<room>.energy_kwh', unit: 'kWh', better: 'lower', range: { lo: 0 }, doc: "Facility energy (kWh): IT energy × the room's PUE." },
  siteItPower: { name: 'site.it_power.mean', unit: 'watts', better: 'neutral', range: { lo: 0 }, doc: 'When the scenario has rooms: time-average IT power of all rooms plus services outside any room (W).' },
  siteEnergy: { name: 'site.energy_kwh', unit: 'kWh', better: 'lower', range: { lo: 0 }, doc: 'When the scenario has rooms: facility energy of the site (kWh); services outside any room use PUE 1.58.' },
} as const satisfies Record<string, MetricSpec>;

export const POWER_COLUMNS = {
  itPower: { name: '<room>.it_power_kw', unit: 'kilowatts', better: 'neutral', range: { lo: 0 }, doc: 'Time-average IT power of the room in the interval (kW).' },
} as const satisfies Record<string, ColumnSpec>;
