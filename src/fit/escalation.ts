/**
 * The mix of incidents: priority shares (and the impact × urgency cells behind them), the
 * distribution of reassignments (0, 1, 2, more) as the proxy for the L1 → L2 → L3 path, and
 * the reopen rate, each with a 95 % interval.
 */
import type { IncidentRecord, Priority } from './incident-export.js';
import { wilson } from './intervals.js';
import type { Estimate } from './mle.js';

/** Shares and escalation figures of a set of incidents. */
export interface IncidentMix {
  n: number;
  priority: { priority: Priority; count: number; share: Estimate }[];
  /** Incidents without a recognised priority. */
  unknownPriority: number;
  /** impact × urgency cells as written in the export, most frequent first. */
  impactUrgency: { impact: string; urgency: string; count: number }[];
  /** Reassignments: share with 0, 1, 2 and 3 or more (of incidents that say). */
  reassignments: { label: '0' | '1' | '2' | '3+'; count: number; share: Estimate }[];
  reassignmentKnown: number;
  /** Share of incidents reopened at least once. */
  reopenRate: Estimate | null;
  reopenKnown: number;
}

export const PRIORITY_LIST: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** Counts the mix of a set of incidents (their final state). */
export function incidentMix(incidents: readonly IncidentRecord[]): IncidentMix {
  const n = incidents.length;
  const pc = new Map<Priority, number>();
  let unknownPriority = 0;
  const cells = new Map<string, { impact: string; urgency: string; count: number }>();
  const rc = [0, 0, 0, 0];
  let rKnown = 0;
  let reopened = 0;
  let oKnown = 0;
  for (const inc of incidents) {
    if (inc.priority === null) unknownPriority++;
    else pc.set(inc.priority, (pc.get(inc.priority) ?? 0) + 1);
    if (inc.impact !== null && inc.urgency !== null) {
      const key = `${inc.impact}\u0000${inc.urgency}`;
      const c = cells.get(key) ?? { impact: inc.impact, urgency: inc.urgency, count: 0 };
      c.count++;
      cells.set(key, c);
    }
    if (inc.reassignments !== null) {
      rKnown++;
      rc[Math.min(inc.reassignments, 3)]!++;
    }
    if (inc.reopens !== null) {
      oKnown++;
      if (inc.reopens > 0) reopened++;
    }
  }
  const known = n - unknownPriority;
  return {
    n,
    priority: PRIORITY_LIST.filter((p) => pc.has(p)).map((p) => ({ priority: p, count: pc.get(p)!, share: wilson(pc.get(p)!, known) })),
    unknownPriority,
    impactUrgency: [...cells.values()].sort((a, b) => b.count - a.count),
    reassignments: (['0', '1', '2', '3+'] as const).map((label, i) => ({ label, count: rc[i]!, share: wilson(rc[i]!, rKnown) })),
    reassignmentKnown: rKnown,
    reopenRate: oKnown > 0 ? wilson(reopened, oKnown) : null,
    reopenKnown: oKnown,
  };
}
