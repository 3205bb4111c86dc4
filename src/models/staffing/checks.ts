/** Checks of the teams section. */
import type { ScenarioReport } from '../../scenario/checks.js';
import type { Scenario } from '../../scenario/schema/index.js';

export function checkTeams(s: Scenario, report: ScenarioReport): void {
  (s.teams ?? []).forEach((t, i) => {
    if (t.roster !== undefined && t.headcount !== undefined) report(['teams', i, 'headcount'], 'give either headcount or roster, not both');
  });
}
