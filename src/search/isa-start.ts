/**
 * ISA as the warm start of a per-shift headcount: when a decision variable is the headcount of
 * one shift of a team's roster (`teams.<team>.roster.shifts.<shift>.headcount`) and a
 * constraint is a waiting-time target on the team's requests (mean
 * `requests.<name>.service_level` ≥ x, "answered within the answer target τ"), the search
 * starts from ISA(τ) (isa.ts; Feldman, Mandelbaum, Massey & Whitt 2008) instead of a
 * pointwise Erlang C: ISA simulates the day as an M_t/M/s_t queue, so it sees the empty start,
 * the lag behind the arrival rate and the shift changes.
 *
 * The queue: the team's judged requests merged (rates added, one exponential service at their
 * rate-weighted mean handle time), staffed per interval of min(scenario interval, 1 h); the
 * target P(W > τ) ≤ 1 − x with the smallest τ and the largest x among them; FMMW's
 * conservative rounding, so the start is more likely feasible and the descent walks down.
 * The shift's need is the most any of its intervals (after warm-up) asks for beyond the other
 * shifts' headcounts on duty then. Requests whose callers hang up (`patience`) keep the Erlang A
 * start. Shrinkage and weekday-only shifts are not modelled here;
 * certification corrects the start either way.
 */
import { distributionFromSpec } from '../models/kernel/distribution.js';
import type { Scenario } from '../scenario/schema/index.js';
import type { DurationDistSpec } from '../scenario/schema/distribution.js';
import type { ConstraintTest } from './certify.js';
import { isaStaffing } from './isa.js';
import { readPath } from './space.js';

interface ShiftLike {
  name: string;
  start: number;
  length: number;
  headcount: number;
}

interface RequestLike {
  name: string;
  team: string;
  rate: number;
  handleTime: DurationDistSpec;
  answerTarget?: number;
  patience?: unknown;
}

/** Replications per ISA iteration and the seed of the warm start (fixed: the start must not depend on the search's seed). */
const ISA_REPLICATIONS = 100;
const ISA_SEED = 'search-warm-start-isa';

/** True when the shift covers time t (seconds) on a daily cycle. */
function onDuty(s: ShiftLike, t: number): boolean {
  return (((t - s.start) % 86400) + 86400) % 86400 < s.length;
}

/** ISA(τ)'s headcount for one shift of a team's roster, or null when no waiting-time target applies. */
export function isaShiftHeadcount(scenario: Scenario, team: string, shift: string, tests: readonly ConstraintTest[]): { need: number; method: string } | null {
  const shifts = (readPath(scenario, ['teams', team, 'roster', 'shifts']) as ShiftLike[] | undefined) ?? [];
  const own = shifts.find((s) => s.name === shift);
  if (own === undefined) return null;
  const targets = new Map<string, number>();
  for (const t of tests) if (t.kind === 'mean' && t.sense === 'atLeast' && /^requests\.[^.]+\.service_level$/.test(t.metric)) targets.set(t.metric.split('.')[1]!, Math.max(t.threshold, targets.get(t.metric.split('.')[1]!) ?? 0));
  const judged = ((scenario as { requests?: RequestLike[] }).requests ?? []).filter((r) => r.team === team && r.answerTarget !== undefined && targets.has(r.name));
  // Callers who hang up are Erlang A's (warm-start.ts); ISA's queue has no abandonment.
  if (judged.length === 0 || judged.some((r) => r.patience !== undefined)) return null;
  const rate = judged.reduce((a, r) => a + r.rate, 0) * 3600; // per hour
  if (!(rate > 0)) return null;
  const aht = judged.reduce((a, r) => a + r.rate * distributionFromSpec(r.handleTime).mean, 0) / (rate / 3600);
  const tau = Math.min(...judged.map((r) => r.answerTarget!)) / 3600;
  const level = Math.max(...judged.map((r) => targets.get(r.name)!));
  const step = Math.min(scenario.interval ?? 3600, 3600) / 3600;
  const horizon = scenario.horizon / 3600;
  const isa = isaStaffing(
    { rate: () => rate, rateMax: rate, mu: 3600 / aht, horizon, step },
    { delayProbability: 1 - level, waitThreshold: tau, replications: ISA_REPLICATIONS, seed: ISA_SEED, rounding: 'conservative' },
  );
  let need = 0;
  isa.staffing.forEach((s, k) => {
    const t = (k + 0.5) * step * 3600;
    if (t < (scenario.warmup ?? 0) || !onDuty(own, t)) return;
    const others = shifts.filter((x) => x !== own && onDuty(x, t)).reduce((a, x) => a + x.headcount, 0);
    need = Math.max(need, s - others);
  });
  return {
    need,
    method: `ISA(τ) (Feldman, Mandelbaum, Massey & Whitt 2008) on the day as an M_t/M/s_t queue (${judged.map((r) => r.name).join(', ')}: P(wait > ${tau * 3600} s) ≤ ${Number((1 - level).toFixed(4))}), ${isa.iterations} iterations${isa.converged ? '' : ' (not converged)'}, the most this shift's intervals need beyond the other shifts on duty`,
  };
}
