import { describe, expect, test } from 'vitest';
import { parseDuration, parseRate, parsePower, parseEnergy, parseTemperature, parseHeatCapacity, parseFraction, parseQuantity } from '../../src/scenario/units.js';

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
