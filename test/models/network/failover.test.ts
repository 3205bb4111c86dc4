/**
 * A network in front of a service and its recovery-site standby: while a failover diverts the
 * primary's requests, the devices in front of the standby are offered them and those in front
 * of the primary are not (the sites model's diversions, followed by the pools' arrival rates).
 * A flow-level service crossing both links reads each device at its step's mean offered rate,
 * so the figures are exact: the peak utilisation is λ ÷ capacity, and the share of the flow's
 * attempts a link drops is the M/M/1/K blocking probability at that λ.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';
import { runReplication } from '../../../src/models/replication.js';
import { deviceQueue } from '../../../src/models/network/queue.js';
import { expectAgrees, replicate } from '../helpers.js';

function ok(lines: string[]): Scenario {
  const r = loadScenarioText([...lines, ''].join('\n'), { file: 'net-dr.yaml' });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

/**
 * prod (2/s, request level, behind link-a) fails over to prod-dr (behind link-b) at 00:10, well
 * before the measured period starts at 01:00, and stays there (the site is down for a day).
 * bulk (20/s, flow level) crosses both links, each of capacity 30/s with a buffer of 8.
 */
const DR = (disasterAt = '5m', horizon = '2h', primaryBehind = 'link-a', orders = '{ name: orders, service: prod, rate: 2/s }'): string[] => [
  'name: net-dr',
  `horizon: ${horizon}`,
  'warmup: 1h',
  'load:',
  `  - ${orders}`,
  '  - { name: bulk, service: bulk, rate: 20/s }',
  'services:',
  '  - { name: prod, servers: 4, serviceTime: { dist: exponential, mean: 100ms }, timeout: 1m }',
  '  - { name: prod-dr, servers: 4, serviceTime: { dist: exponential, mean: 100ms }, timeout: 1m }',
  '  - { name: bulk, fidelity: flow, servers: 50, serviceTime: { dist: exponential, mean: 10ms } }',
  'sites:',
  '  - name: east',
  '    services: [prod]',
  `    disasters: [{ kind: power, at: ${disasterAt}, duration: 1d }]`,
  '    recovery:',
  '      site: west',
  '      mode: hot',
  '      pairs: [{ service: prod, standby: prod-dr }]',
  '      replication: { lag: 1m }',
  '      failover: [{ name: dns, action: switch, duration: 5m }]',
  '  - name: west',
  '    services: [prod-dr]',
  'network:',
  '  devices:',
  '    - { name: link-a, kind: link, capacity: 30/s, buffer: 8 }',
  '    - { name: link-b, kind: link, capacity: 30/s, buffer: 8 }',
  '    - { name: fw, kind: firewall }',
  '  services:',
  `    - { name: prod, dependsOn: [${primaryBehind}] }`,
  '    - { name: prod-dr, dependsOn: [link-b] }',
  `    - { name: bulk, dependsOn: [${primaryBehind === 'link-a' ? 'link-a, link-b' : 'link-b'}] }`,
];

describe('network devices across a failover', () => {
  it('offer the diverted requests to the standby’s devices, not the primary’s', () => {
    const m = runReplication(ok(DR()), { seed: 'net-dr', replication: 0 }).metrics;
    // The whole measured period is after the switch: prod's 2/s cross link-b with bulk's 20/s; link-a carries bulk alone.
    expect(m['network.device.link-a.utilisation_peak']).toBeCloseTo(20 / 30, 12);
    expect(m['network.device.link-b.utilisation_peak']).toBeCloseTo(22 / 30, 12);
    // Only bulk's flow crosses link-a in the measured period (prod's new requests go west): its
    // dropped share is the blocking probability at 20/s, not at the 22/s the old reading offered.
    const dropped = m['network.device.link-a.dropped']!;
    const carried = m['network.device.link-a.carried']!;
    expect(carried).toBeGreaterThan(50_000);
    expect(dropped / (dropped + carried)).toBeCloseTo(deviceQueue(20, 30, 8).drop, 12);
    // prod-dr serves the diverted orders (2/s over 1 h, the Poisson count within 5 standard deviations); prod none.
    expect(Math.abs(m['service.prod-dr.requests']! - 7_200)).toBeLessThan(5 * Math.sqrt(7_200));
    expect(m['service.prod.requests']).toBe(0);
  });

  it('bring the flow up to the switch first, so the step across it reads each side at its own rate', () => {
    // The measured period is the one cell [01:00, 01:01); the switch (5 min after the disaster)
    // falls at 01:00:30. prod sits behind a device of its own (fw, no capacity), so only bulk's
    // flow crosses link-b before the switch (at 20/s) and bulk and prod-dr after it (at 22/s):
    // half of bulk's attempts in the cell are blocked at each rate.
    const m = runReplication(ok(DR('55m30s', '61m', 'fw')), { seed: 'net-dr', replication: 0 }).metrics;
    expect(m['network.device.link-b.utilisation_peak']).toBeCloseTo(22 / 30, 12);
    expect(m['service.bulk.failed_fraction']).toBeCloseTo((deviceQueue(20, 30, 8).drop + deviceQueue(22, 30, 8).drop) / 2, 12);
  });

  it('break the flow’s steps at the rate changes of the load diverted to the standby’s devices', () => {
    // After the switch link-b carries bulk's 20/s and prod's orders: 2/s, and 12/s in a peak
    // from :20 to :50 of every minute, off the 60-s grid. The drop share is convex in the rate,
    // so each cell must be stepped at the peak's edges: stepped at the cell's mean rate (27/s)
    // bulk's drops would come out about 440 fewer (30 standard errors). Expected drops over the half hour:
    // Σ λ T P_K(λ) over the two rates, bulk's flow counts and prod-dr's request-level draws alike.
    const peak = '{ name: orders, service: prod, rate: 2/s, peaks: [{ start: 20s, end: 50s, factor: 6, every: 1m }] }';
    const runs = replicate(ok(DR('5m', '90m', 'fw', peak)), 8, 'net-dr-peak');
    const theory = 22 * 900 * deviceQueue(22, 30, 8).drop + 32 * 900 * deviceQueue(32, 30, 8).drop;
    expectAgrees(runs, 'network.device.link-b.dropped', theory);
  });
});
