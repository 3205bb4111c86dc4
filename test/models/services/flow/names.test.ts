/**
 * Same metric names and units at both fidelities: for every shipped scenario with services,
 * a flow-level run's catalog (known before running) names exactly its metrics and columns,
 * and those are the request level's, with the same specs.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../../src/scenario/index.js';
import { metricCatalog, runReplication } from '../../../../src/models/replication.js';
import { shippedWithServices } from '../../../../bench/fidelity.js';

describe('flow level keeps the metric catalog', () => {
  for (const name of shippedWithServices()) {
    it(`${name}: flow names exactly the request level's metrics and columns`, () => {
      const at = (fidelity: string) => {
        const r = loadScenarioFile(`scenarios/${name}.yaml`, { overrides: { horizon: '2h', warmup: 0, fidelity } });
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        return r.scenario;
      };
      const flow = at('flow');
      const req = metricCatalog(at('request'));
      const cat = metricCatalog(flow);
      const rec = runReplication(flow, { seed: '1', replication: 0 });
      expect(Object.keys(cat.metrics)).toEqual(Object.keys(rec.metrics));
      expect(Object.keys(cat.columns)).toEqual(rec.series.columns.slice(1));
      expect(cat.metrics).toEqual(req.metrics);
      expect(cat.columns).toEqual(req.columns);
    });
  }
});
