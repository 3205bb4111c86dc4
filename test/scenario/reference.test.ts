/**
 * Generated docs must match the schema. When a schema fragment changes, regenerate with
 *   npx tsc -p . && node dist/src/cli.js schema --markdown > docs/scenario-reference.md
 *   node dist/src/cli.js schema > docs/scenario.schema.json
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { generateScenarioReference, scenarioJsonSchema } from '../../src/scenario/index.js';
import { fieldsWithoutDescription } from '../../src/scenario/reference.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REGEN = 'regenerate with: npx tsc -p . && node dist/src/cli.js schema --markdown > docs/scenario-reference.md && node dist/src/cli.js schema > docs/scenario.schema.json';

describe('generated schema docs', () => {
  test('every schema field has a description', () => {
    expect(fieldsWithoutDescription(scenarioJsonSchema() as Record<string, unknown>), 'these schema fields need a description: option').toEqual([]);
  });

  test(`docs/scenario-reference.md is current (${REGEN})`, () => {
    expect(readFileSync(path.join(root, 'docs/scenario-reference.md'), 'utf8'), REGEN).toBe(generateScenarioReference());
  });

  test(`docs/scenario.schema.json is current (${REGEN})`, () => {
    expect(readFileSync(path.join(root, 'docs/scenario.schema.json'), 'utf8'), REGEN).toBe(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
  });

  test('the reference lists every top-level field and the unit kinds', () => {
    const md = generateScenarioReference();
    for (const k of Object.keys((scenarioJsonSchema() as { properties: object }).properties)) expect(md).toContain(`\`${k}\``);
    expect(md).toContain('## Random duration');
    expect(md).toContain('| duration |');
  });
});
