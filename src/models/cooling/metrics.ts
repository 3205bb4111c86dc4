/** What the cooling model measures per room (`room.<room>.*`, temperature series). */
import type { ColumnSpec, MetricSpec } from '../../results/metrics.js';

/** Absolute zero: the only temperature bound physics gives. */
const CELSIUS = { lo: -273.15 } as const;

export const ROOM_METRICS = {
  temperatureMax: { name: 'room.<room>.temperature.max', label: '<room> peak temperature', unit: 'celsius', better: 'lower', range: CELSIUS, key: 17, doc: 'Highest room temperature (°C).' },
  temperatureMean: { name: 'room.<room>.temperature.mean', unit: 'celsius', better: 'lower', range: CELSIUS, doc: 'Time-average temperature (°C), integrated exactly over the piecewise-linear trajectory.' },
  aboveRecommended: { name: 'room.<room>.time_above_recommended', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'Seconds above 27 °C (ASHRAE recommended upper limit).' },
  aboveAllowable: { name: 'room.<room>.time_above_allowable', unit: 'seconds', better: 'lower', range: { lo: 0 }, doc: 'Seconds above 32 °C (ASHRAE A1 allowable upper limit).' },
  shutdowns: { name: 'room.<room>.shutdowns', unit: 'count', better: 'lower', range: { lo: 0 }, doc: 'Thermal shutdowns (servers powered off above `shutdownAbove`).' },
} as const satisfies Record<string, MetricSpec>;

export const ROOM_COLUMNS = {
  temperature: {
    name: '<room>.temperature',
    unit: 'celsius',
    better: 'lower',
    range: CELSIUS,
    chart: 'temperature',
    // ASHRAE TC 9.9: 18–27 °C recommended, 15–32 °C allowable for class A1.
    bands: [
      { lo: 15, hi: 32, label: 'A1 allowable 15–32 °C' },
      { lo: 18, hi: 27, label: 'recommended 18–27 °C' },
    ],
    doc: 'Time-average room temperature in the interval (°C).',
  },
} as const satisfies Record<string, ColumnSpec>;
