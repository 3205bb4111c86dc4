/**
 * Every replication a search simulates, kept so that a rerun (a larger budget, a tighter
 * confidence, another variable range) reuses them instead of simulating again. Results are
 * keyed by `storeKey` (store-key.ts: the scenario as written and compiled, the seed, the opsim
 * version and a fingerprint of the replication code), then by candidate and replication index.
 * A file under another key is ignored (and overwritten). The file is written atomically after
 * every batch.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../results/write.js';

/** Version tag of the replication store file. */
export const STORE_FORMAT = 'opsim-search-replications/1';

interface StoreFile {
  format: typeof STORE_FORMAT;
  key: string;
  /** candidate key → replication index → metric → value (null for NaN). */
  candidates: Record<string, Record<string, Record<string, number | null>>>;
}

/** Stored replications of one search scenario. */
export class ReplicationStore {
  private readonly data = new Map<string, Map<number, Record<string, number>>>();
  constructor(readonly key: string) {}

  /** A candidate's metrics at one replication index, if stored. */
  get(candidate: string, replication: number): Record<string, number> | undefined {
    return this.data.get(candidate)?.get(replication);
  }

  set(candidate: string, replication: number, metrics: Record<string, number>): void {
    let m = this.data.get(candidate);
    if (m === undefined) this.data.set(candidate, (m = new Map()));
    m.set(replication, metrics);
  }

  /** Replications stored in all. */
  get size(): number {
    let n = 0;
    for (const m of this.data.values()) n += m.size;
    return n;
  }

  /** Loads a store file; a missing file, another format or another key gives an empty store. */
  static async load(file: string | null, key: string): Promise<ReplicationStore> {
    const store = new ReplicationStore(key);
    if (file === null) return store;
    let parsed: StoreFile;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8')) as StoreFile;
    } catch {
      return store;
    }
    if (parsed.format !== STORE_FORMAT || parsed.key !== key) return store;
    for (const [cand, reps] of Object.entries(parsed.candidates)) {
      for (const [rep, metrics] of Object.entries(reps)) {
        const m: Record<string, number> = {};
        for (const [k, v] of Object.entries(metrics)) m[k] = v === null ? NaN : v;
        store.set(cand, Number(rep), m);
      }
    }
    return store;
  }

  /** Writes the store atomically. */
  async save(file: string): Promise<void> {
    const out: StoreFile = { format: STORE_FORMAT, key: this.key, candidates: {} };
    for (const [cand, reps] of this.data) {
      const r: Record<string, Record<string, number | null>> = {};
      for (const [rep, metrics] of [...reps].sort((a, b) => a[0] - b[0])) {
        const m: Record<string, number | null> = {};
        for (const [k, v] of Object.entries(metrics)) m[k] = Number.isFinite(v) ? v : null;
        r[String(rep)] = m;
      }
      out.candidates[cand] = r;
    }
    await writeFileAtomic(file, JSON.stringify(out) + '\n');
  }
}
