/**
 * Disaster recovery across sites: the failover timeline against its closed form (a
 * deterministic runbook ends exactly at Σ step durations, plus each team's on-call latency
 * once when the disaster strikes outside its on-site hours), the load moving to the recovery
 * site's capacity, data loss against λ × RPO, failback, and located validation errors.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFileOrThrow, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';
import { metricCatalog, runReplication } from '../../../src/models/replication.js';
import { keyMetrics } from '../../../src/results/key-metrics.js';
import { expectAgrees, load } from '../helpers.js';

const M = 60;
const H = 3600;

/**
 * Site east runs `prod` (4 servers, 2 req/s); site west holds its standby `prod-dr`. Team ops
 * is on site 08:00–20:00 and on call at night (30 min to start); team net is on call around
 * the clock (10 min). The runbook: declare (ops, 10 min) → bring-up (ops, 20 min) → switch
 * DNS (net, 5 min).
 */
function drScenario(extra: string[] = [], opts: { mode?: string; disasterAt?: string; repair?: string; failback?: boolean; horizon?: string } = {}): string {
  return [
    'name: dr',
    `horizon: ${opts.horizon ?? '1d'}`,
    'load: [{ name: orders, service: prod, rate: 2/s }]',
    'services:',
    '  - { name: prod, servers: 4, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m }',
    '  - { name: prod-dr, servers: 4, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m }',
    'teams:',
    '  - name: ops',
    '    roster:',
    '      shifts:',
    '        - { name: day, start: 8h, length: 12h, headcount: 1 }',
    '        - { name: night, start: 20h, length: 12h, headcount: 1, onCall: true, responseLatency: 30m }',
    '  - name: net',
    '    roster: { shifts: [{ name: always, start: 0h, length: 24h, headcount: 1, onCall: true, responseLatency: 10m }] }',
    'sites:',
    '  - name: east',
    '    services: [prod]',
    `    disasters: [{ kind: power, at: ${opts.disasterAt ?? '12h'}, duration: ${opts.repair ?? '6h'} }]`,
    '    recovery:',
    '      site: west',
    `      mode: ${opts.mode ?? 'warm'}`,
    '      pairs: [{ service: prod, standby: prod-dr }]',
    '      replication: { lag: 5m }',
    '      targets: { rto: 1h, rpo: 10m }',
    '      failover:',
    '        - { name: declare, team: ops, duration: 10m }',
    '        - { name: bring-up, team: ops, action: bring-up, duration: 20m }',
    '        - { name: dns, team: net, action: switch, duration: 5m }',
    ...(opts.failback === true ? ['      failback:', '        - { name: resync, duration: 1h }', '        - { name: dns-back, team: net, action: switch, duration: 5m }'] : []),
    '  - name: west',
    '    services: [prod-dr]',
    ...extra,
  ].join('\n');
}

function compile(text: string): Scenario {
  const r = loadScenarioText(text, { file: 'dr.yaml' });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

function errors(text: string): string {
  const r = loadScenarioText(text, { file: 'dr.yaml' });
  return r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
}

const run = (s: Scenario, replication = 0): Record<string, number> => runReplication(s, { seed: 'dr', replication }).metrics;

describe('the failover timeline', () => {
  it('a deterministic runbook by day ends exactly at Σ durations; net pays its on-call latency once', () => {
    const m = run(compile(drScenario()));
    // ops on site at 12:00 → 10 + 20 min; net on call → 10 min page + 5 min switch.
    expect(m['site.east.rto']).toBe(10 * M + 20 * M + 10 * M + 5 * M);
    expect(m['site.east.rto_met']).toBe(1);
    expect(m['site.east.rpo']).toBe(5 * M);
    expect(m['site.east.rpo_met']).toBe(1);
    expect(m['site.east.disasters']).toBe(1);
    expect(m['site.east.downtime']).toBe(45);
  });

  it('at 03:00 the on-call ops engineer adds the 30 min page once (not per step) and the RTO target is missed', () => {
    const m = run(compile(drScenario([], { disasterAt: '27h', horizon: '2d' })));
    expect(m['site.east.rto']).toBe(30 * M + 10 * M + 20 * M + 10 * M + 5 * M);
    expect(m['site.east.rto_met']).toBe(0);
  });

  it('parallel steps: the critical path decides, and a cold site is restored only when its servers are up', () => {
    // bring-up and the DNS switch both wait only for declare: the switch ends at 10 + 10 + 5 min,
    // the bring-up at 10 + 20 min. Hot and warm sites serve from the switch; a cold one from the bring-up.
    const parallel = (mode: string): Scenario =>
      compile(drScenario([], { mode }).replace('{ name: dns, team: net, action: switch, duration: 5m }', '{ name: dns, team: net, action: switch, duration: 5m, after: [declare] }'));
    expect(run(parallel('hot'))['site.east.rto']).toBe(25 * M);
    expect(run(parallel('warm'))['site.east.rto']).toBe(25 * M);
    expect(run(parallel('cold'))['site.east.rto']).toBe(30 * M);
  });

  it('the site back before the switch calls the failover off: restored at the repair, the load stays home', () => {
    const m = run(compile(drScenario([], { repair: '15m' })));
    expect(m['site.east.rto']).toBe(15 * M);
    expect(m['service.prod-dr.requests']).toBe(0);
  });
});

describe("the paired services' availability.capacity judges the capacity serving their load", () => {
  // Parallel runbook, off the 60-s grid of capacity checks (a check at t = 60k s, 1440 in the day):
  // struck 12:00:30; declare ends 12:10:30; the switch (net paged 10 min, DNS 5 min) 12:25:30;
  // the bring-up (20 min) 12:30:30. prod's 2 req/s need 2 of its 4 one-second servers.
  const STRUCK = 12 * H + 30;
  const SWITCH = STRUCK + 25 * M;
  const UP = STRUCK + 30 * M;
  /** Capacity checks in [a, b): those at 60k s. */
  const checks = (a: number, b: number): number => Math.ceil(b / 60) - Math.ceil(a / 60);
  const parallel = (opts: Parameters<typeof drScenario>[1], extra: string[] = []): string =>
    drScenario(extra, { disasterAt: '43230s', ...opts }).replace('{ name: dns, team: net, action: switch, duration: 5m }', '{ name: dns, team: net, action: switch, duration: 5m, after: [declare] }');

  it('a warm standby: short while only its standing server serves, then covered; the primary is short from the strike', () => {
    const m = run(compile(parallel({ mode: 'warm' })));
    expect(m['site.east.rto']).toBe(SWITCH - STRUCK);
    // prod: no capacity until the switch (its servers have no power), then prod-dr's 1 standing
    // server (1/s < 2/s) until the bring-up, then prod-dr's 4 (4/s): short in [struck, up).
    expect(m['service.prod.availability.capacity']).toBeCloseTo(1 - checks(STRUCK, UP) / 1440, 12);
    // prod-dr: no load before the switch (covered), 1/s against prod's 2/s until the bring-up.
    expect(m['service.prod-dr.availability.capacity']).toBeCloseTo(1 - checks(SWITCH, UP) / 1440, 12);
    expect(checks(STRUCK, UP)).toBe(30);
    expect(checks(SWITCH, UP)).toBe(5);
  });

  it('a hot standby with load of its own: both read short for the whole failover, till the failback brings the load home', () => {
    // prod-dr's own 2.5 req/s fit its 4 servers, its own plus prod's 2 req/s do not. Power back at
    // 14:00:30; resync 1 h, net paged again (a new runbook) 10 min, DNS back 5 min: home at 15:15:30.
    const home = STRUCK + 2 * H + 75 * M;
    const text = parallel({ mode: 'hot', failback: true, repair: '2h' }).replace(
      'load: [{ name: orders, service: prod, rate: 2/s }]',
      'load: [{ name: orders, service: prod, rate: 2/s }, { name: reports, service: prod-dr, rate: 2.5/s }]',
    );
    const m = run(compile(text));
    expect(m['site.east.failback.mean']).toBe(home - (STRUCK + 2 * H));
    expect(m['service.prod.availability.capacity']).toBeCloseTo(1 - checks(STRUCK, home) / 1440, 12);
    expect(m['service.prod-dr.availability.capacity']).toBeCloseTo(1 - checks(SWITCH, home) / 1440, 12);
    expect(checks(SWITCH, home)).toBe(170);
  });
});

describe("availability.capacity follows the diverted load downstream: a standby's callee carries it, the primary's does not", () => {
  it('web → db fails over to web-dr → db-dr (only web paired): db-dr is short while it takes the load, db is not', () => {
    // 2 req/s; db and db-dr have 1 one-second server each (1/s: short under the load). Struck
    // 02:00:30 (off the 60-s grid of checks), switched 5 min later, switched home 2 h 10 min after the strike.
    const STRUCK = 2 * H + 30;
    const SWITCH = STRUCK + 5 * M;
    const HOME = STRUCK + 2 * H + 10 * M;
    const checks = (a: number, b: number): number => Math.ceil(b / 60) - Math.ceil(a / 60);
    const text = [
      'name: chain',
      'horizon: 6h',
      'load: [{ name: orders, service: web, rate: 2/s }]',
      'services:',
      '  - { name: web, servers: 4, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m, downstream: db }',
      '  - { name: db, servers: 1, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m }',
      '  - { name: web-dr, servers: 4, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m, downstream: db-dr }',
      '  - { name: db-dr, servers: 1, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m }',
      'sites:',
      '  - name: east',
      '    services: [web]',
      '    disasters: [{ kind: power, at: 7230s, duration: 2h }]',
      '    recovery:',
      '      site: west',
      '      mode: hot',
      '      pairs: [{ service: web, standby: web-dr }]',
      '      replication: { lag: 0s }',
      '      failover: [{ name: dns, action: switch, duration: 5m }]',
      '      failback: [{ name: dns-back, action: switch, duration: 10m }]',
      '  - name: west',
      '    services: [web-dr, db-dr]',
    ].join('\n');
    const m = run(compile(text));
    expect(m['site.east.rto']).toBe(SWITCH - STRUCK);
    expect(m['service.db-dr.requests']).toBeGreaterThan(0);
    // db-dr: web-dr's calls carry web's 2/s to it from the switch till home (it read 1 throughout).
    expect(m['service.db-dr.availability.capacity']).toBeCloseTo(1 - checks(SWITCH, HOME) / 360, 12);
    // db: short under web's load except while web is diverted and none of it reaches db (it read 0).
    expect(m['service.db.availability.capacity']).toBeCloseTo(checks(SWITCH, HOME) / 360, 12);
    expect(checks(SWITCH, HOME)).toBe(125);
  });
});

describe('the random runbook of scenarios/dr-failover.yaml', () => {
  it('mean RTO at 03:00 with nights on call = latency + E[declare] + E[max(bring-up, promote)] + switch (CI over replications)', () => {
    // declare: triangular(10, 15, 30) min, mean 55/3; bring-up: triangular(20, 30, 45) min, mean 95/3,
    // always longer than the 15 min database promotion; DNS switch 5 min; page 30 min (once).
    const s = load('scenarios/dr-failover.yaml', { horizon: '5h' });
    const runs = Array.from({ length: 20 }, (_, r) => run(s, r));
    expectAgrees(runs, 'site.dc-london.rto', (30 + 55 / 3 + 95 / 3 + 5) * M);
  });
});

describe('calling a failover off', () => {
  it('steps still waiting for an operator leave the queue: nobody works them when the shift comes', () => {
    // Team late is on duty 20:00–24:00 only; the disaster at 12:00 is over after 15 min.
    const text = drScenario([], { repair: '15m' })
      .replace('teams:\n', 'teams:\n  - name: late\n    roster: { shifts: [{ name: evening, start: 20h, length: 4h, headcount: 1 }] }\n')
      .replace('{ name: declare, team: ops, duration: 10m }', '{ name: declare, team: late, duration: 1h }');
    const m = run(compile(text));
    expect(m['site.east.rto']).toBe(15 * M);
    expect(m['staffing.late.utilisation']).toBe(0);
  });
});

describe('coupling with the services', () => {
  it('moves the load to the recovery site at the switch, and the standby runs 1 of 4 servers until the bring-up', () => {
    const s = compile(drScenario());
    const runs = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => run(s, r));
    const switchAt = 12 * H + 45 * M;
    // Arrivals after the switch go to the standby: Poisson with mean λ (T − switch).
    expectAgrees(runs, 'service.prod-dr.requests', 2 * (24 * H - switchAt));
    expectAgrees(runs, 'service.prod.requests', 2 * switchAt);
    // warm: ⌊4 × 25 %⌋ = 1 server standing until the bring-up ends at 12:30, then 4.
    const bringUpAt = 12 * H + 30 * M;
    expect(runs[0]!['service.prod-dr.servers_available.mean']).toBeCloseTo((1 * bringUpAt + 4 * (24 * H - bringUpAt)) / (24 * H), 9);
    // Without the recovery site's servers the requests after the power loss would fail; with them, few do.
    expect(runs[0]!['service.prod-dr.failed_fraction']).toBeLessThan(0.01);
  });

  it('a standby shared by two pairs keeps its standing share running and is priced once', () => {
    // prod and prod2 both fail over to dr (8 servers, 50 % standing): 4 run until the bring-up
    // ends at 6 h, then 8. (Each pair used to take its own 4 offline, leaving none standing.)
    const text = [
      'name: shared',
      'horizon: 10h',
      'load: [{ name: a, service: prod, rate: 1/s }, { name: b, service: prod2, rate: 1/s }]',
      'services:',
      '  - { name: prod, servers: 4, serviceTime: 1s }',
      '  - { name: prod2, servers: 4, serviceTime: 1s }',
      '  - { name: dr, servers: 8, serviceTime: 1s }',
      'sites:',
      '  - name: east',
      '    services: [prod, prod2]',
      '    disasters: [{ kind: power, at: 5h, duration: 10h }]',
      '    recovery:',
      '      site: west',
      '      mode: warm',
      '      standing: 50%',
      '      costPerHour: 2',
      '      reserveCostPerHour: 1',
      '      pairs: [{ service: prod, standby: dr }, { service: prod2, standby: dr }]',
      '      replication: { lag: 0s }',
      '      failover: [{ name: up, action: bring-up, duration: 1h }, { name: switch, action: switch, duration: 0s }]',
      '  - name: west',
      '    services: [dr]',
    ].join('\n');
    const m = run(compile(text));
    expect(m['service.dr.servers_available.mean']).toBeCloseTo((4 * 6 + 8 * 4) / 10, 9);
    expect(m['cost.recovery']).toBeCloseTo((4 * 2 + 4 * 1) * 6 + 8 * 2 * 4, 9);
  });

  it('data lost ≈ λ × RPO (requests that succeeded in the replication lag)', () => {
    const s = compile(drScenario());
    const runs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((r) => run(s, r));
    expectAgrees(runs, 'site.east.transactions_lost', 2 * 5 * M);
  });

  it('fails back after the repair: the failback runbook takes its Σ durations and the load comes home', () => {
    const s = compile(drScenario([], { failback: true, repair: '2h' }));
    const m = run(s);
    // Repaired at 14:00; resync 1 h, then net, paged anew for the failback run, 10 min + 5 min.
    expect(m['site.east.failback.mean']).toBe(1 * H + 10 * M + 5 * M);
    const runs = [0, 1, 2, 3, 4, 5].map((r) => run(s, r));
    const away = 14 * H + 75 * M - (12 * H + 45 * M);
    expectAgrees(runs, 'service.prod-dr.requests', 2 * away);
  });

  it('restores from a backup: the RPO is the age of the last completed copy and the restore time joins the RTO', () => {
    const text = drScenario(['backups:', '  - { name: nightly, service: prod, at: 1h, window: 4h, duration: 1h, share: 10%, restoreTime: 2h }'], { mode: 'hot', disasterAt: '30h', horizon: '2d' })
      .replace('      replication: { lag: 5m }\n', '')
      .replace("        - { name: bring-up, team: ops, action: bring-up, duration: 20m }", '        - { name: restore, team: ops, action: restore, backup: nightly }');
    const m = run(compile(text));
    // Disaster at day 2 06:00 (ops on call until 08:00): the copy of the run started at 01:00 → 5 h lost.
    expect(m['site.east.rpo']).toBe(5 * H);
    expect(m['site.east.rpo_met']).toBe(0);
    expect(m['site.east.rto']).toBe(30 * M + 10 * M + 2 * H + 10 * M + 5 * M);
  });
});

describe('disaster kinds and rates', () => {
  it('cooling: the rooms heat until their servers shut down, and the load still moves at the switch', () => {
    const text = drScenario(['rooms: [{ name: hall-e, cabinets: 2, otherItPower: 10kW, crac: [{ capacity: 20kW, count: 2 }] }]'], { mode: 'hot' })
      .replace('{ name: prod, servers: 4, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m }', '{ name: prod, servers: 4, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m, room: hall-e }')
      .replace('    services: [prod]\n', '    rooms: [hall-e]\n')
      .replace('kind: power', 'kind: cooling');
    const m = run(compile(text));
    expect(m['room.hall-e.shutdowns']).toBe(1);
    expect(m['room.hall-e.temperature.max']).toBeGreaterThanOrEqual(40);
    expect(m['site.east.rto']).toBe(45 * M);
    expect(m['service.prod-dr.requests']).toBeGreaterThan(0);
  });

  it('network: the servers of the site leave service for the duration', () => {
    // No recovery plan: the service is restored when the link is back, 2 h later.
    const text = drScenario([], { repair: '2h' }).replace(/    recovery:\n(?: {6}.*\n| {8}.*\n)*/, '').replace('kind: power', 'kind: network');
    const m = run(compile(text));
    expect(m['site.east.rto']).toBe(2 * H);
    expect(m['site.east.downtime']).toBe(120);
    expect(m['service.prod.servers_available.mean']).toBeCloseTo((4 * 22 * H) / (24 * H), 9);
    expect(m['site.east.rpo']).toBeUndefined();
  });

  it('at random: disasters strike as a Poisson process, those during an outage ignored (E[count] = T ÷ (every + duration))', () => {
    const text = [
      'name: random-disasters',
      'horizon: 100d',
      'services: [{ name: s, servers: 1, serviceTime: 1s }]',
      'sites: [{ name: a, services: [s], disasters: [{ kind: power, every: 1d, duration: 6h }] }]',
    ].join('\n');
    const s = compile(text);
    const runs = Array.from({ length: 20 }, (_, r) => run(s, r));
    // Each outage is followed by an exponential wait (memoryless), so cycles last every + duration on average.
    expectAgrees(runs, 'site.a.disasters', (100 * 24) / (24 + 6));
    // Every outage that ended lasted its 6 h (one cut off by the horizon counts with its time so far).
    for (const m of runs) expect(m['site.a.rto.max']).toBeCloseTo(6 * H, 6);
  });
});

describe('two sites recovering into each other', () => {
  it('both struck: the second switch is refused instead of sending requests round in a circle', () => {
    const text = drScenario(['load2: x'], { mode: 'hot', disasterAt: '2h', repair: '3h' })
      .replace('\nload2: x', '')
      .replace(
        '    services: [prod-dr]',
        [
          '    services: [prod-dr]',
          '    disasters: [{ kind: power, at: 2h50m, duration: 1h }]',
          '    recovery:',
          '      site: east',
          '      mode: hot',
          '      pairs: [{ service: prod-dr, standby: prod }]',
          '      replication: { lag: 0s }',
          '      failover: [{ name: switch, action: switch, duration: 5m }]',
        ].join('\n'),
      );
    const m = run(compile(text));
    // east is struck at 02:00 (its runbook, ops paged at night, switches at 03:15); west is struck at
    // 02:50 and switches prod-dr's load to the dead prod at 02:55. East's switch would send prod's
    // load back to the dead prod-dr: refused, so east is restored when its power returns at 05:00.
    expect(m['site.east.rto']).toBe(3 * H);
    // West's load sits at prod until prod runs again (no failback runbook): checked every minute.
    expect(m['site.west.rto']).toBeGreaterThanOrEqual(5 * H - (2 * H + 50 * M));
    expect(m['site.west.rto']).toBeLessThanOrEqual(5 * H - (2 * H + 50 * M) + M);
    // East's load never left: nothing reached prod-dr.
    expect(m['service.prod-dr.requests']).toBe(0);
  });
});

describe('validation', () => {
  it('a runbook step naming a team that does not exist is a located error', () => {
    const text = drScenario().replace('{ name: dns, team: net,', '{ name: dns, team: network,');
    expect(errors(text)).toMatch(/dr\.yaml:\d+:\d+ sites\[0\]\.recovery\.failover\[2\]\.team: no team named "network"/);
  });

  it('a recovery site with no capacity is a located error', () => {
    const cold = drScenario([], { mode: 'cold' }).replace("        - { name: bring-up, team: ops, action: bring-up, duration: 20m }\n", '');
    expect(errors(cold)).toMatch(/dr\.yaml:\d+:\d+ sites\[0\]\.recovery\.pairs\[0\]\.standby: the recovery site has no capacity for "prod"/);
    const none = drScenario().replace('pairs: [{ service: prod, standby: prod-dr }]', 'pairs: []');
    expect(errors(none)).toMatch(/sites\[0\]\.recovery\.pairs: the recovery site has no capacity for east/);
  });

  it('a flow-level standby cannot take diverted requests: a located error', () => {
    const text = drScenario().replace("{ name: prod-dr, servers: 4, serviceTime: { dist: exponential, mean: 1s }, timeout: 1m }", "{ name: prod-dr, servers: 4, serviceTime: { dist: exponential, mean: 1s }, fidelity: flow }");
    expect(errors(text)).toMatch(/dr\.yaml:\d+:\d+ sites\[0\]\.recovery\.pairs\[0\]\.standby: "prod-dr" runs at flow fidelity/);
  });

  it("a standby named by another site's plan is a located error (it was priced twice and left with no servers)", () => {
    const plan = (service: string): string[] => [
      '    recovery:',
      '      site: west',
      '      mode: warm',
      '      standing: 50%',
      `      pairs: [{ service: ${service}, standby: dr }]`,
      '      replication: { lag: 0s }',
      '      failover: [{ name: up, action: bring-up, duration: 1h }, { name: switch, action: switch, duration: 0s }]',
    ];
    const text = [
      'name: shared-across',
      'horizon: 10h',
      'load: [{ name: a, service: prod, rate: 1/s }, { name: b, service: prod2, rate: 1/s }]',
      'services:',
      '  - { name: prod, servers: 4, serviceTime: 1s }',
      '  - { name: prod2, servers: 4, serviceTime: 1s }',
      '  - { name: dr, servers: 8, serviceTime: 1s }',
      '  - { name: dr2, servers: 8, serviceTime: 1s }',
      'sites:',
      '  - name: east',
      '    services: [prod]',
      ...plan('prod'),
      '  - name: south',
      '    services: [prod2]',
      ...plan('prod2'),
      '  - name: west',
      '    services: [dr, dr2]',
    ].join('\n');
    const e = errors(text);
    expect(e).toMatch(/dr\.yaml:\d+:\d+ sites\[1\]\.recovery\.pairs\[0\]\.standby: "dr" is already the standby in site "east"'s recovery plan/);
    expect(e).not.toContain('sites[0].recovery');
    // Each site with its own standby is fine.
    const own = text.replace('pairs: [{ service: prod2, standby: dr }]', 'pairs: [{ service: prod2, standby: dr2 }]');
    expect(errors(own)).toBe('');
  });

  it('reports standbys outside the recovery site, unknown sites and steps waiting for later steps, all at once', () => {
    const text = drScenario()
      .replace('standby: prod-dr', 'standby: prod')
      .replace('site: west', 'site: north')
      .replace('{ name: declare, team: ops, duration: 10m }', '{ name: declare, team: ops, duration: 10m, after: [dns] }');
    const e = errors(text);
    expect(e).toContain('sites[0].recovery.site: no site named "north"');
    expect(e).toContain('sites[0].recovery.failover[0].after[0]: "dns" is not an earlier step');
  });
});

describe('what the recovery plan costs (cost.recovery)', () => {
  /** The plan priced: each standby server 4 an hour running, 1 an hour kept in reserve. */
  const priced = (text: string, prices = 'costPerHour: 4, reserveCostPerHour: 1'): Scenario =>
    compile(text.replace('      replication: { lag: 5m }\n', `      replication: { lag: 5m }\n${prices.split(', ').map((p) => `      ${p}\n`).join('')}`));

  it('pays standing servers the running price, the others the reserve price until the bring-up, then the running price', () => {
    // warm: 1 of prod-dr's 4 servers standing (7 an hour: 1 × 4 + 3 × 1) until the bring-up ends at
    // 12:30 (declare 10 min + bring-up 20 min by day), then 4 × 4 = 16 an hour to the end of the day.
    const m = run(priced(drScenario()));
    expect(m['cost.recovery']).toBeCloseTo(7 * 12.5 + 16 * 11.5, 9);
    expect(m['cost.total']).toBeCloseTo(m['cost.staffing']! + m['cost.recovery']!, 9);
  });

  it('a hot site pays every standby server running all day; a cold one pays reserve until its bring-up', () => {
    expect(run(priced(drScenario([], { mode: 'hot' })))['cost.recovery']).toBeCloseTo(16 * 24, 9);
    expect(run(priced(drScenario([], { mode: 'cold' })))['cost.recovery']).toBeCloseTo(4 * 12.5 + 16 * 11.5, 9);
  });

  it('the failback stands the brought-up servers down to the reserve price again', () => {
    // Repaired at 14:00; resync 1 h, net paged 10 min, DNS back 5 min: home at 15:15.
    const m = run(priced(drScenario([], { failback: true, repair: '2h' })));
    expect(m['cost.recovery']).toBeCloseTo(7 * 12.5 + 16 * 2.75 + 7 * 8.75, 9);
  });

  it('a failover called off before its bring-up ends pays the reserve price all day', () => {
    // Power back at 12:25, while the bring-up (12:10–12:30) is in hand: it ends without effect.
    const m = run(priced(drScenario([], { repair: '25m' })));
    expect(m['site.east.rto']).toBe(25 * M);
    expect(m['cost.recovery']).toBeCloseTo(7 * 24, 9);
  });

  it('counts from the end of warm-up only', () => {
    const m = run(priced(`${drScenario()}\nwarmup: 6h`));
    expect(m['cost.recovery']).toBeCloseTo(7 * 6.5 + 16 * 11.5, 9);
  });

  it('is absent when no plan has a price, and pricing changes nothing but the cost metrics', () => {
    const free = run(compile(drScenario()));
    const paid = run(priced(drScenario()));
    expect(free['cost.recovery']).toBeUndefined();
    expect(run(priced(drScenario(), 'costPerHour: 0, reserveCostPerHour: 0'))).toEqual(free);
    expect(paid['cost.total']! - free['cost.total']!).toBeCloseTo(paid['cost.recovery']!, 9);
    const { ['cost.recovery']: _recovery, ['cost.total']: _paidTotal, ...paidRest } = paid;
    const { ['cost.total']: _freeTotal, ...freeRest } = free;
    expect(paidRest).toEqual(freeRest);
  });

  it("dr-failover: the standby servers' running hours, read from their availability, and the rest in reserve", () => {
    // inventory-dr never fails, so its mean available servers × 23 measured hours are the
    // server-hours it ran: 6.25 each, the rest of its 8 × 23 server-hours 1.25 each.
    for (const set of [{}, { 'sites.dc-london.recovery.mode': 'hot', 'sites.dc-london.recovery.standing': '100%' }]) {
      const m = run(load('scenarios/dr-failover.yaml', set));
      const running = m['service.inventory-dr.servers_available.mean']! * 23;
      expect(m['cost.recovery']).toBeCloseTo(6.25 * running + 1.25 * (8 * 23 - running), 6);
      expect(m['cost.total']).toBeCloseTo(m['cost.staffing']! + m['cost.recovery']!, 9);
    }
  });

  describe("the DR contract's fees: feePerMonth pro rata (730 h a month), invocationFee per failover that invokes the plan", () => {
    // 1460 a month is 2 an hour: 48 over the day. Invoking the plan costs 500.
    const fees = 'costPerHour: 4, reserveCostPerHour: 1, feePerMonth: 1460, invocationFee: 500';

    it('a disaster at noon pays the servers as before, the day of subscription and one invocation', () => {
      const m = run(priced(drScenario(), fees));
      expect(m['cost.recovery']).toBeCloseTo(7 * 12.5 + 16 * 11.5 + 48 + 500, 9);
      expect(m['cost.total']).toBeCloseTo(m['cost.staffing']! + m['cost.recovery']!, 9);
    });

    it('a failover called off before a step acts on the recovery site pays no invocation; one called off during its bring-up does', () => {
      // Power back at 12:05, during the declare step (work): nothing was asked of the recovery site.
      expect(run(priced(drScenario([], { repair: '5m' }), fees))['cost.recovery']).toBeCloseTo(7 * 24 + 48, 9);
      // Power back at 12:25, while the bring-up taken up at 12:10 is in hand: the provider was called.
      expect(run(priced(drScenario([], { repair: '25m' }), fees))['cost.recovery']).toBeCloseTo(7 * 24 + 48 + 500, 9);
    });

    it('a runbook of work steps alone invokes the plan at its end, where it moves the load; called off before then, it pays none', () => {
      // Hot: 16 an hour all day. declare (10 min) → promote (20 min, work): the load moves at 12:30.
      const workOnly = (repair?: string): Scenario =>
        priced(
          drScenario([], { mode: 'hot', ...(repair === undefined ? {} : { repair }) }).replace(
            '        - { name: bring-up, team: ops, action: bring-up, duration: 20m }\n        - { name: dns, team: net, action: switch, duration: 5m }',
            '        - { name: promote, team: ops, duration: 20m }',
          ),
          fees,
        );
      const m = run(workOnly());
      expect(m['site.east.rto']).toBe(30 * M);
      expect(m['service.prod-dr.requests']).toBeGreaterThan(0);
      expect(m['cost.recovery']).toBeCloseTo(16 * 24 + 48 + 500, 9);
      // Power back at 12:15, during promote: the load never moved, the provider was never called.
      const off = run(workOnly('15m'));
      expect(off['service.prod-dr.requests']).toBe(0);
      expect(off['cost.recovery']).toBeCloseTo(16 * 24 + 48, 9);
    });

    it('counts from the end of warm-up: a failover invoked in the warm-up pays no invocation, the subscription runs from then', () => {
      // Brought up at 12:30 (taken up at 12:10), measured from 13:00: 11 h at 16 an hour and 2 an hour.
      const m = run(priced(`${drScenario()}\nwarmup: 13h`, fees));
      expect(m['cost.recovery']).toBeCloseTo(16 * 11 + 2 * 11, 9);
    });

    it('pays the invocation once per failover, whatever its number of steps', () => {
      // Two disasters (02:00 for 2 h, noon for 6 h), each failed over and back: two invocations.
      const two = (f: string): Scenario =>
        priced(drScenario([], { failback: true }).replace('disasters: [{ kind: power, at: 12h, duration: 6h }]', 'disasters: [{ kind: power, at: 2h, duration: 2h }, { kind: power, at: 12h, duration: 6h }]'), f);
      const paid = run(two(fees));
      const free = run(two('costPerHour: 4, reserveCostPerHour: 1, feePerMonth: 1460'));
      expect(paid['site.east.disasters']).toBe(2);
      expect(paid['cost.recovery']! - free['cost.recovery']!).toBeCloseTo(2 * 500, 9);
    });

    it('fees alone make a plan priced, and change nothing but the cost metrics', () => {
      const free = run(compile(drScenario()));
      const paid = run(priced(drScenario(), 'feePerMonth: 730, invocationFee: 100'));
      expect(paid['cost.recovery']).toBeCloseTo(24 + 100, 9);
      const { ['cost.recovery']: _recovery, ['cost.total']: _paidTotal, ...paidRest } = paid;
      const { ['cost.total']: _freeTotal, ...freeRest } = free;
      expect(paidRest).toEqual(freeRest);
    });
  });

  it('gives a scenario without sla, teams or incidents a cost.total of its priced recovery plan', () => {
    const text = [
      'name: infra-dr',
      'horizon: 10h',
      'services: [{ name: a, servers: 2, serviceTime: 1s }, { name: b, servers: 2, serviceTime: 1s }]',
      'sites:',
      '  - name: one',
      '    services: [a]',
      '    disasters: [{ kind: power, at: 4h, duration: 1h }]',
      // hot: both standby servers run all the time, 2 × 3 an hour.
      '    recovery: { site: two, mode: hot, costPerHour: 3, pairs: [{ service: a, standby: b }], replication: { lag: 0s }, failover: [{ name: switch, action: switch, duration: 5m }] }',
      '  - name: two',
      '    services: [b]',
    ].join('\n');
    const m = run(compile(text));
    expect(m['cost.recovery']).toBeCloseTo(2 * 3 * 10, 9);
    expect(m['cost.total']).toBe(m['cost.recovery']);
    expect(m['cost.penalties']).toBeUndefined();
  });
});

describe('site metrics in the planner summary', () => {
  it("put recovery time, recovery point, data lost and downtime among the summary's first twelve key metrics of dr-failover", () => {
    const { scenario } = loadScenarioFileOrThrow('scenarios/dr-failover.yaml');
    const { metrics } = metricCatalog(scenario);
    // Every catalogued metric observed once: which twelve the summary shows is then the catalog's choice alone.
    const observed = Object.fromEntries(Object.keys(metrics).map((m) => [m, { n: 1 }]));
    const doc = { metrics, variants: [{ metrics: observed }] } as unknown as Parameters<typeof keyMetrics>[0];
    const shown = keyMetrics(doc, 12);
    for (const m of ['site.dc-london.rto', 'site.dc-london.rpo', 'site.dc-london.transactions_lost', 'site.dc-london.downtime']) expect(shown, m).toContain(m);
  });
});
