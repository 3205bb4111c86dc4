import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeResults, writeResultsSync } from '../../src/results/write.js';
import type { ResultsDocument } from '../../src/results/format.js';
import { CLI, FIXTURE, ROOT, cli } from './helpers.js';

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'opsim-cli-'));
const readDoc = (dir: string): ResultsDocument => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as ResultsDocument;

describe('opsim run', () => {
  it('exits 3 when a replication fails, names it with its seed, and --only reruns it', async () => {
    const out = tmp();
    const r = await cli(['run', FIXTURE, '--out', out, '--workers', '2'], { OPSIM_FAIL_REPLICATION: 'twelve:4' });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/FAILED twelve:4 \(seed 7\).*--only "twelve:4"/);
    const doc = readDoc(out);
    expect(doc.complete).toBe(false);
    expect(doc.failures).toMatchObject([{ variant: 'twelve', replication: 4, seed: '7' }]);
    expect(doc.variants.map((v) => v.replications)).toEqual([5, 6]);
    const out2 = tmp();
    const again = await cli(['run', FIXTURE, '--out', out2, '--only', 'twelve:4', '--json', '--quiet']);
    expect(again.code).toBe(0);
    const rerun = JSON.parse(again.stdout) as ResultsDocument;
    expect(rerun.complete).toBe(true);
    expect(rerun.variants[0]!.perReplication!.replications).toEqual([4]);
    expect(readFileSync(path.join(out2, 'series.csv'), 'utf8').split('\n')[0]).toMatch(/^variant,t \(seconds\),/);
  }, 60_000);

  it('exits 2 with every scenario error located in the file', async () => {
    const r = await cli(['run', path.join(ROOT, 'test/experiment/fixtures/bad-variant.yaml'), '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-variant\.yaml:9:\d+ experiment\.variants.*headcont/);
  }, 60_000);

  it('writes partial results marked incomplete on SIGTERM', async () => {
    const out = tmp();
    const child = spawn(process.execPath, [CLI, 'run', FIXTURE, '--out', out, '--replications', '400', '--workers', '2'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The first progress line means at least one replication is in.
        if (/opsim: \d+\/800 replications/.test(stderr) && !child.killed) child.kill('SIGTERM');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(130);
    const doc = readDoc(out);
    expect(doc.complete).toBe(false);
    expect(doc.interrupted).toBe(true);
    const n = doc.variants.reduce((s, v) => s + v.replications, 0);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(800);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});

describe('atomic writes', () => {
  it('a crash between write and rename leaves the previous file intact', async () => {
    const dir = tmp();
    const file = path.join(dir, 'results.json');
    writeFileSync(file, '{"old":true}\n');
    const crash = writeFileAtomic(file, '{"new":', {
      beforeRename: (temp) => {
        expect(readFileSync(temp, 'utf8')).toBe('{"new":');
        throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    expect(readFileSync(file, 'utf8')).toBe('{"old":true}\n');
    expect(readdirSync(dir)).toEqual(['results.json']);
    await writeFileAtomic(file, '{"new":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
  });

  it('the command line\'s synchronous writer writes the same files, and a failed write names its file and leaves no temporary file', async () => {
    const d = doc([1, 2, 3]);
    const a = tmp();
    const b = path.join(tmp(), 'nested', 'out');
    expect(await writeResults(a, d)).toBe(path.join(a, 'results.json'));
    expect(writeResultsSync(b, d)).toBe(path.join(b, 'results.json'));
    expect(readdirSync(b).sort()).toEqual(['results.json', 'series.csv', 'summary.csv']);
    for (const f of readdirSync(a)) expect(readFileSync(path.join(b, f), 'utf8'), f).toBe(readFileSync(path.join(a, f), 'utf8'));
    // results.json is a folder here: the rename fails after the temporary file is written.
    const c = tmp();
    mkdirSync(path.join(c, 'results.json', 'inside'), { recursive: true });
    expect(() => writeResultsSync(c, d)).toThrow(`cannot write ${path.join(c, 'results.json')}: `);
    expect(readdirSync(c).sort()).toEqual(['results.json', 'series.csv', 'summary.csv']);
  });
});

/** A results document with one variant whose metric takes the given per-replication values. */
function doc(values: number[], seed = '1'): ResultsDocument {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const metric = { n, mean, sd, ci95: [mean, mean] as [number, number], min: Math.min(...values), max: Math.max(...values), p05: mean, p50: mean, p95: mean };
  return {
    format: 'opsim-results/1',
    opsimVersion: '0.0.0',
    scenario: { name: 'x', file: null, hash: 'h' },
    seed,
    horizonSeconds: 3600,
    warmupSeconds: 0,
    complete: true,
    variants: [
      {
        name: 'base',
        overrides: {},
        replications: n,
        metrics: { 'service.web.response_time.mean': metric, 'service.web.throughput': { ...metric, mean: 10 } },
        series: null,
        sampleIncidents: [],
        perReplication: { replications: values.map((_, i) => i), metrics: { 'service.web.response_time.mean': values, 'service.web.throughput': values.map(() => 10) } },
      },
    ],
    comparisons: [],
    failures: [],
  };
}

describe('opsim compare', () => {
  it('exits 0 without regression, 1 on a significant regression beyond tolerance, 2 on unusable input', async () => {
    const dir = tmp();
    const base = path.join(dir, 'base.json');
    const same = path.join(dir, 'same.json');
    const worse = path.join(dir, 'worse.json');
    const slightly = path.join(dir, 'slightly.json');
    writeFileSync(base, JSON.stringify(doc([1.0, 1.2, 0.9, 1.1, 1.05])));
    writeFileSync(same, JSON.stringify(doc([1.01, 1.19, 0.91, 1.1, 1.05])));
    writeFileSync(worse, JSON.stringify(doc([1.3, 1.5, 1.2, 1.4, 1.35]))); // +30 %, paired: significant
    writeFileSync(slightly, JSON.stringify(doc([1.03, 1.23, 0.93, 1.13, 1.08]))); // +3 %: significant but within 5 %
    writeFileSync(path.join(dir, 'bad.json'), '{ not json');
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ format: 'something-else' }));

    const ok = await cli(['compare', base, same]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/paired t-test.*no regression/);
    expect((await cli(['compare', base, slightly])).code).toBe(0);
    const bad = await cli(['compare', base, worse]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/service\.web\.response_time\.mean\s+lower.*REGRESSION/);
    // Only the (unchanged) throughput compared; a wide tolerance; a declared direction that makes slower better.
    expect((await cli(['compare', base, worse, '--metric', 'service.web.throughput'])).code).toBe(0);
    expect((await cli(['compare', base, worse, '--tolerance', '50'])).code).toBe(0);
    expect((await cli(['compare', base, worse, '--direction', 'service.web.response_time.mean=higher'])).code).toBe(0);
    for (const args of [[base, path.join(dir, 'missing.json')], [base, path.join(dir, 'bad.json')], [base, path.join(dir, 'other.json')], [base, same, '--metric', 'nope']]) {
      const r = await cli(['compare', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
  }, 60_000);

  it('exits 2 for runs of different scenarios (unless --force) or without a shared metric, and lists metrics only one side has', async () => {
    const dir = tmp();
    const base = path.join(dir, 'base.json');
    const other = path.join(dir, 'other-scenario.json');
    const disjoint = path.join(dir, 'disjoint.json');
    const fewer = path.join(dir, 'fewer.json');
    writeFileSync(base, JSON.stringify(doc([1.0, 1.2, 0.9, 1.1, 1.05])));
    const o = doc([1.0, 1.2, 0.9, 1.1, 1.05]);
    o.scenario.name = 'y';
    writeFileSync(other, JSON.stringify(o));
    const d = doc([1.0, 1.2, 0.9, 1.1, 1.05]);
    d.variants[0]!.metrics = { 'room.a.temperature.max': d.variants[0]!.metrics['service.web.throughput']! };
    writeFileSync(disjoint, JSON.stringify(d));
    const f = doc([1.0, 1.2, 0.9, 1.1, 1.05]);
    delete f.variants[0]!.metrics['service.web.throughput'];
    writeFileSync(fewer, JSON.stringify(f));
    const diff = await cli(['compare', base, other]);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toMatch(/different scenarios.*--force/);
    expect((await cli(['compare', base, other, '--force'])).code).toBe(0);
    const none = await cli(['compare', base, disjoint]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/share no metric/);
    const missing = await cli(['compare', base, fewer]);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(/missing from the current run: service\.web\.throughput/);
  }, 60_000);

  it('runs the CI recipe from docs/ci-recipe.md on the M/M/c scenario', async () => {
    const recipe = readFileSync(path.join(ROOT, 'docs/ci-recipe.md'), 'utf8');
    // The recipe's commands, exactly as documented (lines starting with "npx opsim").
    const commands = recipe.split('\n').filter((l) => l.startsWith('npx opsim ')).map((l) => l.slice('npx opsim '.length).trim().split(/\s+/));
    expect(commands.length).toBe(3);
    const scenario = 'scenarios/mmc-validation.yaml';
    expect(existsSync(path.join(ROOT, scenario))).toBe(true);
    const dir = tmp();
    const sub = (args: string[]): string[] =>
      args.map((a) => a.replace('scenarios/mmc-validation.yaml', scenario).replace(/^baselines\//, `${dir}/baselines/`).replace(/^reports\//, `${dir}/reports/`));
    const [baseline, current, compare] = commands.map(sub) as [string[], string[], string[]];
    expect((await cli(baseline)).code).toBe(0);
    expect((await cli(current)).code).toBe(0);
    const gate = await cli(compare);
    expect(gate.stdout).toMatch(/no regression/);
    expect(gate.code).toBe(0);
    // A slower station must fail the gate.
    const slower = await cli([...current, '--set', 'services.station.serviceTime.mean=1.05s']);
    expect(slower.code).toBe(0);
    expect((await cli(compare)).code).toBe(1);
  }, 90_000);
});

describe('option errors', () => {
  it('exit 2 with the reason, for every command; help and version exit 0', async () => {
    const cases = [
      ['run', 'scenarios/mmc-validation.yaml', '--replications', 'abc'],
      ['run', 'scenarios/mmc-validation.yaml', '--bogus'],
      ['run'],
      ['compare', 'a.json'],
      ['serve', '--port', '99999'],
      ['main', '--replications', '0', '--no-serve'],
      ['no-such-command'],
      [],
    ];
    for (const args of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error|must be|usage/i);
    }
    for (const args of [['--help'], ['run', '--help'], ['--version'], ['help', 'run']]) expect((await cli(args)).code, args.join(' ')).toBe(0);
  });

  it('help names every exit code a command sets, what run writes, and the defaults of --workers', async () => {
    const help = async (cmd: string): Promise<string> => {
      const r = await cli([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      return r.stdout;
    };
    const codes = (text: string): number[] => [...(text.split('\nExit codes:\n')[1] ?? '').matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
    const run = await help('run');
    expect(codes(run)).toEqual([0, 1, 2, 3, 130]);
    expect(run).toMatch(/results\.json, summary\.csv, series\.csv and report\.html/);
    expect(run).toMatch(/--workers <n>[\s\S]*default min\(2,\s+cores\)/);
    const search = await help('search');
    expect(codes(search)).toEqual([0, 1, 2, 4, 130]);
    expect(search).toMatch(/4 +no feasible point within the budget/);
    expect(search).toMatch(/--workers <n>[\s\S]*default min\(2,\s+cores\)/);
    expect(codes(await help('compare'))).toEqual([0, 1, 2]);
    expect(codes(await help('validate'))).toEqual([0, 1, 2]);
    const serve = await help('serve');
    expect(serve).toMatch(/--workers <n> +worker threads shared by all runs \(default min\(2, cores\)\)/);
    expect(serve).toMatch(/--port <port> +TCP port \(default: 8080\)/);
  });
});
