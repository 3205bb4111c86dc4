/**
 * Default prices of search variables: a servers variable costs its service's costPerHour ×
 * the horizon's hours per server (so a bigger pool is no longer free), an explicit `price`
 * wins, an unpriced service and a network device's capacity cost 0 with a note saying why.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../src/scenario/index.js';
import { buildVariables, costOf, defaultPrice } from '../../src/search/space.js';
import { runReplication } from '../../src/models/replication.js';

function ok(lines: string[]): Scenario {
  const r = loadScenarioText([...lines, ''].join('\n'), { file: 'price.yaml' });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

const LINES = [
  'name: price',
  'horizon: 6h',
  'services:',
  '  - { name: web, servers: 4, serviceTime: 100ms, costPerHour: 2.5 }',
  '  - { name: db, servers: 2, serviceTime: 50ms }',
  'load: [{ name: shoppers, service: web, rate: 10/s }]',
  'network:',
  '  devices: [{ name: uplink, kind: link, capacity: 500/s, costPerHour: 3 }]',
  '  services: [{ name: web, dependsOn: [uplink] }]',
  'teams: [{ name: ops, costPerHour: 40, roster: { shifts: [{ name: day, start: 0h, length: 8h, headcount: 1 }] } }]',
];

describe('search variable prices', () => {
  const scenario = ok(LINES);

  it("prices a servers variable at the service's costPerHour × the horizon's hours", () => {
    expect(defaultPrice(scenario, 'services.web.servers')).toEqual({ price: 2.5 * 6, note: '2.5/h per server × 6 h' });
    const [servers] = buildVariables([{ path: 'services.web.servers', range: { from: 3, to: 6 } }], scenario);
    expect(servers!.costs).toEqual([45, 60, 75, 90]);
  });

  it('lets an explicit price win', () => {
    const [servers] = buildVariables([{ path: 'services.web.servers', range: { from: 3, to: 4 }, price: 150 }], scenario);
    expect(servers!.costs).toEqual([450, 600]);
    expect(servers!.priceNote).toBe('150 per unit');
  });

  it("costs 0 for a service without a price and for a device's capacity, saying why", () => {
    expect(defaultPrice(scenario, 'services.db.servers')).toEqual({ price: 0, note: "no price given and the service's costPerHour is 0 (cost 0)" });
    const device = defaultPrice(scenario, 'network.devices.uplink.capacity');
    expect(device.price).toBe(0);
    expect(device.note).toMatch(/per device, not per unit of capacity/);
    // The headcount default is unchanged: 40/h over the whole 6 h horizon per operator.
    expect(defaultPrice(scenario, 'teams.ops.headcount').price).toBe(240);
  });

  it('prices a team-wide headcount and a pool size over the measured period, as the cost metrics charge, when there is a warm-up', () => {
    // With a 2 h warm-up in the 6 h horizon, cost.servers and cost.staffing charge the last 4 h only
    // (before: the whole 6 h, while a shift's headcount was already priced over the 4 h).
    const team = (n: number): string[] => ['teams: [{ name: desk, headcount: ' + n + ', costPerHour: 40 }]', 'requests: [{ name: calls, team: desk, rate: 2/h, handleTime: 10m }]'];
    const warm = (servers: number, agents: number): Scenario =>
      ok([...LINES.slice(0, 2), 'warmup: 2h', ...LINES.slice(2, 9).map((l) => l.replace('servers: 4', `servers: ${servers}`)), ...team(agents)]);
    const metrics = (s: Scenario) => runReplication(s, { seed: 'price', replication: 0 }).metrics;
    const base = warm(4, 3);
    const servers = defaultPrice(base, 'services.web.servers');
    expect(servers).toEqual({ price: 2.5 * 4, note: '2.5/h per server × 4 h in the measured period (after the warm-up)' });
    expect(servers.price).toBeCloseTo(metrics(warm(5, 3))['cost.servers']! - metrics(base)['cost.servers']!, 9);
    const agents = defaultPrice(base, 'teams.desk.headcount');
    expect(agents.price).toBe(40 * 4);
    expect(agents.price).toBeCloseTo(metrics(warm(4, 4))['cost.staffing']! - metrics(base)['cost.staffing']!, 9);
    // The known cost of a point is the cost metrics' sum for it.
    const vars = buildVariables([{ path: 'services.web.servers', range: { from: 2, to: 8 } }, { path: 'teams.desk.headcount', range: { from: 1, to: 5 } }], base);
    const m = metrics(warm(6, 2));
    expect(costOf(vars, [4, 1])).toBeCloseTo(m['cost.servers']! + m['cost.staffing']!, 9);
  });

  it('gives the known cost of a pool size that cost.servers charges when there is no warm-up', () => {
    const vars = buildVariables([{ path: 'services.web.servers', range: { from: 2, to: 8, step: 2 } }], scenario);
    const m = runReplication(ok(LINES.map((l) => l.replace('servers: 4', 'servers: 6'))), { seed: 'price', replication: 0 }).metrics;
    // Index 2 is 6 servers; db's servers are unpriced.
    expect(costOf(vars, [2])).toBeCloseTo(m['cost.servers']!, 9);
  });
});
