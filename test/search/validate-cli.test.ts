/**
 * `opsim validate` runs the checks `opsim search` runs before it starts (prepareSearch): every
 * problem of a search section in one pass, each once, located; `opsim search` refuses the same.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/src/cli.js');
const fixtures = path.join(root, 'test/search/fixtures');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('opsim validate checks a search section', () => {
  const four = path.join(fixtures, 'invalid/four-mistakes-search.yaml');
  const percent = path.join(fixtures, 'invalid/percent-bound-search.yaml');

  test('four mistakes: one run lists all four, located, each once; search refuses the same before it starts', () => {
    const r = run('validate', four);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      // In document order: the variable (line 7) before the constraints.
      [
        `${four}:7:7 search.variables[1]: teams.service-desk.costPerHr: override: unknown field "costPerHr" in teams[0] (did you mean "teams.service-desk.costPerHour"?)`,
        `${four}:9:21 search.constraints[0].metric: metric "requests.calls.service_levl" does not exist in this scenario (did you mean "requests.calls.service_level"?)`,
        `${four}:10:23 search.constraints[1].sla: SLA "no-such-sla" has no verdict in this scenario`,
        `${four}:11:94 search.constraints[2].tolerance: p0 ± δ = 0.98 ± 0.05 must lie strictly between 0 and 1`,
        `${four}: 4 problems`,
        '',
      ].join('\n'),
    );
    const s = run('search', four, '--workers', '1', '--quiet', '--out', path.join(root, 'reports', 'never-written'));
    expect(s.code).toBe(2);
    expect(s.stderr).toBe(r.stderr.split('\n').slice(0, 4).join('\n') + '\n');
  });

  test('a bound outside the metric\'s range is refused, saying what to write', () => {
    const r = run('validate', percent);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        `${percent}:7:59 search.constraints[0].atLeast: 80 is outside what this metric can take: expected a fraction between 0 and 1: write 0.8 for 80 %`,
        `${percent}:8:57 search.constraints[1].atMost: -5 is outside what this metric can take: expected a value ≥ 0 (in seconds)`,
        `${percent}: 2 problems`,
        '',
      ].join('\n'),
    );
    expect(run('search', percent, '--workers', '1', '--quiet').code).toBe(2);
  });

  test('a scenario that does not load: bounds checked against the unit and range the model catalog gives the metric; the metric\'s existence waits', () => {
    const f = path.join(fixtures, 'invalid/bounds-unloaded-search.yaml');
    const r = run('validate', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        `${f}:4:10 horizon: must be a duration such as 90, "90s", "250ms", "15m", "2h", "1d" or "1h30m" (plain numbers are seconds), got "tomorrow"`,
        `${f}:13:60 search.constraints[0].atMost: expected a duration like "5m" or "90s", or a plain number of seconds, got "5kW"`,
        `${f}:13:73 search.constraints[0].tolerance: expected a duration like "5m" or "90s", or a plain number of seconds, got "2 apples"`,
        `${f}:14:54 search.constraints[1].atMost: 80 is outside what this metric can take: expected a fraction between 0 and 1: write 0.8 for 80 %`,
        `${f}: 4 problems`,
        '',
      ].join('\n'),
    );
  });

  test('the shipped search scenarios stay valid', () => {
    for (const f of ['scenarios/globalmart-staffing-search.yaml', 'scenarios/service-desk-shifts-search.yaml', 'test/search/fixtures/pool-penalty-search.yaml']) {
      const r = run('validate', f);
      expect(r.stderr, f).not.toMatch(/search\./);
      expect(r.code, f).toBe(0);
    }
  });
});
