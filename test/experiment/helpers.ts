/** Shared helpers for the experiment tests. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../../src/scenario/index.js';
import type { ExperimentInput } from '../../src/experiment/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE = path.join(ROOT, 'test/experiment/fixtures/desk.yaml');
export const CLI = path.join(ROOT, 'dist/src/cli.js');

/** Loads a scenario file as experiment input, failing the test on scenario errors. */
export function input(file = FIXTURE, overrides?: Record<string, unknown>): ExperimentInput {
  const r = loadScenarioFile(file, overrides === undefined ? {} : { overrides });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { raw: r.raw, file: r.file, hash: r.hash };
}

/** Runs the built CLI; resolves with exit code and output. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
