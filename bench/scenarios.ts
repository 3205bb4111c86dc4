/**
 * Memory per replication against horizon, each replication in a child process so its peak
 * RSS is its own: datacenter-baseline and globalmart-peak for one and for seven simulated
 * days; seven must stay within 1.2× the peak RSS of one (statistics stream; nothing is kept
 * per request). CPU time per simulated day is bench/planning.ts's.
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

/** Bench section: peak RSS of one replication, one day and seven days, each in a fresh process. */
export async function benchScenarios(): Promise<void> {
  const rows: string[][] = [];
  for (const file of ['scenarios/datacenter-baseline.yaml', 'scenarios/globalmart-peak.yaml']) {
    const day = inChild(file, '1d');
    const week = inChild(file, '7d');
    for (const r of [day, week]) rows.push([r.scenario, r.horizon, String(r.requests), String(r.events), r.seconds.toFixed(2), r.maxRssMb.toFixed(0)]);
    verdict(`${day.scenario} 7 d peak RSS ≤ 1.2 × 1 d`, week.maxRssMb <= 1.2 * day.maxRssMb, `${week.maxRssMb.toFixed(0)} MB vs ${day.maxRssMb.toFixed(0)} MB (${(week.maxRssMb / day.maxRssMb).toFixed(2)}×)`);
  }
  printTable('Memory per replication (seed 1, one replication per child process; whole-process peak RSS)', ['scenario', 'horizon', 'requests', 'events', 'wall s', 'peak RSS MB'], rows);
  await Promise.resolve();
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(runChild(process.argv[3] ?? 'scenarios/datacenter-baseline.yaml', process.argv[4] ?? '1d')));
}
