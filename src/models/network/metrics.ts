/**
 * What the network model measures, per device in `network.devices` and per service in
 * `network.services`, and the network's cost (only when the scenario has a `network` section).
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
    doc: 'Highest offered load ÷ capacity seen by a request crossing the device (above 1 when saturated; at flow level the highest mean over a flow step); devices with a capacity only.',
  },
  dropped: {
    name: 'network.device.<device>.dropped',
    unit: 'count',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Request attempts the device dropped because its buffer was full (M/M/1/K at the offered rate; an expected count at flow level); devices with a capacity only.',
  },
  addedDelay: {
    name: 'network.device.<device>.added_delay_mean',
    unit: 'seconds',
    better: 'lower',
    range: { lo: 0 },
    doc: 'Mean time the device added to the request attempts it carried (queueing and transmission); devices with a capacity only.',
  },
  carried: {
    name: 'network.device.<device>.carried',
    unit: 'count',
    better: 'neutral',
    range: { lo: 0 },
    doc: 'Request attempts that crossed the device (not dropped by it; an expected count at flow level); devices with a capacity only. Shows how a shared pair split the traffic.',
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
    doc: 'Request attempts to the service refused at once because it was cut off, plus those dropped by a saturated device on its path (an expected count at flow level).',
  },
  cost: {
    name: 'cost.network',
    label: 'Network cost',
    unit: 'currency',
    better: 'lower',
    range: { lo: 0 },
    doc: 'What the network devices cost over the measured period: the sum of their costPerHour × hours, failed or not (part of cost.total). Only when some device has a costPerHour above 0.',
  },
} as const satisfies Record<string, MetricSpec>;
