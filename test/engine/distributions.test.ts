/**
 * Every distribution's sample mean and variance against its analytic values, with a
 * confidence interval over independent replications; and parameter validation.
 */
import { describe, expect, it } from 'vitest';
import {
  RandomStreams,
  bernoulli,
  deterministic,
  discrete,
  empirical,
  erlang,
  exponential,
  gamma,
  lognormal,
  normal,
  normalCdf,
  scaled,
  triangular,
  uniform,
  weibull,
  type Distribution,
} from '../../src/engine/index.js';
import { expectNear, replicate } from './ci.js';

const R = 40;
const N = 12_000;

/** Sample mean and (n − 1) variance of one replication's N draws. */
function moments(d: Distribution, rep: number, name: string): { mean: number; variance: number } {
  const rng = new RandomStreams('distributions', rep).stream(name);
  let m = 0;
  let s = 0;
  for (let i = 1; i <= N; i++) {
    const x = d.sample(rng);
    const delta = x - m;
    m += delta / i;
    s += delta * (x - m);
  }
  return { mean: m, variance: s / (N - 1) };
}

const cases: [string, Distribution][] = [
  ['exponential(rate 0.5)', exponential(0.5)],
  ['uniform(2, 7)', uniform(2, 7)],
  ['triangular(1, 2, 6)', triangular(1, 2, 6)],
  ['triangular(0, 0, 1) (mode at min)', triangular(0, 0, 1)],
  ['normal(1, 1) truncated to [0, ∞)', normal(1, 1, { min: 0 })],
  ['normal(5, 2) truncated to [3, 6]', normal(5, 2, { min: 3, max: 6 })],
  ['normal(-1, 0.5) untruncated', normal(-1, 0.5)],
  ['lognormal(mean 2, sd 1)', lognormal(2, 1)],
  ['weibull(shape 0.7, scale 2)', weibull(0.7, 2)],
  ['weibull(shape 2, scale 3)', weibull(2, 3)],
  ['gamma(shape 0.5, scale 2)', gamma(0.5, 2)],
  ['gamma(shape 3.5, scale 1)', gamma(3.5, 1)],
  ['erlang(k 3, rate 2)', erlang(3, 2)],
  ['empirical([1, 2, 2, 5, 10])', empirical([1, 2, 2, 5, 10])],
  ['discrete([1, 5, 10], [5, 3, 2])', discrete([1, 5, 10], [5, 3, 2])],
  ['bernoulli(0.3)', bernoulli(0.3)],
  ['scaled(exponential(1), 3)', scaled(exponential(1), 3)],
];

describe('sample moments match analytic mean and variance (3·SE over replications)', () => {
  for (const [name, d] of cases) {
    it(name, () => {
      const reps = replicate(R, (r) => moments(d, r, name));
      expectNear(`${name} mean`, reps.map((x) => x.mean), d.mean);
      expectNear(`${name} variance`, reps.map((x) => x.variance), d.variance);
    });
  }

  it('deterministic always returns its value', () => {
    const d = deterministic(4.5);
    const rng = new RandomStreams(1, 0).stream('d');
    for (let i = 0; i < 100; i++) expect(d.sample(rng)).toBe(4.5);
    expect([d.mean, d.variance]).toEqual([4.5, 0]);
  });

  it('analytic moments of the helpers are right on known values', () => {
    expect(erlang(3, 2).mean).toBeCloseTo(1.5, 12);
    expect(erlang(3, 2).variance).toBeCloseTo(0.75, 12);
    expect(weibull(1, 2).mean).toBeCloseTo(2, 10); // shape 1 is exponential
    expect(weibull(1, 2).variance).toBeCloseTo(4, 9);
    expect(triangular(1, 2, 6).mean).toBeCloseTo(3, 12);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    // Half-normal: truncating N(0, 1) at 0 gives mean √(2/π), variance 1 − 2/π.
    const half = normal(0, 1, { min: 0 });
    expect(half.mean).toBeCloseTo(Math.sqrt(2 / Math.PI), 6);
    expect(half.variance).toBeCloseTo(1 - 2 / Math.PI, 6);
  });

  it('samples stay inside their support', () => {
    const rng = new RandomStreams(2, 0).stream('support');
    const tri = triangular(1, 2, 6);
    const tn = normal(5, 2, { min: 3, max: 6 });
    const u = uniform(2, 7);
    for (let i = 0; i < 20_000; i++) {
      const t = tri.sample(rng);
      const n = tn.sample(rng);
      const x = u.sample(rng);
      expect(t >= 1 && t <= 6 && n >= 3 && n <= 6 && x >= 2 && x < 7).toBe(true);
    }
  });
});

describe('parameter validation throws at construction, naming the value', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['exponential rate 0', () => exponential(0), /exponential rate.*got 0/],
    ['exponential rate −1', () => exponential(-1), /got -1/],
    ['exponential rate NaN', () => exponential(NaN), /got NaN/],
    ['exponential rate Infinity', () => exponential(Infinity), /got Infinity/],
    ['deterministic −2', () => deterministic(-2), /got -2/],
    ['uniform min > max', () => uniform(3, 1), /min \(3\).*max \(1\)/],
    ['uniform NaN', () => uniform(NaN, 1), /uniform min.*NaN/],
    ['triangular mode outside', () => triangular(1, 7, 6), /1, 7, 6/],
    ['normal sd −1', () => normal(0, -1), /normal sd.*got -1/],
    ['normal empty truncation', () => normal(0, 1, { min: 2, max: 1 }), /min \(2\).*max \(1\)/],
    ['lognormal mean 0', () => lognormal(0, 1), /lognormal mean.*got 0/],
    ['weibull shape 0', () => weibull(0, 1), /weibull shape.*got 0/],
    ['weibull scale −3', () => weibull(1, -3), /weibull scale.*got -3/],
    ['gamma shape −0.5', () => gamma(-0.5, 1), /gamma shape.*got -0.5/],
    ['gamma scale NaN', () => gamma(1, NaN), /gamma scale.*got NaN/],
    ['erlang k 1.5', () => erlang(1.5, 1), /erlang k.*got 1.5/],
    ['erlang rate 0', () => erlang(2, 0), /erlang rate.*got 0/],
    ['empirical empty', () => empirical([]), /at least one/],
    ['empirical NaN', () => empirical([1, NaN]), /got NaN/],
    ['discrete length mismatch', () => discrete([1, 2], [1]), /2 values, 1 weights/],
    ['discrete negative weight', () => discrete([1, 2], [1, -1]), /got -1/],
    ['discrete NaN value', () => discrete([1, NaN], [1, 1]), /got NaN/],
    ['bernoulli 1.5', () => bernoulli(1.5), /got 1.5/],
    ['scaled factor 0', () => scaled(exponential(1), 0), /scale factor.*got 0/],
  ];
  for (const [name, f, msg] of bad) {
    it(name, () => {
      expect(f).toThrow(RangeError);
      expect(f).toThrow(msg);
    });
  }
});
