/**
 * An external measure of the server's event-loop delay: in its own worker thread (so the harness's busy
 * main loop does not add to it), issue GET /health one at a time every `intervalMs` on one keep-alive
 * connection and record each round trip. On a stop message, post back the samples (ms).
 *
 * The round trip of a trivial request is an upper bound of the server's event-loop delay: it adds the
 * loopback round trip (~0.1 ms) and the server's /health handler to any time the loop was blocked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'undici';

const { url, intervalMs } = workerData as { url: string; intervalMs: number };
const client = new Client(url, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 60_000 });
const samples: number[] = [];
let errors = 0;
let stop = false;

parentPort!.on('message', (m: unknown) => {
  if (m === 'stop') stop = true;
});

while (!stop) {
  const t = performance.now();
  try {
    const r = await client.request({ path: '/health', method: 'GET' });
    await r.body.text();
    samples.push(performance.now() - t);
  } catch {
    errors++;
  }
  const wait = intervalMs - (performance.now() - t);
  if (wait > 0) await new Promise((w) => setTimeout(w, wait));
}
await client.close().catch(() => undefined);
parentPort!.postMessage({ samples, errors });
