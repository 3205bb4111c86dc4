/**
 * Build step (`npm run build`, after tsc and the validator): bundles the command line that tsc
 * wrote (dist/src/cli.js and what it imports) with esbuild into dist/src/cli.js plus one chunk
 * per lazily loaded part (dist/src/cli-chunks/), and each worker-thread entry
 * (dist/workers/*.js) into one file. Loading some 340 ES modules (200 of them TypeBox's) cost
 * about 0.15 CPU s of every `opsim` start, more than the rest of `opsim validate`, and most of
 * a worker thread's start. Same code, same paths: the bundles replace tsc's entries in place,
 * so every test, doc and script that runs dist/src/cli.js (and every pool) runs them, and a
 * plain `tsc` (which rewrites every entry) leaves a correct unbundled build, never a stale
 * bundle.
 *
 * Packages that read their own files, start threads or connect (the server's, the report's
 * Vega, the queue's, the worker pool, Ajv and YAML, which opsim requires on first use) stay
 * outside, loaded from node_modules as before; the bundle holds opsim's code and the pure
 * libraries it always loads. Without esbuild (an install without dev dependencies) the step
 * says so and leaves tsc's CLI.
 *
 * The YAML libraries, which every `opsim run` and `validate` loads to read its scenario, are
 * also bundled on their own (dist/generated/yaml.cjs and js-yaml.cjs, src/scenario/yaml-library.ts)
 * and run once over the shipped scenarios, so their V8 code caches hold what reading a scenario compiles.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../version.js';
import { writeAtomically } from '../scenario/precompile.js';
import { codeCacheFile, codeCacheOf } from '../scenario/cached-script.js';
import { installedVersion, LIBRARY_BUNDLES, yamlBundleCode } from '../scenario/yaml-library.js';
import { readPlainSource } from '../scenario/plain-source.js';
import { readScenarioSource } from '../scenario/source.js';

/** Dependencies bundled into the CLI: pure code, nothing read from their own folders at run time. */
const BUNDLED = new Set(['@sinclair/typebox', 'commander', 'seedrandom', 'simple-statistics', 'cli-progress', 'csv-parse']);

const root = packageRoot();
const dist = path.join(root, 'dist', 'src');
const entry = path.join(dist, 'cli.js');
const tmp = path.join(root, 'dist', `.bundle-${process.pid}`);
const workers = path.join(root, 'dist', 'workers');
/** The worker-thread entries (workers/*.ts): the replication pool's and `opsim worker`'s verifier. */
const WORKERS = ['replication', 'verify'];

const esbuild = await import('esbuild').catch(() => null);
if (esbuild === null) {
  process.stdout.write('esbuild is not installed: the command line and workers stay unbundled (as tsc wrote them)\n');
} else {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const external = Object.keys(pkg.dependencies ?? {})
    .filter((d) => !BUNDLED.has(d) && !d.startsWith('@stdlib/'))
    .flatMap((d) => [d, `${d}/*`]);
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external,
    // CommonJS code in the bundle (commander, seedrandom) calls require() for Node's modules.
    banner: { js: "import { createRequire as __opsimCreateRequire } from 'node:module'; const require = __opsimCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  } as const;
  try {
    await esbuild.build({ ...common, entryPoints: { cli: entry }, splitting: true, outdir: path.join(tmp, 'cli'), chunkNames: 'cli-chunks/[name]-[hash]' });
    // The worker threads' entries, each one self-contained file (a worker loads one of them).
    await esbuild.build({ ...common, entryPoints: WORKERS.map((w) => ({ in: path.join(workers, `${w}.js`), out: w })), outdir: path.join(tmp, 'workers') });
    // The chunks first, then the entries that import them, each by a rename.
    rmSync(path.join(dist, 'cli-chunks'), { recursive: true, force: true });
    renameSync(path.join(tmp, 'cli', 'cli-chunks'), path.join(dist, 'cli-chunks'));
    for (const [from, to] of [[path.join(tmp, 'cli', 'cli.js'), entry], ...WORKERS.map((w) => [path.join(tmp, 'workers', `${w}.js`), path.join(workers, `${w}.js`)])] as const) {
      renameSync(from, to);
      // tsc's source map describes the file it wrote, not the bundle.
      rmSync(`${to}.map`, { force: true });
    }
    process.stdout.write(`bundled ${[entry, ...WORKERS.map((w) => path.join(workers, `${w}.js`))].map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
    // The YAML libraries, each as one script, then their code caches after reading every shipped
    // scenario with each (with positions: yaml; without: js-yaml).
    for (const pkg of ['yaml', 'js-yaml'] as const) {
      const lib = await esbuild.build({ ...common, entryPoints: [createRequire(import.meta.url).resolve(pkg)], format: 'cjs', banner: {}, external: [], write: false });
      writeAtomically(LIBRARY_BUNDLES[pkg], yamlBundleCode(lib.outputFiles[0]!.text, installedVersion(pkg)));
    }
    const scenarios = path.join(root, 'scenarios');
    for (const f of readdirSync(scenarios).filter((x) => /\.ya?ml$/.test(x))) {
      readScenarioSource(path.join(scenarios, f), f);
      readPlainSource(path.join(scenarios, f), f);
    }
    for (const file of Object.values(LIBRARY_BUNDLES)) {
      const cache = codeCacheOf(file);
      if (cache === undefined) throw new Error(`${file} was just written, but parsing did not use it`);
      writeAtomically(codeCacheFile(file), cache);
      process.stdout.write(`bundled ${path.relative(process.cwd(), file)} with its code cache\n`);
    }
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}
