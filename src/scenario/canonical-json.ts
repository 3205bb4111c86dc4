/**
 * Canonical JSON: a document written with its keys sorted, so that equal documents hash
 * equally. One writer for every hash opsim gives out: the scenario hash in results.json
 * (scenario/load.ts), the search store's key (search/store-key.ts) and a distributed
 * experiment's identity, which workers verify before they run a job (distributed/identity.ts).
 */

/** How canonicalJson writes the two things JSON.stringify would lose or merge. */
export interface CanonicalJsonOptions {
  /**
   * true: −0 is written "-0" (a string, as NaN and ±Infinity always are), apart from 0, and a
   * key whose value is undefined is left out, as JSON.stringify leaves it (the distributed
   * identity's spelling). false (default): −0 is written 0 and such a key as null: the spelling
   * scenario hashes and search store keys have always had, kept so that they do not change.
   */
  exact?: boolean;
}

/**
 * JSON with keys sorted (by UTF-16 code units), non-finite numbers as strings ("NaN",
 * "Infinity", "-Infinity"), an undefined array element as null; see CanonicalJsonOptions for
 * −0 and undefined-valued keys. Every object is written by its own enumerable keys (toJSON is
 * not called); meant for JSON-like data.
 */
export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const exact = options.exact === true;
  const write = (v: unknown): string => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `"${String(v)}"`;
      return exact && Object.is(v, -0) ? '"-0"' : JSON.stringify(v);
    }
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    const o = v as Record<string, unknown>;
    let keys = Object.keys(o).sort();
    if (exact) keys = keys.filter((k) => o[k] !== undefined);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${write(o[k])}`).join(',')}}`;
  };
  return write(value);
}
