/**
 * Warnings about a valid scenario: things a planner may have meant (overload can be the very
 * question) but should know before reading the results. Unlike a check's finding they do not
 * stop a run; `opsim validate` and `opsim run` print them located like errors.
 */
import { resolve } from 'node:path';
import { displayPath, type ScenarioError } from '../../scenario/errors.js';
import { locate, readScenarioSource } from '../../scenario/source.js';

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
