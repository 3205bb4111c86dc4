/**
 * The SLA model's compile step (pure): the service SLAs as loaded, the incident targets of
 * every priority (the scenario's, else the defaults below), and whether the scenario measures
 * operations at all. Schema defaults (period, window, penalties, revenue, delayed-loss share,
 * rest of period) are already filled in by the loader.
 */
import type { Priority } from '../../results/format.js';
import type { Scenario } from '../../scenario/schema/index.js';
import type { IncidentTargetsSpec, ServiceSlaSpec } from './schema.js';

/** Response and resolution targets of one priority, in seconds, with their penalties. */
export interface IncidentTarget {
  response: number;
  resolution: number;
  responsePenalty: number;
  resolutionPenalty: number;
}

/**
 * Default targets: the university IT example (ask.slu.edu KB 273): emergency 15 min / 2 h,
 * high 30 min / 4 h, medium 4 h / 3 days, low 1 day / 5 days.
 */
export const DEFAULT_INCIDENT_TARGETS: Readonly<Record<Priority, IncidentTarget>> = {
  P1: { response: 900, resolution: 7200, responsePenalty: 0, resolutionPenalty: 0 },
  P2: { response: 1800, resolution: 14400, responsePenalty: 0, resolutionPenalty: 0 },
  P3: { response: 14400, resolution: 3 * 86400, responsePenalty: 0, resolutionPenalty: 0 },
  P4: { response: 86400, resolution: 5 * 86400, responsePenalty: 0, resolutionPenalty: 0 },
};

/** The scenario's incident targets with defaults filled in. */
export function incidentTargets(spec: IncidentTargetsSpec | undefined): Record<Priority, IncidentTarget> {
  const out = { ...DEFAULT_INCIDENT_TARGETS };
  for (const p of ['P1', 'P2', 'P3', 'P4'] as const) {
    const s = spec?.[p];
    if (s !== undefined) out[p] = { response: s.response, resolution: s.resolution, responsePenalty: s.responsePenalty, resolutionPenalty: s.resolutionPenalty };
  }
  return out;
}

/** What the SLA model builds from. */
export interface SlaConfig {
  /** False for an infrastructure-only scenario (no `sla`, `teams` or `incidents`): its results stay free of operations metrics. */
  readonly measured: boolean;
  /** The service SLAs, in scenario order. */
  readonly services: readonly ServiceSlaSpec[];
  /** Incident targets of every priority. */
  readonly incidentTargets: Readonly<Record<Priority, IncidentTarget>>;
}

/** Compiles the `sla` section of a loaded scenario. */
export function compileSla(scenario: Scenario): SlaConfig {
  return {
    measured: scenario.sla !== undefined || scenario.teams !== undefined || scenario.incidents !== undefined,
    services: scenario.sla?.services ?? [],
    incidentTargets: incidentTargets(scenario.sla?.incidentTargets),
  };
}
