/**
 * Monitoring and event management: monitors with thresholds that raise ITIL events,
 * alert noise, and auto-remediation rules. The monitoring model's fields.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, Fraction, Rate, Temperature } from '../../scenario/units.js';
import { Defaulted } from '../../scenario/schema/defaults.js';
import { Impact, Urgency, dist } from '../incidents/schema.js';

/** Fields every monitor has, whatever it watches. */
const common = {
  name: Type.String({ minLength: 1, description: 'Name of the monitor, e.g. "inventory-p95".' }),
  interval: Type.Optional(Duration({ minimum: 1, description: 'Evaluation interval: how often the metric is checked (default: monitoring.interval; at least 1s).' })),
  detectionDelay: Defaulted(Duration({ description: 'Delay from an evaluation that crosses the threshold to the event reaching the console (collection and alert pipeline).' }), 0),
  incidentType: Type.Optional(Type.String({ minLength: 1, description: 'Incident type for an exception this monitor raises when no open problem explains it (default: incidents.defaultType).' })),
  impact: Type.Optional(Impact),
  urgency: Type.Optional(Urgency),
  falseAlarmRate: Defaulted(Rate({ maximum: 1, description: 'Rate of false alarms (Poisson), e.g. "2/d": exceptions with no cause that still need a triage.' }), 0),
  enabled: Defaulted(Type.Boolean({ description: 'False switches the monitor off (for policy variants).' }), true),
};

const thresholdNote = 'Events: warning above `warning`, exception above `exception`, informational when it falls back below `warning`.';

export const LatencyMonitor = Type.Object(
  {
    ...common,
    metric: Type.Literal('latency', { description: 'Watches a response-time percentile of a service over a sliding window.' }),
    service: Type.String({ minLength: 1, description: 'Service watched.' }),
    quantile: Defaulted(Fraction({ description: 'Percentile watched, e.g. 0.95 or "99%".' }), 0.95),
    window: Defaulted(Duration({ exclusiveMinimum: true, maximum: 3600, description: 'Sliding window of finished requests (at most 1h: the service keeps 10-s slots for the longest window a monitor uses).' }), '5m'),
    warning: Type.Optional(Duration({ 'x-knob': true, description: 'Warning threshold on the percentile, e.g. "1s".' })),
    exception: Duration({ 'x-knob': true, description: 'Exception threshold on the percentile, e.g. "2s".' }),
  },
  { additionalProperties: false, description: `A response-time monitor. ${thresholdNote}` },
);

export const ErrorRateMonitor = Type.Object(
  {
    ...common,
    metric: Type.Literal('error-rate', { description: 'Watches the share of failed or timed-out requests of a service over a sliding window.' }),
    service: Type.String({ minLength: 1, description: 'Service watched.' }),
    window: Defaulted(Duration({ exclusiveMinimum: true, maximum: 3600, description: 'Sliding window (at most 1h).' }), '5m'),
    warning: Type.Optional(Fraction({ 'x-knob': true, description: 'Warning threshold, e.g. "1%".' })),
    exception: Fraction({ 'x-knob': true, description: 'Exception threshold, e.g. "5%".' }),
  },
  { additionalProperties: false, description: `An error-rate monitor. ${thresholdNote}` },
);

export const TemperatureMonitor = Type.Object(
  {
    ...common,
    metric: Type.Literal('temperature', { description: 'Watches a room\'s air temperature.' }),
    room: Type.String({ minLength: 1, description: 'Room watched.' }),
    warning: Type.Optional(Temperature({ 'x-knob': true, description: 'Warning threshold, e.g. 27 (the top of the ASHRAE recommended band).' })),
    exception: Temperature({ 'x-knob': true, description: 'Exception threshold, e.g. 32 (the top of ASHRAE A1 allowable).' }),
  },
  { additionalProperties: false, description: `A room-temperature monitor. ${thresholdNote}` },
);

export const StateMonitor = Type.Object(
  {
    ...common,
    metric: Type.Literal('state', { description: 'Watches component state: open problems of the given kinds (a failed server, a CRAC unit down, a broken health check).' }),
    kinds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Problem kinds that count as a component down, e.g. ["crac-failure", "server-failure"]; "*" means any.' }),
  },
  { additionalProperties: false, description: 'A component-state monitor: each open problem of a watched kind raises one exception.' },
);

export const Monitor = Type.Union([LatencyMonitor, ErrorRateMonitor, TemperatureMonitor, StateMonitor], {
  description: 'A monitor: metric latency, error-rate, temperature or state.',
});
export type MonitorSpec = Static<typeof Monitor>;

export const AutoRemediation = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the rule, e.g. "revert-lb-config" or "restart-backend".' }),
    problemKinds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Problem kinds the rule acts on, e.g. ["lb-misweight"].' }),
    delay: Defaulted(dist('Time from detection until the automation has run.'), '2m'),
    successProbability: Defaulted(Fraction({ description: 'Chance the automation fixes the problem; otherwise the incident stays with the operators.' }), 0.5),
    enabled: Defaulted(Type.Boolean({ description: 'False switches the rule off (for policy variants).' }), true),
  },
  { additionalProperties: false, description: 'An auto-remediation runbook that tries to fix a detected problem without an operator.' },
);
export type AutoRemediationSpec = Static<typeof AutoRemediation>;

export const MonitoringSection = Type.Object(
  {
    interval: Defaulted(Duration({ minimum: 1, description: 'Evaluation interval of monitors that give none (at least 1s).' }), '1m'),
    monitors: Type.Optional(Type.Array(Monitor, { description: 'The monitors.' })),
    triageTime: Defaulted(dist('Operator time to triage and close a false alarm.'), '5m'),
    autoRemediation: Type.Optional(Type.Array(AutoRemediation, { description: 'Auto-remediation rules.' })),
  },
  { additionalProperties: false, description: 'Monitoring and event management: what is watched, how events become incidents, automation.' },
);
export type MonitoringSpec = Static<typeof MonitoringSection>;

export const MonitoringFields = {
  monitoring: Type.Optional(MonitoringSection),
};
