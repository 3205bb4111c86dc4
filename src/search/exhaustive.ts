/**
 * The exhaustive grid at the same confidence: every point of the space certified with the
 * same procedures, the error split over all G points. What a search is measured against
 * (bench/search.ts): replications it would spend, and whether it picks the same policy.
 */
import type { ExperimentInput } from '../experiment/run.js';
import { ReplicationPool, defaultWorkers } from '../experiment/pool.js';
import { compileRaw } from '../scenario/index.js';
import { ScenarioLoadError } from '../scenario/errors.js';
import { certify, splitError, type CandidateVerdict } from './certify.js';
import { CandidateSampler } from './sampler.js';
import { costOf, gridSize, pointName, type Point } from './space.js';
import { ReplicationStore } from './store.js';
import { storeKey } from './store-key.js';
import { prepareSearch } from './validate.js';

/** What the exhaustive grid decided and spent. */
export interface ExhaustiveResult {
  points: number;
  /** Error per (point, constraint) decision: α/(G·s), the split that makes the grid's answer hold at 1 − α whichever point it is. */
  beta: number;
  /** Replications used by all points together. */
  replications: number;
  /** Cheapest point certified feasible (null when none). */
  cheapest: { candidate: string; cost: number } | null;
  verdicts: Map<string, CandidateVerdict>;
}

/** Certifies every point of a scenario's search space (the error split over all of them). */
export async function exhaustiveGrid(input: ExperimentInput, options: { seed?: string; workers?: number; storeFile?: string | null } = {}): Promise<ExhaustiveResult> {
  const compiled = compileRaw(input.raw, { file: input.file ?? undefined });
  if (!compiled.ok) throw new ScenarioLoadError(compiled.errors);
  const prep = prepareSearch(input.raw, input.file, compiled.scenario);
  const seed = options.seed ?? String(compiled.scenario.seed ?? 1);
  const store = await ReplicationStore.load(options.storeFile ?? null, storeKey(input.raw, compiled.scenario, seed));
  const vars = prep.variables;
  const all: Point[] = [[]];
  for (const v of vars) all.splice(0, all.length, ...all.flatMap((p) => v.values.map((_, i) => [...p, i])));
  const workers = options.workers ?? defaultWorkers();
  const pool = workers > 1 ? new ReplicationPool({ size: workers }) : undefined;
  try {
    const sampler = new CandidateSampler({ input, vars, tests: prep.tests, seed, store, ...(pool !== undefined ? { pool } : {}), storeFile: options.storeFile ?? null });
    const names = all.map((p) => sampler.name(p));
    const G = gridSize(vars);
    const out = await certify(names, prep.tests, sampler.observe, { alpha: prep.alpha, candidatesCovered: G, n0: prep.n0, batch: prep.batch, maxReplications: prep.maxReplications }, Infinity);
    const feasible = all.filter((p) => out.verdicts.get(pointName(vars, p))?.decision === 'feasible').sort((a, b) => costOf(vars, a) - costOf(vars, b));
    const best = feasible[0];
    return { points: G, beta: splitError(prep.alpha, G, prep.tests.length), replications: sampler.used.size, cheapest: best === undefined ? null : { candidate: pointName(vars, best), cost: costOf(vars, best) }, verdicts: out.verdicts };
  } finally {
    if (pool !== undefined) await pool.close();
  }
}
