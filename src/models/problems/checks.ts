/** Checks of the problems section: the team, incident type, failure class, service and change type named, and a cause that can match. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkProblems(s: Scenario, report: ScenarioReport): void {
  const teams = (s.teams ?? []).map((t) => t.name);
  const incidentTypes = (s.incidents?.types ?? []).map((t) => t.name);
  const services = (s.services ?? []).map((v) => v.name);
  const classes = (s.failures?.classes ?? []).map((c) => c.class);
  const changeTypes = s.changes?.enabled === false ? [] : (s.changes?.types ?? []).map((t) => t.name);
  (s.problems ?? []).forEach((p, i) => {
    const at = ['problems', i];
    if (!teams.includes(p.team)) report([...at, 'team'], unknownName('team', p.team, teams));
    const c = p.cause;
    if (c.class === undefined && c.incidentType === undefined) report([...at, 'cause'], 'give "class" or "incidentType": which incidents are recurrences of this problem');
    if (c.incidentType !== undefined && !incidentTypes.includes(c.incidentType)) report([...at, 'cause', 'incidentType'], unknownName('incident type', c.incidentType, incidentTypes));
    if (c.service !== undefined && !services.includes(c.service)) report([...at, 'cause', 'service'], unknownName('service', c.service, services));
    if (c.class !== undefined && !classes.includes(c.class)) report([...at, 'cause', 'class'], `no failures.classes entry for "${c.class}": nothing of that class ever fails`);
    const fix = p.permanentFix;
    if (fix === undefined) return;
    if (c.class === undefined) report([...at, 'permanentFix'], 'a permanent fix ends the failures of a class: give cause.class');
    if (fix.change !== undefined && !changeTypes.includes(fix.change)) {
      report([...at, 'permanentFix', 'change'], s.changes?.enabled === false ? `change management is switched off (changes.enabled: false), so change "${fix.change}" would never be made` : unknownName('change type', fix.change, changeTypes));
    }
  });
}
