/**
 * One canonicalJson for every hash opsim gives out. It replaced two writers that differed on
 * two inputs: the scenario hash's (scenario/load.ts, also the search store's key) wrote −0 as
 * 0 and a key whose value is undefined as null; the distributed identity's
 * (distributed/identity.ts) wrote −0 as "-0" and left such a key out. Each caller keeps its
 * spelling, so no scenario hash in a results.json, store key or experiment identity changes:
 * the default is the first writer's, `{ exact: true }` the second's, checked here against
 * copies of both (as they were at ad4a01d) over generated JSON values.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../src/scenario/canonical-json.js';

/** src/scenario/load.ts's canonicalJson at ad4a01d (isPlainObject inlined from merge.ts). */
function scenarioHashWriter(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(scenarioHashWriter).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${scenarioHashWriter(o[k])}`)
      .join(',')}}`;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(String(v));
  return JSON.stringify(v) ?? 'null';
}

/** src/distributed/identity.ts's canonicalJson at ad4a01d. */
function identityWriter(value: unknown): string {
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '"-0"';
    return Number.isFinite(value) ? JSON.stringify(value) : `"${String(value)}"`;
  }
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(identityWriter).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${identityWriter(v)}`).join(',')}}`;
}

/**
 * JSON-like values as the loaders and compilers make them, and the edges: −0, integers and
 * doubles (±Infinity among them, NaN apart: see below), strings and keys over all of Unicode
 * (lone surrogates too), nested arrays and objects, undefined as a value and as an array element.
 */
const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('', 'a', 'A', 'é', 'e\u0301', '𝟘', '\uffff', '__proto__', '10', '9', 'constructor'));
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -0, 1, -1, 0.1, 1e21, -1e-7, 5e-324, Number.MAX_VALUE, Infinity, -Infinity),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constant(undefined),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
}));

describe('canonicalJson keeps both former writers\u2019 outputs', () => {
  it('default: the scenario hash\u2019s and the search store key\u2019s spelling', () => {
    fc.assert(fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(scenarioHashWriter(v));
      }), { numRuns: 3000 });
  });

  it('exact: the distributed identity\u2019s spelling', () => {
    fc.assert(fc.property(value, (v) => {
        expect(canonicalJson(v, { exact: true })).toBe(identityWriter(v));
      }), { numRuns: 3000 });
  });

  it('NaN is written "NaN" by both, as it always was', () => {
    const v = { a: [NaN, { b: NaN }] };
    expect(canonicalJson(v)).toBe(scenarioHashWriter(v));
    expect(canonicalJson(v, { exact: true })).toBe(identityWriter(v));
    expect(canonicalJson(v)).toBe('{"a":["NaN",{"b":"NaN"}]}');
  });

  it('the two spellings differ exactly on −0 and undefined-valued keys', () => {
    expect(canonicalJson({ z: -0, a: undefined, m: [undefined, 1] })).toBe('{"a":null,"m":[null,1],"z":0}');
    expect(canonicalJson({ z: -0, a: undefined, m: [undefined, 1] }, { exact: true })).toBe('{"m":[null,1],"z":"-0"}');
    // Without −0 and undefined anywhere in it, a value is written the same both ways.
    fc.assert(
      fc.property(
        value.filter((v) => !hasUndefinedOrNegativeZero(v)),
        (v) => {
          expect(canonicalJson(v, { exact: true })).toBe(canonicalJson(v));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by UTF-16 code units, so equal documents written in any order hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: 'é' }, 'é': 1, Z: 2 })).toBe('{"Z":2,"a":{"c":"é","d":[2,{"x":0,"y":1}]},"b":1,"é":1}');
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
        expect(canonicalJson(reversed, { exact: true })).toBe(canonicalJson(o, { exact: true }));
      }),
    );
  });
});

function hasUndefinedOrNegativeZero(v: unknown): boolean {
  if (v === undefined || Object.is(v, -0)) return true;
  if (Array.isArray(v)) return v.some(hasUndefinedOrNegativeZero);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasUndefinedOrNegativeZero);
  return false;
}
