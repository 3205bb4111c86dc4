/**
 * A broken `extends` chain (a base missing, cyclic, or not parsed) no longer hides the problems
 * of the files above the break: those certain whatever the base holds are said with the chain's
 * problem (docs/scenario-language.md "Errors"), nothing the base might supply is called missing.
 * The exact messages of the corpus cases (extends-*-own-problems, extends-chain-missing-further)
 * are pinned by bad-corpus.test.ts; here: soundness over every shipped scenario, and the loaders agree.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadScenarioFile, loadScenarioText } from '../../src/scenario/index.js';
import { errorsOf, MINIMAL, tmpFiles } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shipped = readdirSync(path.join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort();

/** A part of a document as a child might write it over a base: each object keeps its name and one other field (`pick` chooses which), recursively. */
function thin(v: unknown, pick: 'first' | 'last'): unknown {
  if (Array.isArray(v)) return v.map((e) => thin(e, pick));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => k !== 'name');
  const out: Record<string, unknown> = {};
  if ('name' in o) out.name = o.name;
  const k = pick === 'first' ? keys[0] : keys[keys.length - 1];
  if (k !== undefined) out[k] = thin(o[k], pick);
  return out;
}

describe('a broken extends chain', () => {
  test.each(shipped)('%s: over a missing base, its whole valid content and thinned copies of it give only the chain\'s problem', (f) => {
    const r = loadScenarioFile(path.join(root, 'scenarios', f));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const dir = tmpFiles({});
    for (const [name, doc] of [
      ['whole.json', r.raw],
      ['first.json', thin(r.raw, 'first')],
      ['last.json', thin(r.raw, 'last')],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify({ extends: 'nowhere.json', ...(doc as object) }));
      expect(errorsOf(loadScenarioFile(file), dir), `${f} ${name}`).toEqual([`${name}:1:12 extends: cannot read base scenario "nowhere.json": file not found`]);
    }
  });

  test('the child\'s own problems are said with the break; references into sections a base may supply are not', () => {
    const dir = tmpFiles({
      'child.yaml': 'extends: gone.yaml\nname: c\nhorizon: soon\nservices:\n  - name: inventory\n    servers: six\nload:\n  - name: more\n    service: search\n    rate: 2/s\nsla:\n  services:\n    - { name: s, service: nowhere, availabilityTarget: 99% }\n',
    });
    expect(errorsOf(loadScenarioFile(path.join(dir, 'child.yaml')), dir)).toEqual([
      'child.yaml:1:10 extends: cannot read base scenario "gone.yaml": file not found',
      'child.yaml:3:10 horizon: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "soon"',
      'child.yaml:6:14 services[0].servers: must be an integer ≥ 1 and ≤ 100000, got "six"',
    ]);
  });

  test('a field removed with null is not taken for a value (the base\'s horizon may be what it removes)', () => {
    const dir = tmpFiles({ 'child.yaml': 'extends: gone.yaml\nhorizon: null\nwarmup: 1h\n' });
    expect(errorsOf(loadScenarioFile(path.join(dir, 'child.yaml')), dir)).toEqual(['child.yaml:1:10 extends: cannot read base scenario "gone.yaml": file not found']);
  });

  test('a cycle: the files in it are checked too', () => {
    const dir = tmpFiles({
      'a.yaml': 'extends: b.yaml\nname: a\nhorizon: 1d\nwarmup: 2d\n',
      'b.yaml': 'extends: a.yaml\nservices:\n  - name: web\n    serviceTme: 1m\n',
    });
    expect(errorsOf(loadScenarioFile(path.join(dir, 'a.yaml')), dir)).toEqual([
      'a.yaml:4:9 warmup: must be shorter than the horizon (86400 s), got 172800 s',
      'b.yaml:1:10 extends: cycle: a.yaml → b.yaml → a.yaml',
      'b.yaml:4:5 services[0].serviceTme: unknown field (did you mean "serviceTime"?)',
    ]);
  });

  test('the text loader (HTTP API) says the same, its base confined to its directory', () => {
    const dir = tmpFiles({ 'base.yaml': MINIMAL });
    const text = 'extends: ../outside.yaml\nname: t\nservices:\n  - name: inventory\n    sevrers: 3\n';
    expect(errorsOf(loadScenarioText(text, { file: 't.yaml', baseDir: dir }))).toEqual([
      't.yaml:1:10 extends: must name a file inside the scenarios directory, got "../outside.yaml"',
      't.yaml:5:5 services[0].sevrers: unknown field (did you mean "servers"?)',
    ]);
    // Mended, the same child loads over the base.
    expect(loadScenarioText(text.replace('../outside.yaml', 'base.yaml').replace('sevrers', 'servers'), { file: 't.yaml', baseDir: dir }).ok).toBe(true);
  });
});
