/**
 * An SLA and a request class with a service-level target both give a verdict found by its name
 * (`sla.<name>.met`, `requests.<name>.service_level_met`): of one name, the verdict index
 * (results/metrics.ts slaMetrics) merged them, so the run summary and the report showed only the
 * SLA's P(met) and ranked without the request class's target. `opsim validate` refuses it, at
 * both names.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../../src/scenario/index.js';

const text = (slaName: string, target = '    serviceLevelTarget: 80%\n'): string =>
  [
    'name: names',
    'horizon: 2h',
    'teams:',
    '  - { name: desk, headcount: 3 }',
    'requests:',
    '  - name: calls',
    '    team: desk',
    '    rate: 10/h',
    '    handleTime: 5m',
    '    answerTarget: 20s',
    `${target}load:`,
    '  - { name: web-load, service: portal, rate: 1/s }',
    'services:',
    '  - { name: portal, servers: 2, serviceTime: 100ms }',
    'sla:',
    '  services:',
    `    - { name: ${slaName}, service: portal, availabilityTarget: 99.9% }`,
    '',
  ].join('\n');

describe('an SLA and a request class with a service-level target of one name', () => {
  it('are refused, each at its own name (file, line:column), each naming the other', () => {
    const r = loadScenarioText(text('calls'), { file: 'names.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.file, e.line, e.column, e.path])).toEqual([
      ['names.yaml', 6, 11, 'requests[0].name'],
      ['names.yaml', 18, 15, 'sla.services[0].name'],
    ]);
    expect(r.errors[0]!.message).toContain('(sla.services[0].name)');
    expect(r.errors[1]!.message).toContain('(requests[0].name)');
    for (const e of r.errors) expect(e.message).toContain('give one of them another name');
  });

  it('are accepted with different names, or when the class has no target (it gives no verdict)', () => {
    expect(loadScenarioText(text('portal'), { file: 'names.yaml' }).ok).toBe(true);
    expect(loadScenarioText(text('calls', ''), { file: 'names.yaml' }).ok).toBe(true);
  });
});
