/**
 * The walk-throughs of docs/distributed.md are run as written (every ```sh block not tagged
 * fragment, in order, as one script), with `npx opsim` as the built CLI and the Redis port
 * 6390 replaced by a free one; each ends with `cmp … && echo identical`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers.js';

function shBlocks(markdown: string): string[] {
  const out: string[] = [];
  const re = /^```sh([^\n]*)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) if (!/\bfragment\b/.test(m[1]!)) out.push(m[2]!);
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('docs/distributed.md', () => {
  it('runs the single-box queue and the shard walk-throughs, each identical to a local run', async () => {
    const blocks = shBlocks(readFileSync(path.join(ROOT, 'docs/distributed.md'), 'utf8'));
    expect(blocks.length).toBe(2);
    const port = String(await freePort());
    const script = ['set -e', ...blocks].join('\n').replaceAll('npx opsim', `node ${JSON.stringify(CLI)}`).replaceAll('6390', port);
    // Its own process group, so the background redis-server and worker are stopped with it.
    const child = spawn('bash', ['-c', script], { cwd: ROOT, detached: true, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // The group is already gone.
    }
    expect(code, err).toBe(0);
    expect(out.match(/^identical$/gm)?.length).toBe(2);
  }, 180_000);
});
