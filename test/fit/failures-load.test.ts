/**
 * `opsim fit failures` and `opsim fit load`: AFR with the exact Poisson interval, Weibull times
 * between failures with censoring recovered, a load profile with its outlier day, a trace
 * file; every fragment validates inside a scenario.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { weibull } from '../../src/engine/distributions.js';
import { RandomStreams } from '../../src/engine/random.js';
import { formatScenarioError, loadScenarioText, loadScenarioFile } from '../../src/scenario/index.js';
import { fitFailures } from '../../src/fit/failures.js';
import { fitLoadSeries } from '../../src/fit/load-series.js';
import { poissonInterval } from '../../src/fit/intervals.js';
import { cli, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const BASE = 'name: t\nhorizon: 1d\nservices:\n  - { name: web, servers: 4, serviceTime: 100ms }\n';
const valid = (fragment: string, base = BASE): void => {
  const r = loadScenarioText(base + fragment, { file: 'fragment.yaml' });
  expect(r.ok, r.ok ? '' : r.errors.map(formatScenarioError).join('\n')).toBe(true);
};

describe('fit failures', () => {
  it('a Backblaze-style table gives AFR with the exact Poisson interval', async () => {
    const file = tmp.file('drives.csv', 'model,device_days,failures\nST4000DM000,1200000,95\nHGST HMS5C4040BLE640,900000,20\nserver,365000,12\n');
    const r = await fitFailures(file);
    const server = r.classes.find((c) => c.class === 'server')!.afr!;
    // Garwood interval of 12 events: 6.2006–20.9616 (published tables), over 1000 device-years.
    expect(server.lower).toBeCloseTo(0.0062006, 6);
    expect(server.upper).toBeCloseTo(0.0209616, 6);
    const disk = r.classes.find((c) => c.class === 'disk')!;
    expect(disk.models).toEqual(['ST4000DM000', 'HGST HMS5C4040BLE640']);
    expect(disk.afr!.value).toBeCloseTo(115 / (2_100_000 / 365), 10);
    expect(r.yaml).toContain('afr: "1.2%"   # 12 failures in 365000 device-days (1000 device-years); exact Poisson 95 % CI 0.6 %–2.1 %');
    valid(r.yaml);
    expect(poissonInterval(0).lower).toBe(0);
  });

  it('per-failure timestamps: Weibull times between failures, the running interval censored', async () => {
    const streams = new RandomStreams('failures', 0);
    const rng = streams.stream('ttf');
    const d = weibull(1.5, 100 * 86400);
    const start = Date.UTC(2024, 0, 1);
    const end = start + 730 * 86_400_000;
    const lines = ['class,device,failed_at,installed_at'];
    for (let dev = 0; dev < 300; dev++) {
      let t = start;
      for (;;) {
        t += d.sample(rng) * 1000;
        if (t > end) break;
        lines.push(`server,srv-${dev},${new Date(t).toISOString()},${new Date(start).toISOString()}`);
      }
    }
    // The log ends at the latest failure; each device's running interval is censored there.
    const file = tmp.file('failures.csv', lines.join('\n') + '\n');
    const r = await fitFailures(file);
    const fit = r.classes[0]!.ttf!;
    // Every device but the one whose failure ends the log has a running interval.
    expect(fit.censored).toBe(299);
    expect(fit.chosen).toBe('weibull');
    const w = fit.fits.find((f) => f.family === 'weibull')!;
    expect(w.params['shape']!.lower).toBeLessThanOrEqual(1.5);
    expect(w.params['shape']!.upper).toBeGreaterThanOrEqual(1.5);
    expect(w.params['scale']!.lower).toBeLessThanOrEqual(100 * 86400);
    expect(w.params['scale']!.upper).toBeGreaterThanOrEqual(100 * 86400);
    expect(r.yaml).toMatch(/timeToFailure:   # .*time between failures of one device, n = \d+ \(299 censored\)/);
    valid(r.yaml);
  });

  it('a table without the columns it needs says which it looked for', async () => {
    const file = tmp.file('nocols.csv', 'model,days\nX,3\n');
    const r = await cli(['fit', 'failures', file, '--out', tmp.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected either device_days and failures columns (a table per class) or device and failed_at columns');
  });
});

describe('fit load', () => {
  // 28 days of 5-minute counts from a Monday: 60/5 min by day, a quarter of it at night,
  // weekends at half, and one Wednesday at three times the usual.
  const rows = ['timestamp,requests'];
  const start = Date.UTC(2026, 0, 5);
  const rng = new RandomStreams('load', 0).stream('noise');
  for (let i = 0; i < 28 * 288; i++) {
    const t = start + i * 300_000;
    const date = new Date(t);
    const h = date.getUTCHours();
    const dow = (date.getUTCDay() + 6) % 7;
    let mean = (h >= 8 && h < 20 ? 60 : 15) * (dow >= 5 ? 0.5 : 1);
    if (i >= 9 * 288 && i < 10 * 288) mean *= 3;
    rows.push(`${date.toISOString()},${Math.round(mean * (0.9 + 0.2 * rng.next()))}`);
  }
  const text = rows.join('\n') + '\n';

  it('recovers the daily and weekly multipliers, flags the outlier day and leaves it out', async () => {
    const file = tmp.file('load.csv', text);
    const r = await fitLoadSeries(file, { service: 'web', name: 'shop', values: 'count', trace: false, outDir: tmp.dir });
    expect(r.intervalSeconds).toBe(300);
    expect(r.outliers.map((o) => o.day)).toEqual(['2026-01-14']);
    // Day hours are four times night hours; the 24 multipliers average 1: 12·4x + 12·x = 24 → x = 0.4.
    expect(r.daily[3]).toBeCloseTo(0.4, 1);
    expect(r.daily[12]).toBeCloseTo(1.6, 1);
    // Weekdays twice the weekend days; 5·2y + 2·y = 7 → y = 7/12.
    expect(r.weekly![6]).toBeCloseTo(7 / 12, 1);
    expect(r.weekly![1]).toBeCloseTo(14 / 12, 1);
    // Mean rate of the model: 37.5/5 min on a weekday average, ×(5 + 2·0.5)/7.
    expect(r.meanRate * 300).toBeCloseTo(37.5 * (6 / 7), 0);
    valid(r.yaml);
  });

  it('--trace writes a trace file that a scenario next to it replays', async () => {
    const file = tmp.file('load2.csv', text);
    const out = path.join(tmp.dir, 'trace-out');
    const r = await cli(['fit', 'load', file, '--service', 'web', '--name', 'shop', '--trace', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const fragment = readFileSync(path.join(out, 'fitted-load.yaml'), 'utf8');
    expect(fragment).toContain('traceFile: shop-trace.csv');
    const scenario = path.join(out, 'scenario.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(scenario, BASE + fragment);
    const loaded = loadScenarioFile(scenario);
    expect(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatScenarioError).join('\n')).toBe(true);
  });

  it('bad rows are reported with line and column', async () => {
    const file = tmp.file('load3.csv', 'timestamp,requests\n2026-01-05T00:00:00Z,5\n2026-01-05T00:05:00Z,-3\nnot a date,4\n2026-01-05T00:10:00Z,x\n');
    const r = await cli(['fit', 'load', file, '--service', 'web', '--out', tmp.dir]);
    expect(r.stderr).toContain(`${file}:3 column requests: negative value -3`);
    expect(r.stderr).toContain(`${file}:4 column timestamp: unparseable date "not a date"`);
    expect(r.stderr).toContain(`${file}:5 column requests: "x" is not a number`);
    expect(r.code).toBe(2);
  });
});
