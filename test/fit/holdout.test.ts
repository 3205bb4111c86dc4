/**
 * Holdout on data whose process does not change: 30 days of a synthetic one-row-per-incident
 * export (Jira-like columns, mapped with --columns), the latest fifth held out. Arrivals and
 * resolution quantiles of the held-out days fall within the simulation's ranges — the check
 * can pass as well as fail (the real sample fails it, see real-sample.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readIncidents } from '../../src/fit/incident-export.js';
import { holdoutValidation } from '../../src/fit/holdout.js';
import { syntheticExport, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('holdout on a stationary process', () => {
  it('finds the held-out fifth consistent with the fitted simulation', async () => {
    const file = tmp.file('jira.csv', syntheticExport(30, 4, 1.2, 8 * 3600, 'stationary'));
    const exp = await readIncidents(file, { columns: { id: 'key', openedAt: 'created', resolvedAt: 'resolutiondate' } });
    expect(exp.problems).toEqual([]);
    // Still open at the end of the export: right-censored, not dropped.
    expect(exp.incidents.filter((i) => i.resolvedAt === null).length).toBeGreaterThan(0);
    const { report, train } = await holdoutValidation(exp, 0.2, { replications: 3 });
    expect(train.overall.chosen).toBe('weibull');
    const judged = report.checks.filter((c) => c.within !== null);
    expect(judged.length).toBeGreaterThanOrEqual(5);
    // At 95 % each, one miss in this many is chance; more would be a fault.
    expect(judged.filter((c) => c.within === false).length, JSON.stringify(report.checks, null, 1)).toBeLessThanOrEqual(1);
    expect(report.checks.find((c) => c.what === 'time to resolve, p50')!.within).toBe(true);
    expect(report.checks.find((c) => c.what === 'time to resolve, p95')!.within).toBe(true);
    expect(report.checks.find((c) => c.what === 'arrivals, all held-out hours')!.within).toBe(true);
  });
});
