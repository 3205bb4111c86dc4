/** docs/adding-a-model.md, executed: a new model joins the catalog and reports through it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../../src/models/index.js';
import { composeLanguage } from '../../../src/models/kernel/language.js';
import { catalogProblems } from '../../../src/models/kernel/plugin.js';
import { runReplication } from '../../../src/models/replication.js';
import { createScenarioLoader, loadScenarioFile, loadScenarioText } from '../../../src/scenario/index.js';
import { ROOT } from '../../experiment/helpers.js';
import { capacityFloor } from './capacity-floor.js';

describe('adding a model through the catalog', () => {
  const models = [...MODELS, capacityFloor];
  // The catalog with the new model: its schema fragment and checks join the language with no other line.
  const withFloor = createScenarioLoader(composeLanguage(models));
  const file = path.join(ROOT, 'scenarios/crac-failure.yaml');
  const text = readFileSync(file, 'utf8');
  const base = loadScenarioFile(file, { overrides: { horizon: '1d' } });
  const more = withFloor.loadScenarioText(`${text}\ncapacityFloor: {}\n`, { file: 'crac-failure.yaml', baseDir: path.dirname(file), overrides: { horizon: '1d' } });
  if (!base.ok || !more.ok) throw new Error(`crac-failure must load: ${JSON.stringify(!more.ok && more.errors)}`);

  it('the catalog accepts it after the model that gives its port, and refuses it before', () => {
    expect(catalogProblems(models)).toEqual([]);
    expect(catalogProblems([capacityFloor, ...MODELS])).toEqual(['model "capacity-floor" needs port "services", which no earlier model gives']);
  });

  it('its field joins the scenario language, with its default filled in; without it the field is unknown', () => {
    expect(more.scenario.capacityFloor).toEqual({ every: 60 });
    const bad = withFloor.loadScenarioText(`${text}\ncapacityFloor: { every: -5m }\n`, { file: 'crac-failure.yaml', baseDir: path.dirname(file) });
    expect(!bad.ok && bad.errors.map((e) => e.path)).toEqual(['capacityFloor.every']);
    const plain = loadScenarioText(`${text}\ncapacityFloor: {}\n`, { file: 'crac-failure.yaml', baseDir: path.dirname(file) });
    expect(!plain.ok && plain.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(['capacityFloor: unknown field']);
  });

  it('its metric appears with its spec, and the other models are undisturbed', () => {
    const before = runReplication(base.scenario, { seed: '1', replication: 0 });
    const after = runReplication(more.scenario, { seed: '1', replication: 0, models });
    const floor = after.metrics['service.render.servers_available.min'];
    // The CRAC outage shuts servers down in the afternoon: the floor is below the mean.
    expect(floor).toBeLessThan(after.metrics['service.render.servers_available.mean']!);
    expect(floor).toBeGreaterThanOrEqual(0);
    const { ['service.render.servers_available.min']: _, ...rest } = after.metrics;
    expect(rest).toEqual(before.metrics);
  });
});
