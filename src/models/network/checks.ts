/**
 * Checks of the network section: unique names, what dependencies and pairs name, dependency
 * cycles among devices, and the targets of scripted failures of the network classes
 * (switch, router, firewall, link) in `failures.classes`.
 */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

const NETWORK_CLASSES = new Set(['switch', 'router', 'firewall', 'link']);

/** Most shared pairs behind one service: up to 2^10 routes, each recomputed when a device fails or comes back. */
export const MAX_SHARED_PAIRS = 10;

/** The shared pairs a service's attempts may cross, through devices and pairs (names it cannot resolve are reported elsewhere). */
function sharedPairsBehind(deps: readonly string[], nodes: ReadonlyMap<string, string[]>, devices: NonNullable<Scenario['network']>['devices'], pairs: NonNullable<Scenario['network']>['pairs']): string[] {
  const depsOf = new Map(devices.map((d) => [d.name, d.dependsOn ?? []]));
  const sharedNames = new Set((pairs ?? []).filter((p) => p.mode === 'shared').map((p) => p.name));
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    if (sharedNames.has(name)) found.push(name);
    for (const m of nodes.get(name) ?? []) if (m !== name) visit(m);
    for (const d of depsOf.get(name) ?? []) visit(d);
  };
  for (const n of deps) visit(n);
  return found;
}

export function checkNetwork(s: Scenario, report: ScenarioReport): void {
  const net = s.network;
  const devices = net?.devices ?? [];
  const pairs = net?.pairs ?? [];
  const nodes = new Map<string, string[]>(); // device or pair name → the devices it stands for
  devices.forEach((d, i) => {
    if (nodes.has(d.name)) report(['network', 'devices', i, 'name'], `"${d.name}" names another device or pair too`);
    else nodes.set(d.name, [d.name]);
  });
  const deviceNames = devices.map((d) => d.name);
  pairs.forEach((p, i) => {
    if (nodes.has(p.name)) report(['network', 'pairs', i, 'name'], `"${p.name}" names another device or pair too`);
    p.members.forEach((m, j) => {
      if (!deviceNames.includes(m)) report(['network', 'pairs', i, 'members', j], unknownName('device', m, deviceNames));
    });
    if (p.members[0] === p.members[1]) report(['network', 'pairs', i, 'members'], 'a pair needs two different devices');
    if (!nodes.has(p.name)) nodes.set(p.name, p.members.filter((m) => deviceNames.includes(m)));
  });
  const nodeNames = [...nodes.keys()];
  const checkDeps = (deps: readonly string[] | undefined, at: (string | number)[]): void => {
    (deps ?? []).forEach((n, j) => {
      if (!nodes.has(n)) report([...at, j], unknownName('device or pair', n, nodeNames, 'devices and pairs'));
    });
  };
  devices.forEach((d, i) => checkDeps(d.dependsOn, ['network', 'devices', i, 'dependsOn']));

  // Dependency cycles among devices (through pairs): reported once, at the dependency that closes it.
  const depsOf = new Map(devices.map((d, i) => [d.name, { i, deps: d.dependsOn ?? [] }]));
  const state = new Map<string, 1 | 2>();
  const visit = (name: string, trail: string[]): void => {
    const entry = depsOf.get(name);
    if (entry === undefined || state.get(name) === 2) return;
    state.set(name, 1);
    entry.deps.forEach((dep, j) => {
      for (const m of nodes.get(dep) ?? []) {
        if (state.get(m) === 1) {
          const from = trail.indexOf(m);
          const cycle = [...trail.slice(from === -1 ? 0 : from), name, m];
          report(['network', 'devices', entry.i, 'dependsOn', j], `dependency cycle among network devices: ${cycle.join(' → ')}${dep === m ? '' : ` (through pair "${dep}")`}`);
        } else visit(m, [...trail, name]);
      }
    });
    state.set(name, 2);
  };
  for (const d of devices) visit(d.name, []);

  const services = (s.services ?? []).map((v) => v.name);
  const seen = new Set<string>();
  (net?.services ?? []).forEach((v, i) => {
    if (!services.includes(v.name)) report(['network', 'services', i, 'name'], unknownName('service', v.name, services));
    if (seen.has(v.name)) report(['network', 'services', i, 'name'], `"${v.name}" is listed twice`);
    seen.add(v.name);
    checkDeps(v.dependsOn, ['network', 'services', i, 'dependsOn']);
    // Each shared pair behind a service may double the routes its attempts can take (runtime.ts).
    const shared = sharedPairsBehind(v.dependsOn, nodes, devices, pairs);
    if (shared.length > MAX_SHARED_PAIRS) report(['network', 'services', i, 'dependsOn'], `${shared.length} shared pairs lie behind "${v.name}" (${shared.join(', ')}); at most ${MAX_SHARED_PAIRS}, as each may double the routes an attempt can take: make some of them standby`);
  });

  // Scripted failures of network classes name a device of the class (or, for switch, a switch group).
  (s.failures?.classes ?? []).forEach((c, i) => {
    if (!NETWORK_CLASSES.has(c.class)) return;
    const targets = [...devices.filter((d) => d.kind === c.class).map((d) => d.name), ...(s.failures?.groups ?? []).filter((g) => g.class === c.class).map((g) => g.name)];
    (c.scripted ?? []).forEach((sc, k) => {
      if (sc.target === undefined) {
        if (targets.length === 0) report(['failures', 'classes', i, 'scripted', k], `no ${c.class} to fail: network.devices has no device of kind ${c.class}`);
        return;
      }
      if (!targets.includes(sc.target)) report(['failures', 'classes', i, 'scripted', k, 'target'], unknownName(c.class, sc.target, targets, c.class === 'switch' ? 'switches' : `${c.class}s`));
    });
  });
}
