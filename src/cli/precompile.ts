/**
 * Build step (`npm run build`, `prepare`, `npm test`): writes opsim's scenario validator as
 * standalone code to dist/generated/scenario-validator.cjs (src/scenario/precompile.ts), so no
 * process compiles the schema at start-up; then validates every shipped scenario with it and
 * writes V8's code cache of the functions that compiled (scenario-validator.v8cache), so no
 * process parses the generated code or compiles those functions either.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGE } from '../models/index.js';
import { loadScenarioFile } from '../scenario/index.js';
import { jsonSchemaOf, scenarioValidator } from '../scenario/validate.js';
import { writeCodeCache, writeStandaloneValidator } from '../scenario/precompile.js';
import { PRECOMPILED_FILE } from '../scenario/precompiled.js';
import { packageRoot } from '../version.js';

writeStandaloneValidator(jsonSchemaOf(LANGUAGE.schema), PRECOMPILED_FILE);
process.stdout.write(`wrote ${path.relative(process.cwd(), PRECOMPILED_FILE)}\n`);
if (scenarioValidator(LANGUAGE.schema).source === 'precompiled') {
  const dir = path.join(packageRoot(), 'scenarios');
  // Their verdicts do not matter here, only the functions validating them compiles.
  for (const f of readdirSync(dir).filter((x) => /\.(ya?ml|json)$/.test(x))) loadScenarioFile(path.join(dir, f));
  const cache = writeCodeCache(PRECOMPILED_FILE);
  if (cache !== null) process.stdout.write(`wrote ${path.relative(process.cwd(), cache)}\n`);
}
