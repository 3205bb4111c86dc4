/**
 * The YAML examples in the docs are scenarios people copy: every ```yaml block that starts
 * with `name:` must load, compile every variant (so `reference` names one) and run briefly
 * (so series columns such as warmupDetection.column exist). Blocks that are fragments are
 * tagged ```yaml fragment and skipped; any other untagged block fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planExperiment, runExperiment } from '../../src/experiment/index.js';
import { loadScenarioText } from '../../src/scenario/index.js';
import { ROOT } from './helpers.js';

const DOCS = ['docs/experiments.md', 'docs/operations.md', 'docs/models.md'];

interface Block {
  doc: string;
  line: number;
  info: string;
  text: string;
}

/** Fenced blocks whose info string starts with yaml, with their opening line (1-based). */
export function yamlBlocks(doc: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(/^(`{3,}|~{3,})\s*(yaml|yml)\b(.*)$/i);
    if (open === null) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.startsWith(fence); j++) body.push(lines[j]!);
    out.push({ doc, line: i + 1, info: `${open[2]}${open[3]}`.trim(), text: body.join('\n') + '\n' });
    i = j;
  }
  return out;
}

const blocks = DOCS.flatMap((d) => yamlBlocks(d, readFileSync(path.join(ROOT, d), 'utf8')));

describe('YAML examples in the docs', () => {
  it('finds the examples, and every untagged yaml block is a whole scenario', () => {
    expect(blocks.filter((b) => b.doc === 'docs/experiments.md' && b.info === 'yaml').length).toBeGreaterThan(0);
    for (const b of blocks) {
      if (/\bfragment\b/.test(b.info)) continue;
      expect(b.text.trimStart().startsWith('name:'), `${b.doc}:${b.line}: a yaml block that is not a whole scenario must be tagged "yaml fragment"`).toBe(true);
    }
  });

  for (const b of blocks.filter((x) => !/\bfragment\b/.test(x.info) && x.text.trimStart().startsWith('name:'))) {
    it(`${b.doc}:${b.line} validates, compiles every variant and runs`, async () => {
      const r = loadScenarioText(b.text, { file: `${b.doc}:${b.line}` });
      expect(r.ok ? [] : r.errors).toEqual([]);
      if (!r.ok) return;
      const input = { raw: r.raw, file: null, hash: r.hash };
      // Compiles every variant and checks experiment.reference names one of them.
      const plan = planExperiment(input);
      expect(plan.variants.length).toBeGreaterThan(0);
      // A short run of the reference variant: a series column named by warmupDetection must exist.
      const experiment = (r.raw as { experiment?: { reference?: string } }).experiment;
      const reference = experiment?.reference ?? plan.variants[0]!;
      const overrides: Record<string, unknown> = { horizon: '20m', warmup: 0 };
      if (r.scenario.experiment?.stopWhen !== undefined) overrides['experiment.stopWhen'] = null;
      if (r.scenario.experiment?.warmupDetection !== undefined) overrides['experiment.warmupDetection.pilotReplications'] = 1;
      const doc = await runExperiment(input, { replications: 1, workers: 0, variants: [reference], overrides });
      expect(doc.failures).toEqual([]);
      expect(doc.variants.map((v) => v.name)).toEqual([reference]);
    }, 60_000);
  }
});
