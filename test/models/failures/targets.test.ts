/**
 * The failure-targets port: a model offers its components as failure targets without the
 * failures model knowing it, and the classes the schema accepts are exactly those the
 * catalog's models offer (plus the groups').
 */
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../../src/models/index.js';
import { catalogProblems, defineModel } from '../../../src/models/kernel/plugin.js';
import { runReplication } from '../../../src/models/replication.js';
import { failuresFields, GROUP_FAILURE_CLASSES } from '../../../src/models/failures/schema.js';
import { scenarioJsonSchema } from '../../../src/scenario/index.js';
import { scenario } from '../helpers.js';
import type { World } from '../../../src/models/kernel/world.js';

/** A test model: two UPS units whose failures it counts (it owns no scenario field). */
function upsModel(log: string[]) {
  return defineModel({
    name: 'ups',
    about: 'Two UPS units (test).',
    schema: {},
    needs: ['failureTargets'],
    gives: [],
    build: (world: World, ports) => {
      ports.failureTargets.offer({
        cls: 'ups',
        targets: () =>
          ['ups-1', 'ups-2'].map((id) => ({ id, service: null, room: null, effect: (down: boolean) => void log.push(`${world.sim.now} ${id} ${down ? 'down' : 'up'}`) })),
      });
      return {};
    },
    metrics: [],
    columns: [],
  });
}

describe('failure targets offered through the port', () => {
  it('a new model offers a class of targets; the failures model fails and repairs them', () => {
    const log: string[] = [];
    const ups = upsModel(log);
    const at = MODELS.findIndex((m) => m.name === 'failures');
    const models = [...MODELS.slice(0, at), ups, ...MODELS.slice(at)];
    expect(catalogProblems(models)).toEqual([]);
    const s = scenario({
      name: 'ups',
      horizon: 3600,
      failures: { classes: [{ class: 'ups', scripted: [{ at: 600, target: 'ups-2', duration: 300 }] }] },
    });
    const m = runReplication(s, { seed: 'ups', replication: 0, models }).metrics;
    expect(log).toEqual(['600 ups-2 down', '900 ups-2 up']);
    expect(m['failures.ups.count']).toBe(1);
    expect(m['failures.ups.downtime_hours']).toBeCloseTo(300 / 3600, 12);
    // Its class joins the schema by the composition's list, not by editing the failures model.
    const fields = JSON.stringify(failuresFields([{ name: 'ups', doc: 'a UPS unit' }]));
    expect(fields).toContain('"const":"ups"');
  });

  it('every class the schema accepts is offered by a catalog model or is a group class, and every offered class is in the schema', () => {
    const schema = scenarioJsonSchema() as { properties: { failures: { properties: { classes: { items: { properties: { class: { anyOf: { const: string }[] } } } } } } } };
    const inSchema = schema.properties.failures.properties.classes.items.properties.class.anyOf.map((a) => a.const).sort();
    // A spy built just before the failures model reads what the catalog's models offered.
    const offered = new Set<string>(GROUP_FAILURE_CLASSES.map((g) => g.name));
    const spy = defineModel({
      name: 'spy',
      about: 'Reads the offers (test).',
      schema: {},
      needs: ['failureTargets'],
      gives: [],
      build: (_world, ports) => {
        for (const o of ports.failureTargets.offers()) offered.add(o.cls);
        return {};
      },
      metrics: [],
      columns: [],
    });
    const at = MODELS.findIndex((m) => m.name === 'failures');
    runReplication(scenario({ name: 'x', horizon: 60, network: { devices: [] } }), { seed: 'x', replication: 0, models: [...MODELS.slice(0, at), spy, ...MODELS.slice(at)] });
    expect([...offered].sort()).toEqual(inSchema);
  });
});
