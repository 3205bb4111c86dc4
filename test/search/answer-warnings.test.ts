/**
 * A policy can meet every constraint and still be overloaded where no constraint looks (the
 * constraint here holds for any staffing): the search document carries the answer's warnings as
 * `opsim validate` says them, and the summary and report show them beside the answer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, ScenarioLoadError } from '../../src/scenario/index.js';
import { runSearch, searchSummary } from '../../src/search/index.js';
import { searchSectionHtml } from '../../src/report/search.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function input(file: string, overrides: Record<string, unknown> = {}): { raw: unknown; file: string; hash: string } {
  const r = loadScenarioFile(file, { overrides });
  if (!r.ok) throw new ScenarioLoadError(r.errors);
  return { raw: r.raw, file: r.file!, hash: r.hash };
}

describe("the search says the answer's warnings", () => {
  const file = path.join(here, 'fixtures/overloaded-answer-search.yaml');

  it('an overloaded answer: the warning in the document, the summary and the report', async () => {
    const doc = await runSearch(input(file), { workers: 0 });
    expect(doc.answer?.candidate).toBe('resolvers=3');
    expect(doc.answerWarnings).toHaveLength(1);
    expect(doc.answerWarnings![0]).toMatch(/^teams\[0\]\.headcount: team "resolvers" is overloaded over the whole horizon: its reported incidents alone keep 5\.05 operators busy on average .* against 3 on duty on average after shrinkage \(ρ = 1\.68\)/);
    expect(searchSummary(doc)).toContain(`warning: the answer's policy: ${doc.answerWarnings![0]}`);
    expect(searchSectionHtml(doc)).toMatch(/The chosen policy raises a warning .*<li>teams\[0\]\.headcount: team &quot;resolvers&quot; is overloaded/s);
  });

  it('none when the answer is not overloaded (6 resolvers and up)', async () => {
    const doc = await runSearch(input(file, { 'search.variables.resolvers.range': { from: 6, to: 7 } }), { workers: 0 });
    expect(doc.answer?.candidate).toBe('resolvers=6');
    expect(doc.answerWarnings).toBeUndefined();
    expect(searchSummary(doc)).not.toContain('warning:');
  });
});
