import { describe, expect, it } from 'vitest';
import { CompiledCache, executeTask } from '../../src/experiment/task.js';
import { compileRaw } from '../../src/scenario/index.js';
import { input } from './helpers.js';

describe('replication task protocol', () => {
  it('asks for the scenario once per key, then runs from the cache', async () => {
    const { raw, file, hash } = input();
    const compiled = compileRaw(raw, { file: file ?? undefined });
    if (!compiled.ok) throw new Error('fixture does not compile');
    const cache = new CompiledCache(2);
    const task = { key: `${hash}|{}`, variant: 'twelve', replication: 0, seed: '7' };
    expect(await executeTask(task, cache)).toEqual({ status: 'need-payload' });
    const first = await executeTask({ ...task, payload: { raw, file, overrides: {}, compiled: compiled.scenario } }, cache);
    expect(first.status).toBe('ok');
    const again = await executeTask({ ...task, replication: 1 }, cache);
    expect(again.status).toBe('ok');
    expect(cache.size).toBe(1);
    // Same replication, same record: the cache does not change results.
    const repeat = await executeTask(task, cache);
    expect(repeat).toEqual(first);
  });

  it('compiles from the raw document when no compiled scenario is sent, and reports scenario errors as a failure', async () => {
    const { raw, file, hash } = input();
    const cache = new CompiledCache();
    const ok = await executeTask({ key: `${hash}|x`, variant: 'v', replication: 0, seed: '1', payload: { raw, file, overrides: { 'teams.service-desk.headcount': 13 } } }, cache);
    expect(ok.status).toBe('ok');
    const bad = await executeTask({ key: `${hash}|y`, variant: 'v', replication: 0, seed: '1', payload: { raw, file, overrides: { 'teams.service-desk.headcount': 'lots' } } }, cache);
    expect(bad).toMatchObject({ status: 'failed', error: expect.stringContaining('headcount') });
  });

  it('evicts the least recently used compiled scenario beyond capacity', async () => {
    const { raw, file } = input();
    const compiled = compileRaw(raw, { file: file ?? undefined });
    if (!compiled.ok) throw new Error('fixture does not compile');
    const cache = new CompiledCache(2);
    cache.set('a', compiled.scenario);
    cache.set('b', compiled.scenario);
    cache.get('a');
    cache.set('c', compiled.scenario);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(2);
  });
});

describe('failed replications say what to fix', () => {
  it('an absurd size (10^12 servers) fails with a clear message, not "Invalid typed array length"', async () => {
    const c = compileRaw({ name: 'huge', horizon: '10m', load: [{ name: 'a', service: 's', rate: '1/s' }], services: [{ name: 's', servers: 2, serviceTime: { dist: 'exponential', mean: '1s' } }] });
    if (!c.ok) throw new Error(JSON.stringify(c.errors));
    // Past the loader on purpose (the schema bounds servers): the runtime must still explain itself.
    const scenario = structuredClone(c.scenario);
    (scenario.services![0] as { servers: number }).servers = 1e12;
    const r = await executeTask({ key: 'huge', variant: 'base', replication: 0, seed: '1', payload: { raw: null, file: null, overrides: {}, compiled: scenario } }, new CompiledCache());
    expect(r).toEqual({ status: 'failed', error: expect.stringMatching(/^the scenario asks for more memory than one replication can have \(Invalid typed array length: 1000000000000\): check its sizes/) });
  });
});
