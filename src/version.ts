/** opsim's version, read from package.json so results documents name the exact release. */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // dist/src/version.js and src/version.ts are both two levels below package.json's folder
  // or one; look upward rather than trusting a fixed depth.
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'opsim' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; go up
    }
    dir = new URL('..', dir);
  }
  return '0.0.0';
}

/** The running opsim version. */
export const OPSIM_VERSION: string = readVersion();
