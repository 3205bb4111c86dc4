/**
 * `opsim search`'s progress (walkthrough3 #6): the budget is said as a cap ("up to 200"), never
 * as a total the search will reach, with the time the rest of the budget would take as an upper
 * bound; without a terminal (a pipe, CI) it prints plain lines as `opsim run` does, never the
 * same state twice; a terminal gets one line rewritten in place.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSearchProgress, searchProgressText } from '../../src/search/progress.js';
import { cli, ROOT } from '../experiment/helpers.js';

/** A stream that keeps what is written, a terminal or not. */
function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('search progress', () => {
  it('says the budget is a cap and bounds the time left by it', () => {
    expect(searchProgressText({ simulated: 30, budget: 200, decided: 6, candidates: 6 }, 15)).toBe('search: 30 replications (budget: up to 200), 6/6 candidates decided, 2.0/s, at most 1m25s more (the budget\'s cap)');
    expect(searchProgressText({ simulated: 0, budget: 200, decided: 0, candidates: 2 }, 1)).toBe('search: 0 replications (budget: up to 200), 0/2 candidates decided, 0.0/s');
  });

  it('without a terminal: a line at the start, at each tenth of the budget or new verdict, never the same state twice', () => {
    const prevCi = process.env.CI;
    process.env.CI = 'true';
    try {
      const s = sink(false);
      let t = 0;
      const p = createSearchProgress({ stream: s.stream, now: () => t });
      for (const [simulated, decided] of [[10, 0], [10, 0], [15, 0], [20, 0], [20, 1], [25, 1], [30, 1], [40, 1], [40, 1]] as const) {
        t += 1000;
        p.update({ simulated, budget: 200, decided, candidates: 4 });
      }
      p.stop();
      const lines = s.text().split('\n').filter((l) => l !== '');
      expect(lines.map((l) => /search: (\d+) replications .*, (\d)\/4 candidates/.exec(l)!.slice(1).join('/'))).toEqual(['10/0', '20/0', '20/1', '40/1']);
      for (const l of lines) expect(l).toMatch(/^opsim: search: \d+ replications \(budget: up to 200\)/);
    } finally {
      if (prevCi === undefined) delete process.env.CI;
      else process.env.CI = prevCi;
    }
  });

  it('on a terminal: one line rewritten in place, closed at the end; nothing with --quiet', () => {
    const prevCi = process.env.CI;
    delete process.env.CI;
    try {
      const s = sink(true);
      const p = createSearchProgress({ stream: s.stream, now: () => 5000 });
      p.update({ simulated: 100, budget: 200, decided: 1, candidates: 3 });
      p.update({ simulated: 5, budget: 200, decided: 2, candidates: 3 });
      p.stop();
      const parts = s.text().split('\r').filter((x) => x !== '');
      expect(parts).toHaveLength(2);
      // A shorter line covers the longer one before it.
      expect(parts[1]!.trimEnd().length).toBeLessThan(parts[0]!.length);
      expect(parts[1]!.replace(/\n$/, '').length).toBe(parts[0]!.length);
      expect(s.text().endsWith('\n')).toBe(true);
      const q = sink(true);
      const quiet = createSearchProgress({ stream: q.stream, quiet: true });
      quiet.update({ simulated: 1, budget: 2, decided: 0, candidates: 1 });
      quiet.stop();
      expect(q.text()).toBe('');
    } finally {
      if (prevCi !== undefined) process.env.CI = prevCi;
    }
  });

  it('`opsim search` in CI (stderr a pipe) prints progress lines as `opsim run` does', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'opsim-search-progress-'));
    const r = await cli(['search', path.join(ROOT, 'test/search/fixtures/service-desk-search.yaml'), '--budget', '100', '--workers', '1', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('opsim: search: '));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^opsim: search: \d+ replications \(budget: up to 100\), \d+\/\d+ candidates decided, [\d.]+\/s/);
    expect(new Set(lines).size).toBe(lines.length);
  }, 60_000);
});
