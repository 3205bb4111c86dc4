/** docs/adding-a-model.md, executed: a new model joins the catalog and reports through it. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../../src/models/index.js';
import { catalogProblems } from '../../../src/models/kernel/plugin.js';
import { runReplication } from '../../../src/models/replication.js';
import { loadScenarioFile } from '../../../src/scenario/index.js';
import { ROOT } from '../../experiment/helpers.js';
import { capacityFloor } from './capacity-floor.js';

describe('adding a model through the catalog', () => {
  const models = [...MODELS, capacityFloor];
  const loaded = loadScenarioFile(path.join(ROOT, 'scenarios/crac-failure.yaml'), { overrides: { horizon: '1d' } });
  if (!loaded.ok) throw new Error('crac-failure must load');

  it('the catalog accepts it after the model that gives its port, and refuses it before', () => {
    expect(catalogProblems(models)).toEqual([]);
    expect(catalogProblems([capacityFloor, ...MODELS])).toEqual(['model "capacity-floor" needs port "services", which no earlier model gives']);
  });

  it('its metric appears with its spec, and the other models are undisturbed', () => {
    const base = runReplication(loaded.scenario, { seed: '1', replication: 0 });
    const more = runReplication(loaded.scenario, { seed: '1', replication: 0, models });
    const floor = more.metrics['service.render.servers_available.min'];
    // The CRAC outage shuts servers down in the afternoon: the floor is below the mean.
    expect(floor).toBeLessThan(more.metrics['service.render.servers_available.mean']!);
    expect(floor).toBeGreaterThanOrEqual(0);
    const { ['service.render.servers_available.min']: _, ...rest } = more.metrics;
    expect(rest).toEqual(base.metrics);
  });
});
