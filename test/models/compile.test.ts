/**
 * The plug-ins' compile step: pure (the scenario is left as it was, the same scenario gives
 * the same config), plain data (structured-cloneable, so it could travel to a worker), run once
 * per scenario whatever the number of replications, and what build receives.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/models/index.js';
import { runReplication } from '../../src/models/replication.js';
import type { AnyModelPlugin } from '../../src/models/kernel/plugin.js';
import { compileRoom, HEAT_CAPACITY_PER_CABINET } from '../../src/models/cooling/compile.js';
import { Room } from '../../src/models/cooling/schema.js';
import { withDefaults } from '../../src/scenario/validate.js';
import { ROOT } from '../experiment/helpers.js';
import { load, scenario } from './helpers.js';
import { compileLoad } from '../../src/models/load/compile.js';
import { compileSla, DEFAULT_INCIDENT_TARGETS } from '../../src/models/sla/compile.js';
import { compileSites } from '../../src/models/sites/compile.js';
import { compileFailures } from '../../src/models/failures/compile.js';
import { compileIncidents, DEFAULT_PRIORITY_MATRIX } from '../../src/models/incidents/compile.js';
import { compileServices } from '../../src/models/services/compile.js';

// Every shipped scenario, so that every section a model compiles is exercised somewhere.
const SHIPPED = readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort();

describe('compile()', () => {
  const compiling = MODELS.filter((m) => m.compile !== undefined);

  it('every model with scenario fields has one, and no builder reads the scenario', () => {
    expect(MODELS.filter((m) => m.fields.length > 0 && m.compile === undefined).map((m) => m.name)).toEqual([]);
    // The two without fields (the failure-targets registry, power) compile nothing.
    expect(MODELS.filter((m) => m.compile === undefined).map((m) => m.name)).toEqual(['failure-targets', 'power']);
    expect(compiling.map((m) => m.name).sort()).toEqual(['backups', 'changes', 'cooling', 'failures', 'incidents', 'load', 'monitoring', 'network', 'problems', 'services', 'sites', 'sla', 'staffing']);
  });

  it.each(SHIPPED)('is pure and gives plain data (%s)', (file) => {
    const scenario = load(path.join(ROOT, 'scenarios', file), { horizon: '12h' });
    const before = JSON.stringify(scenario);
    for (const m of compiling) {
      const a = m.compile!(scenario);
      expect(structuredClone(a), m.name).toEqual(a);
      expect(m.compile!(scenario), m.name).toEqual(a);
    }
    expect(JSON.stringify(scenario)).toBe(before);
  });

  it.each(SHIPPED)('leaves every model field to compile: no builder or runtime reads one from world.scenario (%s)', (file) => {
    const loaded = load(path.join(ROOT, 'scenarios', file), { horizon: '3h' });
    const owned = new Set(MODELS.flatMap((m) => m.fields));
    let compiling = false;
    const reads: string[] = [];
    // Only the replication's own fields (horizon, warm-up, interval, …) may be read outside compile().
    const guarded = new Proxy(loaded, {
      get(target, key, receiver) {
        if (!compiling && typeof key === 'string' && owned.has(key)) reads.push(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const models = MODELS.map((m): AnyModelPlugin => {
      const compile = m.compile;
      if (compile === undefined) return m;
      return { ...m, compile: (sc) => { compiling = true; try { return compile(sc); } finally { compiling = false; } } };
    });
    runReplication(guarded, { seed: 's', replication: 0, models });
    expect(reads).toEqual([]);
  });

  it('runs once per scenario, not per replication', () => {
    const scenario = load(path.join(ROOT, 'scenarios', 'noc-night-shift.yaml'), { horizon: '2h' });
    let calls = 0;
    const counted = MODELS.map((m): AnyModelPlugin => {
      const compile = m.compile;
      if (m.name !== 'staffing' || compile === undefined) return m;
      return { ...m, compile: (s) => (calls++, compile(s)) };
    });
    const records = [0, 1, 2].map((replication) => runReplication(scenario, { seed: 's', replication, models: counted }));
    expect(calls).toBe(1);
    // And the records are those of the catalog's own models.
    expect(records[2]!.metrics).toEqual(runReplication(scenario, { seed: 's', replication: 2 }).metrics);
  });

  it('cooling: names every CRAC unit, points outages at them, fills the heat capacity from the cabinets', () => {
    const room = compileRoom(
      withDefaults(Room, {
        name: 'hall',
        cabinets: 10,
        crac: [
          { capacity: 30000, count: 2 },
          { name: 'big', capacity: 60000, outages: [{ at: 100 }] },
          { name: 'pair', capacity: 20000, count: 2, outages: [{ at: 200, units: 5, duration: 60 }] },
        ],
      }),
    );
    expect(room.units.map((u) => u.name)).toEqual(['crac-1', 'crac-2', 'big', 'pair-1', 'pair-2']);
    expect(room.outages).toEqual([
      { at: 100, first: 2, units: 1 },
      { at: 200, first: 3, units: 2, duration: 60 },
    ]);
    expect(room.heatCapacity).toBe(10 * HEAT_CAPACITY_PER_CABINET);
    expect(compileRoom(withDefaults(Room, { name: 'h', cabinets: 10, heatCapacity: 1e6, crac: [] })).heatCapacity).toBe(1e6);
  });

  it('load: points each class at its service by index, knows a constant rate, refuses a class name used twice', () => {
    const s = scenario({
      horizon: 3600,
      services: [{ name: 'db', servers: 1, serviceTime: 1 }, { name: 'web', servers: 1, serviceTime: 1 }],
      load: [
        { name: 'browse', service: 'web', rate: 1 },
        { name: 'report', service: 'db', rate: 1, daily: new Array(24).fill(1) },
      ],
    });
    expect(compileLoad(s).classes.map((c) => [c.spec.name, c.service, c.constant, c.where])).toEqual([
      ['browse', 1, true, 'load[0]'],
      ['report', 0, false, 'load[1]'],
    ]);
    const twice = scenario({ ...s, load: [{ name: 'a', service: 'web', rate: 1 }, { name: 'a', service: 'db', rate: 1 }] });
    expect(() => compileLoad(twice)).toThrow(/load\[1\]\.name: the class name "a" is used twice/);
  });

  it('sla: fills every priority\'s incident targets, and measures only scenarios with operations', () => {
    const s = scenario({ horizon: 3600, sla: { incidentTargets: { P2: { response: 60, resolution: 600, resolutionPenalty: 5 } } } });
    const c = compileSla(s);
    expect(c.measured).toBe(true);
    expect(c.incidentTargets).toEqual({ ...DEFAULT_INCIDENT_TARGETS, P2: { response: 60, resolution: 600, responsePenalty: 0, resolutionPenalty: 5 } });
    expect(compileSla(scenario({ horizon: 3600, services: [{ name: 'web', servers: 1, serviceTime: 1 }] })).measured).toBe(false);
    expect(compileSla(scenario({ horizon: 3600, teams: [{ name: 'ops', headcount: 1 }] })).measured).toBe(true);
  });

  it('sites: resolves members and pairs to service indices, fills the mode\'s defaults, refuses a missing room', () => {
    const s = scenario({
      horizon: 3600,
      warmup: 600,
      rooms: [{ name: 'hall', cabinets: 1, crac: [] }],
      services: [
        { name: 'web', servers: 2, serviceTime: 1, room: 'hall' },
        { name: 'web-dr', servers: 4, serviceTime: 1 },
        { name: 'batch', servers: 1, serviceTime: 1 },
      ],
      sites: [
        { name: 'east', rooms: ['hall'], services: ['batch'], recovery: { site: 'west', mode: 'warm', pairs: [{ service: 'web', standby: 'web-dr' }], failover: [{ action: 'switch' }] } },
        { name: 'west', services: ['web-dr'] },
      ],
    });
    const c = compileSites(s);
    expect(c.warmup).toBe(600);
    expect(c.sites.map((x) => x.services)).toEqual([[0, 2], [1]]);
    expect(c.sites[0]!.recovery).toMatchObject({ standing: 0.25, bringUp: 4 * 3600, pairs: [{ service: 'web', primary: 0, standby: 1 }] });
    expect(c.sites[1]!.recovery).toBeNull();
    expect(() => compileSites(scenario({ ...s, sites: [{ name: 'east', rooms: ['attic'] }] }))).toThrow('sites.east.rooms: no room named "attic"');
  });

  it('failures: resolves group members to (service index, server), the service and room reported, and locates each class entry', () => {
    const s = scenario({
      horizon: 3600,
      rooms: [{ name: 'hall', cabinets: 1, crac: [] }],
      services: [
        { name: 'web', servers: 4, serviceTime: 1, room: 'hall' },
        { name: 'db', servers: 2, serviceTime: 1 },
      ],
      failures: {
        classes: [{ class: 'server', afr: 0.02 }, { name: 'pdus', class: 'pdu', mtbf: 1e6 }],
        groups: [
          { name: 'pdu-a', class: 'pdu', members: ['web/1-2', 'db/0'] },
          { name: 'pdu-b', class: 'pdu', members: ['db'] },
        ],
      },
    });
    const c = compileFailures(s)!;
    expect(c.classes.map((x) => [x.where, x.scriptWhere])).toEqual([
      ['failures.classes[0]', 'failures.classes(server)'],
      ['failures.classes[1]', 'failures.classes.pdus'],
    ]);
    expect(c.groups.map((g) => [g.members, g.service, g.room])).toEqual([
      [[{ service: 0, server: 1 }, { service: 0, server: 2 }, { service: 1, server: 0 }], null, 'hall'],
      [[{ service: 1, server: 0 }, { service: 1, server: 1 }], 'db', null],
    ]);
    expect(compileFailures(scenario({ horizon: 3600 }))).toBeNull();
    const outside = scenario({ ...s, failures: { classes: [{ class: 'rack', afr: 0.1 }], groups: [{ name: 'r', class: 'rack', members: ['db/1-2'] }] } });
    expect(() => compileFailures(outside)).toThrow('failures.groups[0].members: "db/1-2" is outside servers 0-1 of db');
    const unrated = scenario({ ...s, failures: { groups: [{ name: 'r', class: 'rack', members: ['db'] }] } });
    expect(() => compileFailures(unrated)).toThrow('failures.groups[0]: no failures.classes entry for class "rack" gives its failure rate');
  });

  it('incidents: fills every cell of the priority matrix, resolves the default type, takes the SLA\'s incident targets', () => {
    const types = [{ name: 'hw', path: [{ tier: 'L1' }] }, { name: 'sw', path: [{ tier: 'L1' }] }];
    const s = scenario({ horizon: 3600, incidents: { types, priorityMatrix: { minor: { low: 'P3' } } }, sla: { incidentTargets: { P1: { response: 60, resolution: 600 } } } });
    const c = compileIncidents(s);
    expect(c.measured).toBe(true);
    expect(c.defaultType).toBe('hw');
    expect(c.priorityMatrix).toEqual({ ...DEFAULT_PRIORITY_MATRIX, minor: { ...DEFAULT_PRIORITY_MATRIX.minor, low: 'P3' } });
    expect(c.incidentTargets.P1).toEqual({ response: 60, resolution: 600, responsePenalty: 0, resolutionPenalty: 0 });
    expect(compileIncidents(scenario({ ...s, incidents: { types, defaultType: 'sw' } })).defaultType).toBe('sw');
    const none = compileIncidents(scenario({ horizon: 3600 }));
    expect([none.measured, none.defaultType, none.priorityMatrix]).toEqual([false, null, DEFAULT_PRIORITY_MATRIX]);
    expect(compileIncidents(scenario({ horizon: 3600, monitoring: {} })).measured).toBe(true);
    expect(() => compileIncidents(scenario({ horizon: 3600, incidents: { types, defaultType: 'net' } }))).toThrow('incidents.defaultType: no incident type named "net"');
    expect(() => compileIncidents(scenario({ horizon: 3600, incidents: { types: [...types, types[0]] } }))).toThrow('incidents.types: "hw" is declared twice');
  });

  it('services: resolves each fidelity and each call to an index, refuses a name used twice, a missing room and a call cycle', () => {
    const svc = (name: string, more: object = {}): object => ({ name, servers: 1, serviceTime: 1, ...more });
    const s = scenario({ horizon: 3600, fidelity: 'flow', services: [svc('web', { downstream: 'db', fidelity: 'request' }), svc('db'), svc('batch', { downstream: 'db' })] });
    expect(compileServices(s).services.map((c) => [c.spec.name, c.fidelity, c.downstream])).toEqual([
      ['web', 'request', 1],
      ['db', 'flow', null],
      ['batch', 'flow', 1],
    ]);
    expect(compileServices(scenario({ horizon: 3600, services: [svc('a')] })).services[0]!.fidelity).toBe('request');
    expect(() => compileServices(scenario({ horizon: 3600, services: [svc('a'), svc('a')] }))).toThrow('services: the name "a" is used twice');
    expect(() => compileServices(scenario({ horizon: 3600, services: [svc('a', { room: 'attic' })] }))).toThrow('services.a.room: no room named "attic" (rooms: none)');
    expect(() => compileServices(scenario({ horizon: 3600, services: [svc('a', { downstream: 'b' }), svc('b', { downstream: 'c' }), svc('c', { downstream: 'b' })] }))).toThrow('services.a.downstream: calls form a cycle');
    expect(() => compileServices(scenario({ horizon: 3600, services: [svc('a', { downstream: 'z' })] }))).toThrow('services.a.downstream: no service named "z"');
  });
});
