/**
 * opsim as a library: the README's `js library` example runs as written from a separate
 * project whose node_modules/opsim is this package (through package.json `exports`), and a
 * TypeScript consumer type-checks against the emitted declarations. `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const example = /```js library\n([\s\S]*?)```/.exec(readme)?.[1];
const project = mkdtempSync(path.join(tmpdir(), 'opsim-consumer-'));
mkdirSync(path.join(project, 'node_modules'));
symlinkSync(ROOT, path.join(project, 'node_modules', 'opsim'), 'dir');
// The example names scenarios relative to the repository, as a reader in a checkout would.
symlinkSync(path.join(ROOT, 'scenarios'), path.join(project, 'scenarios'), 'dir');
writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('opsim as a library', () => {
  it('the README example runs from another project', () => {
    expect(example, 'README.md needs a ```js library block').toBeDefined();
    writeFileSync(path.join(project, 'example.mjs'), example!);
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^service level with 14 agents: \d+\.\d %\nimprovement\n$/);
  });

  it('only the package entry is exported, and a TypeScript consumer type-checks against the declarations', () => {
    const deep = spawnSync(process.execPath, ['--input-type=module', '-e', "import('opsim/dist/src/cli.js').catch((e) => { console.log(e.code); })"], { cwd: project, encoding: 'utf8' });
    expect(deep.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    writeFileSync(
      path.join(project, 'consumer.ts'),
      [
        "import { loadScenario, runExperiment, compare, type ResultsDocument, type MetricSpec } from 'opsim';",
        "const s = loadScenario('scenarios/service-desk-staffing.yaml');",
        'const doc: Promise<ResultsDocument> = runExperiment(s, { replications: 1 });',
        "const spec: MetricSpec | undefined = undefined as unknown as ResultsDocument['metrics'] extends infer M ? (M extends Record<string, MetricSpec> ? M[string] : undefined) : undefined;",
        'export const used = [doc, spec, compare];',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['consumer.ts'] }));
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
