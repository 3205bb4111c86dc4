/**
 * The catalog of opsim's domain models, in build order: infrastructure first (rooms,
 * services, failures, load, power), then operations (staffing, incidents, monitoring, SLA).
 * Each entry declares what its model measures; docs/results-format.md is generated from it.
 */
import type { ColumnSpec, MetricSpec } from '../results/metrics.js';
import { ROOM_COLUMNS, ROOM_METRICS } from './cooling/metrics.js';
import { SERVICE_COLUMNS, SERVICE_METRICS } from './services/metrics.js';
import { FAILURE_METRICS } from './failures/metrics.js';
import { POWER_COLUMNS, POWER_METRICS } from './power/metrics.js';
import { STAFFING_COLUMNS, STAFFING_METRICS } from './staffing/metrics.js';
import { INCIDENT_COLUMNS, INCIDENT_METRICS, REQUEST_METRICS, SCHEDULED_METRICS } from './incidents/metrics.js';
import { MONITORING_METRICS } from './monitoring/metrics.js';
import { SLA_COLUMNS, SLA_METRICS } from './sla/metrics.js';

/** What one model measures. */
export interface ModelMetrics {
  /** The model's name (also the section title in docs/results-format.md). */
  readonly model: string;
  /** One line on when its metrics appear. */
  readonly about: string;
  readonly metrics: readonly MetricSpec[];
  readonly columns: readonly ColumnSpec[];
}

/** Every model's metric and column specs, in build order. */
export const MODEL_METRICS: readonly ModelMetrics[] = [
  { model: 'cooling', about: 'Per room, for every room in `rooms`.', metrics: Object.values(ROOM_METRICS), columns: Object.values(ROOM_COLUMNS) },
  { model: 'services', about: 'Per service, for every service in `services`.', metrics: Object.values(SERVICE_METRICS), columns: Object.values(SERVICE_COLUMNS) },
  { model: 'failures', about: 'Per component class listed under `failures.classes`.', metrics: Object.values(FAILURE_METRICS), columns: [] },
  { model: 'power', about: 'Per room, and for the site when the scenario has rooms.', metrics: Object.values(POWER_METRICS), columns: Object.values(POWER_COLUMNS) },
  { model: 'staffing', about: 'Per team in `teams`; `cost.staffing` when there is any team.', metrics: Object.values(STAFFING_METRICS), columns: Object.values(STAFFING_COLUMNS) },
  {
    model: 'incidents',
    about: 'Incident metrics when the scenario has `incidents` or `monitoring` (incidents detected after warm-up, false alarms excluded); request metrics per `requests` stream; scheduled-work metrics per `scheduled` job.',
    metrics: [...Object.values(INCIDENT_METRICS), ...Object.values(REQUEST_METRICS), ...Object.values(SCHEDULED_METRICS)],
    columns: Object.values(INCIDENT_COLUMNS),
  },
  { model: 'monitoring', about: 'When the scenario has `monitoring`.', metrics: Object.values(MONITORING_METRICS), columns: [] },
  {
    model: 'sla',
    about: 'Per SLA in `sla.services`; cost metrics when the scenario has `sla`, `teams` or `incidents`, `transactions.*` when it also has services.',
    metrics: Object.values(SLA_METRICS),
    columns: Object.values(SLA_COLUMNS),
  },
];
