/**
 * Backups and batch windows: overrun counts and minutes against the job's own timeline, a
 * job's share of the servers stretching the service's capacity, and a run overrunning into
 * the peak raising the peak's latency against the same scenario without the job (common
 * random numbers: the same seed gives the same arrivals and work).
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../src/scenario/index.js';
import { runReplication } from '../../../src/models/replication.js';
import { meanSe } from '../helpers.js';

const H = 3600;

/** db: 4 servers, 1 s mean work, 2.4 req/s (ρ = 0.6), 1.5× at the 06:00–09:00 peak (ρ = 0.9). */
function backupScenario(job: string | null): Scenario {
  const text = [
    'name: batch',
    'horizon: 1d',
    'interval: 1h',
    'load: [{ name: q, service: db, rate: 2.4/s, peaks: [{ start: 6h, end: 9h, factor: 1.5 }] }]',
    'services: [{ name: db, servers: 4, serviceTime: { dist: exponential, mean: 1s } }]',
    ...(job === null ? [] : ['backups:', `  - ${job}`]),
  ].join('\n');
  const r = loadScenarioText(text, { file: 'batch.yaml' });
  if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
  return r.scenario;
}

const record = (s: Scenario, replication: number) => runReplication(s, { seed: 'batch', replication });

/** Mean response time over the 06:00–07:00 row of the series. */
function peakLatency(s: Scenario, replication: number): number {
  const { series } = record(s, replication);
  const col = series.columns.indexOf('db.response_time.mean');
  // Rows are stamped with their interval's start.
  const row = series.rows.find((r) => r[0] === 6 * H);
  return row![col] as number;
}

describe('backups and batch windows', () => {
  it('counts an overrun and its minutes from the job timeline: 01:00 start, 5 h window, 6 h run', () => {
    const m = record(backupScenario('{ name: nightly, service: db, at: 1h, window: 5h, duration: 6h, share: 30% }'), 0).metrics;
    expect(m['backup.nightly.runs']).toBe(1);
    expect(m['backup.nightly.overruns']).toBe(1);
    expect(m['backup.nightly.overrun_minutes']).toBe(60);
    expect(m['backup.nightly.window_met']).toBe(0);
    expect(m['backup.nightly.duration.mean']).toBe(6 * H);
    const fits = record(backupScenario('{ name: nightly, service: db, at: 1h, window: 5h, duration: 4h, share: 30% }'), 0).metrics;
    expect(fits['backup.nightly.overruns']).toBe(0);
    expect(fits['backup.nightly.window_met']).toBe(1);
  });

  it('a run still going at the horizon counts its overrun so far', () => {
    const m = record(backupScenario('{ name: late, service: db, at: 20h, window: 2h, duration: 10h }'), 0).metrics;
    expect(m['backup.late.runs']).toBe(0);
    expect(m['backup.late.overruns']).toBe(1);
    expect(m['backup.late.overrun_minutes']).toBe(120);
  });

  it('overrunning into the peak raises the peak-hour latency against the same scenario without the job (CRN)', () => {
    const without = backupScenario(null);
    const overrun = backupScenario('{ name: nightly, service: db, at: 1h, window: 5h, duration: 6h, share: 30% }');
    const inWindow = backupScenario('{ name: nightly, service: db, at: 1h, window: 5h, duration: 4h, share: 30% }');
    const diffs: Record<string, number>[] = [];
    const same: number[] = [];
    for (let r = 0; r < 6; r++) {
      const base = peakLatency(without, r);
      diffs.push({ d: peakLatency(overrun, r) - base });
      same.push(peakLatency(inWindow, r) - base);
    }
    // 30 % of the servers held at ρ = 0.9 leaves 4 × 0.7 = 2.8 servers' worth for 3.6 req/s: the queue grows all hour.
    const { mean, se } = meanSe(diffs, 'd');
    expect(mean, `peak latency rise ${mean} ± ${se}`).toBeGreaterThan(3 * se);
    expect(mean).toBeGreaterThan(10);
    // A job that ends inside its window leaves the peak hour as it was (same draws; the queue has
    // forgotten the slower night by 06:00, so only rounding of the event times differs).
    for (const d of same) expect(Math.abs(d)).toBeLessThan(1e-9);
  });

  it('holds the share of the servers: capacity stretches by 1 ÷ (1 − share) while the job runs', () => {
    // A job all day at 50 %: utilisation of 2.4 req/s on 4 servers doubles from 0.6 to 1.2 of the
    // (unchanged) available unit-seconds, i.e. the service saturates.
    const m = record(backupScenario('{ name: all-day, service: db, at: 0h, window: 1d, duration: 1d, share: 50% }'), 0).metrics;
    expect(m['service.db.utilisation']).toBeGreaterThan(0.97);
  });

  it('reports bad jobs at their place', () => {
    const r = loadScenarioText(
      [
        'name: bad',
        'horizon: 1d',
        'services: [{ name: db, servers: 2, serviceTime: 1s }]',
        'backups:',
        '  - { name: a, service: dbx, at: 1h, window: 5h, duration: 1h }',
        '  - { name: b, service: db, at: 1h, window: 2d, duration: 1h, share: 100%, servers: 3 }',
      ].join('\n'),
      { file: 'bad.yaml' },
    );
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    expect(text).toMatch(/bad\.yaml:5:\d+ backups\[0\]\.service: no service named "dbx"/);
    expect(text).toContain('backups[1].share: must be below 100 %');
    expect(text).toContain('backups[1].servers: exceeds the 2 servers of db');
    expect(text).toContain('backups[1].window: is longer than the time between starts');
  });
});
