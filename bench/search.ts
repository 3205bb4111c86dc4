/**
 * Policy search against the exhaustive grid at the same confidence, on three spaces: the
 * service desk (the Erlang C example, agents 10…18), the service desk by shift (three shift
 * headcounts over a day with a daily ticket profile, 6 × 6 × 6 points) and GlobalMart (L1 on the
 * late shift × inventory servers, 24 points, three constraints). α = 0.05 everywhere.
 *
 * The comparator (docs/search.md, "What an exhaustive grid at the same confidence costs"): a
 * grid answers with the cheapest point it certifies feasible, and which point that is depends
 * on the data, so its statement holds at 1 − α only if every one of its G·s decisions holds
 * together: β = α/(G·s) per decision (Bonferroni). The search splits α the same way (K = G), so
 * both use the same β, and the grid decides every point with the same procedures, n0, batch,
 * cap and seed. The target (issue #13: the search spends at most one fifth) is judged against
 * that grid. Printed next to it, for scale: the least ANY grid at that β could spend (n0 for
 * every point plus what the search's own decisions cost; doc.replications.grid.atLeast).
 *
 * Replications are counted as *used* (a candidate's replications 0 … n − 1), so the grid may
 * take the search's stored replications instead of simulating them again (common random
 * numbers: it would run exactly those) without changing its count. The section also prints
 * where each space's replications went, per candidate.
 *
 * OPSIM_BENCH_SEARCH=desk,shifts,globalmart picks spaces (default all; OPSIM_BENCH_QUICK=1: desk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFileOrThrow } from '../src/scenario/index.js';
import { exhaustiveGrid, runSearch, type ExhaustiveResult, type SearchDocument } from '../src/search/index.js';
import { printTable, verdict } from './harness.js';

/** One comparison: the search, then the grid on the same replication store. */
async function compare(id: string, title: string, file: string): Promise<void> {
  const l = loadScenarioFileOrThrow(file);
  const input = { raw: l.raw, file: l.file, hash: l.hash };
  const dir = mkdtempSync(join(tmpdir(), 'opsim-bench-search-'));
  const storeFile = join(dir, 'store.json');
  let search: SearchDocument;
  let grid: ExhaustiveResult;
  let searchSeconds: number;
  let gridSeconds: number;
  try {
    let t0 = performance.now();
    search = await runSearch(input, { workers: 2, storeFile });
    searchSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    grid = await exhaustiveGrid(input, { workers: 2, storeFile });
    gridSeconds = (performance.now() - t0) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const used = search.replications.used;
  const ratio = used / grid.replications;
  // What the grid spent on the candidates the certificate needs decided: the floor of any search that certifies the same answer by testing them.
  const mustDecide = new Set([search.answer?.candidate, ...search.cheaperNeighbours.map((n) => n.candidate)].filter((x): x is string => x !== undefined));
  const floor = [...mustDecide].reduce((s, n) => s + (grid.verdicts.get(n)?.replications ?? 0), 0);
  const least = search.replications.grid.atLeast;
  printTable(
    title,
    ['method', 'answer', 'candidates', 'replications', 'search ÷ this', 'wall s'],
    [
      ['search (warm start + certification + descent)', search.answer?.candidate ?? '—', String(search.candidates.length), String(used), '', searchSeconds.toFixed(1)],
      [`exhaustive grid, every point decided, β = α/(G·s) = ${grid.beta.toPrecision(3)} (TARGET's comparator)`, grid.cheapest?.candidate ?? '—', String(grid.points), String(grid.replications), ratio.toFixed(3), `${gridSeconds.toFixed(1)} (store shared)`],
      ['least any grid at that β needs (n0 per point + the search\'s tested decisions)', '', String(grid.points), String(least), (used / least).toFixed(3), ''],
      ['floor: the answer and its cheaper neighbours, in the grid', '', String(mustDecide.size), String(floor), (floor / grid.replications).toFixed(3), ''],
    ],
  );
  // Where the search's replications went, and what the grid spent on the same points.
  const role = (c: SearchDocument['candidates'][number]): string => (c.name === search.answer?.candidate ? 'answer' : mustDecide.has(c.name) ? 'cheaper neighbour' : c.role);
  printTable(
    `  where the search's ${used} replications went (${id})`,
    ['candidate', 'cost', 'role', 'decision', 'search reps', 'grid reps', 'beyond floor'],
    [...search.candidates]
      .sort((a, b) => b.replications - a.replications || a.cost - b.cost)
      .map((c) => [c.name, c.cost.toFixed(0), role(c), c.impliedBy !== undefined ? `${c.decision} (implied by ${c.impliedBy})` : c.level === 'probe' ? `${c.decision} (at β_probe)` : c.decision, String(c.replications), String(grid.verdicts.get(c.name)?.replications ?? '—'), mustDecide.has(c.name) ? '' : String(c.replications)]),
  );
  const heavy = [...grid.verdicts.entries()].sort((a, b) => b[1].replications - a[1].replications).slice(0, 5);
  console.log(`  grid's heaviest points: ${heavy.map(([n, v]) => `${n} ${v.replications} (${v.decision})`).join('; ')}`);
  console.log(`  grid: ${[...grid.verdicts.values()].filter((v) => v.decision === 'undecided').length} of ${grid.points} points undecided at the cap; search: ${search.status}, ${search.replications.simulated} simulated, β = ${search.procedure.beta.toPrecision(3)} (K = ${search.procedure.candidatesCovered})`);
  verdict(`search and grid decide at the same β (${id})`, Math.abs(search.procedure.beta - grid.beta) <= 1e-12 * grid.beta, `search ${search.procedure.beta.toPrecision(6)}, grid ${grid.beta.toPrecision(6)}`);
  const answerCost = search.answer?.cost ?? NaN;
  verdict(
    `search's answer costs what the grid's cheapest certified policy costs (${id})`,
    answerCost === grid.cheapest?.cost,
    `${search.answer?.candidate} ${answerCost} (${search.status}) vs ${grid.cheapest?.candidate} ${grid.cheapest?.cost}`,
  );
  verdict(`search spends ≤ 1/5 of the exhaustive grid's replications (${id})`, ratio <= 0.2, `${used} / ${grid.replications} = ${ratio.toFixed(3)}; floor ${(floor / grid.replications).toFixed(3)}`);
}

const SPACES: [string, string, string][] = [
  ['desk', 'Service desk, policy search vs exhaustive grid (agents 10…18, 80 % within 20 s, ε = 0.004, α = 0.05)', 'test/search/fixtures/service-desk-search.yaml'],
  ['shifts', 'Service desk by shift, policy search vs exhaustive grid (early × late × night 5…10, daily ticket profile, ε = 0.02, α = 0.05)', 'scenarios/service-desk-shifts-search.yaml'],
  ['globalmart', 'GlobalMart, policy search vs exhaustive grid (L1 late 0…3 × servers 7…12, 3 constraints, α = 0.05)', 'scenarios/globalmart-staffing-search.yaml'],
];

/** The `search` bench section. */
export async function benchSearch(): Promise<void> {
  const pick = process.env.OPSIM_BENCH_QUICK === '1' ? ['desk'] : (process.env.OPSIM_BENCH_SEARCH?.split(',') ?? SPACES.map((s) => s[0]));
  for (const [id, title, file] of SPACES) if (pick.includes(id)) await compare(id, title, file);
}
