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
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { packageRoot } from '../version.js';
import { writeAtomically } from '../scenario/precompile.js';
import { codeCacheFile, codeCacheOf, codeCacheStatus, keyedScriptCode } from '../scenario/cached-script.js';
import { CLI_SCRIPT, ENTRY_NEEDS, openCliScript } from './cli-script.js';
import { asciiBundle } from './ascii-bundle.js';
import { installedVersion, LIBRARY_BUNDLES, yamlBundleCode } from '../scenario/yaml-library.js';
import { readPlainSource } from '../scenario/plain-source.js';
import { readScenarioSource } from '../scenario/source.js';

/** Dependencies bundled into the CLI: pure code, nothing read from their own folders at run time. */
const BUNDLED = new Set(['@sinclair/typebox', 'commander', 'seedrandom', 'simple-statistics', 'cli-progress', 'csv-parse']);

const root = packageRoot();
const dist = path.join(root, 'dist', 'src');
const entry = path.join(dist, 'cli.js');
/** The command line's start (src/cli/boot.ts), which the entry and bin/opsim.cjs require. */
const CLI_BOOT = path.join(dist, 'cli-boot.cjs');
const tmp = path.join(root, 'dist', `.bundle-${process.pid}`);
const workers = path.join(root, 'dist', 'workers');
/** The worker-thread entries (workers/*.ts): the replication pool's and `opsim worker`'s verifier. */
const WORKERS = ['replication', 'verify'];

/** Bump when the command line script's generated shape changes. */
const CLI_SCRIPT_FORMAT = 1;
/**
 * Built-in modules that bundled libraries require at their top level but use only in
 * functions a run never calls: commander's child_process (for executable subcommands, which
 * opsim has none of; it loads net, dgram and stream: about 3 CPU ms). In the script they are
 * required on first use. (cli-progress, with its readline, is required only when a progress
 * bar is drawn: src/experiment/progress.ts.)
 */
const LAZY_BUILTINS: Readonly<Record<string, readonly string[]>> = { commander: ['child_process'] };
/** The namespace of the stand-in modules through which the script reads the packages the host imports. */
const HOST = 'opsim-host';

/** The package a bare specifier names ('@scope/name/sub' → '@scope/name'). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** A module's path as esbuild's metafile names it: from the package root, with forward slashes. */
function metaPath(file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * The stand-in for package `id` in the script: an ES module exporting, under each name the
 * package's namespace has (`names`, read at build time), its value from the namespace the
 * host imported. Its importers keep their ES-module semantics (default, named, namespace).
 */
function hostModule(id: string, names: readonly string[]): string {
  const safe = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  return [
    `const ns = __opsimHost.external(${JSON.stringify(id)});`,
    ...safe.map((n, i) => `const v${i} = ns[${JSON.stringify(n)}];`),
    `export { ${safe.map((n, i) => `v${i} as ${n}`).join(', ')} };`,
  ].join('\n');
}

/**
 * The esbuild plugin for the command line's script: a package opsim's modules import (and the
 * bundle does not hold) becomes its host stand-in, each lazy `import()` of opsim's own modules
 * goes through `__opsimHost.lazy`, and LAZY_BUILTINS are required on first use, not at every start.
 */
function scriptPlugin(sites: string[]): Plugin {
  return {
    name: 'opsim-cli-script',
    setup(build) {
      build.onResolve({ filter: /^(node:)?child_process$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        const pkg = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(args.importer)?.[1];
        return pkg !== undefined && LAZY_BUILTINS[pkg]?.includes(name) ? { path: name, namespace: 'opsim-lazy-builtin' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'opsim-lazy-builtin' }, (args) => ({
        contents: `let m; module.exports = new Proxy({}, { get(_, k) { return (m ??= require(${JSON.stringify(`node:${args.path}`)}))[k]; } });`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point' || isBuiltin(args.path) || !args.importer.startsWith(dist + path.sep)) return undefined;
        const pkg = packageOf(args.path);
        if (BUNDLED.has(pkg) || pkg.startsWith('@stdlib/')) return undefined;
        return { path: args.path, namespace: HOST };
      });
      build.onLoad({ filter: /.*/, namespace: HOST }, async (args) => ({
        contents: hostModule(args.path, Object.keys((await import(args.path)) as object)),
        loader: 'js',
      }));
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist + path.sep)) return undefined;
        const code = readFileSync(args.path, 'utf8').replace(/\bimport\((['"])(\.{1,2}\/[^'"]+)\1\)/g, (_, q: string, spec: string) => {
          const target = metaPath(path.resolve(path.dirname(args.path), spec));
          sites.push(target);
          return `__opsimHost.lazy(${JSON.stringify(target)}, () => import(${q}${spec}${q}))`;
        });
        return { contents: code, loader: 'js' };
      });
    },
  };
}

/**
 * simple-statistics as the functions opsim imports, from the package's own per-function sources
 * (its index.js re-exports each from src/): its one-file build computes a normal table and
 * defines every function at load, about 1.5 CPU ms of every start, for the three functions
 * (mean, quantileSorted, sampleStandardDeviation) a run uses. Same functions: the file is
 * built from those sources. A name the re-exports lack fails the build.
 */
function simpleStatisticsPlugin(): Plugin {
  const req = createRequire(import.meta.url);
  const pkgDir = path.dirname(req.resolve('simple-statistics/package.json'));
  const used = (): Set<string> => {
    const names = new Set<string>();
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else if (f.endsWith('.js')) for (const m of readFileSync(f, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]simple-statistics['"]/g)) for (const n of m[1]!.split(',')) names.add(n.trim().split(/\s+as\s+/)[0]!);
      }
    };
    walk(dist);
    names.delete('');
    return names;
  };
  return {
    name: 'opsim-simple-statistics',
    setup(build) {
      build.onResolve({ filter: /^simple-statistics$/ }, () => ({ path: pkgDir, namespace: 'opsim-simple-statistics' }));
      build.onLoad({ filter: /.*/, namespace: 'opsim-simple-statistics' }, () => {
        const index = readFileSync(path.join(pkgDir, 'index.js'), 'utf8');
        const names = used();
        const lines: string[] = [];
        for (const n of names) {
          const m = new RegExp(`^export \\{ ([^}]*\\bdefault as ${n}\\b[^}]*) \\} from "(\\./src/[\\w.]+\\.js)";$`, 'm').exec(index);
          if (m === null) throw new Error(`simple-statistics: ${n} is not re-exported from a source file in its index.js`);
          lines.push(`export { default as ${n} } from ${JSON.stringify(m[2])};`);
        }
        return { contents: lines.join('\n'), loader: 'js', resolveDir: pkgDir };
      });
    },
  };
}

/**
 * For each lazily imported module in the script (and ENTRY_NEEDS for its top level), the
 * packages that module and what it imports statically take from the host.
 */
function hostNeeds(meta: Metafile, entryPath: string, sites: readonly string[]): Record<string, string[]> {
  const needs = (from: string): string[] => {
    const seen = new Set<string>([from]);
    const out = new Set<string>();
    const todo = [from];
    while (todo.length > 0) {
      for (const imp of meta.inputs[todo.pop()!]?.imports ?? []) {
        if (imp.kind !== 'import-statement' && imp.kind !== 'require-call') continue;
        if (imp.path.startsWith(`${HOST}:`)) out.add(imp.path.slice(HOST.length + 1));
        else if (!seen.has(imp.path)) {
          seen.add(imp.path);
          todo.push(imp.path);
        }
      }
    }
    return [...out].sort();
  };
  const table: Record<string, string[]> = { [ENTRY_NEEDS]: needs(entryPath) };
  for (const site of sites) table[site] = needs(site);
  return table;
}

/** The generated script file: the bundle in a function the loader calls (src/cli/cli-script.ts), and its key, a hash of it. */
function cliScriptCode(bundle: string, needs: Record<string, string[]>): { code: string; key: string } {
  const table = JSON.stringify(needs);
  const key = createHash('sha256').update(`${CLI_SCRIPT_FORMAT}\n${table}\n${bundle}`).digest('hex');
  return { code: keyedScriptCode(key, `needs: ${table}`, 'require, __opsimHost, __opsimImportMetaUrl', 'Generated by opsim at build time (src/cli/bundle.ts): the command line as one script; do not edit, do not commit.', bundle), key };
}

/**
 * Runs a short one-replication `opsim run` of a shipped scenario with the script just written,
 * in this process, so that its code cache holds what a run compiles (the reading, validation,
 * checks, the replication and the output); returns the cache, or undefined when the run failed.
 */
async function trainCliScript(key: string): Promise<Buffer | undefined> {
  // openCliScript, not loadCliScript: a script that does not load is a build fault, said with its cause.
  const program = await openCliScript(key, (id) => import(id));
  if (program === null) throw new Error(`${CLI_SCRIPT} was just written, but did not load`);
  const out = mkdtempSync(path.join(os.tmpdir(), 'opsim-train-'));
  const write = process.stdout.write.bind(process.stdout);
  const exitCode = process.exitCode;
  let said = '';
  try {
    // What the run prints is not the build's to show (unless it fails).
    process.stdout.write = ((chunk: string | Uint8Array) => ((said += String(chunk)), true)) as typeof process.stdout.write;
    await program.runCommandLine([process.execPath, 'opsim', 'run', path.join(root, 'scenarios', 'globalmart-peak.yaml'), '--variant', 'base', '-r', '1', '--horizon', '2h', '-q', '--no-report', '-o', out]);
  } finally {
    process.stdout.write = write;
    rmSync(out, { recursive: true, force: true });
  }
  const failed = process.exitCode !== undefined && process.exitCode !== 0 && process.exitCode !== exitCode;
  process.exitCode = exitCode;
  if (failed) {
    process.stdout.write(`${said}the command line's script ran the training run with an error: no code cache for it\n`);
    return undefined;
  }
  if (codeCacheStatus(CLI_SCRIPT) === 'rejected') throw new Error(`${CLI_SCRIPT}: V8 refused a cache made for it`);
  return codeCacheOf(CLI_SCRIPT);
}

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
    // The command line as one CommonJS script (src/cli/cli-script.ts): opsim's code and the
    // bundled libraries, packages through the host, no import() left (a vm.Script has none).
    const sites: string[] = [];
    const programEntry = path.join(dist, 'cli', 'program.js');
    const script = await esbuild.build({
      ...common,
      entryPoints: [programEntry],
      format: 'cjs',
      banner: {},
      external: [],
      define: { 'import.meta.url': '__opsimImportMetaUrl' },
      // Minified (functions and classes keep their names): every start reads the script whole
      // and V8 parses what its cache lacks from it; 1.97 -> 1.04 MB, its cache 1.31 -> 1.23 MB,
      // about 2.5 CPU ms of every start (README "Start-up, eighth round"). Stack traces
      // (OPSIM_DEBUG) then point into minified lines; OPSIM_CLI=esm runs the readable build.
      minify: true,
      keepNames: true,
      plugins: [simpleStatisticsPlugin(), scriptPlugin(sites)],
      absWorkingDir: root,
      metafile: true,
      write: false,
    });
    // A script that would still import() (a vm.Script cannot) or that esbuild warned about (an
    // import.meta it cannot give, say) is not written: the ES-module build runs instead, and
    // test/cli/cli-script.test.ts fails.
    const left = Object.values(script.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path));
    if (/\bimport\s*\(/.test(script.outputFiles[0]!.text)) left.push('an import() esbuild did not resolve');
    const refused = [...left.map((p) => `it would import() ${p}`), ...script.warnings.map((w) => w.text)];
    if (refused.length > 0) process.stdout.write(`the command line's script is not built (the ES-module build runs): ${refused.join('; ')}\n`);
    const ascii = refused.length > 0 ? null : asciiBundle(script.outputFiles[0]!.text, (await import('typescript')).default);
    const generated = ascii === null ? null : cliScriptCode(ascii.code, hostNeeds(script.metafile, metaPath(programEntry), sites));
    // Still correct, but every start decodes it as UTF-8: said here, and test/cli/cli-script.test.ts fails.
    if (generated !== null && !isAscii(Buffer.from(generated.code, 'utf8'))) {
      process.stdout.write(`warning: the command line's script is not ASCII (${ascii!.left.length > 0 ? ascii!.left.join(', ') : 'its header'}): every start decodes it as UTF-8\n`);
    }
    const cliBuild = await esbuild.build({ ...common, entryPoints: { cli: entry }, splitting: true, outdir: path.join(tmp, 'cli'), chunkNames: 'cli-chunks/[name]-[hash]', define: { OPSIM_CLI_SCRIPT_KEY: generated === null ? 'undefined' : JSON.stringify(generated.key) }, metafile: true, absWorkingDir: root, plugins: [simpleStatisticsPlugin()] });
    const cliEntry = path.join(tmp, 'cli', 'cli.js');
    // The entry imports nothing statically (src/cli.ts): the banner's import of node:module,
    // which the chunks' CommonJS code needs, is left out of it.
    const entryCode = readFileSync(cliEntry, 'utf8');
    const bare = entryCode.replace(`${common.banner.js}\n`, '');
    if (/^\s*import\s*[{*\w"']/m.test(bare)) throw new Error(`${metaPath(entry)}: the bundled entry imports modules statically (src/cli.ts must not)`);
    writeAtomically(cliEntry, bare);
    // The start the entry and the `opsim` bin require (src/cli/boot.ts), one CommonJS file, with
    // the script's key and the ES-module program's chunk written in.
    const programChunk = Object.entries(cliBuild.metafile.outputs).find(([, o]) => o.entryPoint === metaPath(path.join(dist, 'cli', 'program.js')))?.[0];
    if (programChunk === undefined) throw new Error("esbuild's metafile names no chunk for dist/src/cli/program.js");
    if (generated !== null) {
      await esbuild.build({
        ...common,
        entryPoints: [path.join(dist, 'cli', 'boot.js')],
        format: 'cjs',
        outfile: path.join(tmp, 'cli', 'cli-boot.cjs'),
        // The ES-module program stays the entry build's chunk, imported as it is.
        external: [...common.external, './cli-chunks/*'],
        banner: { js: "const __opsimBootUrl = require('node:url').pathToFileURL(__filename).href;" },
        define: { 'import.meta.url': '__opsimBootUrl', OPSIM_CLI_SCRIPT_KEY: JSON.stringify(generated.key), OPSIM_CLI_PROGRAM_CHUNK: JSON.stringify(`./${path.relative(path.join(tmp, 'cli'), path.resolve(root, programChunk)).split(path.sep).join('/')}`) },
      });
    }
    // The worker threads' entries, each one self-contained file (a worker loads one of them).
    await esbuild.build({ ...common, entryPoints: WORKERS.map((w) => ({ in: path.join(workers, `${w}.js`), out: w })), outdir: path.join(tmp, 'workers') });
    // The chunks first, then the entries that import them, each by a rename.
    if (generated !== null) writeAtomically(CLI_SCRIPT, generated.code);
    else for (const f of [CLI_SCRIPT, codeCacheFile(CLI_SCRIPT)]) rmSync(f, { force: true });
    rmSync(path.join(dist, 'cli-chunks'), { recursive: true, force: true });
    renameSync(path.join(tmp, 'cli', 'cli-chunks'), path.join(dist, 'cli-chunks'));
    // Before the entry that requires it; without a script, no start (the entry runs the ES modules).
    if (generated !== null) renameSync(path.join(tmp, 'cli', 'cli-boot.cjs'), CLI_BOOT);
    else rmSync(CLI_BOOT, { force: true });
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
    // Last, with the YAML libraries' and the validator's caches in place as a run finds them.
    const cache = generated === null ? undefined : await trainCliScript(generated.key);
    if (cache !== undefined) {
      writeAtomically(codeCacheFile(CLI_SCRIPT), cache);
      process.stdout.write(`bundled ${path.relative(process.cwd(), CLI_SCRIPT)} with its code cache\n`);
    } else rmSync(codeCacheFile(CLI_SCRIPT), { force: true });
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}
