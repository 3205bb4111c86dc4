/**
 * The sites model's compile step (pure): each site with its services resolved (those it lists
 * and those standing in its rooms, as indices into `services`, the services port's poolList),
 * its rooms checked, and its recovery plan's mode defaults worked out (share of standby
 * servers standing, bring-up time) and its pairs resolved to service indices. Schema defaults
 * are already filled in by the loader.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { DurationDistSpec } from '../../scenario/schema/distribution.js';
import type { RecoverySpec, SiteSpec } from './schema.js';
import { MODE_DEFAULTS, siteServices } from './membership.js';

/** A service of the site and its standby, by index into `services`. */
export interface PairConfig {
  /** The primary's name (labels what its standby's idle servers are kept offline for). */
  readonly service: string;
  readonly primary: number;
  readonly standby: number;
}

/** A recovery plan, compiled: its mode's defaults filled in, its pairs resolved. */
export interface RecoveryConfig extends Omit<RecoverySpec, 'standing' | 'bringUp' | 'pairs'> {
  /** Share of every standby service's servers running before a disaster. */
  readonly standing: number;
  /** Time a bring-up step takes unless it gives its own. */
  readonly bringUp: DurationDistSpec;
  readonly pairs: readonly PairConfig[];
}

/** One site, compiled. */
export interface SiteConfig {
  readonly spec: SiteSpec;
  /** Its services (listed, or standing in its rooms), as indices into `services`, in scenario order. */
  readonly services: readonly number[];
  /** Its recovery plan (null: none). */
  readonly recovery: RecoveryConfig | null;
}

/** What the sites model builds from. */
export interface SitesConfig {
  readonly sites: readonly SiteConfig[];
  /** End of the warm-up: disasters before it are not counted. */
  readonly warmup: number;
  /** Whether some recovery plan has a price (its standby servers or its contract's fees; then cost.recovery is measured). */
  readonly priced: boolean;
}

/** Compiles one recovery plan of site `site`. */
function compileRecovery(plan: RecoverySpec, site: string, index: (name: string) => number): RecoveryConfig {
  const { standing, bringUp, pairs, ...rest } = plan;
  return {
    ...rest,
    standing: standing ?? MODE_DEFAULTS[plan.mode].standing,
    bringUp: bringUp ?? MODE_DEFAULTS[plan.mode].bringUp,
    pairs: pairs.map((p) => {
      const primary = index(p.service);
      const standby = index(p.standby);
      if (primary < 0 || standby < 0) throw new Error(`sites.${site}.recovery.pairs: no service named "${primary < 0 ? p.service : p.standby}"`);
      return { service: p.service, primary, standby };
    }),
  };
}

/** Compiles the `sites` of a loaded scenario. */
export function compileSites(scenario: Scenario): SitesConfig {
  const names = (scenario.services ?? []).map((s) => s.name);
  const index = (name: string): number => names.indexOf(name);
  const rooms = new Set((scenario.rooms ?? []).map((r) => r.name));
  const sites = scenario.sites ?? [];
  return {
    warmup: scenario.warmup ?? 0,
    priced: sites.some((s) => s.recovery !== undefined && (s.recovery.costPerHour > 0 || s.recovery.reserveCostPerHour > 0 || s.recovery.feePerMonth > 0 || s.recovery.invocationFee > 0)),
    sites: sites.map((spec) => {
      for (const r of spec.rooms ?? []) if (!rooms.has(r)) throw new Error(`sites.${spec.name}.rooms: no room named "${r}"`);
      return {
        spec,
        services: siteServices(spec, scenario).map(index),
        recovery: spec.recovery === undefined ? null : compileRecovery(spec.recovery, spec.name, index),
      };
    }),
  };
}
