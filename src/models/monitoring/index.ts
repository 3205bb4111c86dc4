/** The monitoring model: monitors, ITIL events, false alarms and auto-remediation (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { MonitoringFields } from './schema.js';
import { checkMonitoring } from './checks.js';
import { MONITORING_METRICS } from './metrics.js';
import { buildMonitoring } from './runtime.js';
import { compileMonitoring } from './compile.js';
import './ports.js';

export const monitoring = defineModel({
  name: 'monitoring',
  about: 'When the scenario has `monitoring`.',
  schema: MonitoringFields,
  needs: ['desk'],
  gives: ['events'],
  check: checkMonitoring,
  compile: compileMonitoring,
  build: (world, ports, config) => ({ events: buildMonitoring(world, ports.desk, config) }),
  metrics: Object.values(MONITORING_METRICS),
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    monitoring: typeof MonitoringFields;
  }
}
