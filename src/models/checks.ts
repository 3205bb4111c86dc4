/**
 * Cross-reference checks of the infrastructure sections, registered with the scenario
 * language on import, so a wrong name is reported at its line:column by `opsim validate`
 * instead of failing when the replication is built. (Builders repeat the essential checks:
 * a scenario may reach them without validation, e.g. from a test's object literal.)
 */
import { registerScenarioCheck, type ScenarioReport } from '../scenario/checks.js';
import type { Scenario } from '../scenario/schema/index.js';

/** Reports load, service, room and failure references that name nothing. */
export function infrastructureReferences(s: Scenario, report: ScenarioReport): void {
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  const rooms = new Set((s.rooms ?? []).map((r) => r.name));
  const known = (set: Iterable<string>): string => [...set].join(', ') || 'none';
  (s.load ?? []).forEach((c, i) => {
    // load[].service is checked by the scenario language itself (src/scenario/checks.ts).
    const traced = c.trace !== undefined || c.traceFile !== undefined;
    if (traced && c.rate !== undefined) report(['load', i, 'rate'], 'give either "rate" or a trace, not both');
    if (!traced && c.rate === undefined) report(['load', i], 'needs "rate" (or "trace"/"traceFile")');
    if (c.traceFile !== undefined && c.traceInterval === undefined) report(['load', i, 'traceFile'], 'needs "traceInterval"');
  });
  (s.services ?? []).forEach((v, i) => {
    if (v.room !== undefined && !rooms.has(v.room)) report(['services', i, 'room'], `no room named "${v.room}" (rooms: ${known(rooms)})`);
    if (v.downstream !== undefined && !services.has(v.downstream)) report(['services', i, 'downstream'], `no service named "${v.downstream}"`);
    if (v.downstream === v.name) report(['services', i, 'downstream'], 'a service cannot call itself');
    const lb = v.balancer;
    if (lb !== undefined && lb !== 'none' && lb.weights !== undefined && lb.weights.length !== v.servers) {
      report(['services', i, 'balancer', 'weights'], `expected ${v.servers} weights (one per server), got ${lb.weights.length}`);
    }
    if (v.minServers !== undefined && v.minServers > v.servers) report(['services', i, 'minServers'], `exceeds servers (${v.servers})`);
  });
  const classes = new Set((s.failures?.classes ?? []).map((c) => c.class));
  (s.failures?.classes ?? []).forEach((c, i) => {
    const given = [c.afr, c.mtbf, c.timeToFailure].filter((x) => x !== undefined).length;
    if (given !== 1) report(['failures', 'classes', i], 'give exactly one of afr, mtbf or timeToFailure');
    (c.services ?? []).forEach((n, j) => {
      if (!services.has(n)) report(['failures', 'classes', i, 'services', j], `no service named "${n}"`);
    });
    (c.rooms ?? []).forEach((n, j) => {
      if (!rooms.has(n)) report(['failures', 'classes', i, 'rooms', j], `no room named "${n}"`);
    });
    if (c.needed !== undefined && c.needed > (c.perServer ?? 1)) report(['failures', 'classes', i, 'needed'], `exceeds perServer (${c.perServer ?? 1})`);
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

registerScenarioCheck(infrastructureReferences);
