/**
 * Server cost: every server of a pool at its service's costPerHour over the measured period,
 * whatever it does (failed, stood down at a recovery site), at request and at flow fidelity;
 * summed into cost.total; absent (and the results unchanged) when no service prices its servers.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFileOrThrow, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';
import { runReplication } from '../../../src/models/replication.js';

function ok(lines: string[]): Scenario {
  const r = loadScenarioText([...lines, ''].join('\n'), { file: 'cost.yaml' });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

const PRICED = [
  'name: priced',
  'horizon: 2h',
  'warmup: 30m',
  'services:',
  '  - { name: web, servers: 4, serviceTime: 100ms, costPerHour: 2.5 }',
  // A flow-level pool is priced the same way.
  '  - { name: db, servers: 3, serviceTime: 50ms, costPerHour: 4, fidelity: flow }',
  'load: [{ name: shoppers, service: web, rate: 20/s }, { name: lookups, service: db, rate: 30/s }]',
  'failures:',
  // Two web servers fail for 40 min in the measured period: they are still paid for.
  '  classes: [{ class: server, scripted: [{ at: 40m, target: web/0, duration: 40m }, { at: 40m, target: web/1, duration: 40m }] }]',
  'sla: { services: [{ name: web-sla, service: web, availabilityTarget: 99%, latency: { threshold: 150ms, target: 99% }, penaltyPerBreachMinute: 10, revenuePerTransaction: 1 }] }',
];

describe('cost.servers', () => {
  it('pays every server of every pool its costPerHour over the measured period, failed or not, and adds it to cost.total', () => {
    const m = runReplication(ok(PRICED), { seed: 'cost', replication: 0 }).metrics;
    // (4 × 2.5 + 3 × 4) per hour over the 1.5 h after warm-up.
    expect(m['cost.servers']).toBeCloseTo(22 * 1.5, 12);
    expect(m['service.web.servers_available.mean']).toBeLessThan(4); // the failed servers were down…
    expect(m['cost.penalties']! + m['cost.revenue_at_risk']!).toBeGreaterThan(0); // …and the day had other costs
    expect(m['cost.total']).toBeCloseTo(m['cost.servers']! + m['cost.penalties']! + m['cost.revenue_at_risk']!, 9);
    expect(m['cost.network']).toBeUndefined();
  });

  it('is absent when no service prices its servers, and pricing changes nothing else', () => {
    const priced = runReplication(ok(PRICED), { seed: 'cost', replication: 0 }).metrics;
    const free = runReplication(ok(PRICED.map((l) => l.replace(/, costPerHour: [\d.]+/, ''))), { seed: 'cost', replication: 0 }).metrics;
    expect(free['cost.servers']).toBeUndefined();
    expect(free['cost.total']).toBeCloseTo(priced['cost.total']! - 33, 9);
    const { ['cost.servers']: _servers, ['cost.total']: _pricedTotal, ...pricedRest } = priced;
    const { ['cost.total']: _freeTotal, ...freeRest } = free;
    expect(pricedRest).toEqual(freeRest);
  });

  it('gives an infrastructure-only scenario (no sla, teams or incidents) a cost.total of its priced capacity, and no operations metrics', () => {
    const infra = PRICED.slice(0, -1); // without the sla section
    const m = runReplication(ok(infra), { seed: 'cost', replication: 0 }).metrics;
    expect(m['cost.servers']).toBeCloseTo(33, 12);
    expect(m['cost.total']).toBe(m['cost.servers']);
    expect(m['cost.penalties']).toBeUndefined();
    expect(m['transactions.failed']).toBeUndefined();
    // Unpriced, it has no cost metrics at all (as before servers had prices).
    const free = runReplication(ok(infra.map((l) => l.replace(/, costPerHour: [\d.]+/, ''))), { seed: 'cost', replication: 0 }).metrics;
    expect(Object.keys(free).filter((k) => k.startsWith('cost.'))).toEqual([]);
  });

  it('follows the pool size a variant sets', () => {
    const bigger = runReplication(ok([...PRICED.slice(0, 4), PRICED[4]!.replace('servers: 4', 'servers: 6'), ...PRICED.slice(5)]), { seed: 'cost', replication: 0 }).metrics;
    expect(bigger['cost.servers']).toBeCloseTo((6 * 2.5 + 3 * 4) * 1.5, 12);
  });

  it("pays a recovery site's standby servers that are not standing", () => {
    // dr-failover: a warm site with half of inventory-dr's 8 servers standing until a bring-up.
    const { scenario } = loadScenarioFileOrThrow('scenarios/dr-failover.yaml', { overrides: { 'services.inventory.costPerHour': 3, 'services.inventory-dr.costPerHour': 2 } });
    const m = runReplication(scenario, { seed: 'cost', replication: 0 }).metrics;
    expect(m['service.inventory-dr.servers_available.mean']).toBeLessThan(8);
    const hours = (scenario.horizon - (scenario.warmup ?? 0)) / 3600;
    expect(m['cost.servers']).toBeCloseTo((8 * 3 + 8 * 2) * hours, 9);
  });
});
