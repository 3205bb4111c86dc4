/**
 * percent() never prints a value as a rounder figure it is not, so a printed percentage never
 * crosses a target it misses: 99.8996 % is not "99.9 %" beside a 99.9 % target, 99.99996 % not
 * "100 %", 94.996 % not "95 %", 0.0004 % not "0 %". Checked against targets written with
 * fewer decimals than the band prints (whole percentages from 1 % to 99 %, two decimals above
 * 99 % and below 1 %), in exact decimal arithmetic on the value to 12 significant digits
 * (the digits beyond are the binary noise of computing it, which percent() drops: a mean of
 * replications or a difference of shares reads as the figure it computes, not 16 digits of noise).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatComparison, formatValue, percent } from '../../src/report/units.js';

/** A decimal string ("99.8996", "1e-7", "-0.25") as a BigInt in units of 10^-SCALE. */
const SCALE = 400;
function fixed(s: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (m === null) throw new Error(`not a decimal: ${s}`);
  const digits = m[2]! + (m[3] ?? '');
  const exp = SCALE - (m[3] ?? '').length + Number(m[4] ?? 0);
  const v = exp >= 0 ? BigInt(digits) * 10n ** BigInt(exp) : BigInt(digits) / 10n ** BigInt(-exp);
  return m[1] === '-' ? -v : v;
}
const sign = (v: bigint): number => (v > 0n ? 1 : v < 0n ? -1 : 0);

/**
 * The value in percent, exactly (its decimal to 12 significant digits with the point moved;
 * below 10⁻⁶ %, printed in three significant digits, its shortest decimal), and the printed figure.
 */
function both(x: number): { value: bigint; printed: bigint; text: string } {
  const text = percent(x);
  // A plain decimal without trailing zeros, or (below 10⁻⁶ %) three significant digits.
  expect(text).toMatch(/^-?(\d+(\.\d*[1-9])?|\d\.\d\de-\d+) %$/);
  const decimal = x !== 0 && Math.abs(x) < 1e-8 ? String(x) : x.toPrecision(12);
  return { value: fixed(String(Number(decimal))) * 100n, printed: fixed(text.slice(0, -2)), text };
}

/** Decimals of the targets the band of a percentage `p` guarantees. */
const targetDecimals = (p: number): number => (p > 99 && p < 100) || (p > 0 && p < 1) ? 2 : 0;

/** The printed figure is on the value's side of every target of its band near it. */
function neverCrosses(x: number): void {
  const { value, printed, text } = both(x);
  const k = targetDecimals(x * 100);
  const step = 10n ** BigInt(SCALE - k);
  const below = value >= 0n ? (value / step) * step : -((-value + step - 1n) / step) * step;
  for (const t of [below - step, below, below + step, below + 2n * step]) {
    expect(sign(printed - t), `${x} printed ${text} against target ${t / step} × 10^-${k} %`).toBe(sign(value - t));
  }
}

/** Values near a target: a fraction with k + 2 decimals (a target of k decimals in percent), nudged by a little or not at all. */
const nearTarget = fc
  .record({
    k: fc.constantFrom(0, 1, 2, 3, 4),
    n: fc.integer({ min: 0, max: 1e6 }),
    nudge: fc.constantFrom(0, 1e-4, -1e-4, 1e-5, -1e-5, 4e-6, -4e-6, 1e-7, -1e-7, 1e-9, -1e-9, 1e-12, -1e-12, 1e-15, -1e-15),
  })
  .map(({ k, n, nudge }) => (n % (10 ** (k + 2) + 1)) / 10 ** (k + 2) + nudge)
  .filter((x) => x >= 0);

describe('percent', () => {
  it('keeps what planners read: 99.861 %, 99.95 %, 99.89 %, 95 %, 12.3 %, 100 %, 0 %', () => {
    expect(percent(0.99861)).toBe('99.861 %');
    expect(percent(0.9995)).toBe('99.95 %');
    expect(percent(0.9989)).toBe('99.89 %');
    expect(percent(0.95)).toBe('95 %');
    expect(percent(0.123456)).toBe('12.3 %');
    expect(percent(0.07)).toBe('7 %');
    expect(percent(1)).toBe('100 %');
    expect(percent(0)).toBe('0 %');
    expect(percent(NaN)).toBe('—');
  });

  it('never rounds a value onto a target it misses (each of these printed the target before)', () => {
    expect(percent(0.998996)).toBe('99.8996 %'); // was "99.9 %": misses a 99.9 % target
    expect(percent(0.9999996)).toBe('99.99996 %'); // was "100 %"
    expect(percent(0.94996)).toBe('94.996 %'); // was "95 %": misses a 95 % target
    expect(percent(0.9496)).toBe('94.96 %'); // was "95 %"
    expect(percent(0.000004)).toBe('0.0004 %'); // was "0 %": not none
    expect(percent(0.990004)).toBe('99.0004 %'); // was "99 %": above a ≤ 99 % bound
    expect(percent(1e-12)).toBe('1.00e-10 %');
  });

  it('prints computed figures as the figure, not its binary noise (each of these printed 16-17 digits before)', () => {
    expect(percent(0.1 + 0.2)).toBe('30 %'); // was "30.000000000000004 %"
    expect(formatValue((0.7 + 0.8 + 0.9) / 3, 'fraction')).toBe('80 %'); // was "79.99999999999999 %"
    expect(percent((0.99 + 0.99 + 0.99) / 3)).toBe('99 %'); // three replications meeting 99 %: was "98.99999999999999 %"
    // Figures read together share one precision (percentDecimals), trailing zeros kept.
    expect(formatComparison(0.8, 0.9, 'fraction')).toEqual(['80.0 %', '90.0 %', '+10.0 pp']); // was "+9.999999999999998 pp"
    expect(formatComparison(0.8, (0.7 + 0.8 + 0.9) / 3, 'fraction')[2]).toBe('0.0 pp'); // the same share: no difference, no sign
    expect(formatComparison(0.9, 0.9001, 'fraction')).toEqual(['90.00 %', '90.01 %', '+0.01 pp']);
    expect(formatComparison(0, 1e-105, 'fraction')[2]).toBe('+<0.000001 pp'); // not none, though too small for six places
  });

  /** Shares with k + 2 decimals (whole percentages at k = 0), as replications report them. */
  const shares = (k: number, n: number) => fc.array(fc.integer({ min: 0, max: 10 ** (k + 2) }), { minLength: n, maxLength: n });

  it('a mean of replications reads as the exact mean does (property)', () => {
    const replications = fc.integer({ min: 1, max: 10 }).chain((n) => fc.integer({ min: 0, max: 4 }).chain((k) => fc.record({ k: fc.constant(k), counts: shares(k, n) })));
    fc.assert(
      fc.property(replications, ({ k, counts }) => {
        // The mean as a summary computes it (a sum of doubles over n), and the exact mean (an
        // integer over an integer: one correctly rounded division).
        const computed = counts.reduce((s, c) => s + c / 10 ** (k + 2), 0) / counts.length;
        const exact = counts.reduce((s, c) => s + c, 0) / (counts.length * 10 ** (k + 2));
        expect(percent(computed)).toBe(percent(exact));
        neverCrosses(computed);
      }),
      { numRuns: 3000 },
    );
  });

  it('a difference of two shares reads as the exact difference in percentage points, in the precision of the two shares (property)', () => {
    const pairs = fc.integer({ min: 0, max: 4 }).chain((k) => fc.record({ k: fc.constant(k), ab: shares(k, 2) }));
    fc.assert(
      fc.property(pairs, ({ k, ab: [i, j] }) => {
        const scale = 10 ** (k + 2);
        const texts = formatComparison(i! / scale, j! / scale, 'fraction');
        const diff = texts[2]!;
        const signed = j! > i! ? '+' : j! < i! ? '−' : '';
        expect(diff.startsWith(signed) && !/^[+−]/.test(diff.slice(signed.length))).toBe(true);
        const places = texts.map((t) => /\.(\d+) (%|pp)$/.exec(t)?.[1]?.length ?? 0);
        expect(new Set(places).size, texts.join(' ')).toBe(1);
        if (/[<>]/.test(diff)) return; // a mark for the ends (percentAt), not a figure
        // Exact: the difference in units of 10^-(k+2) × 100 % against the printed figure in units of its last place.
        const printed = fixed(diff.slice(signed.length, -3));
        const exact = fixed(String(Math.abs(j! - i!))) * 100n / BigInt(scale);
        const half = 10n ** BigInt(SCALE - places[0]!) / 2n;
        expect(printed - exact <= half && exact - printed <= half, texts.join(' ')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('on the side of every target of its band near the value (property)', () => {
    fc.assert(fc.property(fc.oneof(nearTarget, fc.double({ min: 0, max: 1, noNaN: true })), (x) => neverCrosses(x)), { numRuns: 5000 });
  });
});
