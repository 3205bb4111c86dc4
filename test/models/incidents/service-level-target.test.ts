/**
 * A request class's service-level target (`serviceLevelTarget`): a 0/1 verdict per replication
 * with an SLA role, so the decision table shows its P(met) and never ranks a headcount that
 * misses the target above one that meets it. Without the field nothing changes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../../src/models/replication.js';
import { reportHtml } from '../../../src/report/index.js';
import type { ResultsDocument } from '../../../src/results/format.js';
import { compileRaw, formatScenarioError, loadScenarioFile } from '../../../src/scenario/index.js';
import { cli, ROOT } from '../../experiment/helpers.js';

const DESK = path.join(ROOT, 'scenarios', 'service-desk-staffing.yaml');
const MET = 'requests.calls.service_level_met';

/** The raw scenario with every `serviceLevelTarget` removed. */
function withoutTarget(raw: unknown): unknown {
  const strip = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(strip);
    else if (o !== null && typeof o === 'object') {
      delete (o as Record<string, unknown>).serviceLevelTarget;
      Object.values(o).forEach(strip);
    }
  };
  const copy = structuredClone(raw);
  strip(copy);
  return copy;
}

describe('serviceLevelTarget on a request class', () => {
  it('gives a 0/1 verdict of the period\'s service level; without the field the records are the same, less that metric', () => {
    const loaded = loadScenarioFile(DESK, { overrides: { horizon: '5h', 'teams.service-desk.headcount': 13 } });
    if (!loaded.ok) throw new Error(loaded.errors.map(formatScenarioError).join('\n'));
    const opts = { file: loaded.file ?? undefined, overrides: { horizon: '5h', 'teams.service-desk.headcount': 13 } };
    const withIt = compileRaw(loaded.raw, opts);
    const without = compileRaw(withoutTarget(loaded.raw), opts);
    if (!withIt.ok || !without.ok) throw new Error('does not compile');
    const seen = new Set<number>();
    for (let rep = 0; rep < 6; rep++) {
      const a = runReplication(withIt.scenario, { seed: '1', replication: rep });
      const b = runReplication(without.scenario, { seed: '1', replication: rep });
      const level = a.metrics['requests.calls.service_level']!;
      expect(a.metrics[MET]).toBe(level >= 0.8 ? 1 : 0);
      seen.add(a.metrics[MET]!);
      expect(MET in b.metrics).toBe(false);
      delete a.metrics[MET];
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    }
    // 13 agents hover around 80 %: both verdicts occur, so the comparison above judged each.
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it('needs answerTarget', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-sltarget-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, ['name: bad', 'horizon: 1h', 'teams: [{ name: desk, tier: service-desk, headcount: 2 }]', 'requests: [{ name: calls, team: desk, rate: 1/m, handleTime: { dist: exponential, mean: 60s }, serviceLevelTarget: 80% }]', ''].join('\n'));
    const r = loadScenarioFile(file);
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    expect(text).toContain('requests[0].serviceLevelTarget: needs "answerTarget"');
  });

  it('13, 14 and 15 agents: the decision table shows P(met) and ranks a headcount that meets 80 % first, not the cheapest', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-sltarget-'));
    const file = path.join(dir, 'agents.yaml');
    const variants = [13, 14, 15].map((n, i) => `      - name: ${['thirteen', 'fourteen', 'fifteen'][i]}\n        set: { teams.service-desk.headcount: ${n} }`);
    writeFileSync(file, `extends: ${JSON.stringify(DESK)}\nexperiment:\n  variants:\n    list:\n${variants.join('\n')}\n`);
    const out = path.join(dir, 'out');
    const run = await cli(['run', file, '-r', '20', '--no-report', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsDocument;
    // By cost alone the cheapest, thirteen, ranks first (results.json's ranking is by its metric).
    expect(doc.ranking?.order[0]?.variant).toBe('thirteen');
    const p = (v: string): number => doc.variants.find((x) => x.name === v)!.slaProbabilities!.find((x) => x.metric === MET)!.p;
    expect(p('thirteen')).toBeLessThanOrEqual(0.5);
    expect(p('fourteen')).toBeGreaterThanOrEqual(0.9);
    expect(p('fifteen')).toBeGreaterThanOrEqual(0.9);
    const html = reportHtml(doc, []);
    const at = html.indexOf('<table class="verdict">');
    const table = html.slice(at, html.indexOf('</table>', at));
    expect(table).toContain('P(calls service-level target met)');
    expect(table).not.toContain('error budget used');
    const order = [...table.matchAll(/<tr><td>(\d+)<\/td><th scope="row">([^<]+)</g)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toEqual(['1 fourteen', '2 fifteen', '3 thirteen']);
    expect(table).toMatch(/<th scope="row">thirteen<\/th><td class="bad"><strong>0\.\d\d<\/strong>/);
    expect(html).toContain('P(…): share of replications that met the SLA or target');
  }, 60_000);

  it('a report without any verdict has no P(…) note', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-sltarget-'));
    const out = path.join(dir, 'out');
    const run = await cli(['run', DESK, '--set', 'requests.calls.serviceLevelTarget=null', '-r', '2', '--no-report', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsDocument;
    const html = reportHtml(doc, []);
    expect(html).toContain('<table class="verdict">');
    expect(html).not.toContain('P(…)');
  }, 60_000);
});
