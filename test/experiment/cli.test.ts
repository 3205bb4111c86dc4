import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeResults, writeResultsSync } from '../../src/results/write.js';
import type { ResultsDocument } from '../../src/results/format.js';
import type { GateReport } from '../../src/experiment/compare.js';
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
  it('exits 0 without regression and 1 on a significant regression beyond tolerance, only after a comparison', async () => {
    const dir = tmp();
    const base = path.join(dir, 'base.json');
    const same = path.join(dir, 'same.json');
    const worse = path.join(dir, 'worse.json');
    const slightly = path.join(dir, 'slightly.json');
    writeFileSync(base, JSON.stringify(doc([1.0, 1.2, 0.9, 1.1, 1.05])));
    writeFileSync(same, JSON.stringify(doc([1.01, 1.19, 0.91, 1.1, 1.05])));
    writeFileSync(worse, JSON.stringify(doc([1.3, 1.5, 1.2, 1.4, 1.35]))); // +30 %, paired: significant
    writeFileSync(slightly, JSON.stringify(doc([1.03, 1.23, 0.93, 1.13, 1.08]))); // +3 %: significant but within 5 %
    const [ok, within, bad, throughput, wide, reversed] = await Promise.all([
      cli(['compare', base, same]),
      cli(['compare', base, slightly]),
      cli(['compare', base, worse]),
      // Only the (unchanged) throughput compared; a wide tolerance; a declared direction that makes slower better.
      cli(['compare', base, worse, '--metric', 'service.web.throughput']),
      cli(['compare', base, worse, '--tolerance', '50']),
      cli(['compare', base, worse, '--direction', 'service.web.response_time.mean=higher']),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/paired t-test.*no regression/);
    expect(ok.stdout).toContain('compared: scenario "x", variant "base": baseline 5 replications, seed "1"; current 5 replications, seed "1"\n');
    expect(within.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/service\.web\.response_time\.mean\s+lower.*REGRESSION/);
    expect(bad.stderr).toBe('');
    expect([throughput.code, wide.code, reversed.code]).toEqual([0, 0, 0]);
  }, 60_000);

  it('exits 2 on a usage error and 3 on an unusable file, naming the problem; never 1', async () => {
    const dir = tmp();
    const base = path.join(dir, 'base.json');
    writeFileSync(base, JSON.stringify(doc([1.0, 1.2, 0.9, 1.1, 1.05])));
    writeFileSync(path.join(dir, 'bad.json'), '{ not json');
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ format: 'something-else' }));
    // The right format tag, the wrong shape: a metric summary whose n is a string, per-replication values one short.
    const wrong = doc([1.0, 1.2, 0.9, 1.1, 1.05]) as unknown as { variants: { metrics: Record<string, { n: unknown }>; perReplication: { metrics: Record<string, unknown[]> } }[] };
    wrong.variants[0]!.metrics['service.web.throughput']!.n = '5';
    wrong.variants[0]!.perReplication.metrics['service.web.response_time.mean']!.pop();
    writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify(wrong));
    const cases: [string[], number, RegExp][] = [
      [[base, base, '--metric', 'nope'], 2, /--metric "nope": neither run reports it/],
      [[base, base, '--variant', 'nope'], 2, /--variant "nope": neither run has such a variant \(baseline: "base"/],
      [[base, base, '--tolerance', 'abc'], 2, /--tolerance must be a number/],
      [[base, base, '--direction', 'x=up'], 2, /expected NAME=lower or NAME=higher/],
      [[base, base, '--bogus'], 2, /unknown option/],
      [[base, path.join(dir, 'missing.json')], 3, /missing\.json: cannot read \(ENOENT\)/],
      [[base, path.join(dir, 'bad.json')], 3, /bad\.json: not valid JSON/],
      [[base, path.join(dir, 'other.json')], 3, /other\.json: not an opsim results document \(format is "something-else"/],
      [
        [path.join(dir, 'wrong.json'), base],
        3,
        /wrong\.json: not an opsim results document \(variants\[0\]\.metrics\["service\.web\.throughput"\]\.n: expected an integer ≥ 0, found "5"; variants\[0\]\.perReplication\.metrics\["service\.web\.response_time\.mean"\]: expected an array of 5 numbers or nulls/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(['compare', ...args])));
    cases.forEach(([args, code, message], i) => {
      expect(results[i]!.code, args.join(' ')).toBe(code);
      expect(results[i]!.stderr, args.join(' ')).toMatch(message);
      expect(results[i]!.stdout, args.join(' ')).toBe('');
    });
  }, 60_000);

  it('exits 4 for runs that cannot be compared as asked (scenarios, horizons, warm-ups, an incomplete run, a baseline variant missing, no shared variant, unless --force; no shared metric; a metric only one run has), and says what it compared', async () => {
    const dir = tmp();
    const file = (name: string, d: ResultsDocument): string => {
      const f = path.join(dir, name);
      writeFileSync(f, JSON.stringify(d));
      return f;
    };
    const values = [1.0, 1.2, 0.9, 1.1, 1.05];
    const base = file('base.json', doc(values));
    const changed = (name: string, edit: (d: ResultsDocument) => void): string => {
      const d = doc(values);
      edit(d);
      return file(name, d);
    };
    const other = changed('other-scenario.json', (d) => (d.scenario.name = 'y'));
    const longer = changed('longer.json', (d) => (d.horizonSeconds = 172800));
    const warmer = changed('warmer.json', (d) => (d.warmupSeconds = 600));
    const disjoint = changed('disjoint.json', (d) => (d.variants[0]!.metrics = { 'room.a.temperature.max': d.variants[0]!.metrics['service.web.throughput']! }));
    const fewer = changed('fewer.json', (d) => delete d.variants[0]!.metrics['service.web.throughput']);
    const renamed = changed('renamed.json', (d) => (d.variants[0]!.name = 'other'));
    // Two variants; the current run's reference is the other one (e.g. run with --variant fast).
    const two = (reference: string): ResultsDocument => {
      const t = doc(values);
      t.variants.push({ ...structuredClone(t.variants[0]!), name: 'fast' });
      t.reference = reference;
      return t;
    };
    const twoBase = file('two-base.json', two('base'));
    const twoFast = file('two-fast.json', two('fast'));
    const incomplete = changed('incomplete.json', (d) => {
      d.complete = false;
      d.failures = [{ variant: 'base', replication: 5, seed: '1', error: 'boom' }];
    });
    const cases: [string[], number, RegExp][] = [
      [[base, other], 4, /different scenarios \("x" and "y"\); pass --force/],
      [[base, longer], 4, /horizons differ \(3600 s and 172800 s\).*rerun with the baseline's --horizon; pass --force/],
      [[base, warmer], 4, /warm-ups differ \(0 s and 600 s\)/],
      [[base, incomplete], 4, /the current run is incomplete \(1 replication failed\): rerun it; pass --allow-incomplete \(or --force\)/],
      [[twoBase, base], 4, /the current run lacks the baseline's variant "fast", so its regressions cannot be checked; pass --variant NAME/],
      [[base, renamed], 4, /the runs share no variant \(baseline: "base"; current: "other"\); pass --force/],
      [[base, disjoint], 4, /share no metric/],
      [[base, fewer, '--metric', 'service.web.throughput'], 4, /metric "service\.web\.throughput" is not in the current results \(variant "base"\), only in the baseline/],
      [[base, twoFast, '--variant', 'fast'], 4, /--variant "fast": only the current run has it/],
    ];
    const refused = await Promise.all(cases.map(([args]) => cli(['compare', ...args])));
    cases.forEach(([args, code, message], k) => {
      expect(refused[k]!.code, args.join(' ')).toBe(code);
      expect(refused[k]!.stderr, args.join(' ')).toMatch(message);
      expect(refused[k]!.stdout, args.join(' ')).toBe('');
    });
    const [forced, variants, pickOne, forcedIncomplete, allowed, missing, lacking, across, added] = await Promise.all([
      cli(['compare', base, other, '--force']),
      cli(['compare', twoBase, twoFast, '--json']),
      cli(['compare', twoBase, twoFast, '--variant', 'fast']),
      cli(['compare', base, incomplete, '--force']),
      cli(['compare', base, incomplete, '--allow-incomplete']),
      cli(['compare', base, fewer]),
      cli(['compare', twoBase, base, '--force']),
      cli(['compare', base, renamed, '--force']),
      cli(['compare', base, twoBase]),
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('compared: baseline scenario "x", variant "base" (5 replications, seed "1") with current scenario "y", variant "base" (5 replications, seed "1")\n');
    expect(forced.stdout).toContain('note: compared across scenarios: "x" and "y" (--force)\n');
    // Runs whose reference variants differ compare every variant both have, by name.
    expect(variants.code).toBe(0);
    const g = JSON.parse(variants.stdout) as GateReport;
    expect(g.sections.map((r) => [r.baselineVariant, r.currentVariant])).toEqual([['base', 'base'], ['fast', 'fast']]);
    expect(pickOne.code).toBe(0);
    expect(pickOne.stdout).toContain('compared: scenario "x", variant "fast": baseline 5 replications');
    expect(pickOne.stdout).toContain('not compared: "base" (left out by --variant)\n');
    expect(pickOne.stdout).not.toContain('== variant "base" ==');
    expect(forcedIncomplete.code).toBe(0);
    expect(forcedIncomplete.stdout).toContain('note: the current run is incomplete (1 replication failed); its figures are those of the replications it has (--force)');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('(--allow-incomplete)');
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(/missing from the current run: service\.web\.throughput/);
    expect(lacking.code).toBe(0);
    expect(lacking.stdout).toContain('not compared: missing from the current run: "fast"\n');
    expect(lacking.stdout).toContain('note: the current run lacks the baseline\'s variant "fast": not compared (--force)\n');
    expect(across.code).toBe(0);
    expect(across.stdout).toContain('note: compared across variants: baseline "base", current "other" (--force)\n');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('not compared: new in the current run (not in the baseline): "fast"\n');
  }, 60_000);

  it('compares every variant both runs have: a regression in a variant that is not the reference fails the gate; --variant restricts', async () => {
    const dir = tmp();
    const values = [1.0, 1.2, 0.9, 1.1, 1.05];
    const two = (slowValues: number[]): string => {
      const t = doc(values);
      const slow = doc(slowValues).variants[0]!;
      t.variants.push({ ...slow, name: 'on-call-nights' });
      t.reference = 'base';
      const f = path.join(dir, `two-${slowValues[0]}.json`);
      writeFileSync(f, JSON.stringify(t));
      return f;
    };
    const baseline = two(values);
    const current = two(values.map((x) => x * 1.4));
    const [all, onlyBase, listed, comma] = await Promise.all([
      cli(['compare', baseline, current]),
      cli(['compare', baseline, current, '--variant', 'base']),
      cli(['compare', baseline, current, '--variant', 'base', '--variant', 'on-call-nights', '--json']),
      cli(['compare', baseline, current, '--variant', 'on-call-nights,base']),
    ]);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain('== variant "base" ==\n');
    expect(all.stdout).toContain('== variant "on-call-nights" ==\n');
    expect(all.stdout).toMatch(/== variant "on-call-nights" ==\n[\s\S]*service\.web\.response_time\.mean +lower .* REGRESSION\n/);
    expect(all.stdout).toContain('gate: 2 variants compared: 1 regression ("on-call-nights")\n');
    expect(onlyBase.code).toBe(0);
    expect(onlyBase.stdout).toContain('not compared: "on-call-nights" (left out by --variant)\n');
    expect(listed.code).toBe(1);
    const g = JSON.parse(listed.stdout) as GateReport;
    expect(g.sections.map((r) => r.currentVariant)).toEqual(['base', 'on-call-nights']);
    expect(g.regressions).toBe(1);
    expect(comma.code).toBe(1);
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
    // Section 4's loop, verbatim but for where the CLI and the scenarios are: it reruns the
    // scenario as its baseline was recorded (the gate passes), and a missing baseline is a
    // broken gate (exit 3, said so), not a regression.
    const loop = /## 4\. Several scenarios[\s\S]*?```sh\n([\s\S]*?)```/.exec(recipe)![1]!.replaceAll('node dist/src/cli.js', `node ${JSON.stringify(CLI)}`).replaceAll('"scenarios/', `"${ROOT}/scenarios/`);
    const sh = (): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn('bash', ['-c', loop], { cwd: dir, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
    const passing = await sh();
    expect(passing.code, passing.out).toBe(0);
    expect(passing.out).toMatch(/no regression/);
    rmSync(path.join(dir, 'baselines'), { recursive: true });
    const broken = await sh();
    expect(broken.code, broken.out).toBe(3);
    expect(broken.out).toMatch(/cannot read \(ENOENT\)[\s\S]*mmc-validation: the gate could not decide \(opsim compare exit 3\)/);
  }, 120_000);
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
    expect(codes(await help('compare'))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(codes(await help('validate'))).toEqual([0, 1, 2]);
    const serve = await help('serve');
    expect(serve).toMatch(/--workers <n> +worker threads shared by all runs \(default min\(2, cores\)\)/);
    expect(serve).toMatch(/--port <port> +TCP port \(default: 8080\)/);
  });
});
