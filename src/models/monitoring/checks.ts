/** Checks of the monitoring section: what monitors watch exists, and their exceptions can become incidents. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkMonitoring(s: Scenario, report: ScenarioReport): void {
  const services = (s.services ?? []).map((v) => v.name);
  const rooms = (s.rooms ?? []).map((r) => r.name);
  const types = (s.incidents?.types ?? []).map((t) => t.name);
  (s.monitoring?.monitors ?? []).forEach((m, i) => {
    const at = ['monitoring', 'monitors', i];
    if (m.metric === 'latency' || m.metric === 'error-rate') {
      if (!services.includes(m.service)) report([...at, 'service'], unknownName('service', m.service, services));
    } else if (m.metric === 'temperature') {
      if (!rooms.includes(m.room)) report([...at, 'room'], unknownName('room', m.room, rooms));
    }
    if (m.incidentType !== undefined && !types.includes(m.incidentType)) report([...at, 'incidentType'], unknownName('incident type', m.incidentType, types));
    if (m.enabled && types.length === 0) report(at, 'its exceptions become incidents, but incidents.types declares no incident type');
  });
}
