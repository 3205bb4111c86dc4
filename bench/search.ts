/**
 * Policy search against the exhaustive grid at the same confidence, on the service desk
 * (the Erlang C example, agents 10…18, α = 0.05) and on GlobalMart (L1 on the late shift ×
 * inventory servers, 24 points, three constraints). Both use the same per-candidate
 * procedures, n0, batch, cap and seed; the grid splits α over all its points and decides
 * every one of them. Replications are counted as *used* (a candidate's replications 0 … n − 1),
 * so the grid may take the search's stored replications instead of simulating them again
 * (common random numbers: it would run exactly those) without changing its count.
 * Target (issue #13): the search spends at most one fifth of the grid's replications.
 *
 * The section also prints where the replications went: when the answer's cheaper neighbour
 * sits just outside the indifference zone, the grid must decide it on the same replications,
 * so no search can spend less than that point's share (the "floor" column).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFileOrThrow } from '../src/scenario/index.js';
import { exhaustiveGrid, runSearch, type ExhaustiveResult, type SearchDocument } from '../src/search/index.js';
import { printTable, verdict } from './harness.js';

/** One comparison: the search, then the grid on the same replication store. */
async function compare(title: string, file: string): Promise<void> {
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
  const ratio = search.replications.used / grid.replications;
  // What the grid spent on the candidates the search had to decide: the floor of any search that certifies the same answer.
  const mustDecide = new Set([search.answer?.candidate, ...search.cheaperNeighbours.map((n) => n.candidate)].filter((x): x is string => x !== undefined));
  const floor = [...mustDecide].reduce((s, n) => s + (grid.verdicts.get(n)?.replications ?? 0), 0);
  printTable(
    title,
    ['method', 'answer', 'candidates', 'replications', 'wall s'],
    [
      ['search (warm start + certification + descent)', search.answer?.candidate ?? '—', String(search.candidates.length), String(search.replications.used), searchSeconds.toFixed(1)],
      [`exhaustive grid (α split over all ${grid.points})`, grid.cheapest?.candidate ?? '—', String(grid.points), String(grid.replications), `${gridSeconds.toFixed(1)} (store shared)`],
      [`floor: the answer and its cheaper neighbours in the grid`, '', String(mustDecide.size), String(floor), ''],
    ],
  );
  const heavy = [...grid.verdicts.entries()].sort((a, b) => b[1].replications - a[1].replications).slice(0, 3);
  console.log(`  grid's heaviest points: ${heavy.map(([n, v]) => `${n} ${v.replications} (${v.decision})`).join('; ')}`);
  console.log(`  search: ${search.status}, ${search.replications.simulated} simulated; ratio floor ${(floor / grid.replications).toFixed(3)} (any search certifying this answer decides those points on the same replications)`);
  verdict(`search and exhaustive grid agree on the cheapest policy (${title.split(',')[0]})`, search.answer?.candidate === grid.cheapest?.candidate, `${search.answer?.candidate} (${search.status}) vs ${grid.cheapest?.candidate}`);
  verdict(`search spends ≤ 1/5 of the exhaustive grid's replications (${title.split(',')[0]})`, ratio <= 0.2, `${search.replications.used} / ${grid.replications} = ${ratio.toFixed(3)}; floor ${(floor / grid.replications).toFixed(3)}`);
}

/** The `search` bench section. */
export async function benchSearch(): Promise<void> {
  await compare('Service desk, policy search vs exhaustive grid (agents 10…18, 80 % within 20 s, ε = 0.004, α = 0.05)', 'test/search/fixtures/service-desk-search.yaml');
  if (process.env.OPSIM_BENCH_QUICK === '1') return;
  await compare('GlobalMart, policy search vs exhaustive grid (L1 late 0…3 × servers 7…12, 3 constraints, α = 0.05)', 'scenarios/globalmart-staffing-search.yaml');
}
