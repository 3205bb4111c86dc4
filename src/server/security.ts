/**
 * What keeps the server's promises about who may use it: the bearer token (checked on the
 * route Fastify matched, after it decoded and normalised the path, never on the raw URL),
 * the Host/Origin allow-list of a loopback server (so a DNS-rebinding page cannot reach it),
 * and the security headers with a Content-Security-Policy the dashboard runs under.
 */
import { timingSafeEqual } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Entropy a token must carry at least: 16 random bytes. */
export const MIN_TOKEN_BITS = 128;

/**
 * Estimated entropy of a token in bits: its length times log2 of the alphabet its character
 * classes span (lower case, upper case, digits, other). A hex string of 32 characters and a
 * base64url string of 22 (what `openssl rand -hex 16` and `-base64 16` print) both pass; a
 * word, a short string or a string of few distinct characters does not.
 */
export function tokenBits(token: string): number {
  let alphabet = 0;
  if (/[a-z]/.test(token)) alphabet += 26;
  if (/[A-Z]/.test(token)) alphabet += 26;
  if (/[0-9]/.test(token)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(token)) alphabet += 32;
  // A long run of one character is not random: count distinct characters too.
  const distinct = new Set(token).size;
  return token.length * Math.log2(Math.max(1, Math.min(alphabet, distinct * 2)));
}

/** Throws a startup error naming the fix when a token is too weak to protect the server. */
export function checkToken(token: string): void {
  if (/[^\x21-\x7e]/.test(token)) throw new Error('OPSIM_TOKEN may only contain printable ASCII characters without spaces');
  const bits = tokenBits(token);
  if (bits < MIN_TOKEN_BITS) {
    throw new Error(
      `OPSIM_TOKEN is too weak (about ${Math.floor(bits)} bits; at least ${MIN_TOKEN_BITS} bits, i.e. 16 random bytes, are required): ` +
        'use e.g. the output of `openssl rand -hex 16` or `node -e "console.log(require(\'crypto\').randomBytes(16).toString(\'hex\'))"`',
    );
  }
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Host names only this machine can reach (the names a browser sends for a loopback server). */
export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host part of a Host header value ("127.0.0.1:8080", "[::1]:8080", "localhost"). */
export function hostName(value: string): string {
  const v = value.trim();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    return end < 0 ? v : v.slice(0, end + 1);
  }
  const colon = v.indexOf(':');
  return colon < 0 ? v : v.slice(0, colon);
}

/** Options of the security layer. */
export interface SecurityOptions {
  /** Bearer token; when set, every route that is not a public asset requires it. */
  token?: string;
  /** Routes (as declared, e.g. "/dashboard/app.js") anyone may fetch: the dashboard's static files. */
  publicRoutes: readonly string[];
  /** The one route that may carry the token in `?token=` (EventSource cannot send headers). */
  queryTokenRoute: string;
  /**
   * 'loopback' (default): only requests whose Host (and Origin, when sent) name this machine
   * are answered, which defeats DNS rebinding; 'any' for a server bound to a public address.
   */
  hosts: 'loopback' | 'any';
}

function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error });
}

/**
 * Registers the headers and the two gates. Both gates are onRequest hooks on the root, which
 * Fastify runs after routing: `req.routeOptions.url` is the declared route the decoded path
 * matched (undefined for no route), so "/%61pi/runs" is judged as "/api/runs" and anything
 * that matched no route needs the token too.
 */
export function registerSecurity(app: FastifyInstance, o: SecurityOptions): void {
  void app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        // No inline script and no eval: the dashboard's charts use Vega's expression interpreter.
        'script-src': ["'self'"],
        // vega-embed adds its own <style> element and chart SVGs carry style attributes.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'font-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    // A loopback server over plain HTTP: no HSTS (it would pin "localhost" to https).
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });

  const publicRoutes = new Set(o.publicRoutes);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (o.hosts === 'loopback') {
      const host = req.headers.host;
      if (host === undefined || !isLoopbackName(hostName(host))) return refuse(reply, 403, 'this server answers only requests addressed to localhost, 127.0.0.1 or [::1]');
      // "null" comes from sandboxed frames and file: pages, never from the dashboard.
      const origin = req.headers.origin;
      if (origin !== undefined) {
        let name: string;
        try {
          name = new URL(origin).hostname;
        } catch {
          return refuse(reply, 403, 'malformed Origin header');
        }
        if (!isLoopbackName(name)) return refuse(reply, 403, 'cross-origin requests from other sites are refused');
      }
    }
    const token = o.token;
    if (token === undefined || token === '') return;
    const route = req.routeOptions.url;
    if (route !== undefined && publicRoutes.has(route)) return;
    const header = req.headers.authorization ?? '';
    let given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (given === '' && route === o.queryTokenRoute) {
      const q = (req.query as Record<string, unknown> | undefined)?.token;
      if (typeof q === 'string') given = q;
    }
    if (!tokenMatches(given, token)) {
      reply.header('WWW-Authenticate', 'Bearer');
      return refuse(reply, 401, 'a valid bearer token is required');
    }
  });
}
