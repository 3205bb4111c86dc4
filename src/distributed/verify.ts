/**
 * Verifying a queued experiment before running any of it: the identity is recomputed from the
 * spec on this machine (so a job can only run the scenario its identity names), and the
 * variants are compiled here, never taken from the job. Runs on a worker thread (see
 * workers/verify.ts) so the queue worker's event loop stays free.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { prepare, runSettings } from '../experiment/plan.js';
import type { ScenarioPayload } from '../experiment/task.js';
import { packageRoot } from '../version.js';
import { experimentIdentity, type ExperimentSpec } from './identity.js';

/** A verified experiment: its source hash, seed and compiled variants. */
export interface VerifiedExperiment {
  hash: string;
  seed: string;
  variants: { name: string; key: string; payload: ScenarioPayload }[];
}

/** Verifies and compiles a spec; throws when it does not hash to `identity`. */
export function verifySpec(specText: string, identity: string): VerifiedExperiment {
  const spec = JSON.parse(specText) as ExperimentSpec;
  if (experimentIdentity(spec) !== identity) throw new Error(`experiment ${identity.slice(0, 12)}: the stored scenario does not hash to the job's identity; refusing to run it`);
  const { base, variants } = prepare(spec.input, spec.options);
  return { hash: spec.input.hash, seed: runSettings(base, spec.options).seed, variants: variants.map((v) => ({ name: v.def.name, key: v.key, payload: v.payload })) };
}

/** verifySpec on a fresh worker thread (the built dist/workers/verify.js). */
export function verifyOnThread(specText: string, identity: string): Promise<VerifiedExperiment> {
  const file = path.join(packageRoot(), 'dist', 'workers', 'verify.js');
  if (!existsSync(file)) return Promise.reject(new Error(`worker not built: ${file} is missing (run "npm run build")`));
  return new Promise((resolve, reject) => {
    const t = new Worker(file, { workerData: { specText, identity } });
    t.once('message', (m: { ok: true; value: VerifiedExperiment } | { ok: false; error: string }) => {
      void t.terminate();
      if (m.ok) resolve(m.value);
      else reject(new Error(m.error));
    });
    t.once('error', reject);
    t.once('exit', (code) => reject(new Error(`verification thread exited with code ${code}`)));
  });
}
