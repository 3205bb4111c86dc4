/**
 * The incidents model's compile step (pure): the incident types (names checked unique), the
 * default type resolved (the one named, else the first), the priority matrix with every cell
 * filled, the incident targets of every priority (from the SLA section, the same function the
 * SLA model compiles them with), the reported streams, request classes and scheduled jobs as
 * loaded, and whether the scenario measures incidents at all. Schema defaults (tier times,
 * resolve probabilities, work priorities, servers offline) are already filled in by the loader.
 */
import type { Priority } from '../../results/format.js';
import type { Scenario } from '../../scenario/schema/index.js';
import { incidentTargets, type IncidentTarget } from '../sla/compile.js';
import { IMPACTS, URGENCIES, type ImpactSpec, type IncidentTypeSpec, type PriorityMatrixSpec, type ReportedIncidentsSpec, type ScheduledWorkSpec, type ServiceRequestSpec, type UrgencySpec } from './schema.js';

/** A priority for every impact and urgency. */
export type PriorityMatrix = Readonly<Record<ImpactSpec, Readonly<Record<UrgencySpec, Priority>>>>;

/**
 * Default priority matrix. The corners are sourced (extensive + critical = P1, minor + low
 * = P4; vanpeltconsulting.nl, itsalto.com); the cells between follow the usual diagonal.
 */
export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = {
  extensive: { critical: 'P1', high: 'P1', medium: 'P2', low: 'P3' },
  significant: { critical: 'P1', high: 'P2', medium: 'P2', low: 'P3' },
  moderate: { critical: 'P2', high: 'P2', medium: 'P3', low: 'P4' },
  minor: { critical: 'P3', high: 'P3', medium: 'P4', low: 'P4' },
};

/** Priority of an incident from its impact and urgency, through the matrix (default cells where unset). */
export function priorityOf(impact: ImpactSpec, urgency: UrgencySpec, matrix?: PriorityMatrixSpec): Priority {
  return matrix?.[impact]?.[urgency] ?? DEFAULT_PRIORITY_MATRIX[impact][urgency];
}

/** The scenario's priority matrix with the default in every cell it leaves unset. */
export function fullMatrix(matrix: PriorityMatrixSpec | undefined): PriorityMatrix {
  return Object.fromEntries(IMPACTS.map((i) => [i, Object.fromEntries(URGENCIES.map((u) => [u, priorityOf(i, u, matrix)]))])) as unknown as PriorityMatrix;
}

/** What the incidents model builds from. */
export interface IncidentsConfig {
  /** False without `incidents` and `monitoring`: a plain queueing station gets no incident metrics. */
  readonly measured: boolean;
  /** Incident types, in scenario order. */
  readonly types: readonly IncidentTypeSpec[];
  /** The type of a problem or alert that names none and matches no type's problem kinds (null: no types). */
  readonly defaultType: string | null;
  readonly priorityMatrix: PriorityMatrix;
  /** Response and resolution targets of every priority. */
  readonly incidentTargets: Readonly<Record<Priority, IncidentTarget>>;
  /** User-reported incident streams. */
  readonly reported: readonly ReportedIncidentsSpec[];
  /** Service-request classes. */
  readonly requests: readonly ServiceRequestSpec[];
  /** Scheduled jobs. */
  readonly scheduledWork: readonly ScheduledWorkSpec[];
}

/** Compiles the `incidents`, `requests` and `scheduledWork` of a loaded scenario. */
export function compileIncidents(scenario: Scenario): IncidentsConfig {
  const spec = scenario.incidents;
  const types = spec?.types ?? [];
  const names = new Set<string>();
  for (const t of types) {
    if (names.has(t.name)) throw new Error(`incidents.types: "${t.name}" is declared twice`);
    names.add(t.name);
  }
  const dflt = spec?.defaultType;
  if (dflt !== undefined && !names.has(dflt)) throw new Error(`incidents.defaultType: no incident type named "${dflt}"`);
  return {
    measured: scenario.incidents !== undefined || scenario.monitoring !== undefined,
    types,
    defaultType: dflt ?? types[0]?.name ?? null,
    priorityMatrix: fullMatrix(spec?.priorityMatrix),
    incidentTargets: incidentTargets(scenario.sla?.incidentTargets),
    reported: spec?.reported ?? [],
    requests: scenario.requests ?? [],
    scheduledWork: scenario.scheduledWork ?? [],
  };
}
