/**
 * Refactoring guard: the replication records (metrics, series, incidents, event counts) of
 * every shipped scenario, every variant, 2 replications at a short horizon, hash to pinned
 * values. Moving code between files and folders must keep these hashes; a deliberate change
 * of sample path (e.g. new random streams) moves them in a commit of its own that says why.
 *
 * The records are hashed rather than results.json, so that changes in aggregation, reporting
 * or the document's catalogs (which do not change what the models simulate) leave them alone.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../src/models/replication.js';
import { compileRaw, loadScenarioFile } from '../../src/scenario/index.js';
import { expandVariants } from '../../src/experiment/variants.js';
import { ROOT } from '../experiment/helpers.js';

/** Short horizons that still reach each scenario's interesting part (warm-up included). */
const HORIZON: Record<string, string> = {
  'black-friday-capacity.yaml': '3h',
  // The whole run (warm-up, the peak hour and after): it is short.
  'branch-wan-peak.yaml': '2h15m',
  'change-freeze.yaml': '1d',
  'crac-failure.yaml': '6h',
  'datacenter-baseline.yaml': '3h',
  'dr-failover.yaml': '12h',
  'globalmart-peak.yaml': '3h',
  'globalmart-staffing-search.yaml': '3h',
  'mmc-validation.yaml': '3h',
  'noc-night-shift.yaml': '1d',
  'service-desk-callers.yaml': '9h',
  'service-desk-shifts-search.yaml': '1d',
  'service-desk-staffing.yaml': '9h',
};

// globalmart-peak (and its search twin) and noc-night-shift moved when SLAs came to be judged over their period
// (issue #11): sla.<name>.attainment / met / error_budget_used changed meaning and
// budget_minutes / observed_attainment were added, and again when the per-priority incident
// target metrics (incidents.<P>.response_within_target, .resolution_within_target,
// .targets_met) were added; the sample path did not change.
// black-friday-capacity, change-freeze, dr-failover, globalmart-peak (and its search twin)
// and noc-night-shift moved only in their event counts when a request served at once stopped
// starting a client timeout that could not fire (services/pool.ts beginService): every other
// field of every record (metrics, series, incidents) is the same as before.
// change-freeze, globalmart-peak (and its search twin), noc-night-shift and service-desk-shifts-search
// moved (2026-12-01) only by the new metric incidents.<P>.unresolved (the incidents of each priority
// still open at the horizon, what incidents.<P>.mttr leaves out): with those four keys removed from
// every record they hash to their earlier pins 549209367e508c61, 377101e2c58730ef, 52bb848f4b6ed0e0
// and 4e6d01ba2323978b (the sample path did not change).
const PINS: Record<string, string> = {
  'black-friday-capacity.yaml': 'a718b5b0f473ae1c',
  // Added with the scenario (the first shipped one with a network): no earlier pin moved.
  // Moved from 238398ef95b77928 when network scenarios gained cost.network and
  // network.device.<device>.carried: with those two removed its records hash as before (the
  // sample path did not change). Moved again (75991d13a1bb3bd8) when the scenario priced its
  // circuits and gained the two-circuits (shared pair) and backup-circuit (standby) variants:
  // the earlier variants' records differ only in their cost.* metrics.
  'branch-wan-peak.yaml': '75991d13a1bb3bd8',
  'change-freeze.yaml': '407a2b5145048266',
  'crac-failure.yaml': '92449997b768b132',
  'datacenter-baseline.yaml': '59e81b34669de438',
  // Moved from def810dfe0183e60 when the recovery plan was priced (costPerHour 6.25 running,
  // reserveCostPerHour 1.25 in reserve → cost.recovery, in cost.total): the records differ only
  // in those two metrics, and with both prices set to 0 they hash to def810dfe0183e60 again
  // (the sample path did not change). Moved from ec604040711bc061 when availability.capacity came
  // to judge the capacity serving a diverted service's load (the standby's, against all that is
  // offered there): in every variant's records only service.inventory.availability.capacity
  // (now short only while the load has no capacity: from the strike to the bring-up) and the
  // event counts (inventory-dr's capacity checks, now run for the load it may carry) differ.
  // Moved from 768cbc463c556b40 when the latency objective became 99 % within 3 s (was 2 s,
  // which exponential 500-ms service times miss 1.8 % of the time without waiting, so no day
  // could meet it): only the metrics counted against the threshold differ
  // (service.<inventory, inventory-dr>.latency_objective_met and .availability.latency,
  // transactions.delayed); series, incidents and events are the same (the sample path did not change).
  'dr-failover.yaml': 'e0f7beb543462368',
  // Moved when the failed-change and freeze-peak-hours variants were added (issue #16): the
  // records of the six earlier variants still hash to a257ef8da4210181. Moved again from
  // 4c9fc651cc7311c8 when the inventory servers were priced (costPerHour 6.25 → cost.servers,
  // in cost.total): the records differ only in those two metrics, and with the price set to 0
  // they hash to 4c9fc651cc7311c8 again (the sample path did not change).
  'globalmart-peak.yaml': '5de3d611a239ce49',
  // The search section changes nothing the models see: the same records as globalmart-peak.
  'globalmart-staffing-search.yaml': '5de3d611a239ce49',
  'mmc-validation.yaml': '7876bb84659f1236',
  'noc-night-shift.yaml': '81b307aaf3239e9f',
  'service-desk-callers.yaml': 'c6a47b66adb94b2a',
  // Added with the scenario (issue #13, per-shift search): no earlier pin moved.
  'service-desk-shifts-search.yaml': '5bc916a03218f8ef',
  'service-desk-staffing.yaml': 'cd85278e23f5cf34',
};

/** sha256 of the canonical records of every variant × 2 replications (first 16 hex digits). */
function scenarioHash(file: string, horizon: string): string {
  const loaded = loadScenarioFile(file, { overrides: { horizon } });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const h = createHash('sha256');
  for (const v of expandVariants(loaded.scenario.experiment)) {
    const r = compileRaw(loaded.raw, { file: loaded.file ?? undefined, overrides: { horizon, ...v.set } });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    for (let rep = 0; rep < 2; rep++) {
      const rec = runReplication(r.scenario, { seed: String(r.scenario.seed ?? 1), replication: rep, variant: v.name });
      h.update(JSON.stringify(rec));
      h.update('\n');
    }
  }
  return h.digest('hex').slice(0, 16);
}

describe('results hashes of the shipped scenarios (refactoring guard)', () => {
  const files = readdirSync(path.join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort();
  it('every shipped scenario has a horizon here', () => {
    expect(files.filter((f) => HORIZON[f] === undefined)).toEqual([]);
  });
  for (const f of files) {
    it(f, () => {
      const got = scenarioHash(path.join(ROOT, 'scenarios', f), HORIZON[f] ?? '1h');
      if (process.env.OPSIM_PRINT_PINS) console.log(`PIN '${f}': '${got}',`);
      expect(got).toBe(PINS[f]);
    });
  }
});
