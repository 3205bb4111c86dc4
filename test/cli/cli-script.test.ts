/**
 * The command line as one code-cached script (dist/generated/cli.cjs, src/cli/cli-script.ts):
 * after a build the entry runs it with its code cache accepted by V8, it gives the same files
 * as the ES-module build (the report's Vega comes through the ES-module host), the packages it
 * uses are imported by the host before use, and a script from another build is never run.
 */
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_SCRIPT, loadCliScript, ScriptHost } from '../../src/cli/cli-script.js';
import { CLI, ROOT } from '../experiment/helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'opsim-cli-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The key the built script declares. */
function builtKey(): string {
  return /key: "([0-9a-f]{64})"/.exec(readFileSync(CLI_SCRIPT, 'utf8').slice(0, 300))![1]!;
}

/**
 * A preload that records every script compiled with a code cache (the generated files) and
 * whether V8 took the cache, printed at exit: what the entry really did, not what a test redoes.
 */
const RECORDER = path.join(dir, 'record-caches.cjs');
writeFileSync(
  RECORDER,
  `const vm = require('node:vm');
const seen = [];
const Script = vm.Script;
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    if (options && options.cachedData) seen.push({ file: options.filename, rejected: this.cachedDataRejected });
  }
};
process.on('exit', () => process.stderr.write('CACHES ' + JSON.stringify(seen) + '\\n'));
`,
);

function opsim(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; caches: { file: string; rejected: boolean }[] } {
  const p = spawnSync(process.execPath, ['-r', RECORDER, CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  const line = p.stderr.split('\n').find((l) => l.startsWith('CACHES '));
  return { status: p.status, stdout: p.stdout, stderr: p.stderr.split('\n').filter((l) => !l.startsWith('CACHES ')).join('\n'), caches: line === undefined ? [] : JSON.parse(line.slice(7)) };
}

describe("the command line's code-cached script", () => {
  it('is built with its code cache, and the entry carries its key (npm run build)', () => {
    expect(readFileSync(CLI, 'utf8')).toContain(builtKey());
    expect(readFileSync(CLI_SCRIPT.replace(/\.cjs$/, '.v8cache')).subarray(0, 64).toString('latin1')).toBe(builtKey());
  });

  it('is started by an entry that imports nothing statically, through the start built with it (src/cli/boot.ts)', () => {
    const entry = readFileSync(CLI, 'utf8');
    expect(entry.split('\n').filter((l) => /^\s*(import|export)\s*[{*\w"']/.test(l))).toEqual([]);
    const boot = readFileSync(path.join(ROOT, 'dist', 'src', 'cli-boot.cjs'), 'utf8');
    expect(boot).toContain(builtKey());
    // simple-statistics comes as the functions opsim uses, not its one-file build (src/cli/bundle.ts).
    expect(readFileSync(CLI_SCRIPT, 'latin1')).not.toContain('standardNormalTable');
  });

  it('answers the same through the `opsim` bin (bin/opsim.cjs, CommonJS) as through the entry', () => {
    const bin = path.join(ROOT, 'bin', 'opsim.cjs');
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin).toEqual({ opsim: 'bin/opsim.cjs' });
    for (const args of [['--version'], ['--help'], ['run', '--help'], ['validate', 'scenarios/globalmart-peak.yaml'], ['bogus'], []]) {
      const a = spawnSync(process.execPath, ['-r', RECORDER, bin, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
      const b = opsim(args);
      expect(a.status, args.join(' ')).toBe(b.status);
      expect(a.stdout, args.join(' ')).toBe(b.stdout);
      expect(a.stderr.split('\n').filter((l) => !l.startsWith('CACHES ')).join('\n')).toBe(b.stderr);
      if (args[0] === 'validate') expect(a.stderr).toContain('cli.cjs');
    }
  }, 60_000);

  it('is ASCII, so a start reads it without decoding UTF-8 (src/cli/ascii-bundle.ts)', () => {
    const bytes = readFileSync(CLI_SCRIPT);
    const at = bytes.findIndex((b) => b > 0x7f);
    expect(at < 0 ? '' : `line ${bytes.subarray(0, at).toString('latin1').split('\n').length}`, 'first non-ASCII byte').toBe('');
    expect(isAscii(bytes)).toBe(true);
  });

  it('runs `opsim validate` from the script with every code cache accepted by V8, and nothing more on stderr', () => {
    const r = opsim(['validate', 'scenarios/globalmart-peak.yaml']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.caches.map((c) => path.basename(c.file)).sort()).toEqual(['cli.cjs', 'js-yaml.cjs', 'scenario-validator.cjs']);
    expect(r.caches.filter((c) => c.rejected)).toEqual([]);
    // OPSIM_CLI=esm runs the ES-module build: the script is not loaded.
    const esm = opsim(['validate', 'scenarios/globalmart-peak.yaml'], { OPSIM_CLI: 'esm' });
    expect(esm.status, esm.stderr).toBe(0);
    expect(esm.stdout).toBe(r.stdout);
    expect(esm.caches.map((c) => path.basename(c.file))).not.toContain('cli.cjs');
  });

  it('writes the same results and report as the ES-module build (Vega imported through the host)', () => {
    const out = (mode: string): string => path.join(dir, `run-${mode}`);
    for (const mode of ['script', 'esm']) {
      const r = opsim(['run', 'scenarios/service-desk-staffing.yaml', '-r', '1', '--horizon', '4h', '-q', '-o', out(mode)], mode === 'esm' ? { OPSIM_CLI: 'esm' } : {});
      expect(r.status, r.stderr).toBe(0);
      expect(r.caches.some((c) => c.file === CLI_SCRIPT && !c.rejected)).toBe(mode === 'script');
    }
    const files = readdirSync(out('script')).sort();
    expect(files).toEqual(readdirSync(out('esm')).sort());
    expect(files).toContain('report.html');
    for (const f of files.filter((x) => /\.(json|csv|html)$/.test(x))) expect(readFileSync(path.join(out('script'), f), 'utf8'), f).toBe(readFileSync(path.join(out('esm'), f), 'utf8'));
  }, 60_000);

  it('is not run when it is another build’s, or missing', async () => {
    const other = path.join(dir, 'cli.cjs');
    copyFileSync(CLI_SCRIPT, other);
    expect(await loadCliScript('0'.repeat(64), (id) => import(id), other)).toBeNull();
    expect(await loadCliScript(builtKey(), (id) => import(id), path.join(dir, 'missing.cjs'))).toBeNull();
  });

  it('hands the script only packages imported before their first use, one after another', async () => {
    const order: string[] = [];
    const host = new ScriptHost({ 'dist/src/report/index.js': ['vega', 'vega-lite'] }, async (id) => {
      order.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${id}`);
      return { id };
    });
    expect(() => host.external('vega')).toThrow(/before importing it/);
    expect(await host.lazy('dist/src/report/index.js', async () => host.external('vega-lite'))).toEqual({ id: 'vega-lite' });
    expect(order).toEqual(['start vega', 'end vega', 'start vega-lite', 'end vega-lite']);
    await host.lazy('dist/src/report/index.js', async () => null);
    expect(order).toHaveLength(4);
  });
});
