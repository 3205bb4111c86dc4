/** The incidents model: the incident desk, request fulfilment and scheduled work (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { IncidentsFields } from './schema.js';
import { checkIncidents } from './checks.js';
import { INCIDENT_COLUMNS, INCIDENT_METRICS, REPORTED_METRICS, REQUEST_METRICS, SCHEDULED_METRICS } from './metrics.js';
import { buildIncidents } from './desk.js';
import { buildReported } from './reported.js';
import { compileIncidents } from './compile.js';
import './ports.js';

export const incidents = defineModel({
  name: 'incidents',
  about:
    'Incident metrics when the scenario has `incidents` or `monitoring` (incidents detected after warm-up, false alarms excluded); request metrics per `requests` stream; scheduled-work metrics per `scheduledWork` job.',
  schema: IncidentsFields,
  needs: ['teams'],
  gives: ['desk'],
  check: checkIncidents,
  compile: compileIncidents,
  build: (world, ports, config) => {
    const desk = buildIncidents(world, ports.teams, config);
    buildReported(world, desk, config.reported);
    return { desk };
  },
  metrics: [...Object.values(INCIDENT_METRICS), ...Object.values(REPORTED_METRICS), ...Object.values(REQUEST_METRICS), ...Object.values(SCHEDULED_METRICS)],
  columns: Object.values(INCIDENT_COLUMNS),
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    incidents: typeof IncidentsFields;
  }
}
