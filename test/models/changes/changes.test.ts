/**
 * Change management: the calendar (windows, daily freezes, freeze periods), a failed change
 * coupled through monitoring to an incident and rolled back by its implementer (the service
 * restored), the incident path when the implementer does not roll back, a freeze deferring
 * the change, changes of the same fate with and without a freeze, and located errors.
 */
import { describe, expect, it } from 'vitest';
import { ChangeCalendar } from '../../../src/models/changes/calendar.js';
import { runReplication } from '../../../src/models/replication.js';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';

const H = 3600;
const DAY = 86_400;

/** A 4-server service behind a balancer, an error-rate monitor, one L1 team and a change type. */
const BASE = `
name: change-test
seed: 7
horizon: 3h
interval: 15m
load: [{ name: users, service: shop, rate: 4/s }]
services:
  - name: shop
    servers: 4
    serviceTime: { dist: exponential, mean: 200ms }
    balancer: { policy: round-robin, healthCheck: { interval: 10s } }
teams:
  - { name: ops, tier: L1, headcount: 1 }
incidents:
  types:
    - name: change-failure
      problemKinds: [bad-config, lb-misweight]
      impact: extensive
      urgency: critical
      path: [{ tier: L1, diagnosis: 30m, fix: 10m }]
monitoring:
  interval: 1m
  monitors:
    - { name: shop-errors, metric: error-rate, service: shop, window: 5m, exception: 5% }
changes:
  types:
    - name: app-release
      service: shop
      failureProbability: 100%
      fault: { kind: bad-config }
      rollback: 10m
  schedule: [{ type: app-release, at: 1h }]
`;

function load(text: string, overrides: Record<string, unknown> = {}): Scenario {
  const r = loadScenarioText(text, { file: 'change-test.yaml', overrides });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

describe('change calendar', () => {
  it('defers a change out of a daily freeze to its end (closed start, open end)', () => {
    const cal = new ChangeCalendar([], [{ start: 17 * H, length: 3 * H }]);
    expect(cal.nextSlot(17.5 * H, 10 * DAY)).toBe(20 * H);
    expect(cal.nextSlot(17 * H, 10 * DAY)).toBe(20 * H);
    expect(cal.nextSlot(20 * H, 10 * DAY)).toBe(20 * H);
    expect(cal.nextSlot(DAY + 19 * H, 10 * DAY)).toBe(DAY + 20 * H);
  });

  it('waits for the next window, across midnight and around freezes; Infinity past the limit', () => {
    const cal = new ChangeCalendar([{ start: 22 * H, length: 4 * H }], [{ from: 2 * DAY, to: 4 * DAY }]);
    expect(cal.nextSlot(10 * H, 10 * DAY)).toBe(22 * H);
    expect(cal.nextSlot(DAY + H, 10 * DAY)).toBe(DAY + H); // inside the window that opened at 22:00 the day before
    expect(cal.nextSlot(DAY + 3 * H, 10 * DAY)).toBe(DAY + 22 * H); // the window closed at 02:00
    // The freeze period swallows the windows of days 2 and 3; 4d 00:00 is inside day 3's window.
    expect(cal.nextSlot(DAY + 23 * H, 10 * DAY)).toBe(DAY + 23 * H);
    expect(cal.nextSlot(2 * DAY - 30 * 60, 10 * DAY)).toBe(2 * DAY - 30 * 60);
    expect(cal.nextSlot(2 * DAY + 5 * H, 10 * DAY)).toBe(4 * DAY);
    expect(cal.nextSlot(2 * DAY + 5 * H, 3 * DAY)).toBe(Infinity);
  });
});

describe('a failed change, coupled to monitoring and incidents', () => {
  it('raises an incident through monitoring; the implementer rolls it back and the service is restored', () => {
    const rec = runReplication(load(BASE), { seed: '7', replication: 0 });
    const m = rec.metrics;
    expect(m['changes.implemented']).toBe(1);
    expect(m['changes.failed']).toBe(1);
    expect(m['changes.incidents']).toBe(1);
    expect(m['changes.rolled_back']).toBe(1);
    expect(m['changes.success_rate']).toBe(0);
    expect(rec.incidents).toHaveLength(1);
    const inc = rec.incidents[0]!;
    expect(inc.cause).toBe('bad-config');
    expect(inc.type).toBe('change-failure');
    expect(inc.raisedAt).toBe(H);
    // All four servers refuse from 1h; at the 1h01 evaluation a fifth of the 5-minute window
    // failed (over the 5 % threshold), so the incident opens then, and the rollback lands 10 min later.
    expect(inc.detectedAt).toBe(H + 60);
    expect(inc.resolvedBy).toBe('rollback');
    expect(inc.resolvedAt).toBe(H + 60 + 600);
    // Servers available: 4, except 0 during the 660 s outage.
    expect(m['service.shop.servers_available.mean']).toBeCloseTo(4 - (4 * 660) / (3 * H), 9);
    // Traffic fails during the outage and succeeds again after the rollback.
    const col = rec.series.columns.indexOf('shop.failed_fraction');
    const failed = rec.series.rows.map((r) => r[col] ?? 0);
    expect(failed[4]).toBeGreaterThan(0.5); // 1h00–1h15: mostly down
    expect(failed[5]).toBe(0); // 1h15–1h30: restored
  });

  it('without a rollback the incident path fixes it (L1 after diagnosis and fix)', () => {
    const rec = runReplication(load(BASE, { 'changes.types.app-release.rollbackProbability': 0 }), { seed: '7', replication: 0 });
    expect(rec.metrics['changes.rolled_back']).toBe(0);
    expect(rec.metrics['changes.incidents']).toBe(1);
    const inc = rec.incidents[0]!;
    expect(inc.resolvedBy).toBe('L1');
    expect(inc.resolvedAt).toBe(H + 60 + 40 * 60);
  });

  it('a balancer fault from a change goes through the services model\'s balancer (same problem kind)', () => {
    const rec = runReplication(
      load(BASE, { 'changes.types.app-release.fault': { kind: 'misweight', weights: [1, 0, 0, 0] }, 'load.users.rate': '6/s', 'services.shop.timeout': '5s' }),
      { seed: '7', replication: 0 },
    );
    expect(rec.metrics['changes.failed']).toBe(1);
    expect(rec.incidents.map((i) => i.cause)).toContain('lb-misweight');
    expect(rec.metrics['service.shop.backend.1.share']).toBeLessThan(0.25);
  });

  it('a daily freeze defers the change to the freeze\'s end, so the fault happens then', () => {
    const rec = runReplication(load(BASE, { horizon: '4h', 'changes.freeze': [{ start: '30m', length: '2h' }] }), { seed: '7', replication: 0 });
    expect(rec.metrics['changes.deferred']).toBe(1);
    expect(rec.incidents[0]!.raisedAt).toBe(2.5 * H);
  });

  it('a freeze past the horizon leaves the change pending and nothing breaks', () => {
    const rec = runReplication(load(BASE, { 'changes.freeze': [{ from: '30m', to: '10h' }] }), { seed: '7', replication: 0 });
    expect(rec.metrics['changes.deferred']).toBe(1);
    expect(rec.metrics['changes.pending']).toBe(1);
    expect(rec.metrics['changes.implemented']).toBe(0);
    expect(rec.incidents).toHaveLength(0);
    expect(rec.metrics['changes.success_rate']).toBeNaN();
  });

  it('random changes keep their fate with and without a freeze (common random numbers)', () => {
    const text = BASE.replace('failureProbability: 100%', 'failureProbability: 30%\n      rate: 12/d').replace('schedule: [{ type: app-release, at: 1h }]', 'windows: [{ start: 0h, length: 24h }]');
    const free = runReplication(load(text, { horizon: '2d' }), { seed: '7', replication: 1 });
    // A freeze over the first day moves that day's changes to its end: the same changes, the same failures.
    const frozen = runReplication(load(text, { horizon: '2d', 'changes.freeze': [{ from: '0h', to: '1d' }] }), { seed: '7', replication: 1 });
    expect(free.metrics['changes.implemented']).toBeGreaterThan(10);
    expect(frozen.metrics['changes.implemented']).toBe(free.metrics['changes.implemented']);
    expect(frozen.metrics['changes.failed']).toBe(free.metrics['changes.failed']);
    expect(frozen.metrics['changes.deferred']).toBeGreaterThan(0);
    expect(free.metrics['changes.deferred']).toBe(0);
  });

  it('switched off (enabled: false), it changes nothing and records no change metrics', () => {
    const off = runReplication(load(BASE, { 'changes.enabled': false }), { seed: '7', replication: 0 });
    const none = runReplication(load(BASE, { changes: null }), { seed: '7', replication: 0 });
    expect(off).toEqual(none);
    expect(Object.keys(off.metrics).filter((k) => k.startsWith('changes.'))).toEqual([]);
  });
});

describe('bad change input', () => {
  it('reports unknown services, change types and incident types, and faults that do not fit, at line:column', () => {
    const bad = BASE.replace('services:\n', 'services:\n  - { name: web, servers: 2, serviceTime: 1s }\n').replace(
      /changes:[\s\S]*$/,
      `changes:
  types:
    - { name: app-release, service: shopp, failureProbability: 5%, fault: { kind: bad-config } }
    - { name: drain-web, service: web, failureProbability: 5%, fault: { kind: drain, backend: 1 } }
    - { name: lb, service: shop, failureProbability: 5%, fault: { kind: drain, backend: 9 }, incidentType: nope }
  schedule: [{ type: app-relase, at: 1h }]
`,
    );
    const r = loadScenarioText(bad, { file: 'bad.yaml' });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    // Located at the offending value: the line of the first type, the column of "shopp".
    const lines = bad.split('\n');
    const row = lines.findIndex((l) => l.includes('service: shopp'));
    expect(text).toContain(`bad.yaml:${row + 1}:${lines[row]!.indexOf('shopp') + 1} changes.types[0].service: no service named "shopp" (did you mean "shop"?)`);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ changes\.schedule\[0\]\.type: no change type named "app-relase"/);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ changes\.types\[1\]\.fault\.kind: a "drain" fault needs a load balancer, and service "web" has none/);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ changes\.types\[2\]\.fault\.backend: backend 9 does not exist/);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ changes\.types\[2\]\.incidentType: no incident type named "nope"/);
  });

  it('reports a freeze that ends before it starts', () => {
    const r = loadScenarioText(BASE.replace('  schedule:', '  freeze: [{ from: 2d, to: 1d }]\n  schedule:'), { file: 'bad.yaml' });
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    expect(text).toMatch(/bad\.yaml:\d+:\d+ changes\.freeze\[0\]\.to: must be after "from"/);
  });
});
