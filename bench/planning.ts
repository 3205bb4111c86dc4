/**
 * Planning-scale bench: what one replication of a real scenario costs, against the floor of a
 * minimal engine executing the same number of events, and what `opsim run` adds on top.
 * Rows, all from this one section:
 *  - CPU seconds per simulated day for globalmart-peak and datacenter-baseline (each in a
 *    fresh process: the first, cold replication as a one-off `opsim run` sees it, and the best
 *    of the warm ones as a worker's later replications see it);
 *  - events per request, bytes allocated per request (v8.GCProfiler: heap in use after, minus
 *    before, plus everything each collection freed), candidates are gone (arrivals by inversion);
 *  - the floor: the minimal typed-array event loop's CPU ns per event (bench/minimal-loop.ts,
 *    M/M/c, measured in this section) × the scenario's events;
 *  - CLI overhead: CPU time of a whole one-replication `opsim run` process (default, -w 1,
 *    -w 0) against the cold replication's own CPU time, with `node -e ''` (the floor of any
 *    process) and `opsim validate` of the same file beside it, best of 5 rounds. With
 *    OPSIM_BENCH_CLI_AGAINST=DIR (the root of another build: its package.json, dist/ and
 *    node_modules), that build's `opsim validate` and default run are measured in the same
 *    rounds, each right after this build's, for a before/after that load cannot skew.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { loadScenarioFileOrThrow } from '../src/scenario/index.js';
import { runReplication } from '../src/models/replication.js';
import type { MmcResult } from './kiefer-wolfowitz.js';
import { printTable, verdict } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DAY = 86_400;

/** One replication measured in a child process. */
interface ReplicationFigures {
  scenario: string;
  days: number;
  requests: number;
  events: number;
  /** CPU seconds of the first replication in a fresh process (module code not yet optimised). */
  coldCpu: number;
  /** Best CPU seconds of the warm replications. */
  warmCpu: number;
  /** Bytes allocated by the last warm replication. */
  allocated: number;
  maxRssMb: number;
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** Runs `repeats` replications of `file` (seed 1, replication 0) in this process. */
function measure(file: string, horizon: string, repeats: number): ReplicationFigures {
  const { scenario } = loadScenarioFileOrThrow(path.join(ROOT, file), { overrides: { horizon } });
  let coldCpu = NaN;
  let warmCpu = Infinity;
  let allocated = NaN;
  let requests = 0;
  let events = 0;
  for (let i = 0; i < repeats; i++) {
    const prof = new v8.GCProfiler();
    const before = v8.getHeapStatistics().used_heap_size;
    prof.start();
    const c0 = process.cpuUsage();
    const rec = runReplication(scenario, { seed: '1', replication: 0 });
    const cpu = cpuSeconds(process.cpuUsage(c0));
    const after = v8.getHeapStatistics().used_heap_size;
    let freed = 0;
    for (const s of prof.stop().statistics) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    allocated = after - before + freed;
    if (i === 0) coldCpu = cpu;
    else warmCpu = Math.min(warmCpu, cpu);
    requests = 0;
    for (const [k, v] of Object.entries(rec.metrics)) if (/^service\.[^.]+\.requests$/.test(k)) requests += v;
    events = rec.events;
  }
  return { scenario: scenario.name, days: scenario.horizon / DAY, requests, events, coldCpu, warmCpu, allocated, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function inChild(file: string, horizon: string, repeats: number): ReplicationFigures {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, horizon, String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench replication of ${file} failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ReplicationFigures;
}

/** CPU ns per event of the minimal typed-array event loop (M/M/c, 2 events per customer), best of 5 in a fresh process. */
function floorNsPerEvent(): number {
  const script = fileURLToPath(new URL('./mmc-variant.js', import.meta.url));
  const r = spawnSync(process.execPath, [script, 'minimal', '1000000', '10', '9', '1', '2024'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`minimal loop failed: ${r.stderr.trim()}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as MmcResult;
  return (m.cpuSeconds * 1e9) / (2 * m.customers);
}

/** CPU seconds (user + system, all threads) of one process running `args` (bash's `time`: the child's own user and system time, worker threads included). */
function processCpu(args: readonly string[]): number {
  const cmd = `TIMEFORMAT='%3U %3S'; time ${[process.execPath, ...args].map((a) => `'${a}'`).join(' ')} > /dev/null`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.trim()}`);
  const [u, s] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number];
  return u + s;
}

/** CPU seconds of one `opsim run` process (of the build rooted at `root`). */
function cliCpu(args: readonly string[], root = ROOT): number {
  const out = mkdtempSync(path.join(tmpdir(), 'opsim-bench-cli-'));
  try {
    return processCpu([path.join(root, 'dist/src/cli.js'), 'run', ...args, '-q', '--no-report', '-o', out]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');

/** Bench section: planning-scale figures (see the header). */
export async function benchPlanning(): Promise<void> {
  const rounds = 2;
  const files = ['scenarios/globalmart-peak.yaml', 'scenarios/datacenter-baseline.yaml'];
  const best: Record<string, ReplicationFigures> = {};
  let floor = Infinity;
  // Rounds interleave the scenarios and the floor, so a neighbour's burst hits them alike.
  for (let round = 0; round < rounds; round++) {
    floor = Math.min(floor, floorNsPerEvent());
    for (const f of files) {
      const r = inChild(f, '1d', 4);
      const b = best[f];
      best[f] =
        b === undefined
          ? r
          : { ...b, coldCpu: Math.min(b.coldCpu, r.coldCpu), warmCpu: Math.min(b.warmCpu, r.warmCpu), allocated: Math.min(b.allocated, r.allocated), maxRssMb: Math.max(b.maxRssMb, r.maxRssMb) };
    }
  }
  const rows = files.map((f) => {
    const r = best[f]!;
    const floorCpu = (floor * r.events) / 1e9;
    return [
      r.scenario,
      String(r.requests),
      (r.events / r.requests).toFixed(3),
      (r.coldCpu / r.days).toFixed(3),
      (r.warmCpu / r.days).toFixed(3),
      ((r.warmCpu * 1e9) / r.events).toFixed(0),
      (floorCpu / r.days).toFixed(3),
      (r.warmCpu / floorCpu).toFixed(2),
      (r.allocated / r.requests).toFixed(1),
      r.maxRssMb.toFixed(0),
    ];
  });
  printTable(
    `One replication, 1 simulated day, seed 1 (fresh process per scenario, ${rounds} rounds interleaved with the floor; cold = first replication in the process, warm = best of the next 3; CPU time; load average now ${load()})`,
    ['scenario', 'requests', 'events/request', 'cold CPU s/day', 'warm CPU s/day', 'ns/event', 'floor CPU s/day', '× floor', 'bytes alloc/request', 'peak RSS MB'],
    rows,
  );
  console.log(`floor: minimal typed-array event loop (bench/minimal-loop.ts), ${floor.toFixed(0)} CPU ns per event, × the scenario's events`);
  const gm = best[files[0]!]!;
  const gmFloor = (floor * gm.events) / 1e9;
  verdict('globalmart-peak ≤ 0.5 CPU s per simulated day (warm replication)', gm.warmCpu / gm.days <= 0.5, `${(gm.warmCpu / gm.days).toFixed(3)} CPU s/day; cold ${(gm.coldCpu / gm.days).toFixed(3)}`);
  verdict('globalmart-peak ≤ 2× the minimal engine floor for its events', gm.warmCpu <= 2 * gmFloor, `${(gm.warmCpu / gmFloor).toFixed(2)}× (${gm.events.toLocaleString('en')} events at ${floor.toFixed(0)} ns)`);
  verdict('globalmart-peak allocation ≤ 50 bytes per request', gm.allocated / gm.requests <= 50, `${(gm.allocated / gm.requests).toFixed(1)} B`);

  // CLI overhead: a whole one-replication `opsim run` process (modules, YAML, validation,
  // writing results; a worker thread only with -w 1) against the cold replication's own CPU
  // time measured above; with the floor of any process (`node -e ''`) and `opsim validate`
  // of the same file, to say where the rest goes.
  const cli: Record<string, number> = {};
  const DEFAULT = 'opsim run, default (one replication: the main thread)';
  const GM = 'scenarios/globalmart-peak.yaml';
  const against = process.env.OPSIM_BENCH_CLI_AGAINST;
  const cliRounds = 5;
  for (let round = 0; round < cliRounds; round++) {
    const best = (label: string, cpu: number): void => {
      cli[label] = Math.min(cli[label] ?? Infinity, cpu);
    };
    best("node -e '' (the floor of any process)", processCpu(['-e', '']));
    best(`opsim validate ${GM}`, processCpu([path.join(ROOT, 'dist/src/cli.js'), 'validate', GM]));
    if (against !== undefined) best(`opsim validate, the build at ${against}`, processCpu([path.join(against, 'dist/src/cli.js'), 'validate', GM]));
    for (const [label, workers] of [
      [DEFAULT, []],
      ['opsim run --workers 1 (one worker thread)', ['-w', '1']],
      ['opsim run --workers 0 (the main thread)', ['-w', '0']],
    ] as const) {
      best(label, cliCpu([GM, '--variant', 'base', '-r', '1', '--horizon', '1d', ...workers]));
      if (against !== undefined && label === DEFAULT) best(`opsim run, default, the build at ${against}`, cliCpu([GM, '--variant', 'base', '-r', '1', '--horizon', '1d'], against));
    }
  }
  printTable(
    `One-replication opsim run of globalmart-peak (variant base), 1 day (whole process CPU time, best of ${cliRounds}; results.json and series.csv, no report; load average now ${load()})`,
    ['command', 'CPU s', '× the cold replication', 'CPU s beyond it'],
    Object.entries(cli).map(([k, v]) => [k, v.toFixed(2), (v / gm.coldCpu).toFixed(2), k.startsWith('opsim run') ? (v - gm.coldCpu).toFixed(2) : '']),
  );
  // The target is what a planner runs: the default command.
  const cmd = cli[DEFAULT]!;
  verdict('one-replication opsim run ≤ 1.2× the replication', cmd <= 1.2 * gm.coldCpu, `${(cmd / gm.coldCpu).toFixed(2)}× (${cmd.toFixed(2)} CPU s vs ${gm.coldCpu.toFixed(2)}); on a worker thread (-w 1) ${(cli['opsim run --workers 1 (one worker thread)']! / gm.coldCpu).toFixed(2)}×`);
  await Promise.resolve();
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(measure(process.argv[3]!, process.argv[4] ?? '1d', Number(process.argv[5] ?? 4))));
}
