/**
 * The server's security promises, probed as an attacker would: the bearer token cannot be
 * bypassed by any spelling of any route, a weak token is refused at start, `?token=` works on
 * the events stream only, a loopback server answers only requests addressed to loopback
 * (DNS rebinding), and every answer carries the security headers.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { checkToken, tokenBits } from '../../src/server/security.js';
import { fakeExecutor, tempProject } from './helpers.js';

const TOKEN = '9f86d081884c7d659a2feaa0c55ad015'; // 32 hex characters: 128 bits
const AUTH = { authorization: `Bearer ${TOKEN}` };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(o: { token?: string; hosts?: 'loopback' | 'any' } = {}): Promise<FastifyInstance> {
  const p = await tempProject();
  const app = buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor(), ...(o.token ? { token: o.token } : {}), ...(o.hosts ? { hosts: o.hosts } : {}) });
  cleanups.push(async () => {
    await app.close();
    await p.cleanup();
  });
  await app.ready();
  return app;
}

/** Every protected route, with the method and a concrete path. */
const ID = '20260101-000000-abcdef';
const PROTECTED: [string, string][] = [
  ['GET', '/api/status'],
  ['GET', '/api/scenarios'],
  ['GET', '/api/runs'],
  ['POST', '/api/runs'],
  ['GET', `/api/runs/${ID}`],
  ['DELETE', `/api/runs/${ID}`],
  ['GET', `/api/runs/${ID}/events`],
  ['GET', `/api/runs/${ID}/results`],
  ['GET', `/api/runs/${ID}/report`],
  ['GET', `/api/runs/${ID}/charts/load`],
  ['GET', '/openapi.json'],
];

/** Spellings of one path that a router might decode or normalise to it. */
function spellings(p: string): string[] {
  const segs = p.split('/').slice(1);
  const first = segs[0]!;
  const rest = segs.slice(1).join('/');
  const tail = rest === '' ? '' : `/${rest}`;
  const enc = (s: string): string => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  return [
    p,
    `/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${tail}`, // one letter percent-encoded
    `/%${first.charCodeAt(0).toString(16).toUpperCase()}${first.slice(1)}${tail}`, // upper-case hex
    `/${enc(first)}${tail}`, // the whole first segment encoded
    `/${enc(first)}/${rest.split('/').map(enc).join('/')}`, // every letter encoded
    `/%25${first.charCodeAt(0).toString(16)}${first.slice(1)}${tail}`, // double encoding
    `/${first}%2f${rest}`, // an encoded slash
    `//${first}${tail}`,
    `/${first}//${rest}`,
    `${p}/`,
    `${p}.`,
    `/${first}.${tail}`,
    `${p};x=1`,
    `/${first};${tail}`,
    `/${first.toUpperCase()}${tail}`,
    `/${first[0]!.toUpperCase()}${first.slice(1)}${tail}`,
    `${p.toUpperCase()}`,
    `/./${first}${tail}`,
    `/x/../${first}${tail}`,
    `/${first}/./${rest}`,
    `/${first}%00${tail}`,
    `${p}?token=${TOKEN.slice(0, 4)}`,
    `${p}#frag`,
    `${p}%20`,
    `${p}%09`,
  ];
}

describe('the bearer token', () => {
  it('cannot be bypassed by any spelling of any route, with any method', async () => {
    const app = await setup({ token: TOKEN });
    const leaks: string[] = [];
    let tried = 0;
    for (const [method, p] of PROTECTED) {
      for (const url of spellings(p)) {
        for (const m of new Set([method, 'GET', 'HEAD'])) {
          tried++;
          const r = await app.inject({ method: m as 'GET', url, ...(m === 'POST' ? { payload: { scenario: 'tiny' } } : {}) });
          // No answer but a refusal: 401 (or 400 for a path the router cannot parse).
          if (r.statusCode !== 401 && r.statusCode !== 400) leaks.push(`${m} ${url} → ${r.statusCode}`);
        }
      }
    }
    expect(tried).toBeGreaterThan(500);
    expect(leaks).toEqual([]);
  });

  it('is what lets the plain routes through (the table above is not vacuous)', async () => {
    const app = await setup({ token: TOKEN });
    expect((await app.inject({ url: '/api/status', headers: AUTH })).statusCode).toBe(200);
    expect((await app.inject({ url: '/%61pi/status', headers: AUTH })).statusCode).toBe(200);
    expect((await app.inject({ url: '/openapi.json', headers: AUTH })).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/runs/${ID}`, headers: AUTH })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/status', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/status', headers: { authorization: `bearer ${TOKEN}` } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(401);
    // The dashboard's static files stay public, however they are spelled.
    for (const f of ['/', '/dashboard/app.js', '/dashboard/%61pp.js', '/vendor/vega.min.js']) expect((await app.inject(f)).statusCode, f).toBe(200);
  });

  it('is accepted in ?token= on the events stream only', async () => {
    const app = await setup({ token: TOKEN });
    expect((await app.inject(`/api/runs/${ID}/events?token=${TOKEN}`)).statusCode).toBe(404); // past the gate; no such run
    expect((await app.inject(`/api/runs/${ID}/%65vents?token=${TOKEN}`)).statusCode).toBe(404);
    expect((await app.inject(`/api/runs?token=${TOKEN}`)).statusCode).toBe(401);
    expect((await app.inject(`/api/runs?x=/events&token=${TOKEN}`)).statusCode).toBe(401);
    expect((await app.inject(`/api/runs/${ID}?token=${TOKEN}&y=/events`)).statusCode).toBe(401);
    expect((await app.inject(`/api/runs/${ID}/events?token=wrong`)).statusCode).toBe(401);
  });

  it('must carry 16 random bytes: weak tokens are a startup error that says how to make one', async () => {
    for (const weak of ['s3cret', 'x', 'password12345678', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0123456789012345']) {
      expect(() => checkToken(weak), weak).toThrow(/OPSIM_TOKEN is too weak.*openssl rand -hex 16/);
      const p = await tempProject();
      expect(() => buildServer({ reportsDir: p.reports, scenariosDir: p.scenarios, executor: fakeExecutor(), token: weak })).toThrow(/too weak/);
      await p.cleanup();
    }
    expect(() => checkToken('has space in it 0123456789abcdefABCDEF')).toThrow(/printable ASCII/);
    for (const strong of [TOKEN, 'q1w2E3r4T5y6U7i8O9p0AsDf', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA']) {
      expect(() => checkToken(strong), strong).not.toThrow();
      expect(tokenBits(strong)).toBeGreaterThanOrEqual(128);
    }
  });
});

describe('a loopback server', () => {
  it('answers only requests addressed to loopback, and refuses cross-site origins (DNS rebinding)', async () => {
    const app = await setup();
    for (const host of ['localhost', 'localhost:8080', '127.0.0.1:8080', '127.0.0.2', '[::1]:8080', 'LOCALHOST:1']) {
      expect((await app.inject({ url: '/api/status', headers: { host } })).statusCode, host).toBe(200);
    }
    for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'localhost.evil.example:8080', '10.0.0.1']) {
      const r = await app.inject({ url: '/api/status', headers: { host } });
      expect(r.statusCode, host).toBe(403);
      expect(r.json()).toEqual({ error: expect.stringMatching(/localhost/) });
    }
    expect((await app.inject({ url: '/', headers: { host: 'evil.example' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/runs', payload: { scenario: 'tiny' }, headers: { origin: 'http://evil.example' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/runs', payload: { scenario: 'tiny' }, headers: { origin: 'null' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/runs', payload: { scenario: 'tiny' }, headers: { origin: 'http://127.0.0.1:8080' } })).statusCode).toBe(202);
  });

  it('with hosts: "any" (a public bind with a token) accepts other host names', async () => {
    const app = await setup({ token: TOKEN, hosts: 'any' });
    expect((await app.inject({ url: '/api/status', headers: { host: 'sim.example:8080', ...AUTH } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/status', headers: { host: 'sim.example:8080' } })).statusCode).toBe(401);
  });
});

describe('security headers', () => {
  it('every answer carries nosniff, frame denial and a CSP without inline script or eval', async () => {
    const app = await setup({ token: TOKEN });
    for (const url of ['/', '/dashboard/app.js', '/api/status', '/nowhere', `/api/runs/${ID}/events?token=${TOKEN}`]) {
      const r = await app.inject({ url, headers: AUTH });
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      const csp = String(r.headers['content-security-policy']);
      expect(csp, url).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-eval/);
    }
  });
});
