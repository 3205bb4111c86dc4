/**
 * The bad-scenario corpus: every test/fixtures/bad/NAME.yaml (or .json) must fail with
 * exactly the errors listed in NAME.expected.txt, one formatted error per line, with file
 * names relative to the corpus folder. Files under bad/bases/ are only extended by others.
 * After an intended change of messages, regenerate with UPDATE_EXPECTED=1 npx vitest run
 * test/scenario/bad-corpus.test.ts and review the diff.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatScenarioError, loadScenarioFile } from '../../src/scenario/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad');
const cases = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

describe('bad scenario corpus', () => {
  test('the corpus is not empty and every case has its expected errors', () => {
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      if (process.env.UPDATE_EXPECTED) continue;
      expect(existsSync(path.join(dir, c.replace(/\.(ya?ml|json)$/, '.expected.txt'))), `${c} has no .expected.txt`).toBe(true);
    }
  });

  test.each(cases)('%s', (c) => {
    const r = loadScenarioFile(path.join(dir, c));
    expect(r.ok, `${c} should not validate`).toBe(false);
    if (r.ok) return;
    const actual = r.errors.map((e) => formatScenarioError(e).split(dir + path.sep).join('')).join('\n') + '\n';
    const expectedFile = path.join(dir, c.replace(/\.(ya?ml|json)$/, '.expected.txt'));
    if (process.env.UPDATE_EXPECTED) writeFileSync(expectedFile, actual);
    expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
  });
});
