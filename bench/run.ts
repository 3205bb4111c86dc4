/**
 * `npm run bench`: runs every bench section in order and ends with a PASS/MISS summary.
 * To add a section (scenario runs, worker pool), export a `Section` from your own bench
 * file and append it to `sections` below.
 */
import { cpus, loadavg } from 'node:os';
import { calendarMicro, holdSection } from './engine.js';
import { mmcSection } from './mmc.js';
import { benchGlobalmart, benchScenarios } from './scenarios.js';
import { benchWorkers } from './workers.js';
import { benchLoad } from './load.js';
import { allVerdicts, type Section } from './harness.js';

const sections: Section[] = [calendarMicro, holdSection, mmcSection, benchScenarios, benchGlobalmart, benchWorkers, benchLoad];

// Timings on a shared machine are only as good as its idle time: say how busy it was.
const cpu = cpus();
console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

const only = process.argv.slice(2);
for (const section of sections) {
  // `node dist/bench/run.js mmcSection` runs just the named sections.
  if (only.length > 0 && !only.includes(section.name)) continue;
  await section();
}

console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const v = allVerdicts();
console.log(`\nTargets: ${v.filter((x) => x.pass).length}/${v.length} PASS`);
for (const x of v) console.log(`  ${x.pass ? 'PASS' : 'MISS'}  ${x.label}  (${x.detail})`);
