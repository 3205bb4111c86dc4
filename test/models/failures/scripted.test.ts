/**
 * Scripted failures (`failures.classes[].scripted`) for every class the failures model
 * serves, named classes addressed by variants' overrides, and the located errors of bad
 * entries.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';
import { buildWorld } from '../helpers.js';

const HEAD = ['name: scripted', 'horizon: 1h', 'rooms: [{ name: hall, cabinets: 2, crac: [{ capacity: 50kW, count: 2 }] }]'];

function load(lines: string[], overrides: Record<string, unknown> = {}): ReturnType<typeof loadScenarioText> {
  return loadScenarioText([...HEAD, ...lines, ''].join('\n'), { file: 'scripted.yaml', overrides });
}

function ok(lines: string[], overrides: Record<string, unknown> = {}): Scenario {
  const r = load(lines, overrides);
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

function errors(lines: string[]): string {
  const r = load(lines);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
}

/** Runs to `t` and returns the open problems' (kind, target). */
function problemsAt(s: Scenario, t: number): [string, string][] {
  const w = buildWorld(s);
  w.sim.run({ until: t });
  return w.problems.active().map((p) => [p.kind, p.target]);
}

describe('scripted failures', () => {
  const SERVICES = 'services: [{ name: web, servers: 4, serviceTime: 1s, room: hall, balancer: { policy: round-robin, standby: true } }]';
  const cases: [string, string, string][] = [
    ['server', '{ class: server, scripted: [{ at: 10m, target: web/2 }] }', 'web/2'],
    ['disk', '{ class: disk, perServer: 2, scripted: [{ at: 10m, target: web/1/disk-1 }] }', 'web/1/disk-1'],
    ['power-supply', '{ class: power-supply, scripted: [{ at: 10m, target: web/3 }] }', 'web/3/power-supply-0'],
    ['load-balancer', '{ class: load-balancer, scripted: [{ at: 10m, target: web/lb-2 }] }', 'web/lb-2'],
    ['crac', '{ class: crac, scripted: [{ at: 10m, target: hall/crac-1 }] }', 'hall/crac-1'],
    ['pdu', '{ class: pdu, scripted: [{ at: 10m }] }', 'pdu-a'],
  ];
  for (const [cls, entry, target] of cases) {
    it(`${cls}: fails its target at the given time and not before`, () => {
      const groups = cls === 'pdu' ? ['  groups: [{ name: pdu-a, class: pdu, members: [web/0-1] }]'] : [];
      const s = ok([SERVICES, 'failures:', `  classes: [${entry}]`, ...groups]);
      expect(problemsAt(s, 599)).toEqual([]);
      expect(problemsAt(s, 601)).toEqual([[`${cls}-failure`, target]]);
    });
  }

  it('a scripted server failure takes the server out for its duration, then random failures resume', () => {
    const s = ok([SERVICES, 'failures:', '  classes: [{ class: server, mtbf: 100000h, scripted: [{ at: 10m, target: web/0, duration: 5m }] }]']);
    const w = buildWorld(s);
    const web = w.services.get('web')!;
    w.sim.run({ until: 601 });
    expect(web.serversAvailable()).toBe(3);
    w.sim.run({ until: 899 });
    expect(web.serversAvailable()).toBe(3);
    w.sim.run({ until: 901 });
    expect(web.serversAvailable()).toBe(4);
    expect(w.problems.active()).toEqual([]);
  });

  it('without a target every target of the entry fails, and is repaired after its repair time', () => {
    const s = ok([SERVICES, 'failures:', '  classes: [{ class: server, services: [web], repairTime: 2h, scripted: [{ at: 1m }] }]']);
    const w = buildWorld(s);
    w.sim.run({ until: 3000 });
    expect(w.services.get('web')!.serversAvailable()).toBe(0);
    expect(w.problems.active().map((p) => p.target)).toEqual(['web/0', 'web/1', 'web/2', 'web/3']);
  });

  it('a named class is addressed by name in overrides (as variants and --set do)', () => {
    const lines = [SERVICES, 'failures:', '  classes: [{ name: hw, class: server, afr: 1%, scripted: [{ at: 10m, target: web/2 }] }]'];
    const s = ok(lines, { 'failures.classes.hw.scripted': [{ at: '20m', target: 'web/1' }], 'failures.classes.hw.afr': '3%' });
    expect(s.failures!.classes![0]!.afr).toBeCloseTo(0.03);
    expect(problemsAt(s, 1100)).toEqual([]);
    expect(problemsAt(s, 1201)).toEqual([['server-failure', 'web/1']]);
    const bad = load(lines, { 'failures.classes.hx.afr': '3%' });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.errors.map((e) => e.message).join('\n')).toContain('no item named "hx" (did you mean "failures.classes.hw.afr"?)');
  });

  it('reports bad entries with their location', () => {
    const text = errors([
      SERVICES,
      'failures:',
      '  classes:',
      '    - { name: hw, class: server, scripted: [{ at: 1m, target: wbe/1 }] }',
      '    - { name: hw, class: crac }',
      '    - { class: disk, afr: 1%, mtbf: 1000h }',
    ]);
    expect(text).toContain('scripted.yaml:7:63 failures.classes[0].scripted[0].target: no service named "wbe" (did you mean "web"?)');
    expect(text).toContain('failures.classes[1].name: "hw" names another entry too (failures.classes[0])');
    expect(text).toContain('failures.classes[1]: give one of afr, mtbf or timeToFailure, or scripted failures');
    expect(text).toContain('failures.classes[2]: give at most one of afr, mtbf or timeToFailure');
  });
});
