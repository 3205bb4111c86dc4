/**
 * The analytic warm start when callers hang up: a search over a desk whose requests have a
 * `patience` starts from Erlang A (M/M/c+M), not Erlang C, for a service-level constraint and
 * for a bound on the abandoned fraction; and the simulation agrees with the start it gets.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFileOrThrow } from '../../src/scenario/index.js';
import { warmStart } from '../../src/search/warm-start.js';
import type { ConstraintTest } from '../../src/search/certify.js';
import type { Variable } from '../../src/search/space.js';
import { erlangA, erlangAAbandonAgents, erlangAAgents } from '../../src/theory/abandonment.js';
import { erlangCAgents } from '../../src/theory/staffing.js';
import { meanSe, replicate } from '../models/helpers.js';

const DESK = 'scenarios/service-desk-staffing.yaml';
const LAMBDA = 100 / 1800;
const MU = 1 / 180;

const agents: Variable = { path: 'teams.service-desk.headcount', label: 'agents', values: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], costs: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], priceNote: 'test' };

const mean = (metric: string, sense: 'atLeast' | 'atMost', threshold: number): ConstraintTest => ({ kind: 'mean', name: metric, metric, sense, threshold, tolerance: 0.005 });

function desk(overrides: Record<string, unknown> = {}): ReturnType<typeof loadScenarioFileOrThrow>['scenario'] {
  return loadScenarioFileOrThrow(DESK, { overrides }).scenario;
}

describe('warm start from Erlang A when callers hang up', () => {
  it('without patience the start is Erlang C (14 agents for 80 % within 20 s)', () => {
    const { point, notes } = warmStart([agents], desk(), [mean('requests.calls.service_level', 'atLeast', 0.8)]);
    expect(agents.values[point[0]!]).toBe(14);
    expect(notes[0]!.method).toMatch(/^Erlang C on the lagged arrival rate/);
  });

  it('with a 2-minute mean patience the service-level start is Erlang A\'s, and fewer agents than Erlang C', () => {
    const s = desk({ 'requests.calls.patience': { dist: 'exponential', mean: '2m' } });
    const { point, notes } = warmStart([agents], s, [mean('requests.calls.service_level', 'atLeast', 0.8)]);
    const want = erlangAAgents(LAMBDA, MU, 1 / 120, 20, 0.8);
    expect(want).toBeLessThan(erlangCAgents(10, 180, 20, 0.8));
    expect(notes[0]).toMatchObject({ analytic: want, start: want });
    expect(agents.values[point[0]!]).toBe(want);
    expect(notes[0]!.method).toMatch(/^Erlang A \(M\/M\/c\+M, mean patience 120 s\)/);
  });

  it('a bound on the abandoned fraction starts from Erlang A, and the simulation at that start meets it', () => {
    const s = desk({ 'requests.calls.patience': { dist: 'exponential', mean: '5m' }, horizon: '42h', warmup: '2h' });
    const { point, notes } = warmStart([agents], s, [mean('requests.calls.abandoned_fraction', 'atMost', 0.03)]);
    const c = erlangAAbandonAgents(LAMBDA, MU, 1 / 300, 0.03);
    expect(notes[0]).toMatchObject({ analytic: c, start: c });
    expect(point[0]).toBe(agents.values.indexOf(c));
    expect(notes[0]!.method).toContain('abandoned fraction ≤ 0.03');
    // The simulated abandoned fraction at the start agrees with Erlang A (3·SE) and is under the bound.
    const runs = replicate(desk({ 'requests.calls.patience': { dist: 'exponential', mean: '5m' }, horizon: '42h', warmup: '2h', 'teams.service-desk.headcount': c }), 10, 'warm-start');
    const r = meanSe(runs, 'requests.calls.abandoned_fraction');
    const theory = erlangA(c, LAMBDA, MU, 1 / 300).abandonProbability;
    expect(Math.abs(r.mean - theory)).toBeLessThan(3 * r.se);
    expect(theory).toBeLessThanOrEqual(0.03);
  });
});
