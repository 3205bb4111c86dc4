/**
 * docs/fidelity.md's generated table is current: it has a section for every case of
 * bench/fidelity.ts (which must cover every shipped scenario with services), every row is a
 * complete comparison, every disagreement is listed with its reason outside the generated
 * block, and the cheapest case regenerates to the same text (CPU figures aside). The full
 * regeneration takes minutes: `node dist/bench/fidelity.js --write`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASES, caseSection, docSections, shippedWithServices, stableText } from '../../../../bench/fidelity.js';
import { loadScenarioText } from '../../../../src/scenario/index.js';
import { runReplication } from '../../../../src/models/replication.js';

const doc = readFileSync('docs/fidelity.md', 'utf8');

describe('docs/fidelity.md', () => {
  it('covers every case, and the cases cover every shipped scenario with services', () => {
    const ids = CASES.map((c) => c.id);
    for (const s of shippedWithServices()) expect(ids).toContain(s);
    for (const stress of ['rho-0.5', 'rho-0.9', 'rho-0.98', 'misweight']) expect(ids).toContain(stress);
    expect([...docSections(doc).keys()]).toEqual(ids);
  });

  it('every row compares both fidelities, and every disagreement is listed with its reason', () => {
    const tail = doc.slice(doc.indexOf('<!-- fidelity-table:end -->'));
    const head = doc.slice(0, doc.indexOf('<!-- fidelity-table:start'));
    for (const [id, section] of docSections(doc)) {
      const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| metric') && !l.startsWith('| ---'));
      expect(rows.length, id).toBeGreaterThan(0);
      for (const row of rows) {
        const cells = row.split('|').slice(1, -1).map((c) => c.trim());
        expect(cells, row).toHaveLength(4);
        expect(cells[3], row).toMatch(/^(yes \(.+\)|\*\*no\*\* \(.+\))$/);
        if (cells[3]!.startsWith('**no**')) expect(head + tail, `${id} / ${cells[0]} needs a reason in the text`).toContain(`${id} / ${cells[0]}`);
      }
    }
  });

  it("runs its example: flow and request services side by side under the same metric names", () => {
    const yaml = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(yaml).toHaveLength(1);
    const r = loadScenarioText(yaml[0]!, { file: 'example.yaml' });
    expect(r.ok && r.scenario.fidelity).toBe('flow');
    const m = r.ok ? runReplication(r.scenario, { seed: '1', replication: 0 }).metrics : {};
    // web 20/s × 100 ms on 4 servers: ρ = 0.5; db 20/s × 20 ms on 2: ρ = 0.2; batch 1/s × 1 s on 2: ρ = 0.5.
    expect(m['service.web.utilisation']).toBeCloseTo(0.5, 1);
    expect(m['service.db.utilisation']).toBeCloseTo(0.2, 1);
    expect(m['service.batch.utilisation']).toBeCloseTo(0.5, 1);
    // web's response time includes its call to db.
    expect(m['service.web.response_time.mean']!).toBeGreaterThan(0.1 + m['service.db.response_time.mean']!);
  });

  it('regenerates the cheapest case to the same table', () => {
    const c = CASES.find((x) => x.id === 'rho-0.5')!;
    expect(stableText(caseSection(c))).toBe(stableText(docSections(doc).get('rho-0.5')!));
  });
});
