/**
 * The service-desk scenario against Erlang C: 100 calls per 30 min, 180 s handle time =
 * 10 erlangs. 14 agents answer ≈ 88.8 % within 20 s; 13 agents fall short of 80 % (79.6 %).
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFileOrThrow } from '../../../src/scenario/index.js';
import { runReplication } from '../../../src/models/replication.js';
import { erlangCServiceLevel } from '../../../src/theory/queueing.js';
import { meanCi } from '../theory.js';

const FILE = 'scenarios/service-desk-staffing.yaml';

function serviceLevels(agents: number, replications: number, horizon: string): number[] {
  const { scenario } = loadScenarioFileOrThrow(FILE, { overrides: { 'teams.service-desk.headcount': agents, horizon } });
  const out: number[] = [];
  for (let r = 0; r < replications; r++) {
    const rec = runReplication(scenario, { seed: 'service-desk', replication: r });
    out.push(rec.metrics['requests.calls.service_level']!);
  }
  return out;
}

describe('service-desk-staffing against Erlang C', () => {
  it('14 agents: the simulated service level agrees with Erlang C (≈ 88.8 %)', () => {
    const theory = erlangCServiceLevel(14, 10, 20, 180);
    expect(theory).toBeCloseTo(0.888, 3);
    const ci = meanCi(serviceLevels(14, 20, '25h'));
    expect(Math.abs(ci.mean - theory)).toBeLessThan(3 * ci.se);
    expect(ci.se).toBeLessThan(0.01);
  });

  // 79.6 % is close to 80 %: about 30 × 1000 simulated hours are needed for the interval to clear it.
  it('13 agents fall short of 80 %: the whole interval lies below 0.8', () => {
    const theory = erlangCServiceLevel(13, 10, 20, 180);
    expect(theory).toBeLessThan(0.8);
    const ci = meanCi(serviceLevels(13, 30, '1001h'));
    expect(Math.abs(ci.mean - theory)).toBeLessThan(3 * ci.se);
    expect(ci.hi).toBeLessThan(0.8);
  });

  it('the service level is over every offered call: calls still waiting past the target count as misses', () => {
    // One agent, each call takes 100 h: the first call is answered at once, every later one
    // waits past 20 s (still waiting at the horizon), so the service level is 1 / offered.
    const overrides = { 'teams.service-desk.headcount': 1, 'requests.calls.handleTime': '100h', 'requests.calls.rate': '2/h', horizon: '10h', warmup: 0 };
    const { scenario } = loadScenarioFileOrThrow(FILE, { overrides });
    for (let r = 0; r < 5; r++) {
      const m = runReplication(scenario, { seed: 'service-desk-overload', replication: r }).metrics;
      const offered = m['requests.calls.arrived']!;
      expect(offered).toBeGreaterThan(5);
      expect(m['requests.calls.answered']).toBe(1);
      // A call arriving in the last 20 s is still inside its target: undecided, left out.
      expect(m['requests.calls.service_level']).toBeGreaterThanOrEqual(1 / offered);
      expect(m['requests.calls.service_level']).toBeLessThanOrEqual(1 / (offered - 1));
    }
  });
});
