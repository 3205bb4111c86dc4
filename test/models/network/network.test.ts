/**
 * Network devices: a device failure cuts off its dependants (directly and through other
 * devices), a redundant pair only when both members are down; a capacity-limited link drops
 * and delays requests as its M/M/1/K queue says; located errors for cycles and unknown names.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';
import { runReplication } from '../../../src/models/replication.js';
import { deviceQueue, seenOnArrival } from '../../../src/models/network/queue.js';
import { expectAgrees, replicate } from '../helpers.js';

function load(lines: string[]): ReturnType<typeof loadScenarioText> {
  return loadScenarioText([...lines, ''].join('\n'), { file: 'net.yaml' });
}

function ok(lines: string[]): Scenario {
  const r = load(lines);
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

const BASE = [
  'name: net',
  'horizon: 1h',
  'services:',
  '  - { name: web, servers: 50, serviceTime: 100ms }',
  '  - { name: batch, servers: 50, serviceTime: 100ms }',
  'load:',
  '  - { name: shoppers, service: web, rate: 5/s }',
  '  - { name: jobs, service: batch, rate: 5/s }',
];

describe('network devices', () => {
  it('a device failure cuts off its dependants, directly and through the devices that depend on it', () => {
    const s = ok([
      ...BASE,
      'network:',
      '  devices:',
      '    - { name: uplink, kind: link }',
      '    - { name: fw, kind: firewall, dependsOn: [uplink] }',
      '    - { name: core, kind: switch }',
      '  services:',
      '    - { name: web, dependsOn: [fw] }',
      '    - { name: batch, dependsOn: [core] }',
      'failures:',
      '  classes:',
      '    - { name: fw-fault, class: firewall, scripted: [{ at: 10m, duration: 10m }] }',
      '    - { name: uplink-cut, class: link, scripted: [{ at: 40m, target: uplink, duration: 5m }] }',
    ]);
    const m = runReplication(s, { seed: 'net', replication: 0 }).metrics;
    expect(m['network.device.fw.downtime_minutes']).toBeCloseTo(15, 9); // its own 10 min + 5 min behind the cut uplink
    expect(m['network.device.uplink.downtime_minutes']).toBeCloseTo(5, 9);
    expect(m['network.device.core.downtime_minutes']).toBe(0);
    expect(m['network.service.web.outage_minutes']).toBeCloseTo(15, 9);
    expect(m['network.service.batch.outage_minutes']).toBe(0);
    // 15 minutes at 5/s are refused (Poisson count: mean 4,500).
    expect(Math.abs(m['network.service.web.refused']! - 4500)).toBeLessThan(4 * Math.sqrt(4500));
    expect(m['network.service.batch.refused']).toBe(0);
    expect(m['service.batch.failed_fraction']).toBe(0);
    expect(m['service.web.failed_fraction']).toBeCloseTo(0.25, 1);
    expect(m['failures.firewall.count']).toBe(1);
  });

  for (const kind of ['switch', 'router', 'firewall', 'link']) {
    it(`a scripted ${kind} failure cuts off the service behind it for its duration`, () => {
      const s = ok([
        ...BASE,
        'network:',
        `  devices: [{ name: dev, kind: ${kind} }]`,
        '  services: [{ name: web, dependsOn: [dev] }]',
        'failures:',
        `  classes: [{ class: ${kind}, scripted: [{ at: 20m, target: dev, duration: 7m }] }]`,
      ]);
      const rec = runReplication(s, { seed: kind, replication: 0 });
      expect(rec.metrics[`failures.${kind}.count`]).toBe(1);
      expect(rec.metrics['network.service.web.outage_minutes']).toBeCloseTo(7, 9);
      expect(rec.metrics['network.device.dev.downtime_minutes']).toBeCloseTo(7, 9);
    });
  }

  it('a redundant pair cuts its dependants off only while both members are down', () => {
    const s = ok([
      ...BASE,
      'network:',
      '  devices:',
      '    - { name: fw-a, kind: firewall }',
      '    - { name: fw-b, kind: firewall }',
      '  pairs: [{ name: fw, members: [fw-a, fw-b] }]',
      '  services: [{ name: web, dependsOn: [fw] }]',
      'failures:',
      '  classes:',
      '    - class: firewall',
      '      scripted:',
      '        - { at: 10m, target: fw-a, duration: 20m }',
      '        - { at: 25m, target: fw-b, duration: 10m }',
    ]);
    const w = runReplication(s, { seed: 'pair', replication: 0 }).metrics;
    expect(w['network.device.fw-a.downtime_minutes']).toBeCloseTo(20, 9);
    expect(w['network.device.fw-b.downtime_minutes']).toBeCloseTo(10, 9);
    // Both down from 25m (fw-b fails) to 30m (fw-a is back).
    expect(w['network.service.web.outage_minutes']).toBeCloseTo(5, 9);
    // One member down alone: nothing is lost.
    const single = ok([...BASE, 'network:', '  devices: [{ name: fw-a, kind: firewall }, { name: fw-b, kind: firewall }]', '  pairs: [{ name: fw, members: [fw-a, fw-b] }]', '  services: [{ name: web, dependsOn: [fw] }]', 'failures:', '  classes: [{ class: firewall, scripted: [{ at: 10m, target: fw-a, duration: 20m }] }]']);
    const m = runReplication(single, { seed: 'pair', replication: 0 }).metrics;
    expect(m['network.service.web.outage_minutes']).toBe(0);
    expect(m['network.service.web.refused']).toBe(0);
    expect(m['service.web.failed_fraction']).toBe(0);
  });

  it('a saturated link drops and delays requests as its M/M/1/K queue at the offered rate says (CI over replications)', () => {
    // 24/s offered to a link of 20/s with a buffer of 10: ρ = 1.2.
    const lines = [
      'name: link',
      'horizon: 30m',
      'services: [{ name: web, servers: 100, serviceTime: { dist: deterministic, value: 100ms } }]',
      'load: [{ name: shoppers, service: web, rate: 24/s }]',
      'network:',
      '  devices: [{ name: uplink, kind: link, capacity: 20/s, buffer: 10 }]',
      '  services: [{ name: web, dependsOn: [uplink] }]',
    ];
    const theory = deviceQueue(24, 20, 10);
    const runs = replicate(ok(lines), 8, 'link').map((m): Record<string, number> => ({ ...m, dropShare: m['network.device.uplink.dropped']! / m['service.web.requests']! }));
    expectAgrees(runs, 'dropShare', theory.drop);
    expectAgrees(runs, 'network.device.uplink.added_delay_mean', theory.delay);
    // Every success took the constant service time plus its time in the link.
    expectAgrees(runs, 'service.web.response_time.mean', 0.1 + theory.delay);
    for (const m of runs) expect(m['network.device.uplink.utilisation_peak']).toBeCloseTo(1.2, 12);
    expect(theory.drop).toBeGreaterThan(0.15);
  });

  it('what an arrival finds is the stationary M/M/1/K distribution, and its mean time in the device is W', () => {
    for (const [rho, k] of [[0.5, 8], [0.95, 20], [1, 12], [1.2, 10], [40, 64]] as const) {
      const p = (n: number): number => (Math.abs(rho - 1) < 1e-12 ? 1 / (k + 1) : ((1 - rho) * rho ** n) / (1 - rho ** (k + 1)));
      // Inversion: u just above F(n − 1) gives n, u at F(n) still gives n.
      let cdf = 0;
      for (let n = 0; n <= k; n++) {
        const lo = cdf;
        cdf += p(n);
        if (p(n) < 1e-9) continue;
        expect(seenOnArrival(lo + p(n) * 1e-6, rho, k), `ρ ${rho} n ${n}`).toBe(n);
        expect(seenOnArrival(Math.min(cdf - p(n) * 1e-6, 1 - 1e-15), rho, k), `ρ ${rho} n ${n}`).toBe(n);
      }
      // Little's law: E[(n + 1)/μ | not full] equals W of the closed form (μ = 1 here).
      let admitted = 0;
      let sojourn = 0;
      for (let n = 0; n < k; n++) {
        admitted += p(n);
        sojourn += (n + 1) * p(n);
      }
      const q = deviceQueue(rho, 1, k);
      expect(1 - admitted).toBeCloseTo(q.drop, 9);
      expect(sojourn / admitted).toBeCloseTo(q.delay, 9);
    }
  });

  it('the device queue agrees with M/M/1 for a large buffer and is continuous at ρ = 1', () => {
    const q = deviceQueue(15, 20, 10_000);
    expect(q.drop).toBeLessThan(1e-12);
    expect(q.delay).toBeCloseTo(1 / (20 - 15), 12);
    const below = deviceQueue(20 * (1 - 1e-6), 20, 50);
    const at = deviceQueue(20, 20, 50);
    const above = deviceQueue(20 * (1 + 1e-6), 20, 50);
    expect(at.drop).toBeCloseTo(1 / 51, 12);
    for (const x of [below, above]) {
      expect(Math.abs(x.drop - at.drop)).toBeLessThan(1e-5);
      expect(Math.abs(x.delay - at.delay) / at.delay).toBeLessThan(1e-4);
    }
    // Far above capacity nearly everything beyond μ is dropped, and nothing overflows.
    const flood = deviceQueue(1e6, 20, 64);
    expect(flood.drop).toBeCloseTo(1 - 20 / 1e6, 6);
    expect(Number.isFinite(flood.delay)).toBe(true);
  });

  it('reports dependency cycles and unknown devices and services with their location', () => {
    const r = load([
      ...BASE,
      'network:',
      '  devices:',
      '    - { name: a, kind: router, dependsOn: [b] }',
      '    - { name: b, kind: switch, dependsOn: [p] }',
      '    - { name: c, kind: switch }',
      '    - { name: d, kind: link, dependsOn: [uplnk] }',
      '  pairs: [{ name: p, members: [a, c] }]',
      '  services:',
      '    - { name: wbe, dependsOn: [a] }',
      '    - { name: web, dependsOn: [fw] }',
      'failures:',
      '  classes: [{ class: firewall, scripted: [{ at: 1m, target: fw-z }] }]',
    ]);
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    expect(text).toMatch(/net\.yaml:12:\d+ network\.devices\[1\]\.dependsOn\[0\]: dependency cycle among network devices: a → b → a \(through pair "p"\)/);
    expect(text).toContain('network.devices[3].dependsOn[0]: no device or pair named "uplnk"');
    expect(text).toContain('network.services[0].name: no service named "wbe" (did you mean "web"?)');
    expect(text).toContain('network.services[1].dependsOn[0]: no device or pair named "fw"');
    expect(text).toContain('failures.classes[0].scripted[0].target: no firewall named "fw-z"');
  });
});
