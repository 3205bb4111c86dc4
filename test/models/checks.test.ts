/** Cross-reference checks of the infrastructure sections, located in the file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFile } from '../../src/scenario/index.js';

describe('infrastructure scenario checks', () => {
  it('reports unknown rooms, wrong weight counts and out-of-range group members with positions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsim-checks-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'name: bad',
        'horizon: 1h',
        'load: [{ name: a, service: s, rate: 1/s }]',
        'services: [{ name: s, servers: 2, serviceTime: 1s, room: attic, balancer: { policy: random, weights: [1] } }]',
        'failures:',
        '  groups: [{ name: g, class: pdu, members: [s/0-5] }]',
        '',
      ].join('\n'),
    );
    const r = loadScenarioFile(file);
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => formatScenarioError(e)).join('\n');
    expect(text).toContain(':4:58 services[0].room: no room named "attic"');
    expect(text).toContain('services[0].balancer.weights: expected 2 weights (one per server), got 1');
    expect(text).toContain('failures.groups[0].class: no failures.classes entry for "pdu"');
    expect(text).toContain('failures.groups[0].members[0]: "s/0-5" is outside servers 0-1 of s');
  });

  it('accepts the shipped scenarios', () => {
    for (const f of ['mmc-validation', 'datacenter-baseline', 'crac-failure', 'black-friday-capacity']) {
      const r = loadScenarioFile(`scenarios/${f}.yaml`);
      expect(r.ok ? [] : r.errors.map((e) => formatScenarioError(e)), f).toEqual([]);
    }
  });
});
