/**
 * Named random streams. Every draw in a replication comes from a stream whose seed is a hash
 * of (master seed, replication index, stream name), so adding a component (a new name) never
 * shifts the draws of any other stream. That is what makes common random numbers work when
 * two policies are compared: replication r of each policy sees the same arrivals.
 */
import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1). */
export interface Rng {
  /** Next uniform number in [0, 1). */
  next(): number;
  /** The stream's name, for error messages and traces. */
  readonly name: string;
}

class AleaStream implements Rng {
  readonly next: () => number;
  constructor(readonly name: string, seed: string) {
    // Alea is fast, has a 2^116 period and hashes its string seed with Mash, so nearby seeds
    // give unrelated sequences.
    this.next = seedrandom.alea(seed);
  }
}

/** The family of named streams of one replication. */
export class RandomStreams {
  private readonly streams = new Map<string, Rng>();

  /** `masterSeed` is the run's seed; `replication` the replication index (0-based). */
  constructor(readonly masterSeed: string | number, readonly replication: number) {
    if (!Number.isInteger(replication) || replication < 0) {
      throw new RangeError(`replication must be an integer ≥ 0, got ${String(replication)}`);
    }
    checkSeed(masterSeed);
  }

  /** The stream with this name; the same name always returns the same stream object. */
  stream(name: string): Rng {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new AleaStream(name, deriveSeed(this.masterSeed, this.replication, name));
      this.streams.set(name, s);
    }
    return s;
  }

  /** Names of the streams created so far, sorted (for reports). */
  names(): string[] {
    return [...this.streams.keys()].sort();
  }
}

/**
 * Throws unless `seed` can be a master seed. A stream's seed is "opsim|seed|replication|name";
 * with no '|' in the seed (the replication is a number) that string names one (seed,
 * replication, name) only, so two streams can never share draws by accident.
 */
export function checkSeed(seed: string | number): void {
  if (typeof seed === 'number' ? !Number.isFinite(seed) : seed.length === 0 || seed.includes('|')) {
    throw new RangeError(`seed must be a finite number or a non-empty text without '|', got ${JSON.stringify(seed)}`);
  }
}

/** The seed string of a stream; exposed so a failing replication can be reported and rerun. */
export function deriveSeed(masterSeed: string | number, replication: number, name: string): string {
  return `opsim|${String(masterSeed)}|${replication}|${name}`;
}
