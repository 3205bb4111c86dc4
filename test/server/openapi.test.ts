/**
 * The OpenAPI document is the API's contract: it is pinned in fixtures/openapi.json (first
 * written by the server before its routes became plugins and its schemas TypeBox), so moving
 * code never changes what clients are promised. A deliberate API change updates the fixture
 * (`npx vitest run test/server/openapi.test.ts -u`) in its own commit, where the diff shows it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { OPSIM_VERSION } from '../../src/version.js';
import { fakeExecutor, tempProject } from './helpers.js';

const TOKEN = '0d1e2c3b4a5968778695a4b3c2d1e0f0';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/**
 * The document with what carries no meaning made canonical: keys sorted, `required` lists (sets
 * of names) sorted, the version a placeholder.
 */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    out[k] = k === 'required' && Array.isArray(x) ? [...(x as string[])].sort() : normalise(x);
  }
  return out;
}

async function openapi(token?: string): Promise<Record<string, unknown>> {
  const p = await tempProject();
  const app = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor(), ...(token ? { token } : {}) });
  cleanups.push(async () => {
    await app.close();
    await p.cleanup();
  });
  const r = await app.inject({ url: '/openapi.json', headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(r.statusCode).toBe(200);
  return r.json() as Record<string, unknown>;
}

describe('the OpenAPI document', () => {
  it('is the pinned contract (fixtures/openapi.json), whatever the version', async () => {
    const doc = (await openapi()) as { info: { version: string } };
    expect(doc.info.version).toBe(OPSIM_VERSION);
    doc.info.version = '<version>';
    await expect(JSON.stringify(normalise(doc), null, 2) + '\n').toMatchFileSnapshot('./fixtures/openapi.json');
  });

  it('declares the bearer scheme as required when the server has a token', async () => {
    const open = await openapi();
    const locked = await openapi(TOKEN);
    expect(open.security).toBeUndefined();
    expect(locked.security).toEqual([{ bearer: [] }]);
    expect(normalise({ ...locked, security: undefined })).toEqual(normalise({ ...open, security: undefined }));
  });
});
