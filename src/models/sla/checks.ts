/** Checks of the sla section. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import { displayPath } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkSla(s: Scenario, report: ScenarioReport): void {
  const services = (s.services ?? []).map((v) => v.name);
  const slas = s.sla?.services ?? [];
  slas.forEach((l, i) => {
    if (!services.includes(l.service)) report(['sla', 'services', i, 'service'], unknownName('service', l.service, services));
  });
  verdictNames(s, report);
}

/**
 * An SLA and a request class with a service-level target each give a verdict named by its name
 * (`sla.<name>.met`, `requests.<name>.service_level_met`, both under the `<sla>` label): the
 * decision report, the run summary, the dashboard and a search's targets find verdicts by that
 * name, so two of one name would merge into one and hide a verdict. Both places are said.
 */
function verdictNames(s: Scenario, report: ScenarioReport): void {
  const slas = s.sla?.services ?? [];
  if (slas.length === 0) return;
  (s.requests ?? []).forEach((r, j) => {
    if (r.serviceLevelTarget === undefined) return;
    const i = slas.findIndex((l) => l.name === r.name);
    if (i < 0) return;
    const sla = ['sla', 'services', i, 'name'];
    const cls = ['requests', j, 'name'];
    const why = 'each gives a verdict named by its name (met, P(met), the ranking), so one would hide the other: give one of them another name';
    report(sla, `SLA ${JSON.stringify(r.name)} has the name of request class ${JSON.stringify(r.name)} (${displayPath(cls)}), which has a serviceLevelTarget; ${why}`);
    report(cls, `request class ${JSON.stringify(r.name)}, which has a serviceLevelTarget, has the name of SLA ${JSON.stringify(r.name)} (${displayPath(sla)}); ${why}`);
  });
}
