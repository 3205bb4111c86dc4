/**
 * The load model's file hook: `load[].traceFile` (a CSV of counts per `traceInterval`) is read
 * when the scenario is loaded, through the scenario toolkit's confined reader, and replaced by
 * the inline `trace` it stands for (repeating), in the compiled scenario and the raw document.
 */
import type { FileResolver } from '../../scenario/files.js';
import { isPlainObject } from '../../scenario/merge.js';

/** Parses a CSV trace: the last column of each row is a count; non-numeric rows (a header) are skipped. */
export function parseTraceCsv(text: string): number[] {
  const counts: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split(',');
    const last = cells[cells.length - 1]!.trim();
    if (last === '') continue;
    const v = Number(last);
    if (Number.isFinite(v) && v >= 0) counts.push(v);
  }
  return counts;
}

/** Replaces every `load[].traceFile` by its inline `trace`. */
export const resolveTraceFiles: FileResolver = (scenario, raw, files) => {
  const load = scenario.load ?? [];
  load.forEach((c, i) => {
    if (c.traceFile === undefined) return;
    const at = ['load', i, 'traceFile'];
    if (c.trace !== undefined) return files.report(at, 'give either "trace" or "traceFile", not both');
    if (c.traceInterval === undefined) return files.report(at, 'needs "traceInterval"');
    const text = files.readText(c.traceFile, at);
    if (text === undefined) return;
    const counts = parseTraceCsv(text);
    if (counts.length === 0) return files.report(at, `${JSON.stringify(c.traceFile)} holds no counts (the last column of each row)`);
    const rawClass = Array.isArray(raw.load) ? raw.load[i] : undefined;
    if (isPlainObject(rawClass)) {
      const rawInterval = rawClass['traceInterval'];
      delete rawClass['traceFile'];
      delete rawClass['traceInterval'];
      rawClass['trace'] = { interval: rawInterval, counts, repeat: true };
    }
    const { traceFile: _file, traceInterval: _interval, ...rest } = c;
    load[i] = { ...rest, trace: { interval: c.traceInterval, counts, repeat: true } };
  });
};
