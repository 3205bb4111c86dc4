/**
 * The README's usage examples are run as written (with `npx opsim` meaning the built CLI and
 * `reports/readme/` a temporary folder), so the first thing a planner copies cannot rot.
 * Lines in the README's sh blocks that start with `npx opsim` are the examples; a trailing
 * `# exit N` comment gives the expected exit code (default 0).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText } from '../src/scenario/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Every `npx opsim ...` line inside ```sh blocks, with its expected exit code. */
function examples(): { line: string; command: string; exit: number }[] {
  const out: { line: string; command: string; exit: number }[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw.trim();
      if (!line.startsWith('npx opsim ')) continue;
      const m = /#\s*exit\s+(\d+)/.exec(line);
      const command = line.replace(/\s+#.*$/, '');
      out.push({ line, command, exit: m ? Number(m[1]) : 0 });
    }
  }
  return out;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'opsim-readme-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README scenario snippets', () => {
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.startsWith('name:'));

  it('has at least one scenario snippet', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  blocks.forEach((text, i) => {
    it(`snippet ${i + 1} is a valid scenario`, () => {
      const r = loadScenarioText(text, { file: `README.md#yaml-${i + 1}` });
      expect(r.ok, r.ok ? '' : r.errors.map(formatScenarioError).join('\n')).toBe(true);
    });
  });
});

describe('README examples', () => {
  const list = examples();

  it('has examples to run', () => {
    expect(list.length).toBeGreaterThanOrEqual(5);
  });

  for (const ex of list) {
    it(ex.line, () => {
      const command = ex.command.replaceAll('npx opsim ', `"${process.execPath}" "${CLI}" `).replaceAll('reports/readme/', `${tmp}/`);
      const r = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${ex.line}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(ex.exit);
      if (ex.exit !== 0) expect(r.stderr).toMatch(/:\d+:\d+ /); // errors carry file:line:col
      // Every --out folder gets its results document.
      const out = /--out reports\/readme\/(\S+)/.exec(ex.command);
      if (out) expect(existsSync(path.join(tmp, out[1]!, 'results.json'))).toBe(true);
    }, 150_000);
  }
});
