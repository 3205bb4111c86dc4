/**
 * Where opsim is installed and which version it is. Both src/ (vitest) and dist/src (the
 * built CLI) run this file, at different depths, so the package root is found by walking up
 * to the package.json named "opsim" rather than by a fixed relative path.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): { root: string; version: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown; version?: unknown };
        if (json.name === 'opsim') return { root: dir, version: typeof json.version === 'string' ? json.version : '0.0.0' };
      } catch {
        // An unreadable package.json on the way up is not ours; keep climbing.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the opsim package root (a package.json named "opsim")');
    dir = parent;
  }
}

const found = findRoot();

/** The directory holding opsim's package.json (scenarios/, reports/ and dist/ live under it). */
export function packageRoot(): string {
  return found.root;
}

/** The running opsim version, from package.json, so results documents name the exact release. */
export const OPSIM_VERSION: string = found.version;
