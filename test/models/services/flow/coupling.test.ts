/**
 * The coupling at flow level, on GlobalMart (seed 2024, replication 0): the misweighted
 * backends' latency is read by the p95 monitor from the flow state, the incident it raises is
 * worked by the rostered operators and their fix restores the weights, and the flow follows
 * — the same detection and resolution times as request level on the same streams — while
 * the extra load heats the hall through power.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFileOrThrow } from '../../../../src/scenario/index.js';
import { runReplication } from '../../../../src/models/replication.js';

const run = (fidelity: 'request' | 'flow') => runReplication(loadScenarioFileOrThrow('scenarios/globalmart-peak.yaml', { overrides: { fidelity } }).scenario, { seed: '2024', replication: 0 });

describe('flow level keeps the coupling', () => {
  it('GlobalMart: the misweight is detected from flow latency, fixed by operators, and the service recovers', () => {
    const flow = run('flow');
    const req = run('request');
    const lb = (r: typeof flow) => r.incidents.find((i) => i.cause === 'lb-misweight')!;
    expect(lb(flow).detectedAt).toBe(lb(req).detectedAt);
    expect(lb(flow).resolvedAt).toBe(lb(req).resolvedAt);
    const { columns, rows } = flow.series;
    const p95 = columns.indexOf('inventory.response_time.p95');
    const util = columns.indexOf('inventory.utilisation');
    const at = (t: number) => rows.find((r) => r[0]! <= t && t < r[0]! + 900)!;
    // During the misweight (17:30 + detection) the 15-min p95 is past the 2-s objective; an
    // hour after the fix it is back under 1 s.
    expect(at(lb(flow).detectedAt + 60)[p95]!).toBeGreaterThan(2);
    expect(at(lb(flow).resolvedAt! + 3600)[p95]!).toBeLessThan(1);
    // Utilisation follows the daily load: the busy peak hour against the night.
    expect(at(17.5 * 3600)[util]!).toBeGreaterThan(2 * at(3 * 3600)[util]!);
    // The hall's peak temperature is driven by the same power as at request level.
    expect(flow.metrics['room.hall-a.temperature.max']).toBeCloseTo(req.metrics['room.hall-a.temperature.max']!, 0);
  });
});
