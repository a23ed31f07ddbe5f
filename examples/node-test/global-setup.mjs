/**
 * One Ferry for a whole test run: a global setup that starts `ferry serve` as a process on a free port
 * and hands its address to the tests through the environment, and a teardown that stops it with SIGTERM.
 *
 * After setup, the tests' AWS SDK clients need no configuration at all: AWS_ENDPOINT_URL_SQS (read by
 * the JavaScript SDK v3, boto3 and the other current AWS SDKs; the AWS CLI v1 ignores it for SQS and needs
 * --endpoint-url), the region and a dummy key point them at Ferry. FERRY_URL is the same address for
 * `ferryAdmin` (ferry-sqs/testkit): reset between tests, move the clock, wait for message events.
 *
 * How it starts Ferry, for harnesses in any language:
 *   --port 0           a free port, so parallel runs never collide;
 *   --ready-file F     Ferry writes its URL to F (atomically) once it listens, and removes F at shutdown;
 *                      (or read the first stdout line: {"ferry":"listening","url":…} — see ../pytest);
 *   --storage memory   nothing on disk, nothing left behind;
 *   --clock manual     time stands still until a test advances it (visibility, delays, retention, dedup);
 *   --skip-cooldowns   a queue deleted by a reset can be created again at once, and PurgeQueue may be
 *                      called again within 60 s (AWS makes both wait 60 s).
 *
 * run.mjs calls these two functions around `node --test` (Node 20 and 22). Node ≥ 24 can load this file
 * itself: `node --test --test-global-setup=global-setup.mjs`. The same pair fits a Vitest `globalSetup`
 * file (export them as `setup`/`teardown`) or Jest's `globalSetup`/`globalTeardown` modules; Ferry's own
 * tests run it through run.mjs only.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

let ferry;
let dir;

/** The `ferry` command of the installed package (node_modules/ferry-sqs), or FERRY_BIN. */
function ferryBin() {
  if (process.env.FERRY_BIN) return process.env.FERRY_BIN;
  const pkgPath = createRequire(import.meta.url).resolve('ferry-sqs/package.json');
  return join(dirname(pkgPath), JSON.parse(readFileSync(pkgPath, 'utf8')).bin.ferry);
}

export async function globalSetup() {
  dir = mkdtempSync(join(tmpdir(), 'ferry-tests-'));
  const readyFile = join(dir, 'ferry.url');
  const args = ['serve', '--storage', 'memory', '--port', '0', '--ready-file', readyFile];
  args.push('--clock', 'manual', '--skip-cooldowns', '--log-level', 'warn');
  ferry = spawn(process.execPath, [ferryBin(), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = false;
  ferry.once('exit', () => (exited = true));

  const deadline = Date.now() + 15_000;
  while (!existsSync(readyFile)) {
    if (exited) throw new Error(`ferry exited with code ${ferry.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error('ferry was not ready within 15 s');
    await sleep(10);
  }
  const url = readFileSync(readyFile, 'utf8').trim();

  process.env.FERRY_URL = url;
  process.env.AWS_ENDPOINT_URL_SQS = url;
  process.env.AWS_REGION = 'us-east-1'; // the JavaScript SDK v3 reads this one…
  process.env.AWS_DEFAULT_REGION = 'us-east-1'; // …boto3 and the AWS CLI this one
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
}

export async function globalTeardown() {
  if (ferry && ferry.exitCode === null && ferry.signalCode === null) {
    const exit = once(ferry, 'exit');
    ferry.kill('SIGTERM'); // graceful: answers waiting long polls, finishes requests, exits 0
    const [code] = await exit;
    if (code !== 0) throw new Error(`ferry exited with code ${code} on SIGTERM`);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
