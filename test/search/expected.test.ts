import path from 'node:path';
import { docExample, expectExcerpt } from './doc-examples.js';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, ScenarioLoadError } from '../../src/scenario/index.js';
import { runSearch, searchSummary, SearchDocumentSchema } from '../../src/search/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function input(file: string, overrides: Record<string, unknown> = {}): { raw: unknown; file: string; hash: string } {
  const r = loadScenarioFile(file, { overrides });
  if (!r.ok) throw new ScenarioLoadError(r.errors);
  return { raw: r.raw, file: r.file!, hash: r.hash };
}

describe('objective: expected — the lowest expected total cost among the certified-feasible', () => {
  it('picks 6 servers over the cheapest feasible 5, whose breach penalties cost more than the server saved', async () => {
    const doc = await runSearch(input(path.join(here, 'fixtures/pool-penalty-search.yaml')), { workers: 0 });
    expect(doc.procedure.objective).toBe('expected');
    expect(doc.procedure.alphaFeasibility).toBeCloseTo(0.025, 12);
    // 4 servers (ρ = 1) fail the attainment constraint; 5 meet it but breach for ~40 min.
    expect(doc.candidates.find((c) => c.name === 'servers=4')?.decision).toBe('infeasible');
    expect(doc.candidates.find((c) => c.name === 'servers=5')?.decision).toBe('feasible');
    const sel = doc.selection!;
    expect(sel.decision).toBe('selected');
    expect(sel.alpha).toBeCloseTo(0.025, 12);
    expect(sel.best).toBe('servers=6');
    expect(doc.answer?.candidate).toBe('servers=6');
    const five = sel.systems.find((x) => x.candidate === 'servers=5')!;
    const six = sel.systems.find((x) => x.candidate === 'servers=6')!;
    expect(five.eliminatedBy).toBe('servers=6');
    // The expected total cost is the known cost plus the mean penalty: 5 servers pay more in penalties than a sixth costs.
    expect(five.ci95[0]).toBeGreaterThan(six.ci95[1]);
    expect(six.expectedCost).toBeGreaterThanOrEqual(six.knownCost);
    // Penalties are ≥ 0 (their MetricSpec range): no shown interval reaches below a policy's known
    // cost; six's plain t-interval does (597.4 < 600 at this seed), so it is cut there.
    for (const x of sel.systems) expect(x.ci95[0]).toBeGreaterThanOrEqual(x.knownCost);
    expect(six.ci95[0]).toBe(600);
    expect(doc.cheaperNeighbours).toEqual([expect.objectContaining({ candidate: 'servers=5', decision: 'feasible', missed: [expect.stringMatching(/^expected total cost [\d,]+ .* eliminated by servers=6/)] })]);
    expect(doc.status).toBe('certified');
    expect(doc.summary).toMatch(/^servers=6 \(known cost 600, expected total cost [\d,]+\): meets every constraint to within its indifference zone \(.*\) and has the lowest expected total cost/);
    // The candidate table counts what the feasibility decisions read; one line says where the rest of "N used" went.
    const inTable = doc.candidates.reduce((n, c) => n + c.replications, 0);
    expect(inTable).toBeLessThan(doc.replications.used);
    expect(searchSummary(doc)).toContain(`the candidates' reps add up to ${inTable} of the ${doc.replications.used} used: the selection read the other ${doc.replications.used - inTable} (its n per policy above)`);
    const { Ajv } = await import('ajv');
    const validate = new Ajv({ allErrors: true }).compile(SearchDocumentSchema);
    expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
    // docs/search.md's example of the selection is this run's summary.
    expectExcerpt(docExample('servers=6 '), searchSummary(doc));
  }, 60_000);

  it('without costTolerance, or with a random cost that does not exist, refuses before any run', async () => {
    const f = path.join(here, 'fixtures/pool-penalty-search.yaml');
    const r = loadScenarioFile(f);
    if (!r.ok) throw new ScenarioLoadError(r.errors);
    const raw = structuredClone(r.raw) as { search: Record<string, unknown> };
    delete raw.search.costTolerance;
    raw.search.randomCost = 'cost.penaltys';
    const err = await runSearch({ raw, file: null, hash: r.hash }, { workers: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioLoadError);
    const msgs = (err as ScenarioLoadError).errors.map((e) => `${e.path}: ${e.message}`);
    expect(msgs).toEqual([expect.stringMatching(/^search\.objective: .*needs `costTolerance`/), expect.stringMatching(/^search\.randomCost: random cost metric "cost\.penaltys" does not exist.*cost\.penalties/)]);
  });
});
