/**
 * Problem management against its closed form and its couplings: N servers failing at rate
 * 1/MTBF each are recurrences of one problem; after the permanent fix the recurrence rate is
 * zero, before it the count matches λ·τ (Wald's identity at the stopping time τ = fix time),
 * and the recurrences avoided match λ·(H − τ) (confidence intervals over replications). The
 * known error's workaround shortens later incidents' work; a fix delivered as a change waits
 * for a change window. Bad references are located errors.
 */
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../../src/models/replication.js';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';

const H = 3600;
const DAY = 86_400;

/** 20 servers with exponential failures (MTBF 2 d), auto-repaired in 60 s, watched by a state monitor every 10 s. */
const BASE = `
name: problem-test
seed: 11
horizon: 4d
interval: 1h
services:
  - { name: app, servers: 20, serviceTime: 1s }
failures:
  classes:
    - { class: server, mtbf: 2d, repairTime: 60s, incidentType: server-failure }
teams:
  - { name: ops, tier: L1, headcount: 10 }
incidents:
  types:
    - name: server-failure
      problemKinds: [server-failure]
      path: [{ tier: L1, diagnosis: 10m, fix: 20m }]
monitoring:
  monitors:
    - { name: servers, metric: state, kinds: [server-failure], interval: 10s }
problems:
  - name: bad-batch
    cause: { class: server, service: app }
    threshold: 3
    team: ops
    analysis: 1h
    permanentFix: { after: 1d }
`;

function load(text: string, overrides: Record<string, unknown> = {}): Scenario {
  const r = loadScenarioText(text, { file: 'problem-test.yaml', overrides });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

function meanSe(xs: readonly number[]): { mean: number; se: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(v / n) };
}

describe('problem management: the recurrence rate falls to zero after the permanent fix', () => {
  it('matches λ·τ before the fix, zero after, and λ·(H − τ) avoided (CI over 60 replications)', () => {
    const scenario = load(BASE);
    const servers = 20;
    const mtbf = 2 * DAY;
    const horizon = 4 * DAY;
    // Each server alternates up (exponential, mean MTBF) and down (60 s): rate 1/(MTBF + 60 s) before the fix.
    const lambdaBefore = servers / (mtbf + 60);
    // After the fix the servers never go down, so each would-be failure comes at rate 1/MTBF.
    const lambdaAfter = servers / mtbf;
    const before: number[] = [];
    const avoided: number[] = [];
    for (let rep = 0; rep < 60; rep++) {
      const rec = runReplication(scenario, { seed: '11', replication: rep });
      const m = rec.metrics;
      const tau = m['problems.bad-batch.fixed_at']!;
      expect(tau).toBeGreaterThan(DAY);
      const recurrences = rec.incidents.filter((i) => i.type === 'server-failure');
      // The closed form's zero: no failure of the cause begins once the fix is in place.
      expect(recurrences.filter((i) => i.raisedAt >= tau)).toEqual([]);
      expect(m['failures.server.count']).toBe(recurrences.length);
      expect(m['problems.bad-batch.recurrences']).toBe(recurrences.length);
      // An idle team starts the analysis at once: the known error comes exactly 1 h after opening.
      expect(m['problems.bad-batch.time_to_known_error']).toBe(H);
      expect(m['problems.backlog']).toBe(0);
      before.push(recurrences.length - lambdaBefore * tau);
      avoided.push(m['problems.bad-batch.recurrences_avoided']! - lambdaAfter * (horizon - tau));
    }
    const z = 3;
    const b = meanSe(before);
    const a = meanSe(avoided);
    expect(Math.abs(b.mean)).toBeLessThan(z * b.se);
    expect(Math.abs(a.mean)).toBeLessThan(z * a.se);
    // The test has power: the avoided count is far from zero.
    expect(lambdaAfter * DAY).toBeGreaterThan(z * a.se * 3);
  });

  it('without a permanent fix the problem stays in the backlog and nothing is avoided', () => {
    const rec = runReplication(load(BASE, { 'problems.bad-batch.permanentFix': null }), { seed: '11', replication: 0 });
    expect(rec.metrics['problems.backlog']).toBe(1);
    expect(rec.metrics['problems.bad-batch.recurrences_avoided']).toBe(0);
    expect(rec.metrics['problems.bad-batch.fixed_at']).toBeNaN();
  });
});

describe('known error, workaround and a fix delivered as a change', () => {
  // Operators repair (no auto-repair), so an incident's length is its diagnosis + fix.
  const OPERATORS = BASE.replace('repairTime: 60s,', 'repair: operators,');

  it('after the known error, recurring incidents need the workaround share of their work', () => {
    const rec = runReplication(load(OPERATORS, { 'problems.bad-batch.workaround': 0.25 }), { seed: '11', replication: 2 });
    const incs = rec.incidents.filter((i) => i.type === 'server-failure');
    const knownErrorAt = incs[2]!.detectedAt + rec.metrics['problems.bad-batch.time_to_known_error']!;
    const before = incs.filter((i) => i.detectedAt < knownErrorAt);
    const after = incs.filter((i) => i.detectedAt > knownErrorAt && i.resolvedAt !== null);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(after.length).toBeGreaterThan(0);
    // 10 staff for a handful of incidents: nobody waits, so the time is the work itself.
    for (const i of before) expect(i.resolvedAt! - i.acknowledgedAt!).toBe(1800);
    for (const i of after) expect(i.resolvedAt! - i.acknowledgedAt!).toBe(450);
  });

  it('a fix delivered as a change waits for the nightly change window', () => {
    const text = `${OPERATORS}
changes:
  types:
    - { name: firmware, service: app, failureProbability: 0, fault: { kind: bad-config } }
  windows: [{ start: 22h, length: 4h }]
`.replace('permanentFix: { after: 1d }', 'permanentFix: { after: 1h, change: firmware }');
    const rec = runReplication(load(text), { seed: '11', replication: 0 });
    const fixedAt = rec.metrics['problems.bad-batch.fixed_at']!;
    const hourOfDay = (fixedAt % DAY) / H;
    expect(hourOfDay >= 22 || hourOfDay < 2).toBe(true);
    expect(rec.metrics['changes.implemented']).toBe(1);
    const incs = rec.incidents.filter((i) => i.type === 'server-failure');
    expect(fixedAt).toBeGreaterThanOrEqual(incs[2]!.detectedAt + 2 * H);
    expect(incs.filter((i) => i.raisedAt >= fixedAt)).toEqual([]);
  });
});

describe('bad problem input', () => {
  it('reports an unknown team, incident type, failure class and change type at line:column', () => {
    const bad = BASE.replace(
      /problems:[\s\S]*$/,
      `problems:
  - { name: p1, cause: { class: disk }, team: opps, permanentFix: { change: nope } }
  - { name: p2, cause: { incidentType: server-falure }, team: ops }
  - { name: p3, cause: { service: app }, team: ops }
`,
    );
    const r = loadScenarioText(bad, { file: 'bad.yaml' });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    const lines = bad.split('\n');
    const row = lines.findIndex((l) => l.includes('team: opps'));
    expect(text).toContain(`bad.yaml:${row + 1}:${lines[row]!.indexOf('opps') + 1} problems[0].team: no team named "opps" (did you mean "ops"?)`);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ problems\[0\]\.cause\.class: no failures\.classes entry for "disk"/);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ problems\[0\]\.permanentFix\.change: no change type named "nope"/);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ problems\[1\]\.cause\.incidentType: no incident type named "server-falure"/);
    expect(text).toMatch(/bad\.yaml:\d+:\d+ problems\[2\]\.cause: give "class" or "incidentType"/);
  });
});
