/**
 * A script that carries the build's key but does not load (a damaged or partly copied
 * dist/generated/cli.cjs) falls back to the ES-module build instead of breaking every command;
 * an error a command itself throws is not run again through the ES modules. Each case runs the
 * entry of a copy of the build, whose script is replaced.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SCRIPT, loadCliScript } from '../../src/cli/cli-script.js';
import { keyedScriptCode } from '../../src/scenario/cached-script.js';
import { CLI, ROOT } from '../experiment/helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'opsim-cli-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The key the built script declares, and its text. */
const built = readFileSync(CLI_SCRIPT, 'latin1');
const key = /key: "([0-9a-f]{64})"/.exec(built.slice(0, 300))![1]!;

/** A copy of the build (dist, package.json; node_modules and scenarios linked) whose script each case replaces. */
const copy = path.join(dir, 'build');
const copyScript = path.join(copy, 'dist', 'generated', 'cli.cjs');

beforeAll(() => {
  for (const d of ['src', 'generated', 'workers']) cpSync(path.join(ROOT, 'dist', d), path.join(copy, 'dist', d), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
  cpSync(path.join(ROOT, 'bin'), path.join(copy, 'bin'), { recursive: true });
  for (const d of ['node_modules', 'scenarios']) symlinkSync(path.join(ROOT, d), path.join(copy, d), 'dir');
});

/** The first half of the built script: its key line intact, the rest cut off (as a partial copy leaves it). */
function halfScript(): string {
  return built.slice(0, Math.floor(built.length / 2));
}

/** A script with the build's key whose wrapper runs `body` (the bundle's place) and returns its module.exports. */
function fakeScript(body: string): string {
  return keyedScriptCode(key, 'needs: {"": []}', 'require, __opsimHost, __opsimImportMetaUrl', 'test stand-in', body);
}

function opsimCopy(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const p = spawnSync(process.execPath, [path.join(copy, 'dist', 'src', 'cli.js'), ...args], { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: 'true', OPSIM_DEBUG: '', ...env } });
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

describe("a command line script that does not load", () => {
  it('gives null from loadCliScript (the ES modules then run)', async () => {
    const damaged = path.join(dir, 'half.cjs');
    writeFileSync(damaged, halfScript(), 'latin1');
    expect(await loadCliScript(key, (id) => import(id), damaged)).toBeNull();
  });

  it('cut in half with its key line: every command runs from the ES modules, the reason only under OPSIM_DEBUG', () => {
    const good = spawnSync(process.execPath, [CLI, 'validate', 'scenarios/globalmart-peak.yaml'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(good.status, good.stderr).toBe(0);
    writeFileSync(copyScript, halfScript(), 'latin1');
    const r = opsimCopy(['validate', 'scenarios/globalmart-peak.yaml']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(good.stdout);
    const v = opsimCopy(['--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/\d+\.\d+\.\d+/);
    const debug = opsimCopy(['--version'], { OPSIM_DEBUG: '1' });
    expect(debug.status).toBe(0);
    expect(debug.stderr).toContain(`${copyScript} did not load, running the ES modules instead: SyntaxError: `);
  }, 60_000);

  it('whose top level throws: the ES modules run', () => {
    writeFileSync(copyScript, fakeScript("throw new Error('broken top level');"));
    const r = opsimCopy(['--version'], { OPSIM_DEBUG: '1' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+\.\d+\.\d+/);
    expect(r.stderr).toContain('broken top level');
  }, 30_000);

  it('a command that throws from a script that loaded is not run again through the ES modules', () => {
    writeFileSync(copyScript, fakeScript("exports.runCommandLine = async () => { process.stdout.write('script ran\\n'); throw new Error('the command failed'); };"));
    for (const entry of [[path.join(copy, 'dist', 'src', 'cli.js')], [path.join(copy, 'bin', 'opsim.cjs')]]) {
      const p = spawnSync(process.execPath, [...entry, '--version'], { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: 'true', OPSIM_DEBUG: '' } });
      expect(p.status, entry[0]).toBe(1);
      expect(p.stdout).toBe('script ran\n');
      expect(p.stderr).toBe('opsim: the command failed\n');
    }
  }, 30_000);

  it('a start (cli-boot.cjs) that is missing, damaged or another build’s: the entry and the bin run the ES modules', () => {
    writeFileSync(copyScript, fakeScript("exports.runCommandLine = async () => { process.stdout.write('script ran\\n'); };"));
    const boot = path.join(copy, 'dist', 'src', 'cli-boot.cjs');
    const good = readFileSync(boot, 'utf8');
    const run = (bin: boolean, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } => {
      const p = spawnSync(process.execPath, [bin ? path.join(copy, 'bin', 'opsim.cjs') : path.join(copy, 'dist', 'src', 'cli.js'), '--version'], { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: 'true', OPSIM_DEBUG: '', ...env } });
      return { status: p.status, stdout: p.stdout, stderr: p.stderr };
    };
    try {
      for (const bin of [false, true]) {
        // The start as built runs the script.
        expect(run(bin).stdout).toBe('script ran\n');
        // OPSIM_CLI=esm: the ES modules.
        expect(run(bin, { OPSIM_CLI: 'esm' }).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      }
      for (const [what, text] of [
        ['another build', good.replaceAll(key, '0'.repeat(64))],
        ['damaged', good.slice(0, Math.floor(good.length / 2))],
      ] as const) {
        writeFileSync(boot, text);
        for (const bin of [false, true]) {
          const r = run(bin);
          expect(r.status, `${what} ${bin ? 'bin' : 'entry'}: ${r.stderr}`).toBe(0);
          expect(r.stdout, what).toMatch(/^\d+\.\d+\.\d+\n$/);
          expect(r.stderr).toBe('');
        }
      }
      rmSync(boot);
      for (const bin of [false, true]) expect(run(bin).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    } finally {
      writeFileSync(boot, good);
    }
  }, 60_000);
});
