/**
 * The dashboard served on a loopback port and opened in real headless Chromium (Debian's
 * package; .ci/run installs it), shared by the end-to-end tests. A missing browser is a
 * failure with the install command, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { buildServer } from '../../src/server/index.js';

/** The repository's root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

function findChromium(): string | null {
  for (const p of [process.env.OPSIM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  try {
    const p = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return p !== '' ? p : null;
  } catch {
    return null;
  }
}

/** A running server with a browser page on it, and every problem the page reported. */
export interface DashboardSession {
  app: FastifyInstance;
  /** The dashboard's address, ending in '/'. */
  url: string;
  context: BrowserContext;
  page: Page;
  /** A scratch folder (reports, browser profile), removed by `close`. */
  tmp: string;
  /** Console errors, page errors, failed and external requests, as they happen. */
  problems: string[];
  close(): Promise<void>;
}

export interface DashboardOptions {
  /** Prefix of the scratch folder's name. */
  prefix: string;
  viewport: { width: number; height: number };
  /** A console error the test expects (e.g. the browser's line for a refusal the page shows). */
  expectedConsoleError?: (text: string) => boolean;
  /** A failed request the test expects (an event stream the page closes itself is always expected). */
  expectedFailedRequest?: (r: Request) => boolean;
}

/** Starts the server on 127.0.0.1 (random port) over the shipped scenarios and opens a page on it; nothing may leave the machine. */
export async function openDashboard(o: DashboardOptions): Promise<DashboardSession> {
  const executablePath = findChromium();
  if (executablePath === null) throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run does this) before the end-to-end tests');
  const tmp = await mkdtemp(path.join(tmpdir(), o.prefix));
  const app = buildServer({ reportsDir: path.join(tmp, 'reports'), scenariosDir: path.join(ROOT, 'scenarios') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: o.viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(o.expectedConsoleError?.(m.text()) ?? false)) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('requestfailed', (r) => {
    // The dashboard closes a run's or a search's event stream itself once it is done.
    const closedStream = r.url().endsWith('/events') && r.failure()?.errorText === 'net::ERR_ABORTED';
    if (!closedStream && !(o.expectedFailedRequest?.(r) ?? false)) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? ''})`);
  });
  // Nothing may leave the machine: any request that is not to our server is an error.
  await page.route('**/*', (route) => (route.request().url().startsWith(url) ? route.continue() : (problems.push(`external request ${route.request().url()}`), route.abort())));
  return {
    app,
    url,
    context,
    page,
    tmp,
    problems,
    async close() {
      await context.close();
      await app.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
