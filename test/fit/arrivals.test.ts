/**
 * Arrival profiles: on Poisson arrivals with a known day/night profile the multipliers are
 * recovered within their intervals and the over-dispersion test does not fire; the CLI reads a
 * one-row export with open incidents, censored at --as-of.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitArrivals } from '../../src/fit/arrivals.js';
import { readIncidents } from '../../src/fit/incident-export.js';
import { cli, syntheticExport, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
const COLUMNS = { id: 'key', openedAt: 'created', resolvedAt: 'resolutiondate' };

describe('arrival profile', () => {
  it('recovers a day/night profile from 30 days of Poisson arrivals, without over-dispersion', async () => {
    const exp = await readIncidents(tmp.file('a.csv', syntheticExport(30, 4, 1.2, 8 * 3600, 'arrivals')), { columns: COLUMNS });
    const a = fitArrivals(exp.incidents.map((i) => i.openedAt));
    expect(a.block).toBe(1);
    expect(a.weekly).not.toBeNull();
    // 4/h from 08 to 18 h, 0.8/h otherwise: mean (10·4 + 14·0.8)/24 = 2.1333/h.
    const mean = (10 * 4 + 14 * 0.8) / 24;
    expect(a.ratePerHour.lower).toBeLessThanOrEqual(mean);
    expect(a.ratePerHour.upper).toBeGreaterThanOrEqual(mean);
    let inside = 0;
    a.daily.forEach((d, h) => {
      const truth = (h >= 8 && h < 18 ? 4 : 0.8) / mean;
      if (d.lower <= truth && truth <= d.upper) inside++;
    });
    // 24 intervals at 95 %: 21 or more cover with probability above 0.96.
    expect(inside).toBeGreaterThanOrEqual(21);
    expect(a.dispersion.overdispersed).toBe(false);
  });

  it('the CLI maps columns, censors open incidents at --as-of and says so in the fragment', async () => {
    const file = tmp.file('jira.csv', syntheticExport(10, 4, 1.2, 8 * 3600, 'cli'));
    const out = path.join(tmp.dir, 'out');
    const r = await cli(['fit', 'incidents', file, '--columns', 'id=key,openedAt=created,resolvedAt=resolutiondate', '--as-of', '2026-01-15 00:00', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const yaml = readFileSync(path.join(out, 'fitted-incidents.yaml'), 'utf8');
    expect(yaml).toMatch(/# Note: \d+ incidents still open at 2026-01-15T00:00:00\.000Z: right-censored there/);
    expect(yaml).toMatch(/serviceTime:   # all priorities: time to resolve, n = \d+ \([1-9]\d* censored\)/);
    const bad = await cli(['fit', 'incidents', file, '--columns', 'id=key,openedAt=created,resolvedAt=resolutiondate', '--as-of', 'tomorrow']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of: unparseable date "tomorrow"');
  });
});
