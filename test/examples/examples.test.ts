/**
 * The files in examples/, run for real: the Node test-runner global setup (Ferry as a process found
 * through the installed package, --port 0 and --ready-file, reset between tests), the pytest fixture
 * (boto3, the --port 0 JSON line), the commented config file (loaded, and served), and the systemd unit
 * (`systemd-analyze verify` when present). Also the package's `exports` map, imported by name from a
 * project that has ferry-sqs in its node_modules, as an embedding test suite would.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { startFerry } from '../../src/index.js';
import { MAIN } from '../helpers/process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLES = join(ROOT, 'examples');
const inCI = process.env.CI === 'true';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A throwaway project: node_modules/ferry-sqs is this repository (as `npm install` would link it), plus the AWS SDK. */
function project(copyFrom?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-example-'));
  temps.push(dir);
  if (copyFrom !== undefined) cpSync(copyFrom, dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'ferry-sqs'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', '@aws-sdk'), join(dir, 'node_modules', '@aws-sdk'), 'dir');
  return dir;
}

/** Run a command to its end (asynchronously, so a hang hits the test's timeout rather than blocking). */
async function run(cmd: string, args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }) {
  const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, out };
}

describe('package exports', () => {
  it('every path of the exports map exists in the build', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
    const targets = Object.values(pkg.exports).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));
    assert.ok(targets.length >= 5);
    for (const t of targets) assert.ok(existsSync(join(ROOT, t)), `${t} is exported but missing (npm run build)`);
  });

  it('a project imports ferry-sqs and ferry-sqs/testkit by name; internals are not importable', { timeout: 60_000 }, async () => {
    const dir = project();
    const script = `
      import { startFerry, WaitForTimeout } from 'ferry-sqs';
      import { ferryAdmin, FerryAdminError } from 'ferry-sqs/testkit';
      const ferry = await startFerry({ storage: 'memory', port: 0, clock: 'manual', logLevel: 'silent' });
      const admin = ferryAdmin(ferry.url);
      const before = (await admin.clock()).epochMs;
      const after = (await admin.advanceClock(60)).epochMs;
      const reset = await admin.reset();
      let code;
      try { await admin.waitFor({ event: 'sent', timeoutMs: 0 }); } catch (e) { code = e instanceof FerryAdminError && e.code; }
      let deep;
      try { await import('ferry-sqs/dist/src/app.js'); } catch (e) { deep = e.code; }
      await ferry.close();
      console.log(JSON.stringify({ moved: after - before, reset, code, deep, timeoutClass: typeof WaitForTimeout }));
    `;
    writeFileSync(join(dir, 'check.mjs'), script);
    const r = await run(process.execPath, ['check.mjs'], { cwd: dir, timeoutMs: 50_000 });
    assert.equal(r.code, 0, r.out);
    const got = JSON.parse(r.out.trim().split('\n').pop()!) as Record<string, unknown>;
    assert.equal(got.moved, 60_000);
    assert.deepEqual((got.reset as { mode: string; queues: number }).mode, 'purge');
    assert.equal(got.code, 'WaitTimeout');
    assert.equal(got.deep, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
    assert.equal(got.timeoutClass, 'function');
  });

  it('a TypeScript project type-checks against the exported declarations (NodeNext resolution)', { timeout: 120_000 }, async () => {
    const dir = project();
    writeFileSync(
      join(dir, 'check.ts'),
      [
        "import { startFerry, type StartedFerry, type SpiedMessage } from 'ferry-sqs';",
        "import { ferryAdmin, type FerryAdmin, type ResetAnswer } from 'ferry-sqs/testkit';",
        'export async function f(): Promise<[number, ResetAnswer, SpiedMessage]> {',
        "  const ferry: StartedFerry<{ clock: 'manual' }> = await startFerry({ storage: 'memory', port: 0, clock: 'manual' });",
        '  ferry.clock.advance(1000); // ManualClock, from the manual clock option',
        '  const admin: FerryAdmin = ferryAdmin(ferry.url);',
        "  return [ferry.port, await admin.reset(), await admin.waitFor({ event: 'sent', queue: 'q' })];",
        '}',
        '',
      ].join('\n'),
    );
    const compilerOptions = {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      types: [],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['-p', 'tsconfig.json'];
    const r = await run(process.execPath, [tsc, ...args], { cwd: dir, timeoutMs: 110_000 });
    assert.equal(r.code, 0, r.out);
  });
});

describe('examples/node-test: global setup and teardown around node --test', () => {
  it('starts Ferry from the installed package, the tests pass against it, and it stops cleanly', { timeout: 120_000 }, async () => {
    const dir = project(join(EXAMPLES, 'node-test'));
    // Run as a user would: not as a child of this test runner (its NODE_TEST_CONTEXT would make the
    // example's `node --test` skip its files).
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = await run(process.execPath, ['run.mjs'], { cwd: dir, env, timeoutMs: 110_000 });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^# pass 3$/m, r.out);
    assert.match(r.out, /^# fail 0$/m, r.out);
  });
});

describe('examples/vitest: the same global setup as Vitest globalSetup', () => {
  it('vitest run starts Ferry, the tests pass against it, and it stops cleanly', { timeout: 120_000 }, async () => {
    // The example re-exports ../node-test/global-setup.mjs: keep the two side by side, as in the repository.
    const base = mkdtempSync(join(tmpdir(), 'ferry-vitest-'));
    temps.push(base);
    cpSync(join(EXAMPLES, 'node-test'), join(base, 'node-test'), { recursive: true });
    const dir = join(base, 'vitest');
    cpSync(join(EXAMPLES, 'vitest'), dir, { recursive: true });
    // The project's node_modules above both, as in a repository whose tests live in a subdirectory.
    mkdirSync(join(base, 'node_modules'));
    for (const pkg of ['vitest', '@aws-sdk']) symlinkSync(join(ROOT, 'node_modules', pkg), join(base, 'node_modules', pkg), 'dir');
    symlinkSync(ROOT, join(base, 'node_modules', 'ferry-sqs'), 'dir');
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1' };
    delete env.NODE_TEST_CONTEXT;
    const vitest = join(base, 'node_modules', 'vitest', 'vitest.mjs');
    const r = await run(process.execPath, [vitest, 'run'], { cwd: dir, env, timeoutMs: 110_000 });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Tests\s+3 passed \(3\)/, r.out);
    // The global teardown stopped Ferry: its ready file (under the setup's temporary directory) is gone.
    assert.doesNotMatch(r.out, /exited with code/, r.out);
  });
});

/** The pythons with boto3 and pytest, with their boto3 version: the PATH one, and Debian's (python3-boto3 python3-pytest). */
function pythonsWithPytest(): { bin: string; label: string }[] {
  const found: { bin: string; label: string; exe: string }[] = [];
  for (const bin of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(bin, ['-c', 'import sys, boto3, pytest; print(sys.executable, boto3.__version__)'], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const [exe = bin, version = '?'] = r.stdout.trim().split(' ');
    if (!found.some((f) => f.exe === exe)) found.push({ bin, exe, label: `${bin}, boto3 ${version}` });
  }
  return found;
}

describe('examples/pytest: a session fixture running ferry serve --port 0', () => {
  const pythons = pythonsWithPytest();
  if (pythons.length === 0) {
    const missing = 'no python3 with boto3 and pytest (apt-get install python3-boto3 python3-pytest)';
    it('the pytest tests pass against Ferry', inCI ? {} : { skip: missing }, () => assert.fail(missing));
  }
  // Both when present: a JSON-protocol boto3 (PATH) and Debian's Query-protocol one (1.26).
  for (const python of pythons) {
    it(`the pytest tests pass against Ferry (${python.label})`, { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ferry-pytest-'));
      temps.push(dir);
      cpSync(join(EXAMPLES, 'pytest'), dir, { recursive: true });
      const env = { ...process.env, FERRY_COMMAND: `${process.execPath} ${MAIN}`, PYTHONDONTWRITEBYTECODE: '1' };
      const r = await run(python.bin, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: dir, env, timeoutMs: 110_000 });
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /\b4 passed\b/, r.out);
    });
  }
});

describe('examples/ferry.yaml', () => {
  const file = join(EXAMPLES, 'ferry.yaml');

  it('the config loader accepts it', () => {
    const c = loadConfig({ flags: { configFile: file } });
    assert.equal(c.storage, 'sqlite');
    assert.equal(c.dataDir, '/var/lib/ferry');
    assert.equal(c.auth, 'off');
    assert.deepEqual(Object.keys(c.queues ?? {}).sort(), ['invoices.fifo', 'orders', 'orders-dlq']);
  });

  it('a server started with it declares its queues with their attributes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-yaml-'));
    temps.push(dataDir);
    const ferry = await startFerry({ configFile: file, storage: 'memory', dataDir, port: 0, logLevel: 'silent' });
    try {
      const names = (await ferry.engine.queueList()).map((q) => q.name).sort();
      assert.deepEqual(names, ['invoices.fifo', 'orders', 'orders-dlq']);
      const orders = (await ferry.engine.queueList()).find((q) => q.name === 'orders')!;
      assert.match(JSON.stringify(orders), /orders-dlq/); // the RedrivePolicy names the DLQ
    } finally {
      await ferry.close();
    }
  });
});

describe('examples/ferry.service', () => {
  const unit = readFileSync(join(EXAMPLES, 'ferry.service'), 'utf8');
  const keys = new Map<string, string[]>();
  let section = '';
  for (const line of unit.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const s = /^\[(\w+)\]$/.exec(t);
    if (s) {
      section = s[1]!;
      continue;
    }
    const eq = t.indexOf('=');
    assert.ok(eq > 0, `not a key=value line: ${t}`);
    const k = `${section}.${t.slice(0, eq)}`;
    keys.set(k, [...(keys.get(k) ?? []), t.slice(eq + 1)]);
  }

  it('runs ferry serve with the example config, stops it with SIGTERM, and does not loop on a bad config', () => {
    assert.match(keys.get('Service.ExecStart')![0]!, /^\/\S+\/ferry serve --config \/etc\/ferry\/ferry\.yaml$/);
    assert.deepEqual(keys.get('Service.KillSignal'), ['SIGTERM']);
    assert.deepEqual(keys.get('Service.RestartPreventExitStatus'), ['2']); // ferry's exit code for a bad config
    assert.deepEqual(keys.get('Service.StateDirectory'), ['ferry']); // /var/lib/ferry, ferry.yaml's dataDir
    assert.match(readFileSync(join(EXAMPLES, 'ferry.yaml'), 'utf8'), /^dataDir: \/var\/lib\/ferry$/m);
    assert.deepEqual(keys.get('Install.WantedBy'), ['multi-user.target']);
  });

  const analyze = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).stdout.trim();
  it('systemd-analyze verify finds nothing to report', { skip: analyze === '' ? 'systemd-analyze not installed' : false }, () => {
    // verify checks that ExecStart's program exists: point it at this build's CLI.
    const dir = mkdtempSync(join(tmpdir(), 'ferry-unit-'));
    temps.push(dir);
    const path = join(dir, 'ferry.service');
    writeFileSync(path, unit.replace(/^ExecStart=\S+ /m, `ExecStart=${process.execPath} ${MAIN} `));
    const r = spawnSync(analyze, ['verify', path], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', r.stderr); // unknown keys are only warnings: none allowed
  });
});
