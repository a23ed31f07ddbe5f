/**
 * The `ferry` command users run is the bundle (package.json `bin` → dist/bin/ferry.cjs, made by
 * scripts/bundle.mjs: the CLI and server in one CommonJS file, compiled from a V8 code cache). Every
 * black-box test spawns it (test/helpers/process.ts); these check what bundling alone could break: the
 * code cache is one this Node accepts, and the files Ferry finds relative to its own modules (package.json,
 * the console's built files, prom-client, the SQLite engine chunk and its gauge worker thread) are found
 * from the bundle as from the compiled tree.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { makeClient, type SqsCaller } from '../helpers/clients.js';
import { MAIN, startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { scrape } from '../helpers/prometheus.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: { ferry: string } };

describe('the bundled ferry command', () => {
  it('is what package.json bin names, and this Node accepts its code cache', () => {
    assert.equal(MAIN.endsWith(pkg.bin.ferry.replace(/^dist\//, '')), true, MAIN);
    const loader = createRequire(import.meta.url)(MAIN) as {
      SERVER: string;
      compile(file: string, cachedData?: Buffer): { cachedDataRejected?: boolean };
      readCache(file: string): Buffer | undefined;
    };
    const cache = loader.readCache(loader.SERVER);
    assert.ok(cache !== undefined && cache.length > 0, `no code cache next to ${loader.SERVER}`);
    assert.equal(loader.compile(loader.SERVER, cache).cachedDataRejected, false);
    // A cache of other source is rejected, and the script still compiles (bin.cjs then runs it parsed).
    assert.equal(loader.compile(loader.SERVER, Buffer.from('not a code cache')).cachedDataRejected, true);
  });

  it('ferry version reads package.json from the bundle', () => {
    const r = spawnSync(process.execPath, [MAIN, 'version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${pkg.version}\n`);
  });

  it('--help after a subcommand prints its usage', () => {
    for (const args of [
      ['policy', 'check', '--help'],
      ['policy', '-h'],
      ['keys', 'list', '--help'],
      ['backup', '--help'],
    ]) {
      const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /^Usage: ferry /, args.join(' '));
    }
  });

  it('a one-shot command whose reader has gone ends quietly (`ferry help | head -1`), not with an EPIPE stack', async () => {
    // The pipe's read end is closed before the child has started Node, so its first write meets EPIPE.
    const child = spawn(process.execPath, [MAIN, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  describe('serve --storage sqlite', () => {
    let ferry: FerryProcess;
    let sqs: SqsCaller;
    before(async () => {
      ferry = await startFerryProcess({ storage: 'sqlite', args: ['--metrics-gauge-cache-ms', '0'] });
      sqs = makeClient('json', ferry.url);
    });
    after(async () => {
      sqs?.destroy();
      await ferry?.stop();
      ferry?.cleanup();
    });

    it('serves the console files, and /metrics with the gauges read by the SQLite gauge worker thread', async () => {
      const page = await fetch(`${ferry.url}/console/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await page.text(), /<html/i);

      const name = `bundle-${process.pid}`;
      const { QueueUrl } = await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
      await sqs.call('SendMessage', { QueueUrl, MessageBody: 'one' });
      const m = await scrape(`${ferry.url}/metrics`);
      assert.equal(m.value('ferry_queue_messages_visible', { account: '000000000000', queue: name }), 1, m.text);
      assert.ok(m.names().has('process_cpu_user_seconds_total'), 'prom-client default metrics'); // prom-client loaded from node_modules
      // The engine chunk requires the bundle back (`require('./server.cjs')`): it must get the running
      // instance, not evaluate the bundle again (which would start a second server).
      assert.equal(
        ferry
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{"ferry":"listening"')).length,
        1,
        ferry.output(),
      );
    });
  });
});
