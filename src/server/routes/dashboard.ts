/**
 * The dashboard: its own files and the three vega browser bundles from node_modules (so it
 * works offline, with no CDN), each served by its exact name only — no path from a request
 * ever reaches the file system.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { packageRoot } from '../../version.js';

const ASSETS: Record<string, { file: string[]; type: string }> = {
  '/': { file: ['src', 'dashboard', 'index.html'], type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: ['src', 'dashboard', 'app.js'], type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { file: ['src', 'dashboard', 'style.css'], type: 'text/css; charset=utf-8' },
  // Declared by index.html, so the browser does not probe /favicon.ico (a 404 in its console).
  '/dashboard/favicon.svg': { file: ['src', 'dashboard', 'favicon.svg'], type: 'image/svg+xml' },
  // The metric-spec helpers (labels, SLA roles) the report uses, compiled; the module imports nothing.
  '/dashboard/metrics.js': { file: ['dist', 'src', 'results', 'metrics.js'], type: 'text/javascript; charset=utf-8' },
  // How figures are written with their units, compiled from src/report/units.ts (imports nothing at run time).
  '/dashboard/units.js': { file: ['dist', 'src', 'report', 'units.js'], type: 'text/javascript; charset=utf-8' },
  '/vendor/vega.min.js': { file: ['node_modules', 'vega', 'build', 'vega.min.js'], type: 'text/javascript; charset=utf-8' },
  '/vendor/vega-lite.min.js': { file: ['node_modules', 'vega-lite', 'build', 'vega-lite.min.js'], type: 'text/javascript; charset=utf-8' },
  '/vendor/vega-embed.min.js': { file: ['node_modules', 'vega-embed', 'build', 'vega-embed.min.js'], type: 'text/javascript; charset=utf-8' },
};

/** Routes anyone may fetch, also on a server with a token: the dashboard's static files. */
export const DASHBOARD_ROUTES: readonly string[] = Object.keys(ASSETS);

/** The dashboard's static files (hidden from the OpenAPI document). */
export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const root = packageRoot();
  for (const [url, asset] of Object.entries(ASSETS)) {
    app.get(url, { schema: { hide: true } }, async (_req, reply) => {
      const body = await readFile(path.join(root, ...asset.file));
      return reply.type(asset.type).header('Cache-Control', 'no-cache').send(body);
    });
  }
};
