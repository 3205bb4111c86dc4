/**
 * Merging shards: checks that every part belongs to the same experiment (by identity, which
 * this machine recomputes from the parts' spec, so it also refuses parts made by another
 * opsim or Node major), that every planned replication is there exactly once, and assembles
 * the records with the same pure aggregation as a local run, so results.json is the same bytes.
 */
import { assembleResults } from '../experiment/assemble.js';
import { prepare, runSettings } from '../experiment/plan.js';
import { metricCatalog } from '../models/replication.js';
import type { ResultsDocument } from '../results/format.js';
import { experimentIdentity, nodeMajor, type ExperimentSpec } from './identity.js';
import { collectLines, collected, emptyCollection, readRecordsFile, replicationKey, type CollectedRecords, type RecordsFile } from './part.js';
import { OPSIM_VERSION } from '../version.js';

/** A merge that cannot produce the local run's results: every reason, one per line. */
export class MergeError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'MergeError';
  }
}

/** Every (variant, replication) a run of `spec` plans, in job order. */
export function plannedReplications(spec: ExperimentSpec): { variant: string; replication: number }[] {
  const { base, variants } = prepare(spec.input, spec.options);
  const { requested, only } = runSettings(base, spec.options);
  if (only !== undefined) return only.map((o) => ({ variant: o.variant, replication: o.replication }));
  const out: { variant: string; replication: number }[] = [];
  for (let r = 0; r < requested; r++) for (const v of variants) out.push({ variant: v.def.name, replication: r });
  return out;
}

/** Replications of the plan that a collection holds neither a record nor a failure for. */
export function missingReplications(spec: ExperimentSpec, c: CollectedRecords): string[] {
  return plannedReplications(spec)
    .map((p) => replicationKey(p.variant, p.replication))
    .filter((k) => !c.records.has(k) && !c.failures.has(k));
}

/**
 * Checks a set of records files against each other and this machine. `fatal`: they cannot
 * be merged at all (different experiments or versions); `incomplete`: shards are missing or
 * unfinished (their replications are then reported as missing too).
 */
export function checkParts(parts: readonly RecordsFile[]): { fatal: string[]; incomplete: string[] } {
  const problems: string[] = [];
  const first = parts[0]!;
  for (const p of parts.slice(1)) {
    if (p.header.identity !== first.header.identity) {
      problems.push(`${p.file} belongs to experiment ${p.header.identity.slice(0, 12)}, ${first.file} to ${first.header.identity.slice(0, 12)}: parts of different experiments (scenario, variants, seed, replications or versions differ) cannot be merged`);
    }
  }
  if (first.header.opsimVersion !== OPSIM_VERSION || first.header.nodeMajor !== nodeMajor()) {
    problems.push(`the parts were made by opsim ${first.header.opsimVersion} on Node ${first.header.nodeMajor}; this is opsim ${OPSIM_VERSION} on Node ${nodeMajor()}: merge with the same versions`);
  } else if (problems.length === 0 && experimentIdentity(first.header.spec) !== first.header.identity) {
    problems.push(`${first.file}: its experiment identity does not match its own scenario and options (edited or corrupt)`);
  }
  if (problems.length > 0) return { fatal: problems, incomplete: [] };
  const counts = new Set(parts.map((p) => p.header.shard?.count ?? 1));
  if (counts.size > 1) problems.push(`the parts disagree on the number of shards (${[...counts].join(', ')})`);
  const count = parts[0]!.header.shard?.count ?? 1;
  const have = new Set(parts.map((p) => p.header.shard?.index ?? 0));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !have.has(i));
  if (missing.length > 0) problems.push(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i + 1}/${count}`).join(', ')}`);
  for (const p of parts) if (p.end === null) problems.push(`${p.file} has no end line: its run was killed before it finished writing`);
  for (const p of parts) if (p.end?.interrupted === true) problems.push(`${p.file} was interrupted: rerun that shard`);
  return { fatal: [], incomplete: problems };
}

/** Reads the parts, checks them and assembles the results document. Throws MergeError listing every problem. */
export async function mergeParts(paths: readonly string[]): Promise<{ doc: ResultsDocument; notes: string[] }> {
  if (paths.length === 0) throw new MergeError(['no parts given']);
  const parts: RecordsFile[] = [];
  const problems: string[] = [];
  for (const p of paths) {
    try {
      parts.push(await readRecordsFile(p));
    } catch (err) {
      problems.push(`${p}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length > 0) throw new MergeError(problems);
  const check = checkParts(parts);
  // Parts of different experiments or versions: nothing more to say about their replications.
  if (check.fatal.length > 0) throw new MergeError(check.fatal);
  problems.push(...check.incomplete);
  const c = emptyCollection();
  for (const p of parts) collectLines(c, p.lines, p.file);
  const spec = parts[0]!.header.spec;
  const missing = missingReplications(spec, c);
  if (missing.length > 0) problems.push(`missing replication${missing.length > 1 ? 's' : ''}: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}`);
  problems.push(...c.conflicts);
  if (problems.length > 0) throw new MergeError(problems);
  const notes = c.duplicates.map((d) => `duplicated replication ${d}: identical, kept once`);
  return { doc: assembleSpec(spec, collected(c)), notes };
}

/** Assembles the results of `spec` from its records and failures, as a local run would. */
export function assembleSpec(spec: ExperimentSpec, parts: ReturnType<typeof collected>, interrupted = false): ResultsDocument {
  const { base, variants, reference } = prepare(spec.input, spec.options);
  const { seed, requested, only } = runSettings(base, spec.options);
  return assembleResults({
    input: spec.input,
    base,
    seed,
    requested,
    reference,
    variants: variants.map((v) => ({ name: v.def.name, overrides: v.def.set, horizon: v.scenario.horizon })),
    records: parts.records,
    failures: parts.failures,
    // Shards never change a variant's scenario (no warm-up detection), so the catalog is the variants'.
    catalog: metricCatalog(...variants.map((v) => v.scenario)),
    ...(spec.options.overrides !== undefined ? { overrides: spec.options.overrides } : {}),
    ...(only !== undefined ? { only } : {}),
    interrupted,
  });
}
