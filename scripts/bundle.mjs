#!/usr/bin/env node
/* global fetch */
/**
 * The `ferry` command as one file: `node scripts/bundle.mjs [outDir]` (default dist; part of
 * `npm run build` and of scripts/test.mjs) bundles <outDir>/src/main.js, the output of tsc, with rolldown
 * into <outDir>/bin/server.cjs, and writes next to it
 *  - server.cjs.cache: V8's code cache of that file, taken at the end of one memory `ferry serve` run
 *    here, so a start neither parses the file nor compiles the functions it runs;
 *  - ferry.cjs (from scripts/bin.cjs): what package.json's `bin` and `npm start` run; it compiles
 *    server.cjs with the cache and runs it.
 *
 * Why: Node 20 has no compile cache, and loading ~150 small ES modules (plus pino's 24 CommonJS files)
 * one by one was most of a memory Ferry's start (BENCHMARKS.md, issue 14). One file is read and compiled
 * at once, and from the cache. CommonJS rather than an ES module: Node can only hand a code cache to a
 * script (vm.Script), and its ES module loader costs a few ms more to start.
 *
 * What stays out, loaded from node_modules as before and only when used: the native `better-sqlite3`,
 * `pg`, `yaml`, `pino-pretty` and `prom-client` (all lazily loaded by the server). The SQLite and
 * PostgreSQL engines and the other CLI commands, imported with `await import()`, become chunks of their
 * own next to server.cjs (`require`d when `--storage` or the command names them). The embedding API
 * (package.json `exports`) stays on the unbundled <outDir>/src.
 *
 * Modules find files relative to their own location (package.json, the console's built files in
 * <outDir>/console, the SQLite gauge worker, `createRequire`): each module's `import.meta.url` is
 * rewritten to the URL it has in <outDir>/src, so every such path resolves exactly as unbundled (the gauge
 * worker, a thread of its own, runs from <outDir>/src). Every chunk is written flat into <outDir>/bin,
 * which the rewrite assumes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
const srcDir = join(outDir, 'src');
const binDir = join(outDir, 'bin');

/** Loaded from node_modules at run time, never bundled. */
const EXTERNAL = ['better-sqlite3', 'pg', 'pino-pretty', 'prom-client', 'yaml'];

/** `import.meta.url` of a module of <outDir>/src → the URL that module has unbundled. */
const keepModuleUrls = {
  name: 'ferry-keep-module-urls',
  transform(code, id) {
    if (!id.startsWith(srcDir + sep) || !code.includes('import.meta.url')) return null;
    const rel = relative(binDir, id).split(sep).join('/');
    return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), map: null };
  },
};

rmSync(binDir, { recursive: true, force: true });
await build({
  input: { server: join(srcDir, 'main.js') },
  platform: 'node',
  external: (id) => id.startsWith('node:') || EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)),
  plugins: [keepModuleUrls],
  logLevel: 'warn',
  output: {
    dir: binDir,
    format: 'cjs',
    strict: true,
    // `import()` becomes `require()`: a vm.Script (bin.cjs) has no loader for import().
    dynamicImportInCjs: false,
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
  },
});
for (const f of readdirSync(binDir).filter((n) => n.endsWith('.cjs'))) {
  if (/\bimport\(/.test(readFileSync(join(binDir, f), 'utf8'))) throw new Error(`${f} still calls import(), which bin.cjs cannot run`);
}

copyFileSync(join(root, 'scripts/bin.cjs'), join(binDir, 'ferry.cjs'));
const { SERVER, compile } = createRequire(import.meta.url)(join(binDir, 'ferry.cjs'));
// The code cache: first of the compiled top level (always there), then, better, taken at the end of a
// memory `ferry serve --port 0` started and stopped once (it then also holds every function a start and
// a stop compiled). Both are made by this Node: another version rejects them (bin.cjs then compiles).
writeFileSync(`${SERVER}.cache`, compile(SERVER).createCachedData());
await trainingRun().catch((e) => process.stderr.write(`bundle: no code cache of a run (${e.message}); the one of the top level stays\n`));

async function trainingRun() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-bundle-'));
  const out = join(dataDir, 'server.cjs.cache');
  try {
    const args = [join(binDir, 'ferry.cjs'), 'serve', '--storage', 'memory', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { env: { ...process.env, FERRY_CODE_CACHE_OUT: out }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let seen = '';
    for await (const chunk of child.stdout) {
      seen += String(chunk);
      if (seen.includes('\n')) break;
    }
    if (!seen.startsWith('{"ferry":"listening"')) throw new Error(`unexpected first line ${JSON.stringify(seen)}`);
    // One request, as a harness's first (this also lets the process install its signal handlers, which
    // it does just after the ready line), then a graceful stop.
    const health = await fetch(`${JSON.parse(seen.split('\n')[0]).url}/health`);
    if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`ferry exited with ${code ?? signal}`);
    if (compile(SERVER, readFileSync(out)).cachedDataRejected) throw new Error('V8 rejects the cache of the run');
    renameSync(out, `${SERVER}.cache`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
