/**
 * Whole-scenario benchmark: datacenter-baseline for one simulated day (requests simulated
 * per second, peak RSS), and the memory check that seven simulated days stay within 1.2×
 * the peak RSS of one (statistics stream; nothing is kept per request). Each run happens in
 * a child process so its peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadScenarioFileOrThrow } from '../src/scenario/index.js';
import { runReplication } from '../src/models/replication.js';
import { printTable, verdict } from './harness.js';

const SCENARIO = 'scenarios/datacenter-baseline.yaml';

interface ChildResult {
  horizon: string;
  requests: number;
  events: number;
  seconds: number;
  maxRssMb: number;
}

/** Runs one replication with the given horizon in this process and reports it. */
function runChild(horizon: string): ChildResult {
  const { scenario } = loadScenarioFileOrThrow(SCENARIO, { overrides: { horizon } });
  const t0 = performance.now();
  const rec = runReplication(scenario, { seed: '1', replication: 0 });
  const seconds = (performance.now() - t0) / 1000;
  let requests = 0;
  for (const [k, v] of Object.entries(rec.metrics)) if (/^service\.[^.]+\.requests$/.test(k)) requests += v;
  return { horizon, requests, events: rec.events, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function inChild(horizon: string): ChildResult {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', horizon], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

/** Bench section: datacenter-baseline, one day and seven days, each in a fresh process. */
export async function benchScenarios(): Promise<void> {
  const day = inChild('1d');
  const week = inChild('7d');
  printTable(
    'datacenter-baseline (seed 1, one replication per child process)',
    ['horizon', 'requests', 'events', 'wall s', 'requests/s', 'peak RSS MB'],
    [day, week].map((r) => [r.horizon, String(r.requests), String(r.events), r.seconds.toFixed(2), (r.requests / r.seconds).toFixed(0), r.maxRssMb.toFixed(0)]),
  );
  verdict('datacenter-baseline 7 d peak RSS ≤ 1.2 × 1 d', week.maxRssMb <= 1.2 * day.maxRssMb, `${week.maxRssMb.toFixed(0)} MB vs ${day.maxRssMb.toFixed(0)} MB`);
  await Promise.resolve();
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(runChild(process.argv[3] ?? '1d')));
}
