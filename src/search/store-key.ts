/**
 * The key stored replications are valid under. A stored replication may be reused only when
 * rerunning it would give the very same metrics, so the key covers everything that moves
 * sample paths or metric values:
 *
 * - the scenario as written (without its `search` and `experiment` sections) and as compiled
 *   (defaults filled in: a changed schema default moves results even when the file is the same);
 * - the seed;
 * - the opsim version and a fingerprint of the code that produces replications: the contents of
 *   every source file of the engine, the models, the experiment runner, the scenario compiler
 *   and the results aggregation (src/*.ts under the test runner, dist/src/*.js when built, also
 *   when the CLI runs from a bundle built from them). A code change there invalidates the store, even one that moves no
 *   sample path (a comment): losing reuse is safe, reusing a stale replication is not.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { canonicalJson } from '../scenario/load.js';
import { OPSIM_VERSION, packageRoot } from '../version.js';

/** Source folders (under src/) whose code produces a replication's metrics. */
export const REPLICATION_CODE = ['engine', 'models', 'experiment', 'scenario', 'results'] as const;

let fingerprint: string | undefined;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|mjs|cjs|json)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.map')) out.push(p);
  }
  return out;
}

const here = fileURLToPath(import.meta.url);

/**
 * The source tree that produced the running code: dist/src when this module runs from the
 * build (tsc's files, or a bundle made from them), src/ when it runs from source (the test
 * runner). Found from the package root, not from this file's depth, which a bundle changes.
 */
function sourceRoot(): string | null {
  const pkg = packageRoot();
  const built = path.join(pkg, 'dist');
  const dir = here.startsWith(built + path.sep) ? path.join(built, 'src') : path.join(pkg, 'src');
  return existsSync(path.join(dir, 'engine')) && existsSync(path.join(dir, 'models')) ? dir : null;
}

const root = sourceRoot();

/** The files the fingerprint reads, in order (without a source tree beside it, the running file itself: a bundle holds all the code). */
export function fingerprintFiles(): string[] {
  if (root === null) return [here];
  const out: string[] = [];
  for (const sub of REPLICATION_CODE) {
    try {
      out.push(...sourceFiles(path.join(root, sub)).sort());
    } catch {
      // A folder missing from this build contributes nothing.
    }
  }
  return out;
}

/** A hash of the replication code as loaded (computed once per process). */
export function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const h = createHash('sha256');
  for (const f of fingerprintFiles()) h.update(`${path.relative(root ?? path.dirname(here), f)}\0`).update(readFileSync(f)).update('\0');
  return (fingerprint = h.digest('hex'));
}

function withoutSearch(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null) return doc;
  const d = { ...(doc as Record<string, unknown>) };
  delete d.search;
  delete d.experiment;
  return d;
}

/** The store key: scenario as written and as compiled (minus search and experiment), seed, opsim version, replication-code fingerprint. */
export function storeKey(raw: unknown, compiled: unknown, seed: string): string {
  return createHash('sha256')
    .update(`${OPSIM_VERSION}|${codeFingerprint()}|${seed}|${canonicalJson(withoutSearch(raw))}|${canonicalJson(withoutSearch(compiled))}`)
    .digest('hex');
}
