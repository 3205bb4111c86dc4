/** Checks of the changes section: the services, change types and incident types named, faults that fit their service, freezes that end after they start. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkChanges(s: Scenario, report: ScenarioReport): void {
  const spec = s.changes;
  if (spec === undefined) return;
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  const incidentTypes = (s.incidents?.types ?? []).map((t) => t.name);
  const typeNames = spec.types.map((t) => t.name);
  spec.types.forEach((t, i) => {
    const at = ['changes', 'types', i];
    if (t.incidentType !== undefined && !incidentTypes.includes(t.incidentType)) report([...at, 'incidentType'], unknownName('incident type', t.incidentType, incidentTypes));
    const svc = services.get(t.service);
    if (svc === undefined) {
      report([...at, 'service'], unknownName('service', t.service, services.keys()));
      return;
    }
    const f = t.fault;
    const fat = [...at, 'fault'];
    const n = svc.servers;
    if (f.kind === 'bad-config') {
      if (f.servers !== undefined && f.servers > n) report([...fat, 'servers'], `exceeds the ${n} servers of "${svc.name}"`);
      return;
    }
    if (svc.balancer === undefined || svc.balancer === 'none') {
      report([...fat, 'kind'], `a "${f.kind}" fault needs a load balancer, and service "${svc.name}" has none (use kind: bad-config, or give the service a balancer)`);
      return;
    }
    if (f.kind === 'misweight') {
      if (f.weights === undefined && f.share === undefined) report(fat, 'a misweight fault needs "weights" or "share"');
      if (f.weights !== undefined && f.weights.length < n) report([...fat, 'weights'], `expected ${n} weights (one per backend), got ${f.weights.length}`);
      if (f.share !== undefined && f.share.backend >= n) report([...fat, 'share', 'backend'], `backend ${f.share.backend} does not exist (backends 0-${n - 1})`);
    } else if (f.kind === 'drain') {
      if (f.backend !== undefined && f.backend >= n) report([...fat, 'backend'], `backend ${f.backend} does not exist (backends 0-${n - 1})`);
    } else if (f.keep !== undefined && f.keep > n) {
      report([...fat, 'keep'], `exceeds the ${n} backends`);
    }
  });
  (spec.schedule ?? []).forEach((c, i) => {
    if (!typeNames.includes(c.type)) report(['changes', 'schedule', i, 'type'], unknownName('change type', c.type, typeNames));
  });
  (spec.freeze ?? []).forEach((f, i) => {
    if ('from' in f && !(f.to > f.from)) report(['changes', 'freeze', i, 'to'], `must be after "from" (${f.from} s)`);
  });
}
