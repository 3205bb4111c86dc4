/**
 * The examples in docs/scenario-language.md are executable: every ```yaml block must
 * validate; a block tagged `file=NAME` is also written to NAME so others can extend it; a
 * block tagged `bad` must fail with exactly the errors in the ```text block that follows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { formatScenarioError, loadScenarioFile, loadScenarioText } from '../../src/scenario/index.js';
import { tmpFiles } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const md = readFileSync(path.join(root, 'docs/scenario-language.md'), 'utf8');
const blocks = [...md.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, attrs: m[2]!.trim(), body: m[3]! }));
const files: Record<string, string> = {};
for (const b of blocks) {
  const f = /file=(\S+)/.exec(b.attrs);
  if (b.lang === 'yaml' && f) files[f[1]!] = b.body;
}
const dir = tmpFiles(files);

test('the language doc has examples', () => {
  expect(blocks.filter((b) => b.lang === 'yaml').length).toBeGreaterThanOrEqual(4);
});

test.each(blocks.map((b, i) => [i, b] as const).filter(([, b]) => b.lang === 'yaml'))('yaml example #%i', (i, b) => {
  const f = /file=(\S+)/.exec(b.attrs);
  const r = f ? loadScenarioFile(path.join(dir, f[1]!)) : loadScenarioText(b.body, { file: 'example.yaml' });
  const lines = r.ok ? [] : r.errors.map((e) => formatScenarioError(e).split(dir + path.sep).join(''));
  if (/\bbad\b/.test(b.attrs)) {
    const next = blocks[i + 1];
    expect(next?.lang, 'a bad example must be followed by a ```text block of its errors').toBe('text');
    expect(lines.join('\n') + '\n').toBe(next!.body);
  } else {
    expect(lines).toEqual([]);
  }
});
