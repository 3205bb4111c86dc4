/**
 * An experiment's identity: what a shard, a queue job and a merge must agree on before their
 * records may be aggregated together. It is the SHA-256 of the canonical compiled scenario of
 * every variant, the variant names, the seed, the replications, the opsim version and the
 * Node major version (floating-point library functions may differ between majors), plus the
 * scenario's file name and source hash, because results.json records them.
 */
import { createHash } from 'node:crypto';
import { prepare, runSettings, type ExperimentInput, type ExperimentOptions } from '../experiment/plan.js';
import { OPSIM_VERSION } from '../version.js';
import { canonicalJson } from '../scenario/canonical-json.js';

/** The options of a run that decide its results (not how or where it runs). */
export type SpecOptions = Pick<ExperimentOptions, 'replications' | 'seed' | 'overrides' | 'variants' | 'only'>;

/** Everything needed to replay the planning of a run on another machine. */
export interface ExperimentSpec {
  input: ExperimentInput;
  options: SpecOptions;
}

/** The Node major version this process runs on, e.g. "20". */
export function nodeMajor(): string {
  return process.versions.node.split('.')[0]!;
}

/** The experiment's identity hash (hex), computed from its spec; throws ScenarioLoadError on a bad scenario. */
export function experimentIdentity(spec: ExperimentSpec): string {
  const { base, variants, reference } = prepare(spec.input, spec.options);
  const { seed, requested } = runSettings(base, spec.options);
  const identity = {
    format: 'opsim-experiment/1',
    opsimVersion: OPSIM_VERSION,
    nodeMajor: nodeMajor(),
    scenario: { file: spec.input.file, hash: spec.input.hash },
    variants: variants.map((v) => ({ name: v.def.name, set: v.def.set, compiled: v.scenario })),
    base,
    reference,
    seed,
    replications: requested,
    overrides: spec.options.overrides ?? {},
    only: spec.options.only ?? [],
  };
  // Exact: −0 apart from 0, an undefined field as absent (a compiled scenario has optional fields).
  return createHash('sha256').update(canonicalJson(identity, { exact: true })).digest('hex');
}
