/**
 * The scenario's static type. The schema itself is composed by the model catalog
 * (src/models/index.ts: the language's own fields in ./language.ts plus one fragment per
 * model, src/models/<model>/schema.ts) and handed to the toolkit in src/scenario/ as part of
 * its `ScenarioLanguage`; this module only names the type (a type-only import, so there is no
 * import cycle at run time).
 */
export type { Scenario } from '../../models/index.js';
