/**
 * The scenario language's own top-level fields: what a scenario is and how long to simulate it
 * (`LanguageFields`: meta), and how to run and search it (`RunFields`: experiment, search).
 * The model catalog (src/models/index.ts) puts every model's fragment between the two to make
 * the scenario schema; nothing here imports a model.
 */
import { Type } from '@sinclair/typebox';
import { MetaFields } from './meta.js';
import { ExperimentFields } from './experiment.js';
import { SearchFields } from '../../search/schema.js';

/** What the scenario is: `$schema`, name, description, extends, seed, horizon, warm-up, interval, event budget. */
export const LanguageFields = {
  $schema: Type.Optional(Type.String({ description: 'Path or URL of this schema, for editors.' })),
  ...MetaFields,
};

/** How to run it (`experiment`) and what `opsim search` may change (`search`). */
export const RunFields = {
  ...ExperimentFields,
  ...SearchFields,
};
