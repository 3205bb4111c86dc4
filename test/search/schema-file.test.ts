import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SearchDocumentSchema } from '../../src/search/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REGEN = `regenerate with: npx tsc -p . && node -e "import('./dist/src/search/document-schema.js').then((m) => process.stdout.write(JSON.stringify(m.SearchDocumentSchema, null, 2) + '\\\\n'))" > docs/search.schema.json`;

describe('docs/search.schema.json', () => {
  it(`is the search document's JSON Schema, current (${REGEN})`, () => {
    expect(readFileSync(path.join(root, 'docs/search.schema.json'), 'utf8'), REGEN).toBe(JSON.stringify(SearchDocumentSchema, null, 2) + '\n');
    expect(JSON.stringify(SearchDocumentSchema)).toContain('"const":"opsim-search/3"');
  });
});
