/**
 * Semantic checks: rules JSON Schema cannot express, such as cross-references between
 * sections. Model modules register their own with `registerScenarioCheck`; they run on the
 * compiled scenario after schema validation passes, and their findings are located in the
 * file like any schema error.
 */
import type { Scenario } from './schema/index.js';
import { didYouMean as didYouMeanName, parseFieldPath, type PathSegments } from './errors.js';
import { isPlainObject } from './merge.js';

/** Reports one problem at a field path (`services[0].name` or segments). */
export type ScenarioReport = (path: string | PathSegments, message: string) => void;

/** A semantic check over a schema-valid, unit-converted scenario. */
export type ScenarioCheck = (scenario: Scenario, report: ScenarioReport) => void;

/** A problem found by a check, before it is located in a file. */
export interface CheckFinding {
  /** Where the problem is. */
  segments: (string | number)[];
  /** What is wrong. */
  message: string;
}

const checks = new Set<ScenarioCheck>();

/** Adds a semantic check; registering the same function twice has no effect. */
export function registerScenarioCheck(check: ScenarioCheck): void {
  checks.add(check);
}

/** Runs every registered check; a check that throws is itself reported, not rethrown. */
export function runScenarioChecks(scenario: Scenario): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const report: ScenarioReport = (path, message) => {
    let segments: (string | number)[];
    try {
      segments = typeof path === 'string' ? (path === '' ? [] : parseFieldPath(path)) : [...path];
    } catch {
      segments = [];
    }
    findings.push({ segments, message });
  };
  for (const check of checks) {
    try {
      check(scenario, report);
    } catch (err) {
      findings.push({ segments: [], message: `internal error in a scenario check (${check.name || 'anonymous'}): ${(err as Error).message}` });
    }
  }
  return findings;
}

/** Lists of named objects are addressed by name (extends, overrides), so names must be unique. */
function uniqueNames(scenario: Scenario, report: ScenarioReport): void {
  const walk = (v: unknown, segs: (string | number)[]): void => {
    if (Array.isArray(v)) {
      const first = new Map<string, number>();
      v.forEach((e, i) => {
        if (isPlainObject(e) && typeof e.name === 'string') {
          const prev = first.get(e.name);
          if (prev === undefined) first.set(e.name, i);
          else report([...segs, i, 'name'], `duplicate name ${JSON.stringify(e.name)} (already used by item ${prev})`);
        }
        walk(e, [...segs, i]);
      });
    } else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) walk(v[k], [...segs, k]);
    }
  };
  walk(scenario, []);
}

/** Every load class must send its requests to a service the scenario defines. */
function loadTargetsExist(scenario: Scenario, report: ScenarioReport): void {
  const s = scenario as unknown as { load?: { service?: unknown }[]; services?: { name?: unknown }[] };
  const names = (s.services ?? []).map((x) => x.name).filter((n): n is string => typeof n === 'string');
  (s.load ?? []).forEach((l, i) => {
    if (typeof l.service === 'string' && !names.includes(l.service)) {
      const known = names.length === 0 ? 'no services are defined' : `services are ${names.map((n) => JSON.stringify(n)).join(', ')}`;
      const hint = didYouMeanName(l.service, names);
      report(['load', i, 'service'], `unknown service ${JSON.stringify(l.service)}${hint} (${known})`);
    }
  });
}

/** A warm-up as long as the run would leave nothing to measure in every replication. */
function warmupShorterThanHorizon(scenario: Scenario, report: ScenarioReport): void {
  const warmup = scenario.warmup ?? 0;
  if (warmup >= scenario.horizon) {
    report('warmup', `must be shorter than the horizon (${scenario.horizon} s), got ${warmup} s`);
  }
}

registerScenarioCheck(uniqueNames);
registerScenarioCheck(warmupShorterThanHorizon);
registerScenarioCheck(loadTargetsExist);
