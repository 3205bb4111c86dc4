/** Checks of incident management, request fulfilment and scheduled work: types, routing, teams and services named. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkIncidents(s: Scenario, report: ScenarioReport): void {
  const teams = s.teams ?? [];
  const teamNames = teams.map((t) => t.name);
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  const types = s.incidents?.types ?? [];
  const typeNames = types.map((t) => t.name);
  const serves = (tier: string, skill: string | undefined): boolean =>
    teams.some((t) => t.tier === tier && (skill === undefined || t.skills.length === 0 || t.skills.includes(skill)));
  types.forEach((t, i) => {
    t.path.forEach((step, j) => {
      if (!serves(step.tier, t.skill)) {
        const tiers = [...new Set(teams.map((x) => x.tier))];
        report(['incidents', 'types', i, 'path', j, 'tier'], `no team at tier "${step.tier}"${t.skill !== undefined ? ` with skill "${t.skill}"` : ''} (team tiers: ${tiers.join(', ') || 'no teams are defined'})`);
      }
    });
  });
  const reportedNames = new Set<string>();
  (s.incidents?.reported ?? []).forEach((r, i) => {
    if (reportedNames.has(r.name)) report(['incidents', 'reported', i, 'name'], `the stream name "${r.name}" is used twice`);
    reportedNames.add(r.name);
    if (r.type !== undefined && !typeNames.includes(r.type)) report(['incidents', 'reported', i, 'type'], unknownName('incident type', r.type, typeNames));
    else if (typeNames.length === 0) report(['incidents', 'reported', i], 'reported incidents need an incident type to work them: declare incidents.types');
    // Silently working every incident as the first type (whatever priority the mix draws) would be a modelling trap.
    else if (r.type === undefined && typeNames.length > 1 && s.incidents?.defaultType === undefined) {
      report(['incidents', 'reported', i], `names no "type" and ${typeNames.length} incident types are declared: every incident of the stream would be worked as the first, "${typeNames[0]}", whatever priority its mix gives; set "type" (one stream per type, e.g. per priority) or incidents.defaultType`);
    }
    if (r.priorities !== undefined) {
      const sum = Object.values(r.priorities).reduce((a, b) => a + (b ?? 0), 0);
      if (Math.abs(sum - 1) > 1e-9) report(['incidents', 'reported', i, 'priorities'], `the shares must sum to 1 (100 %), got ${+(sum * 100).toFixed(6)} %`);
    }
  });
  const dflt = s.incidents?.defaultType;
  if (dflt !== undefined && !typeNames.includes(dflt)) report(['incidents', 'defaultType'], unknownName('incident type', dflt, typeNames));
  (s.requests ?? []).forEach((r, i) => {
    if (!teamNames.includes(r.team)) report(['requests', i, 'team'], unknownName('team', r.team, teamNames));
    if (r.serviceLevelTarget !== undefined && r.answerTarget === undefined) report(['requests', i, 'serviceLevelTarget'], 'needs "answerTarget": the service level is the share of calls answered within it (e.g. answerTarget: 20s)');
  });
  (s.scheduledWork ?? []).forEach((w, i) => {
    if (!teamNames.includes(w.team)) report(['scheduledWork', i, 'team'], unknownName('team', w.team, teamNames));
    const svc = w.service === undefined ? undefined : services.get(w.service);
    if (w.service !== undefined && svc === undefined) report(['scheduledWork', i, 'service'], unknownName('service', w.service, services.keys()));
    if (w.serversOffline !== undefined && w.serversOffline > 0 && w.service === undefined) report(['scheduledWork', i, 'serversOffline'], 'needs "service": whose servers go offline?');
    if (svc !== undefined && w.serversOffline > svc.servers) report(['scheduledWork', i, 'serversOffline'], `exceeds the ${svc.servers} servers of ${svc.name}`);
  });
  // Faults and failure classes name the incident type they raise (consulted only with incident management).
  const typeRef = (name: string | undefined, at: (string | number)[]): void => {
    if (name !== undefined && typeNames.length > 0 && !typeNames.includes(name)) report(at, unknownName('incident type', name, typeNames));
  };
  (s.failures?.classes ?? []).forEach((c, i) => typeRef(c.incidentType, ['failures', 'classes', i, 'incidentType']));
  (s.services ?? []).forEach((v, i) => {
    if (v.balancer !== undefined && v.balancer !== 'none') (v.balancer.faults ?? []).forEach((f, j) => typeRef(f.incidentType, ['services', i, 'balancer', 'faults', j, 'incidentType']));
  });
}
