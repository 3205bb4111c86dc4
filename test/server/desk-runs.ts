/**
 * Finished runs for server and dashboard tests, made by the real `opsim run` (dist/) and placed
 * in a server's runs folder as the server would have left them: the service-desk question asked
 * with 13, 14 and 15 agents, where thirteen, the cheapest, misses the 80 % target.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, ROOT } from '../experiment/helpers.js';

/** The three variants in results.json's order (cost ranks them so, cheapest first). */
export const AGENTS = ['thirteen', 'fourteen', 'fifteen'] as const;

/** Runs the desk question with 13, 14 and 15 agents into reports/runs/<id>/ (with its run.json); returns the CLI's summary. */
export async function deskRun(reportsDir: string, id: string, replications: number, args: string[] = []): Promise<string> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'opsim-desk-run-'));
  try {
    const file = path.join(tmp, 'agents.yaml');
    const variants = AGENTS.map((name, i) => `      - name: ${name}\n        set: { teams.service-desk.headcount: ${13 + i} }`);
    await writeFile(file, `extends: ${JSON.stringify(path.join(ROOT, 'scenarios', 'service-desk-staffing.yaml'))}\nexperiment:\n  variants:\n    list:\n${variants.join('\n')}\n`);
    const dir = path.join(reportsDir, 'runs', id);
    await mkdir(dir, { recursive: true });
    const run = await cli(['run', file, '-r', String(replications), '--out', dir, ...args]);
    if (run.code !== 0) throw new Error(`opsim run failed (${run.code}): ${run.stderr}`);
    const charts = (await readdir(path.join(dir, 'charts'))).filter((f) => f.endsWith('.vl.json')).map((f) => f.replace(/\.vl\.json$/, '')).sort();
    const at = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}.000Z`;
    const record = { id, status: 'done', scenario: { name: 'service-desk-staffing', file: null, hash: 'desk' }, request: { scenario: 'service-desk-staffing', replications }, createdAt: at, startedAt: at, finishedAt: at, progress: { done: 3 * replications, total: 3 * replications, failed: 0 }, error: null, charts, hasResults: true };
    await writeFile(path.join(dir, 'run.json'), JSON.stringify(record));
    return run.stdout;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
