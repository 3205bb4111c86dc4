/**
 * Warnings about a valid scenario: things a planner may have meant (overload can be the very
 * question) but should know before reading the results. Unlike a check's finding they do not
 * stop a run; `opsim validate` and `opsim run` print them located like errors.
 */
import { resolve } from 'node:path';
import { displayPath, type ScenarioError } from '../../scenario/errors.js';
import { locate, readScenarioSource } from '../../scenario/source.js';

/** Load ratios this close to 1 count as 1 (9/s on 9 servers of 1 s must not read ρ = 0.9999999). */
export const RHO_EPSILON = 1e-9;

const sig3 = (x: number): string => String(Number(x.toPrecision(3)));

/** A rate (per second) in the unit that reads best: /s, /min or /h, three significant figures. */
export function formatRate(r: number): string {
  if (r >= 1 || r === 0) return `${sig3(r)}/s`;
  return r * 60 >= 1 ? `${sig3(r * 60)}/min` : `${sig3(r * 3600)}/h`;
}

/** A span of time (seconds) in the unit that reads best. */
export function formatSpan(s: number): string {
  if (s < 60) return `${sig3(s)} s`;
  if (s < 3600) return `${sig3(s / 60)} min`;
  if (s < 86400) return `${sig3(s / 3600)} h`;
  return `${sig3(s / 86400)} d`;
}

/** A warning about a valid scenario, at a field path. */
export interface ScenarioWarning {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Warnings located at line:column where the file (`file`, read again only when there are warnings) writes their fields. */
export function locateWarnings(file: string, warnings: readonly ScenarioWarning[]): ScenarioError[] {
  if (warnings.length === 0) return [];
  const src = readScenarioSource(resolve(file), file);
  return warnings.map((w) => {
    const o = src.ok ? locate(src.doc.origins, w.path, true) : null;
    return { file, line: o?.line ?? null, column: o?.column ?? null, path: displayPath(w.path), message: `warning: ${w.message}` };
  });
}
