/** One parser for overrides: the API's and the dashboard's text values mean what `--set` means. */
import { expect, test } from 'vitest';
import { parseOverrideArgs, parseOverrideRecord } from '../../src/scenario/index.js';

test('text values of an override record parse exactly like --set arguments', () => {
  const texts = { 'services.web.balancer.standby': 'false', 'services.web.servers': '12', horizon: '6h', seed: 'abc', 'load.a.rate': '9/s', 'teams.noc.shrinkage': '30%' };
  const fromArgs = parseOverrideArgs(Object.entries(texts).map(([k, v]) => `${k}=${v}`));
  expect(parseOverrideRecord(texts)).toEqual(fromArgs);
  expect(parseOverrideRecord(texts)['services.web.balancer.standby']).toBe(false);
  expect(parseOverrideRecord(texts)['services.web.servers']).toBe(12);
  // Typed values (API clients sending JSON numbers and booleans) are kept.
  expect(parseOverrideRecord({ 'services.web.servers': 12, 'services.web.balancer.standby': true })).toEqual({ 'services.web.servers': 12, 'services.web.balancer.standby': true });
});
