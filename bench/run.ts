/**
 * `npm run bench`: runs every bench section in order and ends with a PASS/MISS summary.
 * Each section runs in a child process of its own, so one section's code paths do not shape
 * how V8 optimises the engine for the next (the hold model's big calendars once made the
 * M/M/c fast path 15 % slower when they ran first in the same process).
 * `node dist/bench/run.js mmcSection` runs the named sections in this process.
 * To add a section, export a `Section` from your own bench file and append it to `sections`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calendarMicro, holdSection } from './engine.js';
import { mmcSection } from './mmc.js';
import { benchScenarios } from './scenarios.js';
import { benchPlanning } from './planning.js';
import { benchWorkers } from './workers.js';
import { benchLoad } from './load.js';
import { benchQueue } from './queue.js';
import { benchSearch } from './search.js';
import { benchFlow } from './flow.js';
import { VERDICTS_FILE_ENV, type Section, type Verdict } from './harness.js';

const sections: Section[] = [calendarMicro, holdSection, mmcSection, benchPlanning, benchScenarios, benchWorkers, benchLoad, benchQueue, benchSearch, benchFlow];

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const only = process.argv.slice(2);

if (only.length > 0) {
  for (const section of sections) if (only.includes(section.name)) await section();
} else {
  // Timings on a shared machine are only as good as its idle time: say how busy it was.
  const cpu = cpus();
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, load average ${load()}`);
  const dir = mkdtempSync(join(tmpdir(), 'opsim-bench-'));
  const file = join(dir, 'verdicts.jsonl');
  const failed: Verdict[] = [];
  for (const section of sections) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), section.name], {
      stdio: 'inherit',
      env: { ...process.env, [VERDICTS_FILE_ENV]: file },
    });
    if (r.status !== 0) failed.push({ label: `bench section ${section.name} ran to the end`, pass: false, detail: `exit ${String(r.status ?? r.signal)}` });
  }
  let lines: string[] = [];
  try {
    lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    // No section recorded a verdict.
  }
  rmSync(dir, { recursive: true, force: true });
  const v = [...lines.map((l) => JSON.parse(l) as Verdict), ...failed];
  console.log(`\nload average at the end: ${load()}`);
  console.log(`\nTargets: ${v.filter((x) => x.pass).length}/${v.length} PASS`);
  for (const x of v) console.log(`  ${x.pass ? 'PASS' : 'MISS'}  ${x.label}  (${x.detail})`);
}
