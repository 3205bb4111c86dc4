/**
 * The staffing model's compile step (pure): each team of the loaded scenario as its runtime
 * needs it, a constant headcount resolved into a day-long roster. Schema defaults (tier,
 * skills, shrinkage, cost, roster time zone and start day, on-call latency) are already filled
 * in by the loader.
 */
import type { Scenario } from '../../scenario/schema/index.js';
import type { RosterSpec } from './schema.js';

const DAY = 86400;

/** One team, compiled. */
export interface TeamConfig {
  readonly name: string;
  /** Support tier the team works at. */
  readonly tier: string;
  /** Skills of the team (empty: takes any). */
  readonly skills: readonly string[];
  /** Cost of a rostered on-site operator-hour. */
  readonly costPerHour: number;
  /** Share of the hourly cost paid for an on-call hour. */
  readonly onCallPayFraction: number;
  /** Share of rostered operators not available. */
  readonly shrinkage: number;
  /** How shrinkage applies: a floor every shift, or thinning drawn per shift. */
  readonly shrinkageMode: 'floor' | 'thinning';
  /** The team's roster: its own, or a day-long on-site shift of its constant headcount. */
  readonly roster: RosterSpec;
}

/** What the staffing model builds from. */
export interface StaffingConfig {
  readonly teams: readonly TeamConfig[];
}

/** A day-long on-site shift every day, the same in any time zone (a team given a constant headcount). */
export function constantRoster(headcount: number): RosterSpec {
  return { utcOffsetHours: 0, startDay: 'mon', shifts: [{ name: 'always', start: 0, length: DAY, headcount, onCall: false, responseLatency: 0 }] };
}

/** Compiles the `teams` of a loaded scenario (the checks have refused a team with both headcount and roster). */
export function compileStaffing(scenario: Scenario): StaffingConfig {
  return {
    teams: (scenario.teams ?? []).map((t) => ({
      name: t.name,
      tier: t.tier,
      skills: t.skills,
      costPerHour: t.costPerHour,
      onCallPayFraction: t.onCallPayFraction,
      shrinkage: t.shrinkage,
      shrinkageMode: t.shrinkageMode,
      // A team given neither has no one on duty.
      roster: t.roster ?? constantRoster(t.headcount ?? 0),
    })),
  };
}
