/**
 * Exports of hundreds of MB are streamed: a generated ServiceNow-layout file of ~65 MB (195,000
 * rows, 15 per incident) is read by a process whose JavaScript heap is capped at 24 MB. Loading
 * the file whole would need more than twice that for the text alone, so the process would die.
 * (Kept to 65 MB so the test takes seconds; memory does not grow with the rows, only with the
 * incidents: a few hundred bytes each.)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const HEADER =
  'number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at';

async function generate(file: string, incidents: number, rowsPer: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string): Promise<void> => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r())));
  await write(HEADER + '\n');
  const d = (m: number): string => {
    const t = new Date(Date.UTC(2016, 0, 1) + m * 60_000);
    const p = (x: number): string => String(x).padStart(2, '0');
    return `${p(t.getUTCDate())}-${p(t.getUTCMonth() + 1)}-${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}`;
  };
  let chunk = '';
  for (let i = 0; i < incidents; i++) {
    const opened = i * 7;
    const resolved = opened + 30 + ((i * 7919) % 5000);
    for (let r = 0; r < rowsPer; r++) {
      const last = r === rowsPer - 1;
      chunk += `INC${String(i).padStart(7, '0')},${last ? 'Closed' : 'Active'},${last ? 'FALSE' : 'TRUE'},${r % 3},0,${r},TRUE,Caller ${i % 4000},Opened by  ${i % 300},${d(opened)},Created by ${i % 200},${d(opened)},Updated by ${r * 13},${d(opened + r)},Phone,Location ${i % 200},Category ${i % 60},Subcategory ${i % 250},Symptom ${i % 500},?,2 - Medium,2 - Medium,3 - Moderate,Group ${i % 70},Resolver ${i % 230},TRUE,FALSE,Do Not Notify,?,?,?,?,code 5,Resolved by ${i % 150},${d(resolved)},${d(resolved + 7200)}\n`;
    }
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

describe('bounded memory', () => {
  it('reads a ~65 MB audit trail with a 24 MB heap', async () => {
    const file = path.join(tmp.dir, 'big.csv');
    await generate(file, 13_000, 15);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(60e6);
    const script = `
      const { readIncidents } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/fit/incident-export.js'))});
      const e = await readIncidents(${JSON.stringify(file)});
      console.log(JSON.stringify({ rows: e.rows, incidents: e.incidents.length, problems: e.problems.length, maxRssMB: process.resourceUsage().maxRSS / 1024 }));`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=24', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 300_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { rows: number; incidents: number; problems: number; maxRssMB: number };
    expect(out).toMatchObject({ rows: 195_000, incidents: 13_000, problems: 0 });
  });
});
