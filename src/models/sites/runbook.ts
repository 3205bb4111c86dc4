/**
 * A runbook at run time: steps with their predecessors, each done by an operator of a team
 * (or by no one), started as soon as every step it waits for has ended. A team pays its
 * on-call response latency at most once per execution: the first of its steps granted to an
 * operator at home waits for the page; later steps find that operator already at work.
 *
 * So a runbook of deterministic steps in sequence, with operators free, ends exactly
 * Σ durations + Σ (latency of each team first reached on call) after it starts.
 */
import { deterministic, type Distribution, type Rng, type Simulation } from '../../engine/index.js';
import { distributionFromSpec } from '../kernel/distribution.js';
import type { World } from '../kernel/world.js';
import type { Team } from '../staffing/runtime.js';
import type { TeamsPort } from '../staffing/ports.js';
import type { BackupsPort } from '../backups/ports.js';
import type { RunbookStepSpec } from './schema.js';

/** Queue priority of runbook steps in a team's queue: before every incident (P1 is 1). */
export const RUNBOOK_PRIORITY = 0;

export type StepAction = 'work' | 'bring-up' | 'restore' | 'switch';

/** One compiled step. */
export interface Step {
  readonly name: string;
  readonly action: StepAction;
  readonly team: Team | null;
  readonly duration: Distribution;
  readonly rng: Rng;
  /** Indices of the steps it waits for. */
  readonly after: readonly number[];
  /** Restore steps: the backup restored. */
  readonly backup: string | null;
}

/** Compiles a runbook (the checks have resolved every name; failures here are invariants). */
export function compileRunbook(world: World, steps: readonly RunbookStepSpec[], where: string, teams: TeamsPort, backups: BackupsPort, bringUp: Distribution): Step[] {
  const index = new Map(steps.map((s, i) => [s.name, i]));
  return steps.map((s, i) => {
    const at = `${where}.${s.name}`;
    const team = s.team === undefined ? null : (teams.get(s.team) ?? null);
    if (s.team !== undefined && team === null) throw new Error(`${at}.team: no team named "${s.team}"`);
    const action = s.action;
    let duration: Distribution;
    if (s.duration !== undefined) duration = distributionFromSpec(s.duration);
    else if (action === 'bring-up') duration = bringUp;
    else if (action === 'switch') duration = deterministic(0);
    else if (action === 'restore') {
      const r = backups.get(s.backup ?? '')?.restoreTime ?? null;
      if (r === null) throw new Error(`${at}.duration: no duration and no restoreTime on backup "${String(s.backup)}"`);
      duration = r;
    } else throw new Error(`${at}.duration: a work step needs a duration`);
    const after = (s.after ?? (i > 0 ? [steps[i - 1]!.name] : [])).map((n) => {
      const j = index.get(n);
      if (j === undefined || j >= i) throw new Error(`${at}.after: "${n}" is not an earlier step`);
      return j;
    });
    return { name: s.name, action, team, duration, rng: world.streams.stream(`${where.replace(/\./g, '/')}/${s.name}`), after, backup: s.backup ?? null };
  });
}

/** What an execution tells its owner. */
export interface RunbookHooks {
  /** A step is taken up: granted to an operator (paged, if on call) or, without a team, begun. */
  stepTaken?(step: Step): void;
  /** A step ended (its effect applies now). */
  stepDone(step: Step): void;
  /** Every step ended. */
  allDone(): void;
}

/** One execution of a runbook. */
export class RunbookRun {
  private readonly waiting: number[];
  private left: number;
  private readonly paged = new Set<Team>();
  /** Queue handles of the steps waiting for an operator, by step index. */
  private readonly queued = new Map<number, number>();
  /** Called off: steps not yet started never start, and the hooks are no longer called. */
  private stopped = false;

  constructor(
    private readonly sim: Simulation,
    private readonly steps: readonly Step[],
    private readonly hooks: RunbookHooks,
  ) {
    this.waiting = steps.map((s) => s.after.length);
    this.left = steps.length;
    steps.forEach((s, i) => {
      if (s.after.length === 0) this.start(i);
    });
    if (this.left === 0) hooks.allDone();
  }

  /** Calls the rest of the runbook off: steps waiting for an operator leave the queue. */
  stop(): void {
    this.stopped = true;
    for (const [i, h] of this.queued) this.steps[i]!.team!.resource.withdraw(h);
    this.queued.clear();
  }

  private start(i: number): void {
    if (this.stopped) return;
    const team = this.steps[i]!.team;
    if (team === null) {
      this.work(i, 0);
      return;
    }
    const h = team.resource.seize(this.granted, i, RUNBOOK_PRIORITY);
    if (h < 0) this.granted(i);
    else this.queued.set(i, h);
  }

  private readonly granted = (i: number): void => {
    this.queued.delete(i);
    const team = this.steps[i]!.team!;
    let latency = 0;
    if (!this.paged.has(team)) {
      latency = team.startLatency();
      if (latency > 0) this.paged.add(team);
    }
    this.work(i, latency);
  };

  private work(i: number, latency: number): void {
    const step = this.steps[i]!;
    this.hooks.stepTaken?.(step);
    this.sim.post(latency + step.duration.sample(step.rng), this.finished, i);
  }

  private readonly finished = (i: number): void => {
    const step = this.steps[i]!;
    step.team?.resource.release();
    if (this.stopped) return;
    this.hooks.stepDone(step);
    this.left--;
    this.steps.forEach((s, j) => {
      if (s.after.includes(i) && --this.waiting[j]! === 0) this.start(j);
    });
    if (this.left === 0 && !this.stopped) this.hooks.allDone();
  };
}
