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
  interval: Type.Optional(Duration({ minimum: 1, description: 'Evaluation interval: how often the metric is checked (default: monitoring.interval, 1m; at least 1s).' })),
  detectionDelay: Type.Optional(Duration({ description: 'Delay from an evaluation that crosses the threshold to the event reaching the console (collection and alert pipeline; default 0).' })),
  incidentType: Type.Optional(Type.String({ minLength: 1, description: 'Incident type for an exception this monitor raises when no open problem explains it (default: incidents.defaultType).' })),
  impact: Type.Optional(Impact),
  urgency: Type.Optional(Urgency),
  falseAlarmRate: Type.Optional(Rate({ maximum: 1, description: 'Rate of false alarms (Poisson), e.g. "2/d": exceptions with no cause that still need a triage.' })),
  enabled: Type.Optional(Type.Boolean({ description: 'False switches the monitor off (for policy variants). Default true.' })),
};

const thresholdNote = 'Events: warning above `warning`, exception above `exception`, informational when it falls back below `warning`.';

export const LatencyMonitor = Type.Object(
  {
    ...common,
    metric: Type.Literal('latency', { description: 'Watches a response-time percentile of a service over a sliding window.' }),
    service: Type.String({ minLength: 1, description: 'Service watched.' }),
    quantile: Type.Optional(Fraction({ description: 'Percentile watched, e.g. 0.95 or "99%" (default 0.95).' })),
    window: Type.Optional(Duration({ exclusiveMinimum: true, maximum: 3600, description: 'Sliding window of finished requests (default 5m, at most 1h: the service keeps 10-s slots for the longest window a monitor uses).' })),
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
    window: Type.Optional(Duration({ exclusiveMinimum: true, maximum: 3600, description: 'Sliding window (default 5m, at most 1h).' })),
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
    delay: Type.Optional(dist('Time from detection until the automation has run (default 2m).')),
    successProbability: Defaulted(Fraction({ description: 'Chance the automation fixes the problem; otherwise the incident stays with the operators.' }), 0.5),
    enabled: Type.Optional(Type.Boolean({ description: 'False switches the rule off (for policy variants). Default true.' })),
  },
  { additionalProperties: false, description: 'An auto-remediation runbook that tries to fix a detected problem without an operator.' },
);
export type AutoRemediationSpec = Static<typeof AutoRemediation>;

export const MonitoringSection = Type.Object(
  {
    interval: Type.Optional(Duration({ minimum: 1, description: 'Default evaluation interval of monitors (default 1m; at least 1s).' })),
    monitors: Type.Optional(Type.Array(Monitor, { description: 'The monitors.' })),
    triageTime: Type.Optional(dist('Operator time to triage and close a false alarm (default 5m).')),
    autoRemediation: Type.Optional(Type.Array(AutoRemediation, { description: 'Auto-remediation rules.' })),
  },
  { additionalProperties: false, description: 'Monitoring and event management: what is watched, how events become incidents, automation.' },
);
export type MonitoringSpec = Static<typeof MonitoringSection>;

export const MonitoringFields = {
  monitoring: Type.Optional(MonitoringSection),
};
