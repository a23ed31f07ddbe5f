/**
 * The OverLimit in-flight check over HTTP (BENCHMARKS.md, issue 12): `ferry serve --storage sqlite`,
 * one standard queue filled with N in-flight messages (SendMessageBatch, then ReceiveMessage with a
 * 12 h visibility timeout), then sequential short-poll ReceiveMessage calls (WaitTimeSeconds 0, the
 * boto3 / AWS CLI default) on it. Reports wall µs and the server process's CPU µs (/proc) per receive.
 *
 *   node dist/bench/inflight-http.js <ferry.cjs> [N,N,…] [receives]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { SqsClient } from './client.js';

/** utime + stime of a process, in µs. */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks (USER_HZ 100)
}

async function main(): Promise<void> {
  const bin = resolve(process.argv[2] ?? 'dist/bin/ferry.cjs');
  const ns = (process.argv[3] ?? '1000,10000,100000').split(',').map(Number);
  const receives = Number(process.argv[4] ?? 2000);
  for (const n of ns) {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-inflight-http-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [bin, 'serve', '--storage', 'sqlite', '--port', String(port), '--data-dir', dir, '--log-level', 'warn'], {
      env: { ...process.env, FERRY_AUTH: 'off' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    const client = new SqsClient(url, { connections: 16 });
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${url}/health`)).ok) break;
        } catch {
          // not listening yet
        }
        if (i > 200) throw new Error('ferry did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const { QueueUrl } = await client.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'deep' });
      for (let sent = 0; sent < n;) {
        const round: Promise<unknown>[] = [];
        for (let k = 0; k < 16 && sent < n; k++) {
          const entries = Array.from({ length: Math.min(10, n - sent) }, (_, j) => ({ Id: `m${j}`, MessageBody: `{"i":${sent + j}}` }));
          sent += entries.length;
          round.push(client.call('SendMessageBatch', { QueueUrl, Entries: entries }));
        }
        await Promise.all(round);
      }
      let inflight = 0;
      while (inflight < n) {
        const got = await Promise.all(
          Array.from({ length: 16 }, () =>
            client.call<{ Messages?: unknown[] }>('ReceiveMessage', {
              QueueUrl,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 43_200,
              WaitTimeSeconds: 0,
            }),
          ),
        );
        const k = got.reduce((s, r) => s + (r.Messages?.length ?? 0), 0);
        if (k === 0) break;
        inflight += k;
      }
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 100; i++) await client.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
        const c0 = cpuUs(child.pid!);
        const t0 = performance.now();
        for (let i = 0; i < receives; i++) {
          const r = await client.call<{ Messages?: unknown[] }>('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
          if ((r.Messages?.length ?? 0) !== 0) throw new Error('a receive got a message: the queue was not all in flight');
        }
        const wall = performance.now() - t0;
        const cpu = cpuUs(child.pid!) - c0;
        process.stdout.write(
          JSON.stringify({
            bin,
            n,
            inflight,
            round,
            receives,
            wallUsPerReceive: +((wall * 1000) / receives).toFixed(1),
            serverCpuUsPerReceive: +(cpu / receives).toFixed(1),
          }) + '\n',
        );
      }
    } finally {
      await client.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
