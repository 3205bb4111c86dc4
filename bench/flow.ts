/**
 * Flow-level services at planning horizons: CPU seconds of one GlobalMart replication with
 * `fidelity: flow` over 30 and 365 simulated days (targets ≤ 1 and ≤ 10 CPU s, issue #18),
 * beside the request level's one day. CPU time (user + system) of this process, after one
 * untimed warm-up replication, best of the repeats.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/run.js benchFlow
 */
import { loadScenarioFileOrThrow } from '../src/scenario/index.js';
import { runReplication } from '../src/models/replication.js';
import { printTable, verdict } from './harness.js';

function cpuOf(fidelity: 'request' | 'flow', horizon: string, repeats: number): { best: number; requests: number } {
  const { scenario } = loadScenarioFileOrThrow('scenarios/globalmart-peak.yaml', { overrides: { fidelity, horizon } });
  let best = Infinity;
  let requests = 0;
  for (let i = 0; i < repeats; i++) {
    const t0 = process.cpuUsage();
    const rec = runReplication(scenario, { seed: '2024', replication: i });
    const u = process.cpuUsage(t0);
    best = Math.min(best, (u.user + u.system) / 1e6);
    requests = rec.metrics['service.inventory.requests'] ?? 0;
  }
  return { best, requests };
}

/** Bench section: GlobalMart flow replications of 30 and 365 days. */
export async function benchFlow(): Promise<void> {
  cpuOf('flow', '1d', 1); // warm-up: compile the hot paths
  const req1 = cpuOf('request', '1d', 3);
  const flow1 = cpuOf('flow', '1d', 3);
  const flow30 = cpuOf('flow', '30d', 3);
  const flow365 = cpuOf('flow', '365d', 1);
  const f = (x: number): string => x.toFixed(3);
  printTable(
    'GlobalMart (scenarios/globalmart-peak.yaml), one replication, CPU s (best of repeats)',
    ['fidelity', 'horizon', 'requests', 'CPU s', 'CPU s per simulated day'],
    [
      ['request', '1d', req1.requests.toFixed(0), f(req1.best), f(req1.best)],
      ['flow', '1d', flow1.requests.toFixed(0), f(flow1.best), f(flow1.best)],
      ['flow', '30d', flow30.requests.toFixed(0), f(flow30.best), f(flow30.best / 30)],
      ['flow', '365d', flow365.requests.toFixed(0), f(flow365.best), f(flow365.best / 365)],
    ],
  );
  console.log(`request level per simulated day ÷ flow level per simulated day (30 d): ${(req1.best / (flow30.best / 30)).toFixed(0)}×`);
  verdict('flow: 30-day GlobalMart replication ≤ 1 CPU s', flow30.best <= 1, `${f(flow30.best)} CPU s`);
  verdict('flow: 365-day GlobalMart replication ≤ 10 CPU s', flow365.best <= 10, `${f(flow365.best)} CPU s`);
}
