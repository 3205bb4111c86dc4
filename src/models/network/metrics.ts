/**
 * What the network model measures, per device in `network.devices` and per service in
 * `network.services` (only when the scenario has a `network` section).
 */
import type { MetricSpec } from '../../results/metrics.js';

export const NETWORK_METRICS = {
  deviceDowntime: {
    name: 'network.device.<device>.downtime_minutes',
    unit: 'minutes',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Minutes in the measured period the device did not work: failed itself, or cut off because a device or pair it depends on was down.',
  },
  utilisationPeak: {
    name: 'network.device.<device>.utilisation_peak',
    unit: 'fraction',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Highest offered load ÷ capacity seen by a request crossing the device (above 1 when saturated); devices with a capacity only.',
  },
  dropped: {
    name: 'network.device.<device>.dropped',
    unit: 'count',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Request attempts the device dropped because its buffer was full (M/M/1/K at the offered rate); devices with a capacity only.',
  },
  addedDelay: {
    name: 'network.device.<device>.added_delay_mean',
    unit: 'seconds',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Mean time the device added to the request attempts it carried (queueing and transmission); devices with a capacity only.',
  },
  serviceOutage: {
    name: 'network.service.<service>.outage_minutes',
    unit: 'minutes',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Minutes in the measured period the service was cut off: a device or pair it depends on (directly or through other devices) was down.',
  },
  refused: {
    name: 'network.service.<service>.refused',
    unit: 'count',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Request attempts to the service refused at once because it was cut off, plus those dropped by a saturated device on its path.',
  },
} as const satisfies Record<string, MetricSpec>;
