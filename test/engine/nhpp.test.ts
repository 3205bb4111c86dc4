/**
 * Non-homogeneous Poisson arrivals (startArrivals: inversion over the compiled table;
 * nextArrival: thinning): counts per interval against the integral of
 * the rate, pooled over independent replications (chi-square), plus per-replication totals
 * with a confidence interval.
 */
import { describe, expect, it } from 'vitest';
import {
  ArrivalSampler,
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

describe('ArrivalSampler: the compiled table', () => {
  const trace = piecewiseRate(
    [
      [0, 5],
      [0.25, 0],
      [0.5, 9],
      [0.75, 1],
    ],
    1,
  );
  const profiles: [string, RateProfile][] = [
    ['daily piecewise', daily],
    ['with 3× multiplier 9:00–11:00 on day 2', withMultiplier(daily, 33, 35, 3)],
    ['sum of daily and daily shifted by −6.5 h, scaled', scaleRate(sumRates([daily, shiftRate(daily, -6.5)]), 0.3)],
    ['a quarter-hour trace summed with the day', sumRates([trace, daily])],
  ];
  for (const [name, p] of profiles) {
    it(`${name}: the rate is constant between the listed breaks`, () => {
      const out: number[] = [];
      p.breaks!(1.3, 70.2, out);
      const cuts = [1.3, ...out.sort((x, y) => x - y), 70.2];
      expect(out.every((x) => x > 1.3 && x < 70.2)).toBe(true);
      for (let k = 0; k + 1 < cuts.length; k++) {
        const [a, b] = [cuts[k]!, cuts[k + 1]!];
        if (b - a < 1e-9) continue;
        const r = p.rate(a + (b - a) / 2);
        for (let j = 1; j < 8; j++) expect(p.rate(a + ((b - a) * j) / 8), `${name} on (${a}, ${b})`).toBe(r);
      }
    });
  }
  it('a trace of quarter hours summed with the day: counts per interval match the integral (dense chunks)', () => {
    checkProfile('trace', sumRates([scaleRate(trace, 40), daily]), 6, 0.3, 30);
  });
  it('a rate that ends (non-repeating trace) yields Infinity, also with no horizon', () => {
    const ends = piecewiseRate([
      [0, 100],
      [1, 0],
    ]);
    const s = new ArrivalSampler(ends);
    const rng = new RandomStreams('nhpp', 0).stream('ends');
    let t = 0;
    let n = 0;
    while ((t = s.next(t, rng)) !== Infinity) n++;
    expect(n).toBeGreaterThan(50);
    expect(n).toBeLessThan(150);
    expect(new ArrivalSampler(constantRate(0)).next(0, rng)).toBe(Infinity);
  });
  it('refuses a profile that cannot list its breaks', () => {
    const custom: RateProfile = { rate: () => 1, max: 1, integral: (a, b) => b - a };
    expect(ArrivalSampler.accepts(custom)).toBe(false);
    expect(() => new ArrivalSampler(custom)).toThrow(/breaks/);
  });
});
