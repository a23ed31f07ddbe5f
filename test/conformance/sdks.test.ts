/**
 * AWS SDKs beyond the JavaScript ones and boto3, each through a whole SQS workflow against a real
 * `ferry serve` process (one per engine) started with `--auth sigv4`, so each SDK's request signing and
 * its reading of Ferry's answers (Query protocol: XML, errors, MD5s) are checked too:
 *  - aws-sdk-go v1 1.44 (Debian's golang-github-aws-aws-sdk-go-dev): test/clients/go_sdk_v1;
 *  - aws-sdk-go-v2 1.17 with service/sqs 1.19 (golang-github-aws-aws-sdk-go-v2-dev; this version speaks
 *    the Query protocol): test/clients/go_sdk_v2;
 *  - the AWS SDK for Ruby v1 1.67 (ruby-aws-sdk, AWS::SQS): test/clients/ruby_sdk_v1.rb;
 *  - async-aws/sqs 1.7's SqsClient (php-async-aws-sqs): test/clients/async_aws_sqs.php;
 *  - boto 2.49 (python3-boto, boto.sqs on Debian's /usr/bin/python3; it signs SQS requests with SigV4):
 *    test/clients/boto2_workflow.py.
 * (The JavaScript SDK v3 in its last Query-protocol release runs in-process: sdk-js-query.test.ts.)
 * Each program runs the workflow itself — queues of each kind with a dead-letter queue, attributes,
 * tags, permissions and policies, listing with pagination, messages with attributes of every type and
 * their MD5s (the SDKs verify the bodies'; the programs the attributes'), delays and long polls,
 * batches with a partial failure, visibility, purge, FIFO order and deduplication, maxReceiveCount,
 * the errors each SDK parses (code, HTTP status, its exception type) and requests refused by SigV4
 * — as far as each SDK's API goes, and prints "FAIL …" for every check that fails, then "OK <n>".
 * The expected values are AWS's: its API reference, botocore's model and LocalStack's AWS-validated
 * snapshots (tests/aws/services/sqs/test_sqs.snapshot.json).
 *
 * The Go programs are compiled once per run (GOPATH mode over Debian's /usr/share/gocode, no network)
 * into a temp dir that also holds Go's build cache (about 7 s of compiling, both in parallel). The Debian packages are
 * installed by .ci/run. In CI every SDK must be present; elsewhere a missing one is reported as a skip
 * that names what to install.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TEST_CREDENTIALS } from '../helpers/clients.js';
import { ENGINES } from '../helpers/matrix.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const CLIENTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/clients');
const inCI = process.env.CI === 'true';
const GOPATH = '/usr/share/gocode';
/** Debian's python3, where python3-boto installs boto 2 (not the pyenv python3 on PATH). */
const PYTHON = '/usr/bin/python3';

/** The environment of the client programs: no AWS_* variable of the caller's can steer an SDK elsewhere. */
const clientEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));

/** Go in GOPATH mode over Debian's packaged sources, offline, with its build cache in `cacheDir`. */
const goEnv = (cacheDir: string): NodeJS.ProcessEnv => ({
  ...clientEnv(),
  GO111MODULE: 'off',
  GOPATH,
  GOFLAGS: '',
  GOPROXY: 'off',
  GOCACHE: cacheDir,
});

function goMissing(pkg: string, dir: string, debian: string): string | undefined {
  const install = `apt-get install --no-install-recommends golang-go ${debian}`;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error) return `go not found (${install})`;
  return existsSync(join(GOPATH, 'src', dir)) ? undefined : `${pkg} missing: no ${join(GOPATH, 'src', dir)} (${install})`;
}

function rubyMissing(): string | undefined {
  const install = 'apt-get install --no-install-recommends ruby ruby-aws-sdk';
  const r = spawnSync('ruby', ['-e', "require 'aws-sdk'; AWS::SQS::Client"], { encoding: 'utf8' });
  if (r.error) return `ruby not found (${install})`;
  return r.status === 0 ? undefined : `the AWS SDK for Ruby v1 missing (${install}): ${r.stderr.trim().split('\n')[0]}`;
}

function boto2Missing(): string | undefined {
  const install = 'apt-get install --no-install-recommends python3-boto';
  const r = spawnSync(PYTHON, ['-c', 'import boto.sqs.connection'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found (${install})`;
  return r.status === 0 ? undefined : `boto 2 missing (${install}): ${r.stderr.trim().split('\n').pop() ?? ''}`;
}

function phpMissing(): string | undefined {
  const install = 'apt-get install --no-install-recommends php-cli php-async-aws-sqs';
  const r = spawnSync('php', ['-r', 'require "AsyncAws/Sqs/autoload.php"; new AsyncAws\\Sqs\\SqsClient();'], { encoding: 'utf8' });
  if (r.error) return `php not found (${install})`;
  return r.status === 0 ? undefined : `async-aws/sqs missing (${install}): ${r.stderr.trim().split('\n')[0]}`;
}

const goV1 = goMissing('aws-sdk-go v1', 'github.com/aws/aws-sdk-go/service/sqs', 'golang-github-aws-aws-sdk-go-dev');
const goV2 = goMissing('aws-sdk-go-v2', 'github.com/aws/aws-sdk-go-v2/service/sqs', 'golang-github-aws-aws-sdk-go-v2-dev');
const ruby = rubyMissing();
const php = phpMissing();
const boto2 = boto2Missing();

/** A skip outside CI; in CI the test runs and its first assertion fails with the reason. */
const skipUnlessCI = (missing: string | undefined) => (missing && !inCI ? { skip: missing } : {});

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** Run to the end (both output streams collected), killed (SIGKILL) after `timeoutMs`. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, cwd?: string): Promise<Finished> {
  return new Promise((res, rej) => {
    const proc = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, out });
    });
  });
}

/** A workflow program's run: exit 0 and a last line "OK <checks>" (at least `minChecks`). */
function assertPassed(r: Finished, minChecks: number): void {
  assert.equal(r.code, 0, `exit ${r.code ?? r.signal}:\n${r.out}`);
  const ok = /^OK (\d+)$/m.exec(r.out);
  assert.ok(ok, r.out);
  assert.ok(Number(ok[1]) >= minChecks, `only ${ok[1]} checks ran:\n${r.out}`);
}

describe('AWS SDKs (Go v1 and v2, Ruby v1, async-aws PHP, boto 2)', () => {
  let binDir: string;
  /** Compiled Go programs by directory name, or the compiler's output when the build failed. */
  const built = new Map<string, { bin?: string; error?: string }>();

  before(async () => {
    binDir = mkdtempSync(join(tmpdir(), 'ferry-sdks-'));
    const cacheDir = join(binDir, 'gocache');
    mkdirSync(cacheDir);
    const builds: Array<[string, string | undefined]> = [
      ['go_sdk_v1', goV1],
      ['go_sdk_v2', goV2],
    ];
    await Promise.all(
      builds
        .filter(([, missing]) => missing === undefined)
        .map(async ([dir]) => {
          const bin = join(binDir, dir);
          const r = await run('go', ['build', '-o', bin, '.'], goEnv(cacheDir), 180_000, join(CLIENTS_DIR, dir));
          built.set(dir, r.code === 0 ? { bin } : { error: `go build ${dir} failed (${r.code ?? r.signal}):\n${r.out}` });
        }),
    );
  });
  after(() => {
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  for (const engine of ENGINES) {
    // The five programs run side by side (each on its own queues): they mostly wait on long polls,
    // delays and visibility timeouts.
    describe(`[${engine}]`, { concurrency: true }, () => {
      let ferry: FerryProcess;
      let n = 0;
      const prefix = (sdk: string) => `${sdk}-${engine}-${process.pid}-${++n}`;

      before(async () => {
        ferry = await startFerryProcess({
          storage: engine,
          args: ['--skip-cooldowns', '--auth', 'sigv4', '--access-key-id', TEST_CREDENTIALS.accessKeyId],
          env: { FERRY_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey },
        });
      });
      after(async () => {
        await ferry?.stop();
        ferry?.cleanup();
      });

      const credentials = () => [TEST_CREDENTIALS.accessKeyId, TEST_CREDENTIALS.secretAccessKey];

      for (const [dir, title, missing, minChecks] of [
        ['go_sdk_v1', 'aws-sdk-go v1 (Query): a whole workflow, presigned URLs included', goV1, 90],
        ['go_sdk_v2', 'aws-sdk-go-v2 (Query): a whole workflow', goV2, 85],
      ] as const) {
        it(title, { ...skipUnlessCI(missing), timeout: 120_000 }, async () => {
          assert.equal(missing, undefined, missing);
          const b = built.get(dir);
          assert.ok(b?.bin, b?.error ?? `${dir} was not built`);
          assertPassed(await run(b.bin, [ferry.url, prefix(dir), ...credentials()], clientEnv(), 60_000), minChecks);
        });
      }

      it('AWS SDK for Ruby v1 (AWS::SQS, Query): a whole workflow', { ...skipUnlessCI(ruby), timeout: 90_000 }, async () => {
        assert.equal(ruby, undefined, ruby);
        const args = [join(CLIENTS_DIR, 'ruby_sdk_v1.rb'), '127.0.0.1', String(ferry.port), prefix('rb'), ...credentials()];
        assertPassed(await run('ruby', args, clientEnv(), 60_000), 60);
      });

      it('async-aws/sqs SqsClient (PHP, Query): a whole workflow', { ...skipUnlessCI(php), timeout: 90_000 }, async () => {
        assert.equal(php, undefined, php);
        const args = [join(CLIENTS_DIR, 'async_aws_sqs.php'), ferry.url, prefix('php'), ...credentials()];
        assertPassed(await run('php', args, clientEnv(), 60_000), 70);
      });

      it('boto 2 (boto.sqs, Query, SigV4): a whole workflow', { ...skipUnlessCI(boto2), timeout: 90_000 }, async () => {
        assert.equal(boto2, undefined, boto2);
        const args = [join(CLIENTS_DIR, 'boto2_workflow.py'), ferry.url, prefix('boto2'), ...credentials()];
        assertPassed(await run(PYTHON, args, clientEnv(), 60_000), 80);
      });
    });
  }
});
