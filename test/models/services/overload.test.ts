/**
 * Overload warnings: a service or team offered at least the work it can do is told, with the
 * figures, at validate and run; it stays valid (overload can be the question). Shipped
 * scenarios raise none (no false alarms).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFile } from '../../../src/scenario/index.js';
import { overloadWarnings, serviceOverloads } from '../../../src/models/services/overload.js';
import { meanOnDuty, teamOverloadWarnings } from '../../../src/models/staffing/overload.js';
import { locatedScenarioWarnings, scenarioWarnings } from '../../../src/models/warnings.js';
import type { Scenario } from '../../../src/scenario/schema/index.js';
import { cli, ROOT } from '../../experiment/helpers.js';
import { runReplication } from '../../../src/models/replication.js';
import { mean, sampleStandardDeviation } from 'simple-statistics';

function write(lines: string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'opsim-overload-')), 'f.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function load(lines: string[]): { file: string; scenario: Scenario } {
  const file = write(lines);
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return { file, scenario: r.scenario };
}

const mmc = (rate: string, servers: number, extra = ''): string[] => [
  'name: mmc',
  'horizon: 2d',
  `load: [{ name: customers, service: station, rate: ${rate} }]`,
  `services: [{ name: station, servers: ${servers}, serviceTime: { dist: exponential, mean: 1s }${extra} }]`,
];

describe('service overload warnings', () => {
  it('ρ = 2 over the whole horizon: located at the servers, with offered load, capacity and ρ', () => {
    const { file, scenario } = load(mmc('20/s', 10));
    const w = locatedScenarioWarnings(file, scenario).map(formatScenarioError);
    expect(w).toEqual([
      `${file}:4:29 services[0].servers: warning: "station" is overloaded over the whole horizon: offered 20/s on average against a capacity of 10/s with every server up (ρ = 2.00): queues grow without bound`,
    ]);
  });

  it('warns at ρ = 1 exactly (9/s on 9 servers of 1 s), not at ρ = 0.9', () => {
    expect(overloadWarnings(load(mmc('9/s', 9)).scenario)[0]?.message).toMatch(/offered 9\/s on average against a capacity of 9\/s .*\(ρ = 1\.00\)/);
    expect(overloadWarnings(load(mmc('9/s', 10)).scenario)).toEqual([]);
  });

  it('counts speed and concurrency in the capacity', () => {
    // 4 servers × concurrency 2 × speed 1.5 ÷ 1 s = 12/s.
    const f = serviceOverloads(load(mmc('11/s', 4, ', concurrency: 2, speed: [1.5, 1.5, 1.5, 1.5]')).scenario)[0]!;
    expect(f.capacity).toBeCloseTo(12, 12);
    expect(overloadWarnings(load(mmc('12/s', 4, ', concurrency: 2, speed: [1.5, 1.5, 1.5, 1.5]')).scenario)).toHaveLength(1);
  });

  it('at the load\'s peak: when, how long, and the horizon\'s mean ρ beside it', () => {
    const daily = Array.from({ length: 24 }, (_, h) => (h === 17 ? 3 : 1)).join(', ');
    const { scenario } = load(['name: peak', 'horizon: 2d', `load: [{ name: c, service: s, rate: 5/s, daily: [${daily}] }]`, 'services: [{ name: s, servers: 10, serviceTime: 1s }]']);
    const w = overloadWarnings(scenario);
    expect(w).toHaveLength(1);
    // Peak 15/s at 17:00 each day (1 h of each of the 2 days); mean (23 × 5 + 15) ÷ 24 = 5.42/s.
    expect(w[0]!.message).toBe('"s" is overloaded at its peak: offered 15/s from day 1 17:00 against a capacity of 10/s with every server up (ρ = 1.50; 0.54 over the horizon) for 2 h of the 2 d: queues build for as long as it lasts');
  });

  it('behind a balancer with fixed weights, the busiest backend decides; least-connections pools the servers', () => {
    const lb = (policy: string): string[] => ['name: lb', 'horizon: 1h', 'load: [{ name: c, service: s, rate: 2/s }]', `services: [{ name: s, servers: 4, serviceTime: 1s, balancer: { policy: ${policy}, weights: [70, 10, 10, 10] } }]`];
    const w = overloadWarnings(load(lb('weighted')).scenario);
    // Backend 0 takes 70 % of 2/s = 1.4/s against its 1/s: full at 1/0.7 = 1.43/s offered.
    expect(w[0]!.message).toMatch(/offered 2\/s on average against a capacity of 1\.43\/s with every server up \(where backend 0, sent 70 % by the balancer's weights, is full\) \(ρ = 1\.40\)/);
    expect(overloadWarnings(load(lb('least-connections')).scenario)).toEqual([]);
  });

  it('a finite queue or a timeout loses requests instead of queueing them: at least 1 − 1/ρ', () => {
    expect(overloadWarnings(load(mmc('20/s', 10, ', queueCapacity: 5')).scenario)[0]!.message).toMatch(/\(ρ = 2\.00\): at least 50 % of requests cannot be served \(blocked\)$/);
    expect(overloadWarnings(load(mmc('40/s', 10, ', timeout: 30s')).scenario)[0]!.message).toMatch(/at least 75 % of requests cannot be served \(timed out\)$/);
  });

  it('counts the calls of a caller that loses none, and not those of one with a timeout', () => {
    const chain = (web: string): string[] => ['name: chain', 'horizon: 1h', 'load: [{ name: c, service: web, rate: 8/s }]', 'services:', `  - { name: web, servers: 10, serviceTime: 1s, downstream: db${web} }`, '  - { name: db, servers: 2, serviceTime: 500ms }'];
    const w = overloadWarnings(load(chain('')).scenario);
    expect(w.map((x) => x.path)).toEqual([['services', 1, 'servers']]);
    expect(w[0]!.message).toMatch(/"db" is overloaded over the whole horizon: offered 8\/s on average, calls from web included against a capacity of 4\/s .*\(ρ = 2\.00\)/);
    expect(overloadWarnings(load(chain(', timeout: 5s')).scenario)).toEqual([]);
  });
});

describe('team overload warnings', () => {
  const desk = (team: string, extra = ''): string[] => [
    'name: desk',
    'horizon: 1d',
    `teams: [{ name: desk, tier: service-desk, ${team} }]`,
    `requests: [{ name: calls, team: desk, rate: 2/min, handleTime: { dist: exponential, mean: 3m }${extra} }]`,
  ];

  it('6 erlangs of calls against 5 operators: located at the headcount', () => {
    const w = teamOverloadWarnings(load(desk('headcount: 5')).scenario);
    expect(w).toEqual([
      {
        path: ['teams', 0, 'headcount'],
        message: 'team "desk" is overloaded over the whole horizon: its service requests and scheduled work alone keep 6 operators busy on average (requests calls: 2/min × 3 min = 6) against 5 on duty on average after shrinkage (ρ = 1.20): the backlog grows without bound; incidents add to it',
      },
    ]);
    expect(teamOverloadWarnings(load(desk('headcount: 7')).scenario)).toEqual([]);
  });

  it('after shrinkage (⌊7 × 0.7⌋ = 4) and with callers who hang up', () => {
    const w = teamOverloadWarnings(load(desk('headcount: 7, shrinkage: 30%', ', patience: 1m')).scenario);
    expect(w[0]!.message).toMatch(/against 4 on duty .*\(ρ = 1\.50\): at least 33 % of the requests cannot be answered \(abandoned or blocked\); incidents add to it$/);
  });

  it('counts scheduled work: an hour-long job every hour keeps one operator busy', () => {
    const job = (every: string): string[] => ['name: jobs', 'horizon: 1d', 'teams: [{ name: ops, headcount: 1 }]', `scheduledWork: [{ name: sweep, team: ops, at: 0, every: ${every}, duration: 1h }]`];
    expect(teamOverloadWarnings(load(job('1h')).scenario)[0]!.message).toMatch(/keep 1 operator busy on average \(scheduled work sweep: 24 × 1 h in 1 d = 1\) against 1 on duty .*\(ρ = 1\.00\)/);
    expect(teamOverloadWarnings(load(job('2h')).scenario)).toEqual([]);
  });

  it('averages a roster over the horizon: 8 operators for 12 of 24 hours is 4', () => {
    const { scenario } = load(desk('roster: { shifts: [{ name: day, start: 7h, length: 12h, headcount: 8 }] }'));
    expect(meanOnDuty(scenario.teams![0]!, scenario.horizon)).toBe(4);
    expect(teamOverloadWarnings(scenario)[0]!.path).toEqual(['teams', 0, 'roster']);
  });
});

describe('overload warnings at validate and run', () => {
  it('opsim validate: valid (exit 0), the warning located on stderr', async () => {
    const r = await cli(['validate', 'scenarios/mmc-validation.yaml', '--set', 'load.customers.rate=20/s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid/);
    expect(r.stderr).toMatch(/^scenarios\/mmc-validation\.yaml:11:\d+ services\[0\]\.servers: warning: "station" is overloaded over the whole horizon: offered 20\/s on average against a capacity of 10\/s with every server up \(ρ = 2\.00\): queues grow without bound$/m);
  }, 30_000);

  it('opsim run: the same warning before the run, which still runs (exit 0)', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'opsim-overload-run-'));
    const r = await cli(['run', 'scenarios/mmc-validation.yaml', '--set', 'load.customers.rate=20/s', '-r', '1', '--horizon', '2h', '--quiet', '--no-report', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^scenarios\/mmc-validation\.yaml:11:\d+ services\[0\]\.servers: warning: "station" is overloaded over the whole horizon: offered 20\/s .*\(ρ = 2\.00\): queues grow without bound$/m);
  }, 60_000);

  it('no shipped scenario raises one (no false alarms)', () => {
    const dir = path.join(ROOT, 'scenarios');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const r = loadScenarioFile(path.join(dir, f));
      expect(r.ok, f).toBe(true);
      if (r.ok) expect(scenarioWarnings(r.scenario).map((w) => w.message), f).toEqual([]);
    }
  });
});

describe('team overload warnings count user-reported incidents (a lower bound of their work)', () => {
  // 6/h reported incidents of one type: L1 diagnoses (10 min) and fixes 60 % (20 min), else escalates to L2 (30 min + 1 h).
  // L1's work: 6/h × (10 min + 0.6 × 20 min) = 2.2 operators; L2's: 6/h × 0.4 × 1.5 h = 3.6.
  const desk = (l1: string, l2: string, step1 = '', more = ''): string[] => [
    'name: reported-work',
    'horizon: 2d',
    'warmup: 6h',
    'teams:',
    `  - { name: first, tier: L1, ${l1} }`,
    `  - { name: second, tier: L2, ${l2} }`,
    ...(more === '' ? [] : [more]),
    'incidents:',
    '  types:',
    `    - { name: app, path: [{ tier: L1, diagnosis: 10m, fix: 20m, resolveProbability: 0.6${step1} }, { tier: L2, diagnosis: 30m, fix: 1h }] }`,
    '  reported: [{ name: users, rate: 6/h }]',
  ];

  it("each tier's expected work, where the team is the only one serving it", () => {
    const w = teamOverloadWarnings(load(desk('headcount: 2', 'headcount: 3')).scenario);
    expect(w.map((x) => x.path)).toEqual([
      ['teams', 0, 'headcount'],
      ['teams', 1, 'headcount'],
    ]);
    expect(w[0]!.message).toBe(
      'team "first" is overloaded over the whole horizon: its reported incidents alone keep 2.2 operators busy on average (incidents reported users: 6/h × 22 min = 2.2) against 2 on duty on average after shrinkage (ρ = 1.10): the backlog grows without bound; incidents monitoring raises add to it',
    );
    expect(w[1]!.message).toMatch(/keep 3\.6 operators busy on average \(incidents reported users: 6\/h × 36 min = 3\.6\) against 3 on duty .*\(ρ = 1\.20\)/);
    expect(teamOverloadWarnings(load(desk('headcount: 3', 'headcount: 4')).scenario)).toEqual([]);
  });

  it('counts nothing where the work can be cut short or shared', () => {
    // An escalation time-out on L1 may hand an incident on before any work: L1 counts nothing, L2 still at least 40 %.
    const timed = teamOverloadWarnings(load(desk('headcount: 1', 'headcount: 3', ', escalateAfter: 15m')).scenario);
    expect(timed.map((x) => x.path)).toEqual([['teams', 1, 'headcount']]);
    // Two teams at L1 share its work as they are free: counted for neither.
    const shared = teamOverloadWarnings(load(desk('headcount: 1', 'headcount: 3', '', '  - { name: other, tier: L1, headcount: 1 }')).scenario);
    expect(shared.map((x) => x.path)).toEqual([['teams', 1, 'headcount']]);
  });

  it('a problem workaround shrinks the bound: the smallest workaround scales it', () => {
    const lines = desk('headcount: 2', 'headcount: 3');
    lines.push('problems: [{ name: flaky, cause: { incidentType: app }, team: second, workaround: 0.5 }]');
    const r = loadScenarioFile(write(lines));
    if (!r.ok) return expect.fail(r.errors.map(formatScenarioError).join('\n'));
    expect(teamOverloadWarnings(r.scenario)).toEqual([]);
  });

  it('the bound is the work the operators then do (no time-outs, one team per tier): mean busy operators over 10 replications', () => {
    const { scenario } = load(desk('headcount: 12', 'headcount: 12'));
    for (const [team, theory] of [['first', 2.2], ['second', 3.6]] as const) {
      const busy = Array.from({ length: 10 }, (_, i) => runReplication(scenario, { seed: 'reported-work', replication: i }).metrics[`staffing.${team}.utilisation`]! * 12);
      const m = mean(busy);
      const se = sampleStandardDeviation(busy) / Math.sqrt(busy.length);
      expect(Math.abs(m - theory), `${team}: mean busy ${m} ± ${se} against ${theory}`).toBeLessThan(3 * se);
    }
  });
});
