/**
 * Non-homogeneous Poisson arrivals by thinning: counts per interval against the integral of
 * the rate, pooled over independent replications (chi-square), plus per-replication totals
 * with a confidence interval.
 */
import { describe, expect, it } from 'vitest';
import {
  RandomStreams,
  Simulation,
  constantRate,
  nextArrival,
  piecewiseRate,
  scaleRate,
  shiftRate,
  startArrivals,
  sumRates,
  withMultiplier,
  type RateProfile,
} from '../../src/engine/index.js';
import { expectNear, replicate } from './ci.js';

/** Upper quantile of χ²(df) at standard-normal quantile z (Wilson–Hilferty). */
function chiSquareQuantile(df: number, z: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Arrival counts in bins of `width` over [0, horizon) for one replication. */
function counts(profile: RateProfile, horizon: number, width: number, rep: number, name: string): number[] {
  const sim = new Simulation();
  const rng = new RandomStreams('nhpp', rep).stream(name);
  const bins = new Array<number>(Math.ceil(horizon / width)).fill(0);
  startArrivals(sim, profile, rng, (t) => bins[Math.floor(t / width)]!++, horizon);
  sim.run();
  return bins;
}

/** Chi-square over bins of counts pooled across replications, and per-replication totals. */
function checkProfile(name: string, profile: RateProfile, horizon: number, width: number, reps: number): void {
  const runs = replicate(reps, (r) => counts(profile, horizon, width, r, name));
  const nb = runs[0]!.length;
  let chi = 0;
  for (let i = 0; i < nb; i++) {
    const expected = reps * profile.integral(i * width, Math.min(horizon, (i + 1) * width));
    const observed = runs.reduce((s, b) => s + b[i]!, 0);
    expect(expected, `bin ${i} expected count`).toBeGreaterThan(20); // χ² needs decent counts
    chi += (observed - expected) ** 2 / expected;
  }
  const limit = chiSquareQuantile(nb, 3.09); // 99.9 %
  expect(chi, `${name}: χ² = ${chi.toFixed(1)} on ${nb} bins, limit ${limit.toFixed(1)}`).toBeLessThan(limit);
  expectNear(`${name} total`, runs.map((b) => b.reduce((s, x) => s + x, 0)), profile.integral(0, horizon));
}

/** Midpoint-rule integral of `rate`, to check `integral` independently of sampling. */
function numericIntegral(p: RateProfile, a: number, b: number, steps = 200_000): number {
  const h = (b - a) / steps;
  let s = 0;
  for (let i = 0; i < steps; i++) s += p.rate(a + (i + 0.5) * h);
  return s * h;
}

// Hours; a day shape: quiet night, morning peak, afternoon, evening.
const daily = piecewiseRate(
  [
    [0, 2],
    [7, 12],
    [11.5, 8],
    [18, 4],
  ],
  24,
);

describe('rate profiles: integral agrees with the rate', () => {
  const profiles: [string, RateProfile][] = [
    ['daily piecewise', daily],
    ['with 3× multiplier 9:00–11:00', withMultiplier(daily, 9, 11, 3)],
    ['sum of daily and daily shifted by 6 h', sumRates([daily, shiftRate(daily, 6)])],
    ['scaled by 0.5', scaleRate(daily, 0.5)],
  ];
  for (const [name, p] of profiles) {
    it(name, () => {
      for (const [a, b] of [
        [0, 24],
        [3.3, 50.1],
        [10, 10.75],
        [47.9, 72],
      ] as const) {
        expect(p.integral(a, b)).toBeCloseTo(numericIntegral(p, a, b), 2);
      }
      for (let t = 0; t < 72; t += 0.37) expect(p.rate(t)).toBeLessThanOrEqual(p.max);
    });
  }
  it('the daily profile repeats with its period', () => {
    expect(daily.rate(8)).toBe(12);
    expect(daily.rate(24 + 8)).toBe(12);
    expect(daily.integral(0, 24)).toBeCloseTo(2 * 7 + 12 * 4.5 + 8 * 6.5 + 4 * 6, 12);
    expect(daily.integral(24, 48)).toBeCloseTo(daily.integral(0, 24), 12);
  });
});

describe('NHPP counts per interval match the integral of the rate', () => {
  it('piecewise-constant daily profile, 3 days, 0.75 h bins (not aligned with breakpoints)', () => {
    checkProfile('daily', daily, 72, 0.75, 30);
  });
  it('withMultiplier peak (3× from 9:00 to 11:00 on day 1)', () => {
    checkProfile('peak', withMultiplier(daily, 33, 35, 3), 48, 0.5, 30);
  });
  it('sumRates of a profile and its shiftRate', () => {
    checkProfile('sum-shift', sumRates([daily, shiftRate(daily, 6)]), 48, 1, 30);
  });
  it('homogeneous rate: counts are Poisson (variance ≈ mean across replications)', () => {
    const runs = replicate(200, (r) => counts(constantRate(50), 1, 1, r, 'const')[0]!);
    expectNear('count mean', runs, 50);
    const m = runs.reduce((s, x) => s + x, 0) / runs.length;
    const v = runs.reduce((s, x) => s + (x - m) ** 2, 0) / (runs.length - 1);
    // Sample variance of 200 Poisson(50) counts: SE ≈ 50·√(2/199) ≈ 5.
    expect(Math.abs(v - 50)).toBeLessThan(3.3 * 5.1);
  });
  it('zero rate yields no arrivals; horizon stops the stream', () => {
    const rng = new RandomStreams('nhpp', 0).stream('zero');
    expect(nextArrival(constantRate(0), 0, rng)).toBe(Infinity);
    expect(nextArrival(constantRate(1), 0, rng, 1e-9)).toBe(Infinity);
  });
});
