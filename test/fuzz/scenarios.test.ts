/**
 * Fuzzing in the suite: seeded mutations of every shipped scenario go through the loader
 * (what `opsim validate` runs) and, when accepted, through one replication with a tiny
 * horizon and a small event budget. Whatever the mutation, nothing may crash (the loader
 * answers with located errors), hang (every case is bounded by the event budget, the queue
 * caps and the thinning budget), or fail with an internal error or a stack trace.
 * fast-check drives the mutations with a fixed seed, so a failure is reproducible.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileRaw, loadScenarioText } from '../../src/scenario/index.js';
import { runReplication } from '../../src/models/replication.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCENARIOS = path.join(ROOT, 'scenarios');
const shipped = readdirSync(SCENARIOS).filter((f) => /\.ya?ml$/.test(f)).sort();

/** Values a careless user or an attacker might write anywhere. */
const NASTY: unknown[] = [
  0, -1, 1, 2.5, -0.5, 1e9, 1e308, -1e308, 1e-320, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2,
  '.inf', '-.inf', '.nan', 'NaN', 'Infinity', '', ' ', '0s', '-5m', '1e9/s', '1000000000/s', '0/s', '1/0s', '10^12/h',
  '100 years', '999999d', '52kW', '-3kW', '100%', '300%', 'exponential', 'x'.repeat(300), '../../etc/passwd',
  null, true, false, [], {}, [1, 2, 3], { dist: 'exponential', mean: '0s' }, { dist: 'uniform', min: '5s', max: '1s' },
  { dist: 'empirical', values: [] }, { '': 1 }, { __proto__x: 1 },
];

type Path = (string | number)[];

/** Every path to a value in a document (objects and arrays included). */
function paths(doc: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(doc: unknown, p: Path, value: unknown, remove: boolean): void {
  let cur = doc as Record<string | number, unknown>;
  for (const seg of p.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  const last = p[p.length - 1]!;
  if (remove) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
}

/** Messages that betray an internal error rather than a reasoned refusal. */
const INTERNAL = /\n\s+at |Cannot read propert|is not a function|is not iterable|undefined is not|Invalid typed array length|Invalid array length|Maximum call stack|out of memory/i;

describe('fuzzed scenarios', () => {
  it('never crash, hang or show a stack trace: 7 scenarios × 40 seeded mutations', () => {
    const docs = shipped.map((f) => ({ file: f, doc: parse(readFileSync(path.join(SCENARIOS, f), 'utf8')) as unknown }));
    let accepted = 0;
    let refused = 0;
    let ran = 0;
    const problems: string[] = [];
    fc.assert(
      fc.property(
        fc.nat({ max: docs.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: NASTY.length - 1 }), fc.boolean()), { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const { file, doc: original } = docs[which]!;
          const doc = structuredClone(original);
          const applied: string[] = [];
          for (const [pick, value, remove] of edits) {
            const all = paths(doc);
            if (all.length === 0) break;
            const p = all[pick % all.length]!;
            const v = NASTY[value];
            setAt(doc, p, structuredClone(v), remove && value % 3 === 0);
            applied.push(`${p.join('.')}=${remove && value % 3 === 0 ? '<deleted>' : JSON.stringify(v)}`);
          }
          const label = `${file} with ${applied.join(', ')}`;
          const text = stringify(doc);
          let loaded: ReturnType<typeof loadScenarioText>;
          try {
            loaded = loadScenarioText(text, { file: 'fuzz.yaml', baseDir: SCENARIOS });
          } catch (err) {
            problems.push(`loader threw on ${label}: ${(err as Error).stack}`);
            return;
          }
          if (!loaded.ok) {
            refused++;
            for (const e of loaded.errors) if (INTERNAL.test(e.message) || e.message.trim() === '') problems.push(`${label}: ${e.path}: ${e.message}`);
            return;
          }
          accepted++;
          // One replication: ten minutes, at most 200,000 events.
          const small = compileRaw(loaded.raw, { file: 'fuzz.yaml', overrides: { horizon: '10m', warmup: 0, maxEvents: 200_000 } });
          if (!small.ok) return;
          try {
            runReplication(small.scenario, { seed: '1', replication: 0 });
            ran++;
          } catch (err) {
            const m = err instanceof Error ? err.message : String(err);
            if (!(err instanceof Error) || INTERNAL.test(m) || m.trim() === '') problems.push(`replication of ${label}: ${err instanceof Error ? err.stack : m}`);
          }
        },
      ),
      { seed: 17, numRuns: 280 },
    );
    expect(problems).toEqual([]);
    // The mutations exercise both sides: refusals and runs.
    expect(refused).toBeGreaterThan(50);
    expect(accepted).toBeGreaterThan(20);
    expect(ran).toBeGreaterThan(10);
  }, 240_000);
});
