/**
 * The problem board couples the infrastructure models to the operations models. Whatever
 * breaks (a misweighted load balancer, a failed server, a CRAC unit down) opens a Problem
 * that says what it affects and how to undo it. Monitoring sees the symptoms, incidents are
 * raised about problems, and an operator's fix resolves the problem, which restores the
 * capacity it took: the loop that makes opsim's models coupled.
 */

/** Something broken in the simulated world. */
export interface Problem {
  /** Sequence number within the replication. */
  readonly id: number;
  /** What broke, e.g. "lb-misweight", "server-failure", "crac-failure". */
  readonly kind: string;
  /** The component, e.g. "inventory/lb" or "room-a/crac-2". */
  readonly target: string;
  /** Service affected, if any. */
  readonly service: string | null;
  /** Room affected, if any. */
  readonly room: string | null;
  /** Incident type (from the scenario) to raise for it; null lets monitoring decide. */
  readonly incidentType: string | null;
  /** When it began. */
  readonly startedAt: number;
  /** When it was fixed (null while open). */
  resolvedAt: number | null;
  /** Who fixed it: "auto-repair", "auto-remediation", "L1", "facilities", ... */
  resolvedBy: string | null;
}

/** What a model gives when it opens a problem. */
export interface ProblemSpec {
  kind: string;
  target: string;
  service?: string | null;
  room?: string | null;
  incidentType?: string | null;
  /** Undoes the damage; called exactly once, when the problem is resolved. */
  fix: () => void;
}

type Listener = (p: Problem) => void;

export class ProblemBoard {
  private nextId = 1;
  private readonly open_ = new Map<number, { problem: Problem; fix: () => void }>();
  private readonly openedListeners: Listener[] = [];
  private readonly resolvedListeners: Listener[] = [];
  private readonly all: Problem[] = [];

  constructor(private readonly clock: () => number) {}

  /** Opens a problem at the current time and tells the listeners. */
  open(spec: ProblemSpec): Problem {
    const problem: Problem = {
      id: this.nextId++,
      kind: spec.kind,
      target: spec.target,
      service: spec.service ?? null,
      room: spec.room ?? null,
      incidentType: spec.incidentType ?? null,
      startedAt: this.clock(),
      resolvedAt: null,
      resolvedBy: null,
    };
    this.open_.set(problem.id, { problem, fix: spec.fix });
    this.all.push(problem);
    for (const l of this.openedListeners) l(problem);
    return problem;
  }

  /** Fixes a problem (runs its undo) and tells the listeners; false if it was already fixed. */
  resolve(problem: Problem, by: string): boolean {
    const entry = this.open_.get(problem.id);
    if (entry === undefined) return false;
    this.open_.delete(problem.id);
    problem.resolvedAt = this.clock();
    problem.resolvedBy = by;
    entry.fix();
    for (const l of this.resolvedListeners) l(problem);
    return true;
  }

  /** Open problems, oldest first, optionally only those matching `filter`. */
  active(filter?: (p: Problem) => boolean): Problem[] {
    const out: Problem[] = [];
    for (const { problem } of this.open_.values()) if (filter === undefined || filter(problem)) out.push(problem);
    return out;
  }

  /** Every problem opened so far, in order. */
  history(): readonly Problem[] {
    return this.all;
  }

  /** Calls `cb` whenever a problem opens. */
  onOpen(cb: Listener): void {
    this.openedListeners.push(cb);
  }

  /** Calls `cb` whenever a problem is resolved. */
  onResolve(cb: Listener): void {
    this.resolvedListeners.push(cb);
  }
}
