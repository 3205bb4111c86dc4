/** Checks of the failures section: what failure classes and groups name, and who repairs operator-repaired failures. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkFailures(s: Scenario, report: ScenarioReport): void {
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  const rooms = (s.rooms ?? []).map((r) => r.name);
  const classes = new Set((s.failures?.classes ?? []).map((c) => c.class));
  // State monitors that would turn a failure's problem into an incident for the operators.
  const watched = new Set<string>();
  for (const m of s.monitoring?.monitors ?? []) if (m.metric === 'state' && m.enabled !== false) for (const k of m.kinds) watched.add(k);
  (s.failures?.classes ?? []).forEach((c, i) => {
    const at = ['failures', 'classes', i];
    const given = [c.afr, c.mtbf, c.timeToFailure].filter((x) => x !== undefined).length;
    if (given !== 1) report(at, 'give exactly one of afr, mtbf or timeToFailure');
    (c.services ?? []).forEach((n, j) => {
      if (!services.has(n)) report([...at, 'services', j], unknownName('service', n, services.keys()));
    });
    (c.rooms ?? []).forEach((n, j) => {
      if (!rooms.includes(n)) report([...at, 'rooms', j], unknownName('room', n, rooms));
    });
    if (c.needed !== undefined && c.needed > (c.perServer ?? 1)) report([...at, 'needed'], `exceeds perServer (${c.perServer ?? 1})`);
    const kind = `${c.class}-failure`;
    if (c.repair === 'operators' && !watched.has(kind) && !watched.has('*')) {
      report([...at, 'repair'], `"operators": nobody would ever repair these failures, since no enabled state monitor watches "${kind}" (add to monitoring.monitors: { name: ${c.class}-down, metric: state, kinds: [${kind}] })`);
    }
  });
  (s.failures?.groups ?? []).forEach((g, i) => {
    if (!classes.has(g.class)) report(['failures', 'groups', i, 'class'], `no failures.classes entry for "${g.class}" gives its failure rate`);
    g.members.forEach((m, j) => {
      const match = /^([^/]+)(?:\/(\d+)(?:-(\d+))?)?$/.exec(m.trim());
      const svc = match === null ? undefined : services.get(match[1]!);
      if (match === null || svc === undefined) {
        report(['failures', 'groups', i, 'members', j], `"${m}" is not "service", "service/i" or "service/i-j" of a known service`);
        return;
      }
      const hi = Number(match[3] ?? match[2] ?? 0);
      if (hi >= svc.servers || Number(match[2] ?? 0) > hi) report(['failures', 'groups', i, 'members', j], `"${m}" is outside servers 0-${svc.servers - 1} of ${svc.name}`);
    });
  });
}
