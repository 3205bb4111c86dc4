/** Shared helpers of the infrastructure model tests: replications, confidence intervals (queueing formulas: src/theory/queueing.ts). */
import { expect } from 'vitest';
import { loadScenarioFile, type Scenario } from '../../src/scenario/index.js';
import { runReplication } from '../../src/models/replication.js';

/** Loads a scenario file (with field-path overrides) or fails the test with its errors. */
export function load(file: string, overrides: Record<string, unknown> = {}): Scenario {
  const r = loadScenarioFile(file, { overrides });
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
  return r.scenario;
}

/** Runs `n` independent replications and returns their metrics. */
export function replicate(scenario: Scenario, n: number, seed = 'test'): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (let r = 0; r < n; r++) out.push(runReplication(scenario, { seed, replication: r }).metrics);
  return out;
}

/** Mean and standard error of a metric over replications. */
export function meanSe(runs: readonly Record<string, number>[], metric: string): { mean: number; se: number } {
  const xs = runs.map((m) => {
    const v = m[metric];
    if (v === undefined) throw new Error(`no metric ${metric}; have ${Object.keys(m).join(', ')}`);
    return v;
  });
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(v / n) };
}

/** Asserts |mean − theory| < 3·SE across replications (and reports both on failure). */
export function expectAgrees(runs: readonly Record<string, number>[], metric: string, theory: number): { mean: number; se: number } {
  const r = meanSe(runs, metric);
  expect(Math.abs(r.mean - theory), `${metric}: mean ${r.mean} ± ${r.se} vs theory ${theory}`).toBeLessThan(3 * r.se);
  return r;
}

/** A scenario from an object literal (validated like a file). */
export function scenario(s: Record<string, unknown>): Scenario {
  // What the loader would hand the models: schema defaults filled in (values are already in base units).
  return fillDefaults(LANGUAGE.schema, s) as unknown as Scenario;
}

import { RandomStreams, Simulation } from '../../src/engine/index.js';
import { LANGUAGE } from '../../src/models/index.js';
import { fillDefaults } from '../../src/scenario/validate.js';
import { Recorder } from '../../src/models/kernel/recorder.js';
import { ProblemBoard } from '../../src/models/kernel/problems.js';
import type { World } from '../../src/models/kernel/world.js';
import { buildModels, type Ports } from '../../src/models/kernel/plugin.js';
import { cooling } from '../../src/models/cooling/index.js';
import { services } from '../../src/models/services/index.js';
import { failureTargets, failures } from '../../src/models/failures/index.js';
import { load as loadModel } from '../../src/models/load/index.js';
import { power } from '../../src/models/power/index.js';

/** The infrastructure models of one replication, built but not run (to probe state mid-run). */
export function buildWorld(s: Scenario, seed = 'test', replication = 0): World & { ports: Partial<Ports> } {
  const sim = new Simulation();
  const world: World = {
    sim,
    scenario: s,
    streams: new RandomStreams(seed, replication),
    horizon: s.horizon,
    recorder: new Recorder(sim, s.interval ?? 900, s.horizon),
    problems: new ProblemBoard(() => sim.now),
    services: new Map(),
    rooms: new Map(),
    incidents: [],
  };
  const ports = buildModels(world, [failureTargets, cooling, services, failures, loadModel, power]);
  world.recorder.start();
  return { ...world, ports };
}
