/**
 * Shared bench plumbing: table printing, PASS/MISS verdicts, and `timeScenario` for
 * whole-scenario runs. Other bench files (scenario, worker pool) import from here and add
 * a section to the list in run.ts.
 */
import { appendFileSync } from 'node:fs';

/** A bench section: prints its own tables; run.ts awaits sections in order. */
export type Section = () => Promise<void>;

/** Prints a fixed-width table with a title. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** One target check. */
export interface Verdict {
  label: string;
  pass: boolean;
  detail: string;
}

/** Where a section run in a child process (run.ts) hands its verdicts to the parent. */
export const VERDICTS_FILE_ENV = 'OPSIM_BENCH_VERDICTS';

/** Prints and records one target check. */
export function verdict(label: string, pass: boolean, detail: string): void {
  console.log(`${pass ? 'PASS' : 'MISS'}  ${label}  (${detail})`);
  const file = process.env[VERDICTS_FILE_ENV];
  if (file !== undefined) appendFileSync(file, `${JSON.stringify({ label, pass, detail })}\n`);
}

/** Timing of a whole-scenario benchmark. */
export interface ScenarioTiming {
  label: string;
  repeats: number;
  /** Best wall time of the repeats, in seconds. */
  bestSeconds: number;
  /** Median wall time, in seconds. */
  medianSeconds: number;
  /** Simulation events per second at the best time, when the run reports its event count. */
  eventsPerSecond: number;
}

/**
 * Times `run` (one whole replication, returning its executed event count or undefined)
 * `repeats` times after one untimed warm-up, and returns best and median wall time.
 */
export async function timeScenario(label: string, run: () => number | undefined | Promise<number | undefined>, repeats = 3): Promise<ScenarioTiming> {
  await run();
  const times: number[] = [];
  let events: number | undefined;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    events = await run();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const best = times[0]!;
  return {
    label,
    repeats,
    bestSeconds: best,
    medianSeconds: times[Math.floor(times.length / 2)]!,
    eventsPerSecond: events === undefined ? NaN : events / best,
  };
}

/** Prints scenario timings as one table. */
export function printScenarioTimings(title: string, timings: readonly ScenarioTiming[]): void {
  printTable(
    title,
    ['scenario', 'repeats', 'best s', 'median s', 'M events/s'],
    timings.map((t) => [t.label, String(t.repeats), t.bestSeconds.toFixed(3), t.medianSeconds.toFixed(3), Number.isNaN(t.eventsPerSecond) ? '-' : (t.eventsPerSecond / 1e6).toFixed(2)]),
  );
}
