/**
 * boto3 through a short fuzz of parameter values (test/clients/boto3_fuzz.py): client-side validation
 * off, so wrong types, out-of-range numbers, huge, empty and odd strings reach Ferry as boto3 serializes
 * them — in the JSON protocol (pyenv boto3 1.4x) and the Query protocol (Debian's python3-boto3 1.26).
 * Every call gets a success or a 4xx SQS error with a code; never a 5xx, a dropped connection or a
 * timeout; the queue stays usable. FERRY_PYFUZZ_SECONDS (default 5) and FERRY_PYFUZZ_SEED.
 * In CI both interpreters must be present; elsewhere a missing one is a skip naming what to install.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/clients/boto3_fuzz.py');

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const PYTHONS = [
  { label: 'boto3 JSON (PATH python3)', bin: which('python3') ?? 'python3' },
  { label: 'boto3 Query (Debian python3-boto3)', bin: '/usr/bin/python3' },
];

function missing(bin: string): string | undefined {
  if (!existsSync(bin)) return `${bin} not found (apt-get install python3-boto3)`;
  if (spawnSync(bin, ['-c', 'import boto3'], { encoding: 'utf8' }).status !== 0) return `boto3 missing for ${bin}`;
  return undefined;
}

describe('boto3 parameter fuzz [black-box]', () => {
  let f: FerryProcess;
  before(async () => {
    f = await startFerryProcess({ storage: 'sqlite', args: ['--skip-cooldowns'] });
  });
  after(async () => {
    await f.stop();
    f.cleanup();
  });
  for (const p of PYTHONS) {
    const why = missing(p.bin);
    it(
      `${p.label}: every generated call gets a success or a 4xx SQS error`,
      { skip: why && process.env.CI !== 'true' ? why : undefined, timeout: 90_000 },
      () => {
        assert.equal(why, undefined, why);
        const seed = process.env.FERRY_PYFUZZ_SEED ?? String(Date.now() % 1_000_000);
        const seconds = process.env.FERRY_PYFUZZ_SECONDS ?? '5';
        const r = spawnSync(p.bin, [SCRIPT, f.url, seed, seconds], { encoding: 'utf8', timeout: 80_000 });
        assert.equal(r.status, 0, `seed ${seed}:\n${r.stdout}\n${r.stderr.slice(-2000)}`);
        const m = /^OK (\d+) (\d+) (\d+)/m.exec(r.stdout);
        assert.ok(m, r.stdout);
        assert.ok(Number(m[1]) > 50, `only ${m[1]} calls sent`);
        assert.ok(Number(m[2]) > 0, 'no call was refused: the values were not hostile');
        assert.equal(f.proc.exitCode, null, 'the process exited');
      },
    );
  }
});
