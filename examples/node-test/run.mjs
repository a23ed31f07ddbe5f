/**
 * `node run.mjs`: the global setup, every *.test.mjs here under `node --test`, then the teardown — for
 * Node 20 and 22, whose test runner has no global-setup option. The exit code is the tests'.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globalSetup, globalTeardown } from './global-setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs'));

await globalSetup();
try {
  const tests = spawn(process.execPath, ['--test', ...files], { cwd: here, stdio: 'inherit' });
  const [code] = await once(tests, 'exit');
  process.exitCode = code ?? 1;
} finally {
  await globalTeardown();
}
