/** The load model: request classes with (non-homogeneous) Poisson arrivals or traces (see README.md). */
import { defineModel } from '../kernel/plugin.js';
import { LoadFields } from './schema.js';
import { checkLoad } from './checks.js';
import { buildLoad } from './runtime.js';
import { resolveTraceFiles } from './files.js';
import { compileLoad } from './compile.js';

export const load = defineModel({
  name: 'load',
  about: 'Load measures itself at the services it feeds.',
  schema: LoadFields,
  needs: ['services'],
  gives: [],
  check: checkLoad,
  resolveFiles: resolveTraceFiles,
  compile: compileLoad,
  build: (world, ports, config) => {
    buildLoad(world, ports.services, config);
    return {};
  },
  metrics: [],
  columns: [],
});

// The static type of this model's scenario fields (see ScenarioFragments in kernel/plugin.ts).
declare module '../kernel/plugin.js' {
  interface ScenarioFragments {
    load: typeof LoadFields;
  }
}
