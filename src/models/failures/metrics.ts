/**
 * What the failures model measures, per component class the scenario lists under
 * `failures.classes` (`server`, `disk`, `power-supply`, `switch`, `load-balancer`, `crac`, `pdu`, `rack`).
 */
import type { MetricSpec } from '../../results/metrics.js';

export const FAILURE_METRICS = {
  count: { name: 'failures.<class>.count', unit: 'count', better: 'lower', range: { lo: 0 }, doc: 'Failures of components of the class that began in the measured period.' },
  downtime: { name: 'failures.<class>.downtime_hours', unit: 'hours', better: 'lower', range: { lo: 0 }, doc: 'Component-hours down (from failure to repair, including waits for spare parts) within the measured period; components still down at the horizon count up to the horizon.' },
} as const satisfies Record<string, MetricSpec>;
