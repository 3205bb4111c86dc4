/**
 * `npm run bench`: runs every bench section in order and ends with a PASS/MISS summary.
 * To add a section (scenario runs, worker pool), export a `Section` from your own bench
 * file and append it to `sections` below.
 */
import { calendarMicro, holdSection } from './engine.js';
import { mmcSection } from './mmc.js';
import { allVerdicts, type Section } from './harness.js';

const sections: Section[] = [calendarMicro, holdSection, mmcSection];

const only = process.argv.slice(2);
for (const section of sections) {
  // `node dist/bench/run.js mmcSection` runs just the named sections.
  if (only.length > 0 && !only.includes(section.name)) continue;
  await section();
}

const v = allVerdicts();
console.log(`\nTargets: ${v.filter((x) => x.pass).length}/${v.length} PASS`);
for (const x of v) console.log(`  ${x.pass ? 'PASS' : 'MISS'}  ${x.label}  (${x.detail})`);
