/**
 * Staffing: teams of operators whose number on duty follows a roster. Each team is one
 * engine Resource; the roster sets its capacity at every shift boundary. Because a
 * Resource's capacity decrease only takes effect as units are released, work in progress
 * carries over at handover: the leaving operator finishes the job in hand (the model's
 * reading of a handover; see docs/operations.md).
 *
 * On-call operators are units of the same Resource that only start work after a response
 * latency: when a unit is granted while every on-site operator is busy, the work item waits
 * the latency before it starts (the page, the login).
 */
import { Resource, TimeWeighted, Tally, type Rng } from '../../engine/index.js';
import type { RosterSpec, ShiftSpec, WeekdaySpec } from './schema.js';
import type { StaffingConfig, TeamConfig } from './compile.js';
import type { World } from '../kernel/world.js';
import { STAFFING_COLUMNS, STAFFING_METRICS } from './metrics.js';

const DAY = 86400;
const WEEKDAYS: readonly WeekdaySpec[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// A team's tier, skills, shrinkage, cost and on-call pay, a roster's time zone and start day, a
// shift's on-call response latency default in their schema (schema.ts): the loader fills them in.

/** Who is on duty at one moment according to a roster (rostered headcounts, before shrinkage). */
export interface RosterCapacity {
  /** Operators on site. */
  onSite: number;
  /** Operators on call. */
  onCall: number;
  /** Largest response latency among the on-call shifts active (0 when none). */
  onCallLatency: number;
}

/** One concrete occurrence of a shift: which shift, which local start day. */
export interface ShiftInstance {
  /** Index of the shift in the roster. */
  shift: number;
  /** Local day number of its start (day 0 starts at simulated time 0 minus the UTC offset). */
  day: number;
  /** Rostered headcount of this occurrence (after headcountByDay). */
  headcount: number;
}

function offsetSeconds(roster: RosterSpec, shift: ShiftSpec): number {
  return (shift.utcOffsetHours ?? roster.utcOffsetHours) * 3600;
}

function weekdayOf(roster: RosterSpec, day: number): WeekdaySpec {
  const start = WEEKDAYS.indexOf(roster.startDay);
  return WEEKDAYS[(((start + day) % 7) + 7) % 7]!;
}

/** The occurrence of `shift` covering simulated time t, or null when it is off duty then. */
export function shiftInstanceAt(roster: RosterSpec, index: number, t: number): ShiftInstance | null {
  const shift = roster.shifts[index]!;
  const local = t + offsetSeconds(roster, shift);
  // A shift is at most a day long, so only the occurrence that started last can cover t.
  const day = Math.floor((local - shift.start) / DAY);
  if (local - (day * DAY + shift.start) >= shift.length) return null;
  const weekday = weekdayOf(roster, day);
  if (shift.days !== undefined && !shift.days.includes(weekday)) return null;
  const headcount = shift.headcountByDay?.[weekday] ?? shift.headcount;
  return { shift: index, day, headcount };
}

/**
 * Rostered headcount on duty at simulated time t (seconds; t = 0 is local midnight of
 * `startDay` at the roster's UTC offset). Pure: the same roster and t always give the same
 * answer, so shift tables can be checked without running a simulation.
 */
export function rosterCapacityAt(roster: RosterSpec, t: number): RosterCapacity {
  return rosterStateAt(roster, t, (inst) => inst.headcount);
}

/** Like rosterCapacityAt, with each shift occurrence's headcount passed through `effective` (shrinkage). */
export function rosterStateAt(roster: RosterSpec, t: number, effective: (inst: ShiftInstance) => number): RosterCapacity {
  const out: RosterCapacity = { onSite: 0, onCall: 0, onCallLatency: 0 };
  for (let i = 0; i < roster.shifts.length; i++) {
    const inst = shiftInstanceAt(roster, i, t);
    if (inst === null) continue;
    const n = effective(inst);
    const shift = roster.shifts[i]!;
    if (shift.onCall) {
      out.onCall += n;
      if (n > 0) out.onCallLatency = Math.max(out.onCallLatency, shift.responseLatency);
    } else {
      out.onSite += n;
    }
  }
  return out;
}

/** Times in (from, to] at which some shift starts or ends: the roster's change points, sorted. */
export function rosterBoundaries(roster: RosterSpec, from: number, to: number): number[] {
  const set = new Set<number>();
  for (const shift of roster.shifts) {
    const off = offsetSeconds(roster, shift);
    const first = Math.floor((from + off - shift.start) / DAY) - 1;
    const last = Math.ceil((to + off - shift.start) / DAY) + 1;
    for (let d = first; d <= last; d++) {
      const s = d * DAY + shift.start - off;
      for (const b of [s, s + shift.length]) if (b > from && b <= to) set.add(b);
    }
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * Operator-seconds shift `index` of a roster has on duty in [from, to): each occurrence's
 * rostered headcount (after headcountByDay, before shrinkage) × its time in the window, as a
 * team's rosteredOnSite / rosteredOnCall integrate it. Pure, for pricing a shift without a run.
 */
export function shiftOperatorSeconds(roster: RosterSpec, index: number, from: number, to: number): number {
  let total = 0;
  let a = from;
  // The shift's headcount is constant between the roster's change points.
  for (const b of [...rosterBoundaries(roster, from, to), to]) {
    if (b <= a) continue;
    total += (shiftInstanceAt(roster, index, a)?.headcount ?? 0) * (b - a);
    a = b;
  }
  return total;
}

/** What rostered time costs: on-site operator-seconds at the full hourly rate, on-call ones at the on-call share (the staffing cost's rule). */
export function rosteredPay(onSiteSeconds: number, onCallSeconds: number, costPerHour: number, onCallPayFraction: number): number {
  return (onSiteSeconds + onCallPayFraction * onCallSeconds) * (costPerHour / 3600);
}

/**
 * Shrinkage by round-down: ⌊headcount × (1 − shrinkage)⌋. Deterministic and pessimistic:
 * with 30 % shrinkage a shift of 2 keeps 1, a shift of 10 keeps 7.
 */
export function shrinkFloor(headcount: number, shrinkage: number): number {
  // The epsilon keeps 10 × 0.7 = 6.9999… from losing an operator to rounding.
  return Math.floor(headcount * (1 - shrinkage) + 1e-9);
}

/** Shrinkage by thinning: each rostered operator turns up with probability 1 − shrinkage. */
export function shrinkThinning(headcount: number, shrinkage: number, rng: Rng): number {
  let n = 0;
  for (let i = 0; i < headcount; i++) if (rng.next() >= shrinkage) n++;
  return n;
}

/** A team at run time: its Resource and what the roster says now. */
export class Team {
  /** Operators on duty now (on site + on call, after shrinkage). */
  readonly resource: Resource;
  /** Effective operators on site now. */
  onSite = 0;
  /** Effective operators on call now. */
  onCall = 0;
  /** Response latency of the on-call operators now. */
  onCallLatency = 0;
  /** Rostered (paid) on-site headcount over time. */
  readonly rosteredOnSite: TimeWeighted;
  /** Rostered on-call headcount over time. */
  readonly rosteredOnCall: TimeWeighted;
  /** Open work (waiting + in hand) at each shift change. */
  readonly backlogAtShiftChange = new Tally();
  /** Support tier the team works at. */
  readonly tier: string;
  /** Skills of the team (empty: takes any). */
  readonly skills: readonly string[];
  /** Cost of a rostered on-site operator-hour. */
  readonly costPerHour: number;
  /** Share of the hourly cost paid for an on-call hour. */
  readonly onCallPayFraction: number;

  constructor(readonly world: World, readonly spec: TeamConfig) {
    const now = world.sim.now;
    this.tier = spec.tier;
    this.skills = spec.skills;
    this.costPerHour = spec.costPerHour;
    this.onCallPayFraction = spec.onCallPayFraction;
    this.resource = new Resource(world.sim, { capacity: 0, discipline: 'priority', name: `team ${spec.name}` });
    this.rosteredOnSite = new TimeWeighted(0, now);
    this.rosteredOnCall = new TimeWeighted(0, now);
    world.sim.onReset(() => {
      const t = world.sim.now;
      this.rosteredOnSite.reset(t);
      this.rosteredOnCall.reset(t);
      this.backlogAtShiftChange.reset();
    });
  }

  /** The team's name. */
  get name(): string {
    return this.spec.name;
  }

  /** True when this team can take work of the given tier and skill. */
  serves(tier: string, skill: string | undefined): boolean {
    return this.tier === tier && (skill === undefined || this.skills.length === 0 || this.skills.includes(skill));
  }

  /**
   * Delay before a just-granted unit starts work: the on-call response latency when every
   * on-site operator was already busy (so the unit granted is someone at home), else 0.
   */
  startLatency(): number {
    return this.resource.inUse > this.onSite ? this.onCallLatency : 0;
  }

  /** Staffing cost so far: rostered on-site hours at the full rate, on-call hours at the on-call share. */
  cost(): number {
    const now = this.world.sim.now;
    return rosteredPay(this.rosteredOnSite.integral(now), this.rosteredOnCall.integral(now), this.costPerHour, this.onCallPayFraction);
  }
}

/** Builds the teams of a compiled staffing config: one Resource each, with shift changes scheduled from the roster. */
export function buildStaffing(world: World, config: StaffingConfig): ReadonlyMap<string, Team> {
  const specs = config.teams;
  const teams = new Map<string, Team>();
  for (const spec of specs) {
    if (teams.has(spec.name)) throw new Error(`teams: "${spec.name}" is declared twice`);
    const team = new Team(world, spec);
    teams.set(spec.name, team);
    const roster = spec.roster;
    const shrinkage = spec.shrinkage;
    const rng = world.streams.stream(`staffing/${spec.name}/shrinkage`);
    // Thinning draws once per shift occurrence; occurrences are met in time order, so the
    // draws are reproducible and independent of how often the state is queried.
    const drawn = new Map<string, number>();
    const effective = (inst: ShiftInstance): number => {
      if (shrinkage === 0) return inst.headcount;
      if (spec.shrinkageMode !== 'thinning') return shrinkFloor(inst.headcount, shrinkage);
      const key = `${inst.shift}/${inst.day}`;
      let n = drawn.get(key);
      if (n === undefined) {
        n = shrinkThinning(inst.headcount, shrinkage, rng);
        drawn.set(key, n);
      }
      return n;
    };
    const apply = (): void => {
      const now = world.sim.now;
      const state = rosterStateAt(roster, now, effective);
      const rostered = rosterCapacityAt(roster, now);
      team.onSite = state.onSite;
      team.onCall = state.onCall;
      team.onCallLatency = state.onCallLatency;
      team.rosteredOnSite.update(now, rostered.onSite);
      team.rosteredOnCall.update(now, rostered.onCall);
      team.resource.setCapacity(state.onSite + state.onCall);
    };
    apply();
    const onBoundary = (): void => {
      const r = team.resource;
      team.backlogAtShiftChange.add(r.waiting + r.inUse);
      apply();
    };
    for (const t of rosterBoundaries(roster, world.sim.now, world.horizon)) {
      // Priority -1: the new shift is on duty before work arriving at the same instant is seized.
      world.sim.scheduleAt(t, onBoundary, undefined, -1);
    }
    registerTeamOutputs(world, team);
  }
  if (specs.length > 0) world.recorder.metric(STAFFING_METRICS.total, {}, () => staffingCost(teams));
  return teams;
}

/** Total staffing cost of all teams so far. */
export function staffingCost(teams: ReadonlyMap<string, Team>): number {
  let c = 0;
  for (const t of teams.values()) c += t.cost();
  return c;
}

function registerTeamOutputs(world: World, team: Team): void {
  const r = team.resource;
  const sim = world.sim;
  const n = team.name;
  world.recorder.metric(STAFFING_METRICS.utilisation, { team: n }, () => r.utilisation());
  world.recorder.metric(STAFFING_METRICS.backlog, { team: n }, () => team.backlogAtShiftChange.mean);
  world.recorder.metric(STAFFING_METRICS.onDuty, { team: n }, () => r.capacityLevel.mean(sim.now));
  world.recorder.metric(STAFFING_METRICS.queue, { team: n }, () => r.queueLength.mean(sim.now));
  world.recorder.metric(STAFFING_METRICS.cost, { team: n }, () => team.cost());
  world.recorder.column(STAFFING_COLUMNS.onShift, { team: n }, () => r.capacity);
  let prevBusy = 0;
  sim.onReset(() => {
    prevBusy = 0;
  });
  world.recorder.column(STAFFING_COLUMNS.busy, { team: n }, (start, end) => {
    const area = r.busy.integral(end);
    const v = end > start ? (area - prevBusy) / (end - start) : r.inUse;
    prevBusy = area;
    return v;
  });
}
