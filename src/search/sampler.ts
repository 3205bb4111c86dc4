/**
 * Replications of candidate policies on demand: each candidate is a variant (an override
 * set) run through the experiment API, on replication indices 0, 1, 2, … shared by every
 * candidate (common random numbers). Replications already in the store are never run again.
 */
import { runExperiment, type ExperimentInput } from '../experiment/run.js';
import type { ReplicationPool } from '../experiment/pool.js';
import { SearchInterrupted, type ConstraintTest, type Observe, type ObserveCost } from './certify.js';
import { overridesOf, pointName, type Point, type Variable } from './space.js';
import type { ReplicationStore } from './store.js';
import { verdictParts } from './words.js';

/** Adds the 0/1 verdicts "metric>=b" / "metric<=b" that chance constraints on metric bounds read. */
export function withVerdicts(metrics: Record<string, number>, tests: readonly ConstraintTest[]): Record<string, number> {
  const out = { ...metrics };
  for (const t of tests) {
    const p = verdictParts(t.metric);
    if (p === null || t.metric in metrics) continue;
    const v = metrics[p.metric];
    out[t.metric] = v === undefined || !Number.isFinite(v) ? NaN : (p.sense === 'atLeast' ? v >= p.bound : v <= p.bound) ? 1 : 0;
  }
  return out;
}

/** What the sampler needs. */
export interface SamplerOptions {
  input: ExperimentInput;
  vars: readonly Variable[];
  tests: readonly ConstraintTest[];
  seed: string;
  store: ReplicationStore;
  /** Run on this pool; without one, in-process. */
  pool?: ReplicationPool;
  /** Where the store is saved after every batch (null: not saved). */
  storeFile: string | null;
  signal?: AbortSignal;
}

/** Runs and remembers candidates' replications. */
export class CandidateSampler {
  /** Candidate name → point, for every candidate named so far. */
  readonly points = new Map<string, Point>();
  /** "candidate#replication" of every replication handed out. */
  readonly used = new Set<string>();
  /** "candidate#replication" of every replication simulated by this run (not taken from the store). */
  readonly fresh = new Set<string>();
  private readonly baseRaw: Record<string, unknown>;

  constructor(private readonly o: SamplerOptions) {
    this.baseRaw = { ...(o.input.raw as Record<string, unknown>) };
    // The candidates become the experiment's variants; the search section is not the models' business.
    delete this.baseRaw.search;
    delete this.baseRaw.experiment;
  }

  /** Replications simulated by this run: the budget's count. */
  get simulated(): number {
    return this.fresh.size;
  }

  /** Replications handed out that came from the store (an earlier run's). */
  get reused(): number {
    let n = 0;
    for (const k of this.used) if (!this.fresh.has(k)) n++;
    return n;
  }

  /** The candidate name of a point (and remembers the point). */
  name(p: Point): string {
    const n = pointName(this.o.vars, p);
    this.points.set(n, p);
    return n;
  }

  /** The replications among 0 … upTo − 1 of each candidate that are not stored (the ones observing would simulate). */
  private missing(ids: readonly string[], upTo: number): { variant: string; replication: number }[] {
    const only: { variant: string; replication: number }[] = [];
    for (const id of new Set(ids)) for (let r = 0; r < upTo; r++) if (this.o.store.get(id, r) === undefined) only.push({ variant: id, replication: r });
    return only;
  }

  /** What `observe(ids, upTo)` would simulate: exact, so stored replications cost the budget nothing. */
  readonly cost: ObserveCost = (ids, upTo) => this.missing(ids, upTo).length;

  /**
   * Certification's Observe: replications 0 … upTo − 1 of each candidate, simulating only the
   * missing ones. Stopped mid-batch (the signal), it keeps the replications that finished (in
   * the store, saved) and throws SearchInterrupted.
   */
  readonly observe: Observe = async (ids, upTo) => {
    const { store, vars, tests } = this.o;
    const only = this.missing(ids, upTo);
    if (only.length > 0) {
      const list = ids.filter((id) => only.some((x) => x.variant === id)).map((id) => ({ name: id, set: overridesOf(vars, this.points.get(id)!) }));
      const doc = await runExperiment(
        { raw: { ...this.baseRaw, experiment: { variants: { list } } }, file: this.o.input.file, hash: this.o.input.hash },
        { seed: this.o.seed, only, ...(this.o.pool !== undefined ? { pool: this.o.pool } : { workers: 1 }), ...(this.o.signal !== undefined ? { signal: this.o.signal } : {}) },
      );
      const f = doc.failures[0];
      if (f !== undefined) throw new Error(`search: ${doc.failures.length} replication(s) failed, e.g. ${f.variant}:${f.replication} (seed ${f.seed}): ${f.error.split('\n')[0]}`);
      for (const v of doc.variants) {
        const per = v.perReplication;
        if (per === undefined) continue;
        per.replications.forEach((rep, i) => {
          const m: Record<string, number> = {};
          for (const [k, vals] of Object.entries(per.metrics)) m[k] = vals[i] ?? NaN;
          store.set(v.name, rep, m);
        });
      }
      // Only the replications that finished are in an interrupted run's document: they count and are kept for the next run.
      for (const x of only) if (store.get(x.variant, x.replication) !== undefined) this.fresh.add(`${x.variant}#${x.replication}`);
      if (this.o.storeFile !== null) await store.save(this.o.storeFile);
      if (doc.interrupted === true) throw new SearchInterrupted();
    }
    const records = new Map<string, Record<string, number>[]>();
    for (const id of ids) {
      const recs: Record<string, number>[] = [];
      for (let r = 0; r < upTo; r++) {
        const m = store.get(id, r);
        if (m === undefined) throw new Error(`search: replication ${r} of ${id} is missing after its run`);
        this.used.add(`${id}#${r}`);
        recs.push(withVerdicts(m, tests));
      }
      records.set(id, recs);
    }
    return { records, simulated: only.length };
  };
}
