/**
 * Stopping a search keeps what it decided: the library returns the document (marked
 * `interrupted`, the tests under way undecided), `opsim search` writes it on Ctrl-C and exits
 * 130, and the replications that finished are stored for the next run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, ScenarioLoadError } from '../../src/scenario/index.js';
import { runSearch, type SearchDocument } from '../../src/search/index.js';
import { SearchDocumentSchema } from '../../src/search/document-schema.js';

/** A search that would run long (13 agents sit right at the bound; see the fixture). */
const LONG = readFileSync(fileURLToPath(new URL('./fixtures/long-desk-search.yaml', import.meta.url)), 'utf8');

async function validSchema(doc: SearchDocument): Promise<void> {
  const { Ajv } = await import('ajv');
  const validate = new Ajv({ allErrors: true }).compile(SearchDocumentSchema);
  expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
}

describe('an interrupted search', () => {
  it('returns what it decided, marked interrupted, with the tests under way undecided', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'opsim-interrupt-')), 'long.yaml');
    writeFileSync(file, LONG);
    const loaded = loadScenarioFile(file);
    if (!loaded.ok) throw new ScenarioLoadError(loaded.errors);
    const controller = new AbortController();
    const doc = await runSearch(
      { raw: loaded.raw, file: loaded.file, hash: loaded.hash },
      {
        workers: 0,
        signal: controller.signal,
        // Stop once the search is well under way (after the first candidates are decided).
        onProgress: (p) => {
          if (p.simulated >= 150) controller.abort();
        },
      },
    );
    expect(doc.interrupted).toBe(true);
    expect(doc.summary).toMatch(/^Interrupted after \d+ of 20000 replications: /);
    expect(doc.status).not.toBe('certified');
    expect(doc.replications.simulated).toBeGreaterThanOrEqual(150);
    expect(doc.replications.simulated).toBeLessThan(600);
    // Decisions made before the stop are kept …
    expect(doc.candidates.some((c) => c.decision !== 'undecided')).toBe(true);
    // … and a test cut short says so, never a decision.
    const cut = doc.candidates.filter((c) => c.undecidedReason === 'interrupted');
    expect(cut.length).toBeGreaterThan(0);
    for (const c of cut) expect(c.decision).toBe('undecided');
    // The constraint is described in the planner's words.
    expect(doc.procedure.constraintSpecs[0]).toMatchObject({ name: 'answer-80-in-20', unit: 'fraction', label: expect.stringMatching(/calls/) });
    await validSchema(doc);
  }, 60_000);

  it('opsim search on SIGINT writes search.json and report.html marked interrupted, keeps the replications, and exits 130', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-interrupt-'));
    const file = path.join(dir, 'long.yaml');
    // An indifference zone of ±0.5 % around 80 % keeps 13 agents (79.6 %) undecided to the cap: thousands of replications.
    writeFileSync(file, LONG.replace('tolerance: 0.03', 'tolerance: 0.005'));
    const out = path.join(dir, 'out');
    const cliPath = path.resolve('dist/src/cli.js');
    const child = spawn(process.execPath, [cliPath, 'search', file, '-o', out, '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // The store is written after every batch: once it exists, the search is under way.
    const store = path.join(out, 'search-replications.json');
    for (let i = 0; i < 600 && !existsSync(store); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(store), stderr).toBe(true);
    child.kill('SIGINT');
    const code = await closed;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('SIGINT: stopping the search, writing what was decided');
    const doc = JSON.parse(readFileSync(path.join(out, 'search.json'), 'utf8')) as SearchDocument;
    expect(doc.interrupted).toBe(true);
    expect(stdout).toMatch(/^Interrupted after \d+ of 20000 replications: /);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<div class="warn"><strong>Interrupted<\/strong> after \d+ of 20,000 replications: the search was stopped before it ended\./);
    await validSchema(doc);
    // Every replication the document counts as simulated is in the store for the next run.
    const stored = JSON.parse(readFileSync(store, 'utf8')) as { candidates: Record<string, Record<string, unknown>> };
    const count = Object.values(stored.candidates).reduce((a, r) => a + Object.keys(r).length, 0);
    expect(count).toBeGreaterThanOrEqual(doc.replications.simulated);
  }, 60_000);

  it('a second Ctrl-C while the results are being written does not kill opsim search between a temp file and its rename', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsim-interrupt-'));
    const file = path.join(dir, 'long.yaml');
    writeFileSync(file, LONG.replace('tolerance: 0.03', 'tolerance: 0.005'));
    const out = path.join(dir, 'out');
    const preload = fileURLToPath(new URL('./fixtures/slow-rename.mjs', import.meta.url));
    const child = spawn(process.execPath, ['--import', preload, path.resolve('dist/src/cli.js'), 'search', file, '-o', out, '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const store = path.join(out, 'search-replications.json');
    for (let i = 0; i < 600 && !existsSync(store); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    // The second signal arrives while search.json's rename is held back by the preload.
    for (let i = 0; i < 600 && !stderr.includes('[renaming search.json]'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain('[renaming search.json]');
    child.kill('SIGINT');
    expect(await closed, stderr).toBe(130);
    expect(stderr).toContain('SIGINT: writing the results, a moment');
    expect((JSON.parse(readFileSync(path.join(out, 'search.json'), 'utf8')) as SearchDocument).interrupted).toBe(true);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
