/**
 * Whole-scenario benchmarks, each replication in a child process so its peak RSS is its own:
 *  - datacenter-baseline for one simulated day (requests simulated per second, peak RSS), and
 *    the memory check that seven simulated days stay within 1.2× the peak RSS of one
 *    (statistics stream; nothing is kept per request);
 *  - globalmart-peak, one replication of one day: the planner's budget is about 3 s per
 *    replication per core (180 runs in five minutes on two cores).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadScenarioFileOrThrow } from '../src/scenario/index.js';
import { runReplication } from '../src/models/replication.js';
import { printTable, verdict } from './harness.js';


interface ChildResult {
  scenario: string;
  horizon: string;
  requests: number;
  events: number;
  seconds: number;
  maxRssMb: number;
}

/** Runs one replication with the given horizon in this process and reports it. */
function runChild(file: string, horizon: string): ChildResult {
  const { scenario } = loadScenarioFileOrThrow(file, { overrides: { horizon } });
  const t0 = performance.now();
  const rec = runReplication(scenario, { seed: '1', replication: 0 });
  const seconds = (performance.now() - t0) / 1000;
  let requests = 0;
  for (const [k, v] of Object.entries(rec.metrics)) if (/^service\.[^.]+\.requests$/.test(k)) requests += v;
  return { scenario: scenario.name, horizon, requests, events: rec.events, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function inChild(file: string, horizon: string): ChildResult {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, horizon], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

/** Bench section: datacenter-baseline, one day and seven days, each in a fresh process. */
export async function benchScenarios(): Promise<void> {
  const day = inChild('scenarios/datacenter-baseline.yaml', '1d');
  const week = inChild('scenarios/datacenter-baseline.yaml', '7d');
  printTable(
    'datacenter-baseline (seed 1, one replication per child process)',
    ['horizon', 'requests', 'events', 'wall s', 'requests/s', 'peak RSS MB'],
    [day, week].map((r) => [r.horizon, String(r.requests), String(r.events), r.seconds.toFixed(2), (r.requests / r.seconds).toFixed(0), r.maxRssMb.toFixed(0)]),
  );
  verdict('datacenter-baseline 7 d peak RSS ≤ 1.2 × 1 d', week.maxRssMb <= 1.2 * day.maxRssMb, `${week.maxRssMb.toFixed(0)} MB vs ${day.maxRssMb.toFixed(0)} MB`);
  await Promise.resolve();
}

/** Bench section: one replication of globalmart-peak (one day), best and median of three. */
export async function benchGlobalmart(): Promise<void> {
  const runs = [0, 1, 2].map(() => inChild('scenarios/globalmart-peak.yaml', '1d'));
  runs.sort((a, b) => a.seconds - b.seconds);
  printTable(
    'globalmart-peak, one replication (base variant, seed 1, three child processes)',
    ['run', 'requests', 'events', 'wall s', 'requests/s', 'peak RSS MB'],
    runs.map((r, i) => [i === 0 ? 'best' : i === 1 ? 'median' : 'worst', String(r.requests), String(r.events), r.seconds.toFixed(2), (r.requests / r.seconds).toFixed(0), r.maxRssMb.toFixed(0)]),
  );
  const median = runs[1]!;
  verdict('globalmart-peak replication ≤ 3 s on one core (median of 3)', median.seconds <= 3, `${median.seconds.toFixed(2)} s`);
  await Promise.resolve();
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(runChild(process.argv[3] ?? 'scenarios/datacenter-baseline.yaml', process.argv[4] ?? '1d')));
}
