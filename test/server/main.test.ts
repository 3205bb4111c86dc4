import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');

// Runs the built CLI (npm test builds first), as `npm start` would, minus the serving.
describe('opsim main --no-serve', () => {
  it('runs the main scenario, writes its report and prints the path', async () => {
    const reports = await mkdtemp(path.join(tmpdir(), 'opsim-main-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'main', '--no-serve', '-r', '1', '--set', 'horizon=2h', '--reports', reports], { cwd: ROOT, timeout: 90_000 });
      const m = stdout.match(/^report: (.+)$/m);
      expect(m, stdout).not.toBeNull();
      const html = await readFile(path.resolve(ROOT, m![1]!), 'utf8');
      expect(html).toContain('<svg');
      const run = stdout.match(/\(run ([0-9a-f-]+)\)/)![1]!;
      const record = JSON.parse(await readFile(path.join(reports, 'runs', run, 'run.json'), 'utf8')) as { status: string };
      expect(record.status).toBe('done');
    } finally {
      await rm(reports, { recursive: true, force: true });
    }
  }, 100_000);
});
