/**
 * The real sample: 890 incidents of a ServiceNow audit trail (test/fixtures/itsm, CC BY 4.0).
 * The fitted fragment validates and runs; the simulation's arrivals by block of hours and its
 * median time to resolve match the data within their intervals. What does not match, and why,
 * is asserted too, so a change that hides it shows up here.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/index.js';
import { formatScenarioError, loadScenarioText } from '../../src/scenario/index.js';
import { readIncidents, type IncidentExport } from '../../src/fit/incident-export.js';
import { fitIncidents, type IncidentFit } from '../../src/fit/incident-fit.js';
import { incidentFragment, RESOLUTION_SERVICE } from '../../src/fit/fragment.js';
import { FAMILY } from '../../src/fit/families.js';
import { holdoutValidation, kmQuantileInterval, poissonRange } from '../../src/fit/holdout.js';
import type { ResultsDocument } from '../../src/results/format.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/itsm/incident_event_log_prefix.csv.gz');

let exp: IncidentExport;
let fit: IncidentFit;
let yaml: string;
let doc: ResultsDocument;

beforeAll(async () => {
  exp = await readIncidents(FIXTURE);
  fit = fitIncidents(exp);
  yaml = incidentFragment(fit);
  const loaded = loadScenarioText(yaml, { file: 'fitted.yaml' });
  if (!loaded.ok) throw new Error(loaded.errors.map(formatScenarioError).join('\n'));
  doc = await runExperiment({ raw: loaded.raw, file: null, hash: loaded.hash }, { replications: 4, workers: 0, seed: 'real-sample' });
});

describe('the ServiceNow sample', () => {
  it('is read as 890 incidents from 5,998 rows, first row for opening, last for the final state', () => {
    expect(exp.rows).toBe(5998);
    expect(exp.incidents).toHaveLength(890);
    expect(exp.problems).toEqual([]);
    const inc = exp.incidents.find((i) => i.id === 'INC0000045')!;
    expect(new Date(inc.openedAt).toISOString()).toBe('2016-02-29T01:16:00.000Z');
    expect(new Date(inc.resolvedAt!).toISOString()).toBe('2016-02-29T11:29:00.000Z');
    expect(inc.state).toBe('Closed');
    expect(fit.mix.priority.map((p) => [p.priority, p.count])).toEqual([['P1', 15], ['P2', 33], ['P3', 757], ['P4', 85]]);
    expect(fit.mix.reassignments.map((r) => r.count)).toEqual([499, 204, 92, 95]);
    // 29 incidents were closed with resolved_at "?": left out of the fits, and said so.
    expect(fit.overall.n).toBe(861);
    expect(fit.notes.join('\n')).toMatch(/29 incidents closed without a resolution time/);
  });

  it('fits a heavy tail: Weibull, shape near 0.5, is the best family by AIC; P1 has too few for a family', () => {
    const w = fit.overall.fits[0]!;
    expect(w.family).toBe('weibull');
    expect(w.params['shape']!.upper).toBeLessThan(0.6);
    expect(fit.byPriority.find((p) => p.priority === 'P1')!.fit.chosen).toBe('empirical');
    expect(fit.byPriority.find((p) => p.priority === 'P1')!.fit.reason).toMatch(/only 15 observed durations/);
    // Priorities do not order as the labels suggest: P1's median exceeds P3's.
    const med = (p: string) => fit.byPriority.find((x) => x.priority === p)!.fit.median!;
    expect(med('P1')).toBeGreaterThan(med('P3'));
  });

  it('no family fits the body of the 861 times, so the empirical distribution is written; it matches the quartiles', () => {
    // What does not match: the best family's median (3.3 d) lies above the Kaplan–Meier band
    // (2.2–2.9 d) and its lower quartile below it. The times bunch at working-day steps a
    // smooth curve cannot follow; the KS distance (0.071) is over the 5 % critical value (0.046).
    const w = fit.overall.fits[0]!;
    const weibullMedian = FAMILY[w.family].quantile(0.5, w.phi);
    expect(weibullMedian).toBeGreaterThan(kmQuantileInterval(fit.overall.km, 0.5).upper!);
    expect(fit.overall.chosen).toBe('empirical');
    expect(fit.overall.reason).toMatch(/no family fits: the best by AIC, weibull, is 0\.071 from Kaplan–Meier, over the 5 % KS critical value 0\.046/);
    const spec = fit.overall.spec;
    if (spec.dist !== 'empirical') throw new Error('expected empirical');
    expect(spec.samples).toHaveLength(200);
    const sorted = [...spec.samples].sort((a, b) => a - b);
    for (const p of [0.25, 0.5, 0.75, 0.9]) {
      const q = sorted[Math.ceil(p * sorted.length) - 1]!;
      const band = kmQuantileInterval(fit.overall.km, p);
      expect(q, `p = ${p}`).toBeGreaterThanOrEqual(band.lower!);
      expect(q, `p = ${p}`).toBeLessThanOrEqual(band.upper!);
    }
  });

  it('the fragment validates and runs without failures', () => {
    expect(doc.failures).toEqual([]);
    expect(doc.variants[0]!.metrics[`service.${RESOLUTION_SERVICE}.requests`]!.mean).toBeGreaterThan(0);
    expect(yaml).toMatch(/rate: 14\.13\/h\s+# .*890 arrivals in 63 h; 95 % CI 13\.2–15\.1\/h/);
  });

  it('simulated arrivals per block of hours match the data within Poisson ranges', () => {
    const v = doc.variants[0]!;
    const col = v.series!.columns.indexOf(`${RESOLUTION_SERVICE}.arrivals`);
    const perHour = new Array<number>(24).fill(0);
    const n = new Array<number>(24).fill(0);
    for (const row of v.series!.mean) {
      if (row[0]! < doc.warmupSeconds) continue;
      const h = Math.floor(row[0]! / 3600) % 24;
      perHour[h]! += row[col]! * 3600;
      n[h]!++;
    }
    const a = fit.arrivals;
    const outsideHours: number[] = [];
    for (let b = 0; b < 24; b += a.block) {
      let observed = 0;
      let expected = 0;
      for (let h = b; h < b + a.block; h++) {
        observed += a.byHourOfDay[h]!.count;
        expected += (perHour[h]! / n[h]!) * a.byHourOfDay[h]!.exposure;
      }
      const [lo, hi] = poissonRange(expected);
      expect(observed, `hours ${b}–${b + a.block}`).toBeGreaterThanOrEqual(lo);
      expect(observed, `hours ${b}–${b + a.block}`).toBeLessThanOrEqual(hi);
      for (let h = b; h < b + a.block; h++) {
        const [l, u] = poissonRange((perHour[h]! / n[h]!) * a.byHourOfDay[h]!.exposure);
        if (a.byHourOfDay[h]!.count < l || a.byHourOfDay[h]!.count > u) outsideHours.push(h);
      }
    }
    // Hour by hour it does not match everywhere, and cannot: 2.6 days leave fewer than 10
    // arrivals in the night hours, so the profile is fitted in 4-hour blocks, and the counts
    // are over-dispersed (χ²/df ≈ 3.6). Inside a block the desk ramps up (07:00 already busy,
    // 08:00 not yet at the block's level) and dips at lunch, which a flat block cannot follow.
    expect(a.block).toBe(4);
    expect(a.dispersion.overdispersed).toBe(true);
    expect(outsideHours.length).toBeGreaterThan(0);
    expect(outsideHours).toContain(7);
  });

  it('the simulated median and 95th percentile of the time to resolve lie within their Kaplan–Meier bands', () => {
    for (const p of [0.5, 0.95]) {
      const m = doc.variants[0]!.metrics[`service.${RESOLUTION_SERVICE}.response_time.p${p * 100}`]!;
      const band = kmQuantileInterval(fit.overall.km, p);
      expect(m.mean, `p${p * 100}`).toBeGreaterThanOrEqual(band.lower!);
      expect(m.mean, `p${p * 100}`).toBeLessThanOrEqual(band.upper!);
    }
    // The 95th percentile is months: past the 2^20 s (12 days) where the response-time
    // histogram stopped before (every replication read 12.1 days), and past a 90-day warm-up's
    // reach (the station starts empty: a shorter warm-up cut the tail, reading about 46 days).
    expect(kmQuantileInterval(fit.overall.km, 0.95).value!).toBeGreaterThan(50 * 86_400);
    expect(doc.warmupSeconds).toBeGreaterThanOrEqual(Math.max(...(fit.overall.spec as { samples: number[] }).samples));
  });

  it('holdout: fits the first 80 %, runs it, and reports that the latest fifth differs', async () => {
    const { report } = await holdoutValidation(exp, 0.2, { replications: 2 });
    expect(report.trainIncidents).toBe(675);
    expect(report.heldOutIncidents).toBe(215);
    // What does not match, and why: the latest fifth is the Wednesday from 11:00 UTC, when a
    // burst of one category arrived (Category 45: 90 of the 215 held-out incidents, against 114
    // of the 675 before) — more arrivals than the first two days' rate for those hours (the
    // over-dispersion the fit reports) and longer to resolve (median 7.8 d against 2.2 d).
    // A calibration from 2.6 days cannot foresee that; the check is there to say so.
    const total = report.checks.find((c) => c.what === 'arrivals, all held-out hours')!;
    expect(total.within).toBe(false);
    expect(Number(total.heldOut)).toBeGreaterThan(Number(total.simulated.split(' ')[0]));
    const p50 = report.checks.find((c) => c.what === 'time to resolve, p50')!;
    expect(p50.within).toBe(false);
    expect(p50.heldOut).toMatch(/^7\.805d/);
    // The 95th percentile is months (read since the histogram's top moved from 12 days to
    // 136 years): the held-out fifth's is twice the fitted flow's (about 41 days).
    const p95 = report.checks.find((c) => c.what === 'time to resolve, p95')!;
    expect(p95.within).toBe(false);
    expect(p95.heldOut).toMatch(/^82\.92d/);
    expect(report.summary).toMatch(/0 of 5 checks within/);
  });
});
