/**
 * The service desk's own inflow and queueing realism against closed forms, as confidence
 * intervals over replications (|mean − theory| < 3·SE): callers who hang up (Erlang A,
 * M/M/c+M), a finite waiting room (Erlang B, M/M/c/K), and user-reported incidents with a
 * priority mix worked by the desk (M/M/c with non-preemptive priorities).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFileOrThrow, loadScenarioText } from '../../../src/scenario/index.js';
import { erlangA, erlangAServiceLevel } from '../../../src/theory/abandonment.js';
import { mmcK } from '../../../src/theory/finite-queue.js';
import { erlangB, erlangC } from '../../../src/theory/queueing.js';
import { expectAgrees, replicate } from '../helpers.js';

const DESK = 'scenarios/service-desk-staffing.yaml';
// 100 calls per 30 min, 180 s handle time: 10 erlangs.
const LAMBDA = 100 / 1800;
const MU = 1 / 180;

function desk(overrides: Record<string, unknown>): ReturnType<typeof loadScenarioFileOrThrow>['scenario'] {
  return loadScenarioFileOrThrow(DESK, { overrides: { warmup: '2h', ...overrides } }).scenario;
}

describe('callers who hang up: Erlang A (M/M/c+M)', () => {
  it('9 agents for 10 erlangs (overloaded without abandonment): abandonment, waits and service level match Erlang A', () => {
    const theta = 1 / 300;
    const s = desk({ 'teams.service-desk.headcount': 9, 'requests.calls.patience': { dist: 'exponential', mean: '5m' }, horizon: '42h' });
    const runs = replicate(s, 12, 'erlang-a');
    const m = erlangA(9, LAMBDA, MU, theta);
    expect(m.abandonProbability).toBeGreaterThan(0.1);
    expectAgrees(runs, 'requests.calls.abandoned_fraction', m.abandonProbability);
    expectAgrees(runs, 'requests.calls.wait.mean', m.meanWaitServed);
    expectAgrees(runs, 'requests.calls.wait_probability', m.waitProbability);
    expectAgrees(runs, 'requests.calls.service_level', erlangAServiceLevel(9, LAMBDA, MU, theta, 20));
    for (const r of runs) expect(r['requests.calls.abandoned']).toBeGreaterThan(0);
  });

  it('without patience or a queue limit the new metrics are absent (the class runs as before)', () => {
    const r = replicate(desk({ horizon: '3h' }), 1)[0]!;
    for (const k of ['abandoned', 'abandoned_fraction', 'blocked', 'blocked_fraction', 'wait_probability']) expect(r[`requests.calls.${k}`], k).toBeUndefined();
  });
});

describe('a finite waiting room: Erlang B and M/M/c/K', () => {
  it('queueCapacity 0 is a loss system: the blocked fraction is Erlang B and nobody waits', () => {
    const s = desk({ 'teams.service-desk.headcount': 12, 'requests.calls.queueCapacity': 0, horizon: '42h' });
    const runs = replicate(s, 12, 'erlang-b');
    expectAgrees(runs, 'requests.calls.blocked_fraction', erlangB(12, 10));
    for (const r of runs) {
      expect(r['requests.calls.wait.mean']).toBe(0);
      expect(r['requests.calls.wait_probability']).toBe(0);
    }
  });

  it('queueCapacity 4 with 11 agents is M/M/11/15: blocking, the wait of admitted calls and P(wait)', () => {
    const s = desk({ 'teams.service-desk.headcount': 11, 'requests.calls.queueCapacity': 4, horizon: '42h' });
    const runs = replicate(s, 12, 'mmck');
    const m = mmcK(11, 15, LAMBDA, MU);
    expectAgrees(runs, 'requests.calls.blocked_fraction', m.blocking);
    expectAgrees(runs, 'requests.calls.wait.mean', m.meanWait);
    expectAgrees(runs, 'requests.calls.wait_probability', m.waitProbability);
  });
});

const REPORTED = `
name: reported
horizon: 400h
warmup: 20h
teams:
  - { name: desk, tier: L1, headcount: 3 }
incidents:
  types:
    - name: user-issue
      impact: moderate
      urgency: medium
      path: [{ tier: L1, diagnosis: 0s, fix: { dist: exponential, mean: 20m } }]
  reported:
    - name: users
      rate: 6/h
      priorities: { P1: 0.1, P2: 0.2, P3: 0.3, P4: 0.4 }
`;

describe('user-reported incidents', () => {
  it('feed the desk with their priority mix; acknowledgement waits follow M/M/c with non-preemptive priorities', () => {
    const r = loadScenarioText(REPORTED, { file: 'reported.yaml' });
    if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
    const runs = replicate(r.scenario, 10, 'reported');
    // 6/h, 20 min each, 3 agents: a = 2, ρ = 2/3. Identical exponential work, so the M/M/c
    // priority formula holds: Wq_k = C(c, a)/(cμ) / ((1 − σ_{k−1})(1 − σ_k)), σ_k = Σ_{i≤k} λ_i/(cμ)
    // (Gross, Shortle, Thompson & Harris 2008, §3.4).
    const lambda = 6 / 3600;
    const mu = 1 / 1200;
    const mix = [0.1, 0.2, 0.3, 0.4];
    const base = erlangC(3, lambda / mu) / (3 * mu);
    let sigma = 0;
    mix.forEach((share, k) => {
      const before = sigma;
      sigma += (share * lambda) / (3 * mu);
      expectAgrees(runs, `incidents.P${k + 1}.mtta`, base / ((1 - before) * (1 - sigma)));
    });
    // The shares of the mix: P1 count over all, against 0.1.
    const shares = runs.map((m) => m['incidents.P1.count']! / m['incidents.reported.users.arrived']!);
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(Math.abs(mean - 0.1)).toBeLessThan(0.01);
    for (const m of runs) expect(m['incidents.P1.count']! + m['incidents.P2.count']! + m['incidents.P3.count']! + m['incidents.P4.count']!).toBe(m['incidents.reported.users.arrived']);
  });

  it('without a mix they take the type\'s impact × urgency; a stream of its own does not shift another\'s draws', () => {
    const two = REPORTED.replace('      priorities: { P1: 0.1, P2: 0.2, P3: 0.3, P4: 0.4 }\n', '') + '    - { name: portal, rate: 2/h }\n';
    const one = loadScenarioText(REPORTED.replace('      priorities: { P1: 0.1, P2: 0.2, P3: 0.3, P4: 0.4 }\n', ''), { file: 'a.yaml', overrides: { horizon: '50h' } });
    const both = loadScenarioText(two, { file: 'b.yaml', overrides: { horizon: '50h' } });
    if (!one.ok || !both.ok) throw new Error('scenarios do not load');
    const a = replicate(one.scenario, 1, 'streams')[0]!;
    const b = replicate(both.scenario, 1, 'streams')[0]!;
    // moderate × medium = P3 for every one of them.
    expect(a['incidents.P3.count']).toBe(a['incidents.reported.users.arrived']);
    expect(a['incidents.P1.count']).toBe(0);
    // The users stream arrives at the same times whether or not the portal stream exists.
    expect(b['incidents.reported.users.arrived']).toBe(a['incidents.reported.users.arrived']);
    expect(b['incidents.reported.portal.arrived']).toBeGreaterThan(0);
  });

  it('bad input: an unknown type, a mix that does not sum to 1 and a repeated name are located errors', () => {
    const bad = REPORTED.replace('rate: 6/h', 'rate: 6/h\n      type: nope').replace('P4: 0.4', 'P4: 0.3') + '    - { name: users, rate: 1/h }\n';
    const r = loadScenarioText(bad, { file: 'bad.yaml' });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    expect(text).toMatch(/bad\.yaml:\d+:\d+ incidents\.reported\[0\]\.type: no incident type named "nope"/);
    expect(text).toMatch(/incidents\.reported\[0\]\.priorities: the shares must sum to 1 \(100 %\), got 90 %/);
    expect(text).toMatch(/incidents\.reported\[1\]\.name: the stream name "users" is used twice/);
  });
});

describe('a reported stream without a type', () => {
  const TWO_TYPES = REPORTED.replace(
    '  reported:\n',
    '    - name: outage\n      impact: extensive\n      urgency: critical\n      path: [{ tier: L1, diagnosis: 0s, fix: 4h }]\n  reported:\n',
  );
  it('is an error when several types are declared and no defaultType says which works it', () => {
    const r = loadScenarioText(TWO_TYPES, { file: 'two.yaml' });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    expect(text).toMatch(/two\.yaml:\d+:\d+ incidents\.reported\[0\]: names no "type" and 2 incident types are declared: every incident of the stream would be worked as the first, "user-issue"/);
  });
  it('loads when incidents.defaultType or the stream\'s own type says which type works it', () => {
    const dflt = loadScenarioText(TWO_TYPES.replace('incidents:\n', 'incidents:\n  defaultType: outage\n'), { file: 'dflt.yaml' });
    const typed = loadScenarioText(TWO_TYPES.replace('rate: 6/h', 'rate: 6/h\n      type: outage'), { file: 'typed.yaml' });
    expect(dflt.ok ? [] : dflt.errors).toEqual([]);
    expect(typed.ok ? [] : typed.errors).toEqual([]);
  });
});

describe('scenarios/service-desk-callers.yaml', () => {
  it('its header\'s figures are Erlang A\'s and M/M/c/K\'s', () => {
    const header = readFileSync('scenarios/service-desk-callers.yaml', 'utf8');
    const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
    const theta = 1 / 120;
    expect(header).toContain(`12 agents answer ${pct(erlangAServiceLevel(12, LAMBDA, MU, theta, 20))} of all calls within 20 s`);
    expect(header).toContain(`but ${pct(erlangA(12, LAMBDA, MU, theta).abandonProbability)} of callers hang up`);
    expect(header).toContain(`(${pct(erlangA(13, LAMBDA, MU, theta).abandonProbability)})`);
    expect(erlangA(13, LAMBDA, MU, theta).abandonProbability).toBeLessThan(0.05);
    expect(header).toContain(`13 agents turn away ${pct(mmcK(13, 16, LAMBDA, MU).blocking)} of calls`);
  });
});

