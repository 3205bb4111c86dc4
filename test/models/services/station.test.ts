/**
 * The plain queueing station against queueing theory, through the whole path: scenario
 * file → loadScenarioFile → runReplication → metrics. Confidence-interval tests over
 * independent replications: |mean − theory| < 3·SE.
 */
import { describe, expect, it } from 'vitest';
import { erlangC } from '../../../src/theory/queueing.js';
import { expectAgrees, load, replicate, scenario } from '../helpers.js';

describe('M/M/c station (scenarios/mmc-validation.yaml)', () => {
  it('matches Erlang C: response time, wait, utilisation, queue length', () => {
    const s = load('scenarios/mmc-validation.yaml', { horizon: '3h', warmup: '10m' });
    const runs = replicate(s, 10);
    const lambda = 9;
    const c = 10;
    const pw = erlangC(c, lambda);
    const wq = pw / (c - lambda);
    expect(pw).toBeCloseTo(0.6687, 3);
    expectAgrees(runs, 'service.station.response_time.mean', 1 + wq);
    expectAgrees(runs, 'service.station.wait.mean', wq);
    expectAgrees(runs, 'service.station.utilisation', 0.9);
    expectAgrees(runs, 'service.station.queue_length.mean', lambda * wq);
    expectAgrees(runs, 'service.station.throughput', lambda);
    for (const m of runs) expect(m['service.station.failed_fraction']).toBe(0);
  });

  it('M/M/1 with two non-preemptive priority classes matches Cobham\'s formula', () => {
    // λ1 = 0.3 (priority 0), λ2 = 0.5 (priority 1), exponential service, μ = 1:
    // W0 = Σ λ·E[S²]/2 = 0.8; Wq1 = W0/(1 − ρ1); Wq2 = W0/((1 − ρ1)(1 − ρ1 − ρ2)).
    const s = scenario({
      name: 'priority',
      horizon: 20000,
      warmup: 1000,
      load: [
        { name: 'gold', service: 'desk', rate: 0.3, priority: 0 },
        { name: 'bronze', service: 'desk', rate: 0.5, priority: 1 },
      ],
      services: [{ name: 'desk', servers: 1, serviceTime: { dist: 'exponential', mean: 1 } }],
    });
    const runs = replicate(s, 16);
    expectAgrees(runs, 'service.desk.class.gold.response_time.mean', 1 + 0.8 / 0.7);
    expectAgrees(runs, 'service.desk.class.bronze.response_time.mean', 1 + 0.8 / (0.7 * 0.2));
  });
});
