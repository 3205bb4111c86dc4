/**
 * Checks of the failures section: what failure classes and groups name, entry names, the
 * targets of scripted failures, and who repairs operator-repaired failures. Scripted targets
 * of classes offered by other models (switch, router, firewall, link: the network model) are
 * checked by the model that offers them.
 */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { FailureClassSpec, FailureGroupSpec } from './schema.js';

export function checkFailures(s: Scenario, report: ScenarioReport): void {
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  const rooms = (s.rooms ?? []).map((r) => r.name);
  const classes = new Set((s.failures?.classes ?? []).map((c) => c.class));
  const names = new Map<string, number>();
  // State monitors that would turn a failure's problem into an incident for the operators.
  const watched = new Set<string>();
  for (const m of s.monitoring?.monitors ?? []) if (m.metric === 'state' && m.enabled) for (const k of m.kinds) watched.add(k);
  (s.failures?.classes ?? []).forEach((c, i) => {
    const at = ['failures', 'classes', i];
    const given = [c.afr, c.mtbf, c.timeToFailure].filter((x) => x !== undefined).length;
    if (given > 1) report(at, 'give at most one of afr, mtbf or timeToFailure');
    else if (given === 0 && (c.scripted ?? []).length === 0) report(at, 'give one of afr, mtbf or timeToFailure, or scripted failures');
    if (c.name !== undefined) {
      if (names.has(c.name)) report([...at, 'name'], `"${c.name}" names another entry too (failures.classes[${names.get(c.name)!}])`);
      else names.set(c.name, i);
    }
    const owners = scriptOwners(c.class, c, services, rooms, s.failures?.groups ?? []);
    if (owners !== null) {
      (c.scripted ?? []).forEach((sc, k) => {
        if (sc.target === undefined) {
          if (owners.names.length === 0) report([...at, 'scripted', k], `no ${c.class} to fail: no ${owners.kind} is defined`);
          return;
        }
        const head = sc.target.split('/')[0]!;
        if (!owners.names.includes(head)) report([...at, 'scripted', k, 'target'], unknownName(owners.kind, head, owners.names));
      });
    }
    (c.services ?? []).forEach((n, j) => {
      if (!services.has(n)) report([...at, 'services', j], unknownName('service', n, services.keys()));
    });
    (c.rooms ?? []).forEach((n, j) => {
      if (!rooms.includes(n)) report([...at, 'rooms', j], unknownName('room', n, rooms));
    });
    if (c.needed !== undefined && c.needed > c.perServer) report([...at, 'needed'], `exceeds perServer (${c.perServer})`);
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

/**
 * What the first part of a scripted target's id names for the classes this model resolves
 * (services, rooms or groups), with a kind for the message; null for the classes other models
 * offer, whose checks look at them.
 */
function scriptOwners(
  cls: FailureClassSpec['class'],
  c: FailureClassSpec,
  services: ReadonlyMap<string, NonNullable<Scenario['services']>[number]>,
  rooms: readonly string[],
  groups: readonly FailureGroupSpec[],
): { kind: string; names: string[] } | null {
  switch (cls) {
    case 'server':
    case 'disk':
    case 'power-supply':
      return { kind: 'service', names: c.services ?? [...services.keys()] };
    case 'load-balancer': {
      const balanced = [...services.values()].filter((v) => v.balancer !== undefined && v.balancer !== 'none').map((v) => v.name);
      return { kind: 'balanced service', names: (c.services ?? balanced).filter((n) => balanced.includes(n)) };
    }
    case 'crac':
      return { kind: 'room', names: c.rooms ?? [...rooms] };
    case 'pdu':
    case 'rack':
      return { kind: `${cls} group`, names: groups.filter((g) => g.class === cls).map((g) => g.name) };
    default:
      return null;
  }
}
