/**
 * A variant's bad value is said whatever else is wrong: when the scenario does not load, each
 * value a variant sets is checked against the schema of the field it sets (the whole-variant
 * compile, which checks them when the scenario loads, needs a loaded scenario). And a stray
 * top-level field close to a section the document has does not set that section aside.
 */
import { describe, expect, test } from 'vitest';
import { formatScenarioError, loadScenarioText } from '../../src/scenario/index.js';
import { planExperiment } from '../../src/experiment/plan.js';
import { ScenarioLoadError } from '../../src/scenario/errors.js';

function lines(text: string): string[] {
  const r = loadScenarioText(text, { file: 'x.yaml' });
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map(formatScenarioError);
}

const scenario = (opts: { interval?: string; service?: string; servers?: string; variants: string }): string =>
  [
    'name: t',
    'horizon: 2d',
    `interval: ${opts.interval ?? '1d'}`,
    `load: [{ name: customers, service: ${opts.service ?? 'station'}, rate: 9/s }]`,
    `services: [{ name: station, servers: ${opts.servers ?? '10'}, serviceTime: { dist: exponential, mean: 1s } }]`,
    'experiment:',
    '  variants:',
    opts.variants,
  ].join('\n') + '\n';

const LIST = [
  '    list:',
  '      - { name: big, set: { services.station.servers: ten } }',
  '      - { name: slow, set: { services.station.serviceTime: { dist: lognormal, mean: 1s, sd: 500ms } } }',
  '      - { name: other, set: { services.station.serviceTime.mean: soon } }',
  '      - { name: gone, set: { services.station.balancer: null } }',
].join('\n');

const BIG = 'x.yaml:9:29 experiment.variants.list[0].set["services.station.servers"]: variant "big": services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "ten" (set by override services.station.servers=ten)';
const SOON =
  'x.yaml:11:31 experiment.variants.list[2].set["services.station.serviceTime.mean"]: variant "other": services[0].serviceTime.mean: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "soon" (set by override services.station.serviceTime.mean=soon)';

/** The errors of the whole-variant compile (the experiment planner's) of a scenario that loads, as `path: message`. */
function wholeVariantErrors(text: string): string[] {
  const r = loadScenarioText(text, { file: 'x.yaml' });
  expect(r.ok).toBe(true);
  if (!r.ok) return [];
  try {
    planExperiment({ raw: r.raw, file: null, hash: r.hash });
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioLoadError);
    return (err as ScenarioLoadError).errors.map((e) => `${e.path}: ${e.message}`);
  }
  throw new Error('expected the variants not to compile');
}

describe('a variant value is checked when the scenario does not load', () => {
  test('the same sentences as the whole-variant compile of the scenario that loads', () => {
    // The valid scenario: the variants are compiled whole (opsim validate, opsim run).
    const compiled = wholeVariantErrors(scenario({ variants: LIST }));
    // Without a file on disk the compile's errors carry no line; the checked values' sentences are the same.
    const strip = (l: string): string => l.replace(/^x\.yaml:\d+:\d+ /, '');
    expect(compiled).toEqual([strip(BIG), strip(SOON)]);
  });

  test('with a reference check failing (load names no service), the variants\' values are still said', () => {
    expect(lines(scenario({ service: 'nosuch', variants: LIST }))).toEqual(['x.yaml:4:36 load[0].service: unknown service "nosuch" (services are "station")', BIG, SOON]);
  });

  test('with a schema error elsewhere (interval: banana), the variants\' values are still said', () => {
    expect(lines(scenario({ interval: 'banana', variants: LIST }))).toEqual([
      'x.yaml:3:11 interval: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "banana"',
      BIG,
      SOON,
    ]);
  });

  test('a value whose path goes through a section that did not validate is left unchecked', () => {
    expect(lines(scenario({ servers: 'many', variants: `${LIST}\n      - { name: long, set: { horizon: forever } }` }))).toEqual([
      'x.yaml:5:38 services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "many"',
      'x.yaml:13:30 experiment.variants.list[4].set.horizon: variant "long": horizon: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "forever" (set by override horizon=forever)',
    ]);
  });

  test('factor values: each bad one once, at its place in the list', () => {
    const factors = ['    factors:', '      services.station.servers: [8, ten, 12]', '      interval: { name: step, values: [1h, often] }'].join('\n');
    expect(lines(scenario({ service: 'nosuch', variants: factors }))).toEqual([
      'x.yaml:4:36 load[0].service: unknown service "nosuch" (services are "station")',
      'x.yaml:9:37 experiment.variants.factors["services.station.servers"][1]: factor "services.station.servers": services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "ten" (set by override services.station.servers=ten)',
      'x.yaml:10:44 experiment.variants.factors.interval.values[1]: factor "step": interval: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "often" (set by override interval=often)',
    ]);
  });
});

describe('two settings of one variant are judged together when the scenario does not load', () => {
  const JOINT = [
    '    list:',
    '      - { name: gamma, set: { services.station.serviceTime.dist: gamma, services.station.serviceTime.mean: 2s } }',
    '      - { name: warm, set: { warmup: 2d, horizon: 1d } }',
    '      - { name: fine, set: { warmup: 1h, horizon: 1d } }',
    '      - { name: one, set: { services.station.servers: ten, horizon: 1d } }',
  ].join('\n');
  const GAMMA = 'x.yaml:5:42 services[0].serviceTime: variant "gamma": missing required field "shape"';
  const WARM = 'x.yaml:10:30 experiment.variants.list[1].set.warmup: variant "warm": must be shorter than the horizon (86400 s), got 172800 s (set by override warmup=2d)';
  const TEN = 'x.yaml:12:29 experiment.variants.list[3].set["services.station.servers"]: variant "one": services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "ten" (set by override services.station.servers=ten)';

  test('with a schema error elsewhere: a union\'s tag and its parameters set apart, a model check comparing two settings; a value refused alone is said once', () => {
    expect(lines(scenario({ interval: 'banana', variants: JOINT }))).toEqual([
      'x.yaml:3:11 interval: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "banana"',
      GAMMA,
      WARM,
      TEN,
    ]);
  });

  test('the loaded scenario\'s whole-variant compile says the same, each variant\'s problems under its own name only', () => {
    expect(wholeVariantErrors(scenario({ variants: JOINT }))).toEqual([
      // Without a file on disk the compile's errors carry no line; the sentences are the set-aside path's.
      ...[GAMMA, WARM, TEN].map((l) => l.replace(/^x\.yaml:\d+:\d+ /, '')),
    ]);
  });

  test('not when a setting writes into a section set aside (it cannot be judged soundly)', () => {
    expect(lines(scenario({ servers: 'many', variants: JOINT }))).toEqual([
      'x.yaml:5:38 services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "many"',
      WARM,
    ]);
  });
});

describe('a stray top-level field', () => {
  const text = (extra: string): string =>
    `name: t\nhorizon: 1d\nload: [{ name: customers, service: nosuch, rate: 9/s }]\nservices: [{ name: station, servers: 10, serviceTime: 1s }]\n${extra}`;

  test('close to a section the document has does not hide that section\'s problems', () => {
    expect(lines(text('loads: 3\n'))).toEqual(['x.yaml:3:36 load[0].service: unknown service "nosuch" (services are "station")', 'x.yaml:5:1 loads: unknown field (did you mean "load"?)']);
    expect(lines(text(''))).toEqual(['x.yaml:3:36 load[0].service: unknown service "nosuch" (services are "station")']);
  });

  test('close to a section the document lacks still sets that section aside', () => {
    // "slas" may be the missing sla section: the checks reading sla stop (nothing more is said).
    expect(lines(`${text('slas: { services: [{ name: s, service: shop, availabilityTarget: 99% }] }\n')}`)).toEqual([
      'x.yaml:3:36 load[0].service: unknown service "nosuch" (services are "station")',
      'x.yaml:5:1 slas: unknown field (did you mean "sla"?)',
    ]);
  });
});
