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

describe('flow level under server failures (the failure-targets port)', () => {
  it('the same failures take the same servers away at both fidelities; work in service on them fails', () => {
    const s = (fidelity: 'request' | 'flow') =>
      loadScenarioFileOrThrow('scenarios/mmc-validation.yaml', {
        overrides: {
          fidelity,
          horizon: '1d',
          'services.station.timeout': '1m',
          failures: { classes: [{ class: 'server', afr: 30, repairTime: { dist: 'exponential', mean: '1h' } }] },
        },
      }).scenario;
    const flow = runReplication(s('flow'), { seed: '5', replication: 0 }).metrics;
    const req = runReplication(s('request'), { seed: '5', replication: 0 }).metrics;
    // AFR 30 (3000 %/yr) ≈ one failure per server every 12 days: about one a day across 10 servers.
    expect(flow['failures.server.count']).toBeGreaterThan(0);
    expect(flow['failures.server.count']).toBe(req['failures.server.count']);
    expect(flow['service.station.servers_available.mean']).toBeCloseTo(req['service.station.servers_available.mean']!, 9);
    expect(flow['service.station.servers_available.mean']).toBeLessThan(10);
    // Requests in service on a server when it fails are lost at both levels.
    expect(flow['service.station.failed_fraction']).toBeGreaterThan(0);
  });
});
