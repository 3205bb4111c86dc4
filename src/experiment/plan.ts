/**
 * Planning an experiment: compiling the base scenario and every variant, collecting every
 * error at once (with positions where known), and saying how much work a run may do. Nothing
 * here runs a replication; runExperiment, shards, the queue coordinator and merge all start here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { compileRaw } from '../scenario/index.js';
import { ScenarioLoadError, toPointer, displayPath, didYouMean, parseFieldPath, type ScenarioError } from '../scenario/errors.js';
import { readMergedSource } from '../scenario/merge.js';
import type { Origin } from '../scenario/source.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { Executor } from './jobs.js';
import type { ReplicationPool } from './pool.js';
import type { ScenarioPayload } from './task.js';
import { duplicateNames, expandVariants, type VariantDef } from './variants.js';

/** Progress of a run, reported when a stage of replications is planned and after every finished replication. */
export interface ExperimentProgress {
  done: number;
  total: number;
  failed: number;
}

/** The scenario to run: the merged raw document (before unit conversion), its file and hash. */
export interface ExperimentInput {
  raw: unknown;
  file: string | null;
  hash: string;
}

/** Options of runExperiment; every field is optional. */
export interface ExperimentOptions {
  /** Replications per variant (default: the scenario's `experiment.replications`, else 1). */
  replications?: number;
  /** Worker threads (0 or 1 = in-process; default min(2, cores) when more than one task). Ignored with `pool`. */
  workers?: number;
  /** Master seed (default: the scenario's `seed`, else "1"). */
  seed?: string;
  /** Field-path overrides applied to every variant (`--set`). */
  overrides?: Record<string, unknown>;
  /** Run only these variants (by name). */
  variants?: string[];
  /** Run only these (variant, replication) pairs, e.g. to rerun a failed one. */
  only?: { variant: string; replication: number }[];
  /** Called when a stage of replications is planned (done unchanged, total grown) and after every finished replication. */
  onProgress?: (p: ExperimentProgress) => void;
  /** Aborting stops scheduling, abandons running replications and returns partial results. */
  signal?: AbortSignal;
  /** A pool shared across runs (a server's); the run does not close it. */
  pool?: ReplicationPool;
  /** Runs the tasks instead of a pool (e.g. the queue coordinator's); takes precedence over `pool` and `workers`. */
  executor?: Executor;
  /** Run only shard `index` (0-based) of `count`: every count-th replication of the job list. */
  shard?: { index: number; count: number };
}

/** A variant ready to run: its definition, compile key and payload. */
export interface PreparedVariant {
  def: VariantDef;
  key: string;
  payload: ScenarioPayload;
  scenario: Scenario;
}

export function scenarioError(message: string, pathText = ''): ScenarioError {
  return { file: null, line: null, column: null, path: pathText, message };
}

/** Where a value was written: file, line and column (null when not known). */
export interface Position {
  file: string | null;
  line: number | null;
  column: number | null;
}

/**
 * Looks up where values were written, so variant errors carry a position: in the file that
 * wrote each, which for a scenario that `extends` another may be the base (the merged
 * document's origins say which); `file` when nothing is found. The file (and its `extends`
 * chain) is read and indexed once, at the first lookup, however many errors a caller places
 * with it, and never when there is nothing to place.
 */
export function locator(file: string | null): (segments: (string | number)[]) => Position {
  const none: Position = { file, line: null, column: null };
  let origins: ReadonlyMap<string, Origin> | null | undefined;
  return (segments) => {
    if (origins === undefined) {
      const merged = file !== null && existsSync(path.resolve(file)) ? readMergedSource(file) : null;
      origins = merged?.ok === true ? merged.origins : null;
    }
    if (origins === null) return { ...none };
    for (let n = segments.length; n >= 0; n--) {
      const o = origins.get(toPointer(segments.slice(0, n)));
      if (o !== undefined) return { file: o.file ?? file, line: o.keyLine ?? o.line, column: o.keyColumn ?? o.column };
    }
    return { ...none };
  };
}

/** Where one value was written (see locator; a caller placing several errors should keep one locator). */
export function locate(file: string | null, segments: (string | number)[]): Position {
  return locator(file)(segments);
}

/** Gives an error found on a raw document (no positions) the position of its path in the file. */
function relocate(at: (segments: (string | number)[]) => Position, file: string | null, e: ScenarioError): ScenarioError {
  if (e.line !== null || file === null || e.file === null) return e;
  let segs: (string | number)[];
  try {
    segs = e.path === '' ? [] : parseFieldPath(e.path);
  } catch {
    return e;
  }
  return { ...e, ...at(segs) };
}

/**
 * Compiled results by raw document and (file, overrides): one compile of each variant per
 * process, though `opsim run` plans (planExperiment) before it runs (runExperiment) and the
 * base and a variant without overrides are the same compile. Keyed weakly on the document,
 * so a server's finished runs do not keep their scenarios.
 */
const compiled = new WeakMap<object, Map<string, ReturnType<typeof compileRaw>>>();

function compileOnce(raw: unknown, file: string | null, overrides: Record<string, unknown>): ReturnType<typeof compileRaw> {
  const compile = (): ReturnType<typeof compileRaw> => compileRaw(raw, { file: file ?? undefined, overrides });
  if (typeof raw !== 'object' || raw === null) return compile();
  let byOptions = compiled.get(raw);
  if (byOptions === undefined) compiled.set(raw, (byOptions = new Map()));
  const key = JSON.stringify([file, overrides]);
  let r = byOptions.get(key);
  if (r === undefined) {
    r = compile();
    byOptions.set(key, r);
  }
  return r;
}

/**
 * Records a scenario already loaded from its file (`loadScenarioFile(file, { overrides })`) as
 * the compile of its raw document with the same overrides, which it is (the file's `extends`,
 * overrides and files are in `raw`; test/experiment/plan.test.ts checks it on every shipped
 * scenario and on a traced one): `opsim run` then plans and runs without validating, checking
 * and hashing the scenario a second time.
 */
export function rememberLoaded(loaded: Extract<ReturnType<typeof compileRaw>, { ok: true }>, overrides: Record<string, unknown>): void {
  if (typeof loaded.raw !== 'object' || loaded.raw === null) return;
  let byOptions = compiled.get(loaded.raw);
  if (byOptions === undefined) compiled.set(loaded.raw, (byOptions = new Map()));
  byOptions.set(JSON.stringify([loaded.file, overrides]), loaded);
}

export function stableKey(hash: string, overrides: Record<string, unknown>): string {
  return `${hash}|${JSON.stringify(overrides)}`;
}

/** Compiles the base scenario and every variant, collecting all errors (with positions where known). */
export function prepare(input: ExperimentInput, options: ExperimentOptions): { base: Scenario; variants: PreparedVariant[]; reference: string } {
  const global = options.overrides ?? {};
  const baseResult = compileOnce(input.raw, input.file, global);
  // One read of the file for every error placed below (none when there is none).
  const at = locator(input.file);
  if (!baseResult.ok) throw new ScenarioLoadError(baseResult.errors.map((e) => relocate(at, input.file, e)));
  const base = baseResult.scenario;
  const experiment = base.experiment;
  let defs = expandVariants(experiment);
  const errors: ScenarioError[] = [];
  for (const d of duplicateNames(defs)) {
    const where = at(['experiment', 'variants']);
    errors.push({ ...where, path: 'experiment.variants', message: `two variants are named "${d}"; variant names must be unique` });
  }
  const allNames = defs.map((d) => d.name);
  if (options.variants !== undefined && options.variants.length > 0) {
    for (const n of options.variants) if (!allNames.includes(n)) errors.push(scenarioError(`--variant ${JSON.stringify(n)}: no such variant${didYouMean(n, allNames)} (variants: ${allNames.join(', ')})`));
    defs = defs.filter((d) => options.variants!.includes(d.name));
  }
  for (const o of options.only ?? []) {
    if (!allNames.includes(o.variant)) errors.push(scenarioError(`--only ${o.variant}:${o.replication}: no such variant${didYouMean(o.variant, allNames)} (variants: ${allNames.join(', ')})`));
    if (!Number.isInteger(o.replication) || o.replication < 0) errors.push(scenarioError(`--only ${o.variant}:${o.replication}: the replication must be an integer ≥ 0`));
  }
  if (options.only !== undefined && options.only.length > 0) defs = defs.filter((d) => options.only!.some((o) => o.variant === d.name));
  const variants: PreparedVariant[] = [];
  for (const def of defs) {
    const overrides = { ...global, ...def.set };
    const r = compileOnce(input.raw, input.file, overrides);
    if (!r.ok) {
      for (const e of r.errors) {
        if (e.line !== null) {
          errors.push(e);
          continue;
        }
        // An override error has no position of its own: point at the variant that wrote it.
        const own = Object.keys(def.set).find((k) => e.path === k || e.message.includes(`(set by override ${k}=`));
        const isOwn = own !== undefined;
        const segs = isOwn ? [...def.origin, ...(def.origin[2] === 'list' ? ['set', own] : [own])] : def.origin;
        const where: { file?: string | null; line: number | null; column: number | null } = isOwn ? at(segs) : relocate(at, input.file, e);
        errors.push({ file: isOwn ? input.file : e.file, ...where, path: isOwn ? displayPath(segs) : e.path, message: `variant "${def.name}": ${isOwn && e.path !== own ? `${e.path}: ` : ''}${e.message}` });
      }
      continue;
    }
    variants.push({ def, key: stableKey(input.hash, overrides), payload: { raw: input.raw, file: input.file, overrides, compiled: r.scenario }, scenario: r.scenario });
  }
  let reference = experiment?.reference ?? defs[0]?.name ?? 'base';
  if (experiment?.reference !== undefined && !allNames.includes(experiment.reference)) {
    errors.push({ ...at(['experiment', 'reference']), path: 'experiment.reference', message: `no variant is named "${experiment.reference}"${didYouMean(experiment.reference, allNames)}` });
  }
  if (!defs.some((d) => d.name === reference)) reference = defs[0]?.name ?? reference;
  const stop = experiment?.stopWhen;
  if (stop !== undefined && experiment?.replications !== undefined && stop.maxReplications < experiment.replications) {
    errors.push({ ...at(['experiment', 'stopWhen', 'maxReplications']), path: 'experiment.stopWhen.maxReplications', message: `must be ≥ experiment.replications (${experiment.replications})` });
  }
  if (errors.length > 0) throw new ScenarioLoadError(errors);
  return { base, variants, reference };
}

/** How much work a run would do, known before it starts (see planExperiment). */
export interface ExperimentPlan {
  /** Variants that would run, in order. */
  variants: string[];
  /** Replications per variant at most (the larger of the requested count and stopWhen.maxReplications). */
  replicationsPerVariant: number;
  /** Replications of the warm-up pilot (0 without warmupDetection). */
  pilotReplications: number;
  /** Every replication the run may execute: variants × replicationsPerVariant + pilot (or the `only` count). */
  totalReplications: number;
  /** The longest simulated horizon of any variant, in seconds. */
  maxHorizonSeconds: number;
}

/**
 * Compiles the scenario and every variant exactly as runExperiment would and says how much
 * work the run may do, without running anything. Throws ScenarioLoadError like runExperiment.
 * A server uses it to refuse runs beyond its budget before queueing them.
 */
export function planExperiment(input: ExperimentInput, options: Pick<ExperimentOptions, 'replications' | 'overrides' | 'variants' | 'only'> = {}): ExperimentPlan {
  const { base, variants } = prepare(input, options);
  const experiment = base.experiment;
  const requested = Math.max(1, Math.floor(options.replications ?? experiment?.replications ?? 1));
  const only = options.only !== undefined && options.only.length > 0 ? options.only : undefined;
  const perVariant = only !== undefined ? 1 : Math.max(requested, experiment?.stopWhen?.maxReplications ?? 0);
  const pilot = experiment?.warmupDetection !== undefined ? (experiment.warmupDetection.pilotReplications ?? 5) : 0;
  return {
    variants: variants.map((v) => v.def.name),
    replicationsPerVariant: perVariant,
    pilotReplications: pilot,
    totalReplications: (only?.length ?? variants.length * perVariant) + pilot,
    maxHorizonSeconds: Math.max(base.horizon, ...variants.map((v) => v.scenario.horizon)),
  };
}

/** The seed and replications per variant a run of `base` with `options` uses (the run's own defaults). */
export function runSettings(base: Scenario, options: Pick<ExperimentOptions, 'replications' | 'seed' | 'only'>): { seed: string; requested: number; only: { variant: string; replication: number }[] | undefined } {
  return {
    seed: options.seed ?? String(base.seed ?? 1),
    requested: Math.max(1, Math.floor(options.replications ?? base.experiment?.replications ?? 1)),
    only: options.only !== undefined && options.only.length > 0 ? options.only : undefined,
  };
}
