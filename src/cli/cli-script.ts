/**
 * The command line as one script under a V8 code cache. Node 20 has no code cache for ES
 * modules, and loading the command line's bundled ES modules cost about 50 CPU ms of every
 * `opsim run` (compiling the chunks, resolving and linking them). The build (src/cli/bundle.ts)
 * therefore also bundles src/cli/program.ts with everything it reaches into one CommonJS
 * script, dist/generated/cli.cjs, runs a short `opsim run` with it and leaves V8's code cache
 * of it beside it (cli.v8cache), as for the YAML libraries and the validator
 * (src/scenario/cached-script.ts): a start then reads compiled functions instead of compiling.
 *
 * The script never loads a package itself. Every package it does not hold (fastify, Vega,
 * BullMQ, …: some are ES modules only, which a script may not require on every Node in our
 * range, and a `vm.Script` cannot `import()` without an experimental loader) is imported by the
 * ES-module entry (src/cli.ts) through the importer it hands over, before the code that uses
 * it first runs: the build rewrites each lazy `import()` of opsim's own modules into
 * `__opsimHost.lazy(target, load)`, and the host imports the packages that target's modules
 * use, then runs it. The host is a parameter of the script's wrapper, not a global. Node's
 * built-in modules are required as usual.
 *
 * The entry carries the key of the script it was built with and uses only that one; a missing
 * script, another build's, one that does not load (a damaged copy), or OPSIM_CLI=esm means the
 * ES-module build (dist/src/cli-chunks) runs, as it did before. A refused or stale code cache only means compiling as without it.
 */
import { existsSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../version.js';
import { runCachedScript } from '../scenario/cached-script.js';

/** The command line's program, as src/cli/program.ts exports it. */
export type CommandLine = typeof import('./program.js');

/** Where the build writes the command line's script (dist/generated/cli.cjs; its cache cli.v8cache). */
export const CLI_SCRIPT = path.join(packageRoot(), 'dist', 'generated', 'cli.cjs');

/** The key, in the script's table of packages, of those its first evaluation uses (the entry's). */
export const ENTRY_NEEDS = '';

/** An ES-module `import()` of the host: the entry's own, so packages resolve as they would from it. */
export type HostImport = (specifier: string) => Promise<unknown>;

/** What the generated script exports (src/cli/bundle.ts writes it). */
interface CliScriptFile {
  key: string;
  /** For each lazily loaded module (its path from the package root), the packages its modules import; ENTRY_NEEDS for the script's own top level. */
  needs: Readonly<Record<string, readonly string[]>>;
  make(require: NodeJS.Require, host: ScriptHost, importMetaUrl: string): CommandLine;
}

/** The packages the script uses, imported by the ES-module host on the script's behalf. */
export class ScriptHost {
  private readonly loaded = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly needs: Readonly<Record<string, readonly string[]>>,
    private readonly hostImport: HostImport,
  ) {}

  /** Imports the packages `target`'s modules use (one after another: parallel imports can fail on Node 20, nodejs/node#52187). */
  async preload(target: string): Promise<void> {
    for (const id of this.needs[target] ?? []) {
      if (!this.loaded.has(id)) this.loaded.set(id, (await this.hostImport(id)) as Record<string, unknown>);
    }
  }

  /** A lazy `import()` of opsim's module `target` in the script: its packages first, then the module. */
  async lazy<T>(target: string, load: () => Promise<T>): Promise<T> {
    await this.preload(target);
    return load();
  }

  /** The namespace of package `id`, imported before: the script's modules read their imports from it. */
  external(id: string): Record<string, unknown> {
    const ns = this.loaded.get(id);
    if (ns === undefined) throw new Error(`internal: the command line's script used ${id} before importing it (rebuild with npm run build)`);
    return ns;
  }
}

/**
 * A require for the script: Node's built-in modules only. Packages come through the host;
 * a require of anything else is a build fault, said as one rather than loaded another way.
 */
function builtinRequire(file: string): NodeJS.Require {
  const nodeRequire = createRequire(file);
  const req = ((id: string): unknown => {
    if (isBuiltin(id)) return nodeRequire(id);
    throw new Error(`internal: the command line's script required ${id}, which is not a built-in module (rebuild with npm run build)`);
  }) as NodeJS.Require;
  return Object.assign(req, { resolve: nodeRequire.resolve, cache: nodeRequire.cache, extensions: nodeRequire.extensions, main: nodeRequire.main });
}

/**
 * The command line from the script `file` when it is the build's with key `key`, run under
 * its code cache; null when there is no such script (the caller then imports the ES-module
 * build). Throws when the script is the build's but does not load (compiling its wrapper,
 * importing its packages or running its top level fails). `hostImport` imports the packages
 * the script uses.
 */
export async function openCliScript(key: string, hostImport: HostImport, file = CLI_SCRIPT): Promise<CommandLine | null> {
  if (!existsSync(file)) return null;
  const req = builtinRequire(file);
  const mod = runCachedScript(file, { key, require: req }) as CliScriptFile | undefined;
  if (mod === undefined) return null;
  const host = new ScriptHost(mod.needs, hostImport);
  await host.preload(ENTRY_NEEDS);
  // Called without a receiver, as a module's top level runs (strict: `this` is undefined).
  return mod.make.call(undefined, req, host, pathToFileURL(file).href);
}

/**
 * openCliScript for a start: a script that does not load (a damaged or partly copied file whose
 * key still matches) gives null too, so the ES-module build runs; why is said only under
 * OPSIM_DEBUG. Only loading falls back: the caller runs the command itself, outside this, so
 * an error a command throws is never run again through the ES modules.
 */
export async function loadCliScript(key: string, hostImport: HostImport, file = CLI_SCRIPT): Promise<CommandLine | null> {
  try {
    return await openCliScript(key, hostImport, file);
  } catch (err) {
    if (process.env.OPSIM_DEBUG) process.stderr.write(`opsim: ${file} did not load, running the ES modules instead: ${String(err)}\n${err instanceof Error ? `${err.stack}\n` : ''}`);
    return null;
  }
}
