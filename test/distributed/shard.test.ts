/**
 * Shard-and-merge: the SHA-256 of results.json is the same for a local run on 1 and 2 workers
 * and for three shards merged; merge refuses parts of different experiments and names a
 * missing shard and its replications.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, cli, sha, tmp } from './helpers.js';

const ARGS = ['--replications', '5', '--quiet'];

describe('opsim run --shard and opsim merge', () => {
  it('merges three shards into the bytes of a local run, and refuses mixed or incomplete parts', async () => {
    const dir = tmp();
    const at = (name: string): string => path.join(dir, name);
    const [local1, local2, other, ...shards] = await Promise.all([
      cli(['run', FIXTURE, ...ARGS, '--workers', '1', '--out', at('local1')]),
      cli(['run', FIXTURE, ...ARGS, '--workers', '2', '--no-report', '--out', at('local2')]),
      cli(['run', FIXTURE, ...ARGS, '--seed', '8', '--workers', '1', '--shard', '2/3', '--out', at('other-2')]),
      ...[1, 2, 3].map((i) => cli(['run', FIXTURE, ...ARGS, '--workers', '1', '--shard', `${i}/3`, '--out', at(`part-${i}`)])),
    ]);
    for (const r of [local1!, local2!, other!, ...shards]) expect(r.code, r.stderr).toBe(0);
    expect(shards[0]!.stdout).toMatch(/shard 1\/3 of experiment [0-9a-f]{12}: 4 replications, 0 failed/);
    // A copy of shard 2 whose first replication differs in one bit: a determinism fault.
    const lines = readFileSync(at('part-2/records.jsonl'), 'utf8').split('\n');
    const k = lines.findIndex((l) => l.includes('"kind":"record"'));
    const line = JSON.parse(lines[k]!) as { record: { f64: string } };
    const bytes = Buffer.from(line.record.f64, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    line.record.f64 = bytes.toString('base64');
    lines[k] = JSON.stringify(line);
    mkdirSync(at('tampered-2'));
    writeFileSync(at('tampered-2/records.jsonl'), lines.join('\n'));
    const [merged, missing, mixed, twice, fault] = await Promise.all([
      cli(['merge', at('part-3'), at('part-1'), at('part-2'), '--out', at('merged')]),
      cli(['merge', at('part-1'), at('part-3'), '--out', at('m2')]),
      cli(['merge', at('part-1'), at('other-2'), at('part-3'), '--out', at('m3')]),
      cli(['merge', at('part-1'), at('part-2'), at('part-3'), at('part-2'), '--no-report', '--out', at('m4')]),
      cli(['merge', at('part-1'), at('part-2'), at('part-3'), at('tampered-2'), '--no-report', '--out', at('m5')]),
    ]);
    expect(merged!.code, merged!.stderr).toBe(0);
    const want = sha(at('local1/results.json'));
    expect(sha(at('local2/results.json'))).toBe(want);
    expect(sha(at('merged/results.json'))).toBe(want);
    expect(sha(at('merged/series.csv'))).toBe(sha(at('local1/series.csv')));
    expect(sha(at('merged/report.html'))).toBe(sha(at('local1/report.html')));

    expect(missing!.code).toBe(2);
    expect(missing!.stderr).toMatch(/missing shard 2\/3/);
    expect(missing!.stderr).toMatch(/missing replications: fourteen:0, twelve:2, fourteen:3/);

    expect(mixed!.code).toBe(2);
    expect(mixed!.stderr).toMatch(/other-2\/records\.jsonl belongs to experiment [0-9a-f]{12}, .*part-1\/records\.jsonl to [0-9a-f]{12}: parts of different experiments/);

    expect(twice!.code).toBe(0);
    expect(twice!.stderr).toMatch(/duplicated replication fourteen:0 .*identical, kept once/);
    expect(sha(at('m4/results.json'))).toBe(want);

    expect(fault!.code).toBe(2);
    expect(fault!.stderr).toMatch(/(twelve|fourteen):\d+: .*part-2\/records\.jsonl and .*tampered-2\/records\.jsonl hold different results for the same replication and seed \(determinism fault\)/);
  }, 180_000);

  it('refuses a shard of an experiment that decides what to run from results', async () => {
    const r = await cli(['run', FIXTURE, '--shard', '1/2', '--set', 'experiment.stopWhen={"metric":"requests.calls.answered","halfWidth":"5%","maxReplications":20}', '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/experiment\.stopWhen.*not in shards/);
  }, 60_000);
});
