/**
 * Generated CommonJS files that every start runs (the command line's script, the precompiled
 * scenario validator, the bundled YAML libraries), run with V8's code cache of them that the build leaves beside each
 * (`<name>.v8cache` for `<name>.cjs`): V8 then reads the functions' bytecode instead of
 * parsing and compiling them again in every process.
 *
 * A file declares its key on its first line after the header (`module.exports = { key: "…"`,
 * a SHA-256 in hex of what it was generated from) and its cache is headed by the same key, so
 * a cache is offered to V8 only with the file it was made from (V8 checks only the source's
 * length, its own version and its flags). After the key comes a CRC-32 of the cache's bytes:
 * V8 does not check them in release builds, and a damaged cache it accepts can crash the
 * process or make the code misbehave, so a cache whose bytes do not match is never offered.
 * A refused, damaged, stale or missing cache only means the code is compiled as it would be
 * without it.
 */
import { isAscii } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

/**
 * The version of package `name` as opsim's modules would load it: from the package root's own
 * node_modules when it is there (where Node's resolution from dist/ finds it in every install
 * that has no node_modules inside dist/), else as Node resolves it from `from` (a hoisted
 * install). Reading the file directly spares the process its first package resolution, about
 * 2 CPU ms of every start (the "exports" fields make Node load its ES-module resolver).
 */
export function installedPackageVersion(name: string, root: string, from: string): string {
  const own = path.join(root, 'node_modules', name, 'package.json');
  const file = existsSync(own) ? own : createRequire(from).resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** What became of the code cache when a file was last loaded: used, refused (damaged, or by V8), or none that matched. */
export type CodeCacheStatus = 'used' | 'rejected' | 'none';

/** Length of the key (hex SHA-256) that heads a code cache file. */
const KEY_LENGTH = 64;
/** The key, then the CRC-32 of the cache's bytes (8 hex digits). */
const HEADER_LENGTH = KEY_LENGTH + 8;

/** The CRC-32 of `bytes` as the header writes it. */
function checksum(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0');
}

/** The compiled script of each file loaded in this process (the build writes its cache from it). */
const scripts = new Map<string, { script: vm.Script; key: string; cache: CodeCacheStatus }>();

/** The code cache of the generated file `file` (its name with .v8cache for .cjs). */
export function codeCacheFile(file: string): string {
  return file.replace(/\.cjs$/, '') + '.v8cache';
}

/** The key a generated file declares in its first lines, read without running it. */
function declaredKey(source: string): string | undefined {
  return /module\.exports = \{ key: "([0-9a-f]{64})"/.exec(source.slice(0, 512))?.[1];
}

/**
 * The text of `file`: an ASCII file (the generated ones are written so) as a one-byte string,
 * without decoding UTF-8 (the validator is 2.4 MB: about 3 CPU ms instead of 7).
 */
function readSource(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/**
 * Runs the generated CommonJS file `file` as a script compiled with its code cache when the
 * cache carries the file's key, and returns its exports. Not through require(): require
 * cannot take a code cache. Throws when the file cannot be read. `options.require` replaces
 * the require the file is given (a plain require of `file`'s folder); `options.key`, when
 * set, is the key the file must declare: another (a file from another build) returns
 * undefined without running it.
 */
export function runCachedScript(file: string, options: { require?: NodeJS.Require; key?: string } = {}): unknown {
  const source = readSource(file);
  const key = declaredKey(source) ?? '';
  if (options.key !== undefined && key !== options.key) return undefined;
  let cachedData: Buffer | undefined;
  let damaged = false;
  try {
    const buf = readFileSync(codeCacheFile(file));
    if (key !== '' && buf.subarray(0, KEY_LENGTH).toString('latin1') === key) {
      const bytes = buf.subarray(HEADER_LENGTH);
      if (buf.subarray(KEY_LENGTH, HEADER_LENGTH).toString('latin1') === checksum(bytes)) cachedData = bytes;
      else damaged = true;
    }
  } catch {
    // No cache: compiled from the source.
  }
  // The wrapper is the one require() puts around a CommonJS file, on the same line, so positions in stack traces stay.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData !== undefined ? { cachedData } : {}) });
  scripts.set(file, { script, key, cache: damaged ? 'rejected' : cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used' });
  const module = { exports: {} as unknown };
  const req = options.require ?? createRequire(file);
  (script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void)(module.exports, req, module, file, path.dirname(file));
  return module.exports;
}

/**
 * The text of a generated file for runCachedScript: exports `key` (first, where the loader
 * reads it), the properties `fields` (JavaScript source, e.g. `version: "1.2.3"`), and
 * `make(params)`, which runs `body` (a CommonJS module's code, e.g. esbuild's bundle) with its
 * own `module` and `exports` and returns its exports. `note` says where the file comes from.
 */
export function keyedScriptCode(key: string, fields: string, params: string, note: string, body: string): string {
  return [
    '"use strict";',
    `module.exports = { key: ${JSON.stringify(key)}, ${fields}, make(${params}) {`,
    `// ${note}`,
    'const module = { exports: {} };',
    'const exports = module.exports;',
    body,
    'return module.exports;',
    '} };',
    '',
  ].join('\n');
}

/** Whether the last load of `file` in this process used its code cache. */
export function codeCacheStatus(file: string): CodeCacheStatus | undefined {
  return scripts.get(file)?.cache;
}

/**
 * The code cache of the generated file `file` as loaded in this process, headed by its key and
 * the bytes' CRC-32:
 * every function it has compiled so far (the build runs it on the shipped scenarios first), or
 * undefined when `file` was not loaded here or declares no key.
 */
export function codeCacheOf(file: string): Buffer | undefined {
  const loaded = scripts.get(file);
  if (loaded === undefined || loaded.key === '') return undefined;
  const bytes = loaded.script.createCachedData();
  return Buffer.concat([Buffer.from(loaded.key + checksum(bytes), 'latin1'), bytes]);
}
