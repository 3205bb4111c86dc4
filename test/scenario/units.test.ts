import { describe, expect, test } from 'vitest';
import { parseDuration, parseRate, parsePower, parseEnergy, parseTemperature, parseHeatCapacity, parseFraction, parseQuantity, unitHint } from '../../src/scenario/units.js';
import { checkQuantity } from '../../src/scenario/validate.js';

describe('units', () => {
  test('durations, simple and compound', () => {
    expect(parseDuration(90)).toBe(90);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('250ms')).toBeCloseTo(0.25);
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('15min')).toBe(900);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('1w')).toBe(604800);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1d 6h')).toBe(108000);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('2 hours')).toBe(7200);
    expect(parseDuration('3 days')).toBe(259200);
    expect(parseDuration(' 5 m ')).toBe(300);
    expect(parseDuration('-5m')).toBe(-300);
  });
  test('durations rejected', () => {
    for (const bad of ['soon', '', '5x', '1h30', 'h', '5mins10', '1.2.3h', '5 minutesx', true, null, {}, [], Infinity, '1e999s']) {
      expect(parseDuration(bad), String(bad)).toBeUndefined();
    }
  });
  test('unit letters ignore case except where case tells two units apart', () => {
    // No other reading: any case.
    expect(parseDuration('2H')).toBe(7200);
    expect(parseDuration('90S')).toBe(90);
    expect(parseDuration('250MS')).toBeCloseTo(0.25);
    expect(parseDuration('15MIN')).toBe(900);
    expect(parseDuration('1D 6H')).toBe(108000);
    expect(parsePower('5KW')).toBe(5000);
    expect(parsePower('5kw')).toBe(5000);
    expect(parsePower('1.2Mw')).toBe(1.2e6);
    expect(parseEnergy('12KWH')).toBe(12 * 3.6e6);
    // Minutes or months: a capital M is refused, in durations and in rates' spans.
    for (const bad of ['1M', '30 M', '1h30M', '1 month', '2mo', '1y', '2 years']) expect(parseDuration(bad), bad).toBeUndefined();
    for (const bad of ['20/M', '20 per M', '300/5M', '5/month']) expect(parseRate(bad), bad).toBeUndefined();
    expect(parseDuration('1m')).toBe(60);
    expect(parseRate('20/m')).toBeCloseTo(1 / 3);
    // Milli or mega: a lowercase m prefix is SI milli, refused (opsim has no milliwatts).
    for (const bad of ['5mW', '5mw', '1.2 mw']) expect(parsePower(bad), bad).toBeUndefined();
    for (const bad of ['3mJ', '2mWh', '2mwh']) expect(parseEnergy(bad), bad).toBeUndefined();
    expect(parseHeatCapacity('5mJ/K')).toBeUndefined();
    expect(parsePower('5MW')).toBe(5e6);
  });
  test('a refused trap says what to write instead', () => {
    expect(unitHint('duration', '1M')).toBe('a capital M could mean minutes or months: m = minutes; write 30d for a month');
    expect(unitHint('rate', '20/M')).toContain('m = minutes; write 30d for a month');
    expect(unitHint('rate', '20 per month')).toContain('write 30d, 31d or 4w');
    expect(unitHint('duration', '1 year')).toContain('365d');
    expect(unitHint('power', '5mW')).toContain('write MW for mega');
    expect(unitHint('energy', '2mWh')).toContain('write MWh for mega');
    expect(unitHint('temperature', '80F')).toContain('Celsius');
    expect(unitHint('duration', 'soon')).toBeUndefined();
    expect(unitHint('duration', 'Monday')).toBeUndefined();
    const r = checkQuantity('duration', '1M', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/got "1M": .*m = minutes; write 30d for a month$/);
  });
  test('rates', () => {
    expect(parseRate(9)).toBe(9);
    expect(parseRate('9/s')).toBe(9);
    expect(parseRate('300/h')).toBeCloseTo(300 / 3600);
    expect(parseRate('100/30m')).toBeCloseTo(100 / 1800);
    expect(parseRate('5 per hour')).toBeCloseTo(5 / 3600);
    expect(parseRate('12')).toBe(12);
    expect(parseRate('-3/s')).toBe(-3);
    for (const bad of ['fast', '9/', '9/0s', '/s', '9/xyz', true]) expect(parseRate(bad), String(bad)).toBeUndefined();
  });
  test('power, energy, heat capacity', () => {
    expect(parsePower('400W')).toBe(400);
    expect(parsePower('5kW')).toBe(5000);
    expect(parsePower('1.2MW')).toBe(1.2e6);
    expect(parsePower(400)).toBe(400);
    expect(parsePower('5 horses')).toBeUndefined();
    expect(parseEnergy('12kWh')).toBe(12 * 3.6e6);
    expect(parseEnergy('3MJ')).toBe(3e6);
    expect(parseEnergy('1Wh')).toBe(3600);
    expect(parseHeatCapacity('500kJ/K')).toBe(5e5);
    expect(parseHeatCapacity('500kW')).toBeUndefined();
  });
  test('temperatures', () => {
    expect(parseTemperature(27)).toBe(27);
    expect(parseTemperature('27C')).toBe(27);
    expect(parseTemperature('27 °C')).toBe(27);
    expect(parseTemperature('-5C')).toBe(-5);
    expect(parseTemperature('80F')).toBeUndefined();
  });
  test('fractions and percentages', () => {
    expect(parseFraction(0.999)).toBe(0.999);
    expect(parseFraction('99.9%')).toBeCloseTo(0.999);
    expect(parseFraction('50 %')).toBe(0.5);
    expect(parseFraction('0.5')).toBe(0.5);
    expect(parseFraction('-5%')).toBe(-0.05);
    expect(parseFraction('half')).toBeUndefined();
  });
  test('parseQuantity dispatches by kind', () => {
    expect(parseQuantity('duration', '2m')).toBe(120);
    expect(parseQuantity('rate', '60/m')).toBe(1);
    expect(parseQuantity('fraction', '10%')).toBeCloseTo(0.1);
  });
});
