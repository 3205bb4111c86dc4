/**
 * A replication run with keepCatalog keeps its world's catalog for metricCatalog, which then
 * builds no world of its own: the catalog must be the one metricCatalog builds, and is kept only
 * from the world metricCatalog would build (the scenario's seed, replication 0).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricCatalog, runReplication } from '../../src/models/replication.js';
import { loadScenarioFileOrThrow } from '../../src/scenario/index.js';
import { ROOT } from './helpers.js';

const files = readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort();

describe('the catalog kept by a replication', () => {
  it.each(files)('is the one metricCatalog builds: %s', (f) => {
    const { scenario } = loadScenarioFileOrThrow(path.join(ROOT, 'scenarios', f), { overrides: { horizon: '1h', warmup: 0 } });
    const built = metricCatalog(scenario);
    // Another object with the same content: only its own replication can give it a kept catalog.
    const copy = structuredClone(scenario);
    runReplication(copy, { seed: String(copy.seed ?? 1), replication: 0, keepCatalog: true });
    const kept = metricCatalog(copy);
    expect(JSON.stringify(kept)).toBe(JSON.stringify(built));
    expect(kept).toEqual(built);
  });

  it('is kept only from the world metricCatalog would build, and then read instead of building one', () => {
    const { scenario } = loadScenarioFileOrThrow(path.join(ROOT, 'scenarios', files[0]!), { overrides: { horizon: '1h', warmup: 0 } });
    const built = metricCatalog(scenario);
    // A world cannot be built for a horizon of 0 (the warm-up must be shorter): after the
    // replication, metricCatalog can answer only from a kept catalog.
    const unbuildable = (options: { seed: string; replication: number; keepCatalog?: boolean }): (() => unknown) => {
      const copy = structuredClone(scenario);
      runReplication(copy, options);
      copy.horizon = 0;
      return () => metricCatalog(copy);
    };
    expect(unbuildable({ seed: String(scenario.seed ?? 1), replication: 0, keepCatalog: true })()).toEqual(built);
    expect(unbuildable({ seed: String(scenario.seed ?? 1), replication: 0 })).toThrow(/warmup/);
    expect(unbuildable({ seed: 'other', replication: 0, keepCatalog: true })).toThrow(/warmup/);
    expect(unbuildable({ seed: String(scenario.seed ?? 1), replication: 3, keepCatalog: true })).toThrow(/warmup/);
  });
});
