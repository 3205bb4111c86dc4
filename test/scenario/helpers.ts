import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatScenarioError, type LoadResult } from '../../src/scenario/index.js';

/** Writes files into a fresh temporary directory and returns its path. */
export function tmpFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsim-scn-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The formatted errors of a failed load (with `strip` removed from file names), or a failure. */
export function errorsOf(r: LoadResult, strip = ''): string[] {
  if (r.ok) throw new Error('expected the scenario to be invalid');
  return r.errors.map((e) => (strip === '' ? formatScenarioError(e) : formatScenarioError(e).split(strip + path.sep).join('')));
}

/** A minimal valid scenario using only the core fields. */
export const MINIMAL = `name: shop
horizon: 1d
services:
  - name: inventory
    servers: 4
    serviceTime: 2m
  - name: billing
    servers: 2
    serviceTime: {dist: exponential, mean: 30s}
load:
  - name: lookups
    service: inventory
    rate: 9/s
`;
