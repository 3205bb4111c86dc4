/** Fidelity in the scenario language: calls within one fidelity, and located warnings where flow is not validated. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioFile } from '../../../../src/scenario/index.js';
import { FLOW_RHO_LIMIT, locatedFlowWarnings } from '../../../../src/models/services/flow/index.js';

function write(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'opsim-flow-')), 'f.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('fidelity checks', () => {
  it('refuses a call between a request-level and a flow-level service, at the downstream field', () => {
    const file = write([
      'name: mixed',
      'horizon: 1h',
      'fidelity: flow',
      'load: [{ name: a, service: web, rate: 1/s }]',
      'services:',
      '  - { name: web, servers: 2, serviceTime: 100ms, downstream: db }',
      '  - { name: db, servers: 1, serviceTime: 10ms, fidelity: request }',
    ]);
    const r = loadScenarioFile(file);
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map(formatScenarioError).join('\n');
    expect(text).toMatch(/f\.yaml:6:\d+ services\[0\]\.downstream: "web" runs at flow level but calls "db" at request level/);
  });

  it('refuses queueCapacity on a flow-level service, at the field', () => {
    const file = write(['name: room', 'horizon: 1h', 'load: [{ name: a, service: s, rate: 1/s }]', 'services:', '  - { name: s, servers: 2, serviceTime: 1s, queueCapacity: 3, fidelity: flow }']);
    const r = loadScenarioFile(file);
    expect(r.ok ? '' : r.errors.map(formatScenarioError).join('\n')).toMatch(/f\.yaml:5:\d+ services\[0\]\.queueCapacity: a finite waiting room is modelled at request level only/);
  });

  it('takes a network path in front of a flow-level service (modelled per step: test/models/network/flow.test.ts)', () => {
    const file = write([
      'name: net',
      'horizon: 1h',
      'fidelity: flow',
      'load: [{ name: a, service: s, rate: 1/s }]',
      'services: [{ name: s, servers: 2, serviceTime: 1s }]',
      'network:',
      '  devices: [{ name: sw, kind: switch, capacity: 100/s }]',
      '  services: [{ name: s, dependsOn: [sw] }]',
    ]);
    const r = loadScenarioFile(file);
    expect(r.ok ? '' : r.errors.map(formatScenarioError).join('\n')).toBe('');
  });

  it('warns, located, when a flow service reaches ρ ≥ 0.95 at its healthy peak, and not below', () => {
    const scenario = (servers: number): string[] => [
      'name: hot',
      'horizon: 1d',
      'load: [{ name: a, service: s, rate: 4/s, peaks: [{ start: 17h, end: 18h, factor: 2 }] }]',
      'services:',
      `  - { name: s, servers: ${servers}, serviceTime: 1s, fidelity: flow }`,
    ];
    // Peak 8/s on 8 servers: ρ = 1.0; on 9 servers: 0.889.
    const hot = write(scenario(8));
    const r = loadScenarioFile(hot);
    expect(r.ok).toBe(true);
    const w = r.ok ? locatedFlowWarnings(hot, r.scenario) : [];
    expect(w).toHaveLength(1);
    expect(formatScenarioError(w[0]!)).toMatch(/f\.yaml:5:\d+ services\[0\]\.fidelity: warning: flow level is not validated near ρ = 1: .* ρ = 1\.000 at its peak \(hour 17/);
    const cool = write(scenario(9));
    const c = loadScenarioFile(cool);
    expect(c.ok && locatedFlowWarnings(cool, c.scenario)).toEqual([]);
    expect(FLOW_RHO_LIMIT).toBe(0.95);
  });
});
