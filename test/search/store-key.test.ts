import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRaw, loadScenarioFile } from '../../src/scenario/index.js';
import { codeFingerprint, fingerprintFiles, storeKey } from '../../src/search/store-key.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function key(overrides: Record<string, unknown>, seed = '1', mutate?: (raw: Record<string, unknown>) => void): string {
  const r = loadScenarioFile(path.join(here, 'fixtures/service-desk-search.yaml'), { overrides });
  if (!r.ok) throw new Error('fixture does not load');
  const raw = structuredClone(r.raw) as Record<string, unknown>;
  mutate?.(raw);
  const c = compileRaw(raw, { file: r.file ?? undefined });
  if (!c.ok) throw new Error('fixture does not compile');
  return storeKey(raw, c.scenario, seed);
}

describe('the replication store key changes with anything that moves results, and only with that', () => {
  it('is the same for the same scenario and seed, whatever the search section says', () => {
    expect(key({})).toBe(key({}));
    expect(key({}, '1', (raw) => ((raw.search as { budget: number }).budget = 99_999))).toBe(key({}));
  });
  it('changes with the seed and with a model field', () => {
    expect(key({}, '2')).not.toBe(key({}));
    expect(key({ 'teams.service-desk.costPerHour': 31 })).not.toBe(key({}));
  });
  it('covers the code that produces replications: engine, models, experiment, scenario, results', () => {
    const files = fingerprintFiles().map((f) => f.split(path.sep).join('/')).map((f) => f.slice(f.lastIndexOf('/src/')));
    for (const part of ['/engine/', '/models/staffing/', '/models/incidents/', '/experiment/', '/scenario/', '/results/']) expect(files.some((f) => f.includes(part)), part).toBe(true);
    expect(files.some((f) => f.includes('/search/') || f.includes('/server/') || f.includes('/report/'))).toBe(false);
    expect(codeFingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });
});
