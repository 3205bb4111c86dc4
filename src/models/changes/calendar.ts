/**
 * The change calendar: daily change windows and a freeze calendar (daily hours or stretches
 * of time). `nextSlot(t)` is the first moment at or after t when a change may be made:
 * inside a window (when windows are declared) and outside every freeze. Intervals are
 * closed at their start and open at their end, so a freeze 17h–20h lets a change through at
 * 20:00 sharp.
 */
import type { DailyWindowSpec, FreezePeriodSpec } from './schema.js';

const DAY = 86_400;

/** An interval [start, end) in simulated seconds. */
interface Span {
  start: number;
  end: number;
}

/** The occurrence of a daily window that contains t, if any. */
function dailyAt(w: DailyWindowSpec, t: number): Span | null {
  const day = Math.floor(t / DAY);
  // The window of the day before may run past midnight into today.
  for (const d of [day - 1, day]) {
    const start = d * DAY + w.start;
    if (start <= t && t < start + w.length) return { start, end: start + w.length };
  }
  return null;
}

/** The first opening of a daily window at or after t. */
function nextDailyStart(w: DailyWindowSpec, t: number): number {
  const day = Math.floor(t / DAY);
  for (const d of [day - 1, day, day + 1]) {
    const start = d * DAY + w.start;
    if (start >= t) return start;
  }
  return (day + 2) * DAY + w.start;
}

export class ChangeCalendar {
  constructor(
    private readonly windows: readonly DailyWindowSpec[],
    private readonly freezes: readonly (DailyWindowSpec | FreezePeriodSpec)[],
  ) {}

  /** The freeze containing t, if any (the one ending last, when freezes overlap). */
  private frozenAt(t: number): Span | null {
    let found: Span | null = null;
    for (const f of this.freezes) {
      const span = 'from' in f ? (f.from <= t && t < f.to ? { start: f.from, end: f.to } : null) : dailyAt(f, t);
      if (span !== null && (found === null || span.end > found.end)) found = span;
    }
    return found;
  }

  /** True when t is inside a change window (always, without windows). */
  private inWindow(t: number): boolean {
    return this.windows.length === 0 || this.windows.some((w) => dailyAt(w, t) !== null);
  }

  /** True when a change falling at t would be frozen. */
  isFrozen(t: number): boolean {
    return this.frozenAt(t) !== null;
  }

  /**
   * The first moment at or after t, before `limit`, when a change may be made; Infinity when
   * there is none before the limit (the change waits past the end of the run).
   */
  nextSlot(t: number, limit: number): number {
    let at = t;
    // Every step moves past a freeze or to a window's opening, so this ends by `limit`.
    while (at < limit) {
      const freeze = this.frozenAt(at);
      if (freeze !== null) {
        at = freeze.end;
        continue;
      }
      if (this.inWindow(at)) return at;
      at = Math.min(...this.windows.map((w) => nextDailyStart(w, at)));
    }
    return Infinity;
  }
}
