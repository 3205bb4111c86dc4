/** Checks of the sla section. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkSla(s: Scenario, report: ScenarioReport): void {
  const services = (s.services ?? []).map((v) => v.name);
  (s.sla?.services ?? []).forEach((l, i) => {
    if (!services.includes(l.service)) report(['sla', 'services', i, 'service'], unknownName('service', l.service, services));
  });
}
