/**
 * docs/fit.md walks a planner from an export to a what-if; its `npx opsim` lines (in ```sh
 * blocks) are run as written, with `reports/fit-demo/` a temporary folder, and must exit 0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir } from './helpers.js';

const doc = readFileSync(path.join(ROOT, 'docs/fit.md'), 'utf8');
const tmp = tempDir('opsim-fit-docs-');
afterAll(() => tmp.remove());

const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('npx opsim ')));

describe('docs/fit.md', () => {
  it('has the walk-through commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(7);
    expect(commands[0]).toMatch(/^npx opsim fit incidents /);
  });

  for (const command of commands) {
    it(command, () => {
      const args = command
        .replace(/^npx opsim /, '')
        .split(/\s+/)
        .map((a) => a.replaceAll('reports/fit-demo', tmp.dir));
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
    });
  }

  it('the files the walk-through names exist and say what the text says', () => {
    const yaml = readFileSync(path.join(tmp.dir, 'fitted-incidents.yaml'), 'utf8');
    expect(yaml).toMatch(/rate: 14\.13\/h .*95 % CI 13\.2–15\.1\/h/);
    expect(yaml).toContain('no family fits: the best by AIC, weibull, is 0.071 from Kaplan–Meier, over the 5 % KS critical value 0.046 for n = 861');
    expect(yaml).toMatch(/0: 499 \(56\.1 %/);
    expect(yaml).toMatch(/^warmup: 295d /m);
    // Step 3's figures: the times to resolve read back (p95 about 58 days, not a 12-day cap),
    // and Little's law for 30 % more incidents.
    const metric = (run: string, m: string): number => (JSON.parse(readFileSync(path.join(tmp.dir, run, 'results.json'), 'utf8')) as { variants: { metrics: Record<string, { mean: number }> }[] }).variants[0]!.metrics[`service.incident-resolution.${m}`]!.mean / 86_400;
    expect(metric('base', 'response_time.p50')).toBeCloseTo(2.3, 1);
    expect(metric('base', 'response_time.p95')).toBeGreaterThan(55);
    expect(metric('base', 'response_time.p95')).toBeLessThan(61);
    expect(metric('base', 'response_time.p99')).toBeGreaterThan(130);
    expect(metric('growth', 'utilisation') / metric('base', 'utilisation')).toBeCloseTo(1.3, 1);
    expect(existsSync(path.join(tmp.dir, 'fit-report.html'))).toBe(true);
    const html = readFileSync(path.join(tmp.dir, 'holdout', 'fit-report.html'), 'utf8');
    expect(html).toContain('Holdout check');
    expect(readFileSync(path.join(tmp.dir, 'fitted-failures.yaml'), 'utf8')).toContain('exact Poisson 95 % CI 0.6 %–2.1 %');
    expect(readFileSync(path.join(tmp.dir, 'fitted-load.yaml'), 'utf8')).toMatch(/Outlier day 2026-01-16/);
  });

  it('the fitted flow says what the text says, and the desk example that extends it validates and runs', () => {
    const flow = readFileSync(path.join(tmp.dir, 'fitted-incident-flow.yaml'), 'utf8');
    expect(flow).toMatch(/- name: P3 .*\n\s+type: P3\n\s+priorities: \{ P3: 1 \}\n\s+rate: 12\.0\d+\/h {3}# 14\.13\/h × 85\.1 %/);
    const offered = Number(flow.match(/^# (\d+) operators busy on average/m)?.[1]);
    expect(Math.abs(offered - 4400)).toBeLessThan(150);
    const block = doc.match(/```yaml file=desk\.yaml\n([\s\S]*?)```/);
    expect(block).not.toBeNull();
    const desk = path.join(tmp.dir, 'desk.yaml');
    writeFileSync(desk, block![1]!);
    for (const args of [['validate', desk], ['run', desk, '--replications', '1', '--quiet', '--out', path.join(tmp.dir, 'desk')]]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
    }
    const m = (JSON.parse(readFileSync(path.join(tmp.dir, 'desk', 'results.json'), 'utf8')) as { variants: { metrics: Record<string, { mean: number }> }[] }).variants[0]!.metrics;
    for (const p of ['P1', 'P2', 'P3', 'P4']) expect(m[`incidents.reported.${p}.arrived`]!.mean, p).toBeGreaterThan(0);
    // With handling times instead of times to resolve, 30 operators carry the fitted flow: about 35 % busy.
    expect(m['staffing.resolvers.utilisation']!.mean).toBeGreaterThan(0.32);
    expect(m['staffing.resolvers.utilisation']!.mean).toBeLessThan(0.4);
  });
});
