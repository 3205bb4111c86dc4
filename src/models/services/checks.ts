/** Checks of the services section: references, pool sizes, balancer weights and faults that fit the pool. */
import { unknownName, type ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

/** Most server × concurrency units one service may have: the pool keeps arrays of this size. */
export const MAX_SERVICE_UNITS = 1_000_000;

export function checkServices(s: Scenario, report: ScenarioReport): void {
  const services = new Map((s.services ?? []).map((v) => [v.name, v]));
  const rooms = (s.rooms ?? []).map((r) => r.name);
  (s.services ?? []).forEach((v, i) => {
    const at = ['services', i];
    if (v.room !== undefined && !rooms.includes(v.room)) report([...at, 'room'], unknownName('room', v.room, rooms));
    if (v.downstream !== undefined && !services.has(v.downstream)) report([...at, 'downstream'], unknownName('service', v.downstream, services.keys()));
    if (v.downstream === v.name) report([...at, 'downstream'], 'a service cannot call itself');
    if (v.minServers !== undefined && v.minServers > v.servers) report([...at, 'minServers'], `exceeds servers (${v.servers})`);
    const units = v.servers * v.concurrency;
    if (units > MAX_SERVICE_UNITS) report([...at, 'servers'], `${v.servers} servers × concurrency ${v.concurrency} = ${units.toLocaleString('en')} units, more than ${MAX_SERVICE_UNITS.toLocaleString('en')}`);
    if (v.speed !== undefined && v.speed.length > v.servers) report([...at, 'speed'], `lists ${v.speed.length} speeds for ${v.servers} servers`);
    const lb = v.balancer;
    if (lb === undefined || lb === 'none') return;
    if (lb.weights !== undefined && lb.weights.length !== v.servers) report([...at, 'balancer', 'weights'], `expected ${v.servers} weights (one per server), got ${lb.weights.length}`);
    (lb.faults ?? []).forEach((f, j) => {
      const fat = [...at, 'balancer', 'faults', j];
      if (f.at === undefined && f.every === undefined) report(fat, 'give "at" or "every"');
      if (f.kind === 'misweight') {
        if (f.weights === undefined && f.share === undefined) report(fat, 'a misweight fault needs "weights" or "share"');
        // Longer lists are allowed (a variant may shrink the pool; entries past it are ignored).
        if (f.weights !== undefined && f.weights.length < v.servers) report([...fat, 'weights'], `expected ${v.servers} weights (one per backend), got ${f.weights.length}: backends ${f.weights.length}-${v.servers - 1} would silently get weight 0`);
        if (f.share !== undefined && f.share.backend >= v.servers) report([...fat, 'share', 'backend'], `backend ${f.share.backend} does not exist (backends 0-${v.servers - 1})`);
      } else if (f.kind === 'drain') {
        if (f.backend !== undefined && f.backend >= v.servers) report([...fat, 'backend'], `backend ${f.backend} does not exist (backends 0-${v.servers - 1})`);
      } else if (f.keep !== undefined && f.keep > v.servers) {
        report([...fat, 'keep'], `exceeds the ${v.servers} backends`);
      }
    });
  });
  // Calls must end: follow each chain of downstream calls.
  (s.services ?? []).forEach((v, i) => {
    const seen = new Set<string>([v.name]);
    let next = v.downstream;
    while (next !== undefined && next !== v.name) {
      if (seen.has(next)) return; // a cycle not through v: reported at its own members
      seen.add(next);
      next = services.get(next)?.downstream;
    }
    if (next === v.name && v.downstream !== v.name) report(['services', i, 'downstream'], `calls form a cycle (${[...seen, v.name].join(' → ')})`);
  });
}
