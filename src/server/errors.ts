/**
 * How the server answers what goes wrong: every error becomes a JSON answer (`{ error, ... }`)
 * with a status, never a crash. Schema violations list every problem with its field path, as
 * scenario errors do; a JSON body that does not parse says at which line and column.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** Sends `{ error, ...extra }` with `status`. */
export function sendError(reply: FastifyReply, status: number, error: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error, ...extra });
}

/**
 * Installs the JSON body parser, the error handler and the not-found handler on the root
 * instance (every route plugin inherits them).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  // JSON bodies: Fastify's own parser (which refuses __proto__ and constructor poisoning),
  // but a syntax error says where it is, as scenario files do.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    defaultJson(req, String(body), (err: Error | null, value?: unknown) => {
      if (err === null) return done(null, value);
      done(jsonSyntaxError(String(body)) ?? err, undefined);
    });
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const located = (err as { located?: unknown }).located;
    if (Array.isArray(located)) return sendError(reply, 400, err.message, { errors: located });
    if (err.validation) {
      const errors = err.validation.map((v) => ({
        file: null,
        line: null,
        column: null,
        path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.')}`,
        message: v.message ?? 'is invalid',
      }));
      return sendError(reply, 400, 'invalid request', { errors });
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    return sendError(reply, status, status >= 500 ? 'internal error' : err.message);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));
}

/**
 * The located 400 error for a JSON body that does not parse, or null when it parses (then the
 * default parser refused it for another reason, e.g. a __proto__ key).
 */
function jsonSyntaxError(text: string): Error | null {
  if (text.trim() === '') return null;
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    const at = /at position (\d+)/.exec(msg);
    const offset = at !== null ? Number(at[1]) : syntaxErrorOffset(text);
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    // Node 20 quotes the text around the token ("Unexpected token '}', "...": }" is not valid JSON"); the position says where.
    const reason = msg.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '').replace(/^(Unexpected token '.+?'),.*$/s, '$1');
    const message = `invalid JSON: ${reason}`;
    return Object.assign(new Error(`request body is not valid JSON (line ${line}, column ${column})`), {
      statusCode: 400,
      located: [{ file: null, line, column, path: 'body', message }],
    });
  }
}

/**
 * Where JSON.parse gave up, for messages without "at position" (Node 20's "Unexpected token"):
 * the shortest prefix that fails for another reason than ending early ends at the bad character.
 */
function syntaxErrorOffset(text: string): number {
  const broken = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (e) {
      const m = (e as Error).message;
      // Ran out of text rather than hit a bad character: "Unexpected end", or a position at the very end.
      return !/Unexpected end of JSON input/.test(m) && /at position (\d+)/.exec(m)?.[1] !== String(k);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (broken(mid)) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo - 1);
}
