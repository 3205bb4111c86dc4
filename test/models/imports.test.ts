/**
 * Structure guards: src/models/ has no import circle (models reach each other through ports),
 * no model imports another model's runtime except through ports and types, and the scenario
 * toolkit imports no model except where the language is bound (index.ts) and the scenario
 * type is named (schema/index.ts, a type-only import): the schema is composed by the catalog.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../experiment/helpers.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        on.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1) out.push(comp.map((f) => path.relative(ROOT, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('module structure', () => {
  const models = path.join(ROOT, 'src/models');
  const scenario = path.join(ROOT, 'src/scenario');

  it('src/models/ has no import circle', () => {
    const graph = new Map(files(models).map((f) => [f, imports(f)]));
    expect(cycles(graph)).toEqual([]);
  });

  it('the scenario toolkit imports models only where the language is bound and the scenario type named', () => {
    const bad = files(scenario).filter((f) => !['index.ts', path.join('schema', 'index.ts')].includes(path.relative(scenario, f)) && imports(f).some((i) => i.startsWith(models + path.sep)));
    expect(bad.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('no per-world lookup tables remain in the models', () => {
    const offenders = files(models).filter((f) => /new WeakMap<World/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
