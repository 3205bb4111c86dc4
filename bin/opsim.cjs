#!/usr/bin/env node
/**
 * The `opsim` command (package.json "bin"). CommonJS, so that Node starts no ES-module loader
 * for it (about 4 CPU ms of every start): it requires the build's start, dist/src/cli-boot.cjs
 * (src/cli/boot.ts), when the entry beside it is the bundle built with it (same script key),
 * else (a plain tsc build, no start, or one that does not load) imports the entry,
 * dist/src/cli.js, which runs the ES modules. `node dist/src/cli.js` behaves the same.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const src = path.join(__dirname, '..', 'dist', 'src');
let boot = null;
try {
  const b = require(path.join(src, 'cli-boot.cjs'));
  if (typeof b.key === 'string' && fs.readFileSync(path.join(src, 'cli.js'), 'latin1').includes(b.key)) boot = b;
} catch (err) {
  if (process.env.OPSIM_DEBUG) process.stderr.write(`opsim: ${path.join(src, 'cli-boot.cjs')} did not load, running the ES modules instead: ${String(err)}\n`);
}
if (boot !== null) boot.start();
else import(require('node:url').pathToFileURL(path.join(src, 'cli.js')).href);
