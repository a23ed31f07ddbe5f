#!/usr/bin/env node
/* global __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: see below */
/**
 * The `ferry` command (package.json `bin`; scripts/bundle.mjs copies this file to dist/bin/ferry.cjs).
 *
 * It runs dist/bin/server.cjs, the whole CLI and server bundled into one CommonJS file, compiled with the
 * V8 code cache scripts/bundle.mjs wrote next to it (server.cjs.cache, taken at the end of a memory
 * `ferry serve` it ran): V8 then neither parses the ~700 kB bundle nor compiles the functions a start
 * runs (~15–20 ms of CPU per start on a 2-core VM, BENCHMARKS.md, issue 14). A cache V8 rejects
 * (another Node version, other V8 flags, a bundle rebuilt without it) only costs that parse: the source
 * is compiled as usual. Nothing is ever written at run time.
 *
 * The bundle is registered in require's cache under its own path, as `require()` would, so the chunks it
 * loads later (the SQLite and PostgreSQL engines, the other CLI commands: `require('./server.cjs')`) share
 * its module instance.
 */
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const SERVER = join(__dirname, 'server.cjs');

/**
 * Compile the bundle as CommonJS does (same wrapper arguments), with the code cache when given. The
 * shebang line becomes a comment, keeping line numbers. scripts/bundle.mjs makes the cache with this same
 * function: V8 accepts a cache only for the very same source text.
 */
function compile(file, cachedData) {
  const text = readFileSync(file, 'utf8');
  const source = text.startsWith('#!') ? `//${text.slice(2)}` : text;
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
}

function readCache(file) {
  try {
    return readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
}

function run(file) {
  const script = compile(file, readCache(file));
  const mod = new Module(file, module);
  mod.filename = file;
  require.cache[file] = mod;
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, __dirname);
  mod.loaded = true;
  return script;
}

if (require.main === module) {
  const script = run(SERVER);
  // Build time only (scripts/bundle.mjs): write the code cache of this run when the process exits, so it
  // also holds the functions a start compiled, not just the top level.
  const out = process.env.FERRY_CODE_CACHE_OUT;
  if (out) process.on('exit', () => require('node:fs').writeFileSync(out, script.createCachedData()));
} else module.exports = { SERVER, compile, readCache };
