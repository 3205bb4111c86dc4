/**
 * docs/search.md's example outputs come from runs the tests do: each ```text block there that
 * shows `opsim search`'s summary is an excerpt of what searchSummary writes for a search a test
 * runs, so the doc's figures and words cannot go stale when the search or its formatting changes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/search.md');

/** The lines of the ```text block of docs/search.md whose first line starts with `head` (exactly one such block). */
export function docExample(head: string): string[] {
  const blocks = [...readFileSync(DOC, 'utf8').matchAll(/^```text\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.replace(/\n$/, '').split('\n'));
  const found = blocks.filter((b) => b[0]!.startsWith(head));
  expect(found, `one \`\`\`text block of docs/search.md starting with ${JSON.stringify(head)}`).toHaveLength(1);
  return found[0]!;
}

/** Every line of `example` is a line of `output`, in the same order (blank lines only as separators): the example is an excerpt of the run's output. */
export function expectExcerpt(example: readonly string[], output: string): void {
  const lines = output.split('\n');
  let at = 0;
  for (const line of example) {
    if (line === '') continue;
    const i = lines.indexOf(line, at);
    expect(i, `docs/search.md's example line is not in the run's output (after line ${at}):\n${line}\n\noutput:\n${output}`).toBeGreaterThanOrEqual(0);
    at = i + 1;
  }
}
