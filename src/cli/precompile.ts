/**
 * Build step (`npm run build`, `prepare`, `npm test`): writes opsim's scenario validator as
 * standalone code to dist/generated/scenario-validator.cjs (src/scenario/precompile.ts), so no
 * process compiles the schema at start-up.
 */
import path from 'node:path';
import { LANGUAGE } from '../models/index.js';
import { jsonSchemaOf } from '../scenario/validate.js';
import { writeStandaloneValidator } from '../scenario/precompile.js';
import { PRECOMPILED_FILE } from '../scenario/precompiled.js';

writeStandaloneValidator(jsonSchemaOf(LANGUAGE.schema), PRECOMPILED_FILE);
process.stdout.write(`wrote ${path.relative(process.cwd(), PRECOMPILED_FILE)}\n`);
