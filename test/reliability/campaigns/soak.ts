/**
 * Soak (issue 13 §5): mixed load against a real `ferry serve` for minutes to hours, sampling the
 * server's RSS (/proc) and its event-loop delay (its own /metrics: prom-client's
 * nodejs_eventloop_lag_p99_seconds, the p99 since the previous scrape) every `sampleMs`, and failing if
 * either trends up. `npm run soak -- --minutes N` (scripts/soak.mjs; not in CI) and the campaign's
 * "soak-lite" step run it.
 *
 * The load, paced so a shared machine is not saturated (the point is time, not peak rate): producers
 * alternate SendMessage and SendMessageBatch (bodies 100 B – 64 KiB) on a standard and a FIFO queue,
 * over both protocols; consumers long-poll (1–5 s), delete most of what they get in batches, and hand
 * some back (ChangeMessageVisibility 0), so messages are received again; a queue is created and deleted
 * now and then; ListQueues and GetQueueAttributes are read.
 *
 * The criterion (samples of the first quarter are warm-up and not judged): RSS trends up when the
 * median of the last quarter exceeds the median of the second quarter by more than
 * max(32 MiB, 20 %); event-loop delay trends up when the last quarter's median p99 exceeds twice the
 * second quarter's plus 10 ms. Any answer that is not a success (or a retryable 5xx/throttle) fails it
 * too, and so does a backlog that grows without bound (the consumers must keep up).
 */
import { readFileSync } from 'node:fs';

import { parsePrometheus } from '../../helpers/prometheus.js';
import { startFerryProcess } from '../../helpers/process.js';

export interface SoakSample {
  /** Seconds since the load started. */
  t: number;
  rssMiB: number;
  /** Event-loop delay p99 over the interval, ms. */
  lagP99Ms: number;
  /** Calls completed in the interval. */
  calls: number;
  /** Messages visible + in flight at the sample. */
  backlog: number;
}

export interface SoakResult {
  minutes: number;
  samples: SoakSample[];
  calls: number;
  sends: number;
  deletes: number;
  errors: string[];
  /** Medians of the second and last quarters. */
  rss: { q2: number; q4: number; ok: boolean };
  lag: { q2: number; q4: number; ok: boolean };
  backlogOk: boolean;
  ok: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The criterion above, over samples in time order. */
export function judgeTrend(samples: SoakSample[]): Pick<SoakResult, 'rss' | 'lag' | 'backlogOk'> {
  const n = samples.length;
  const q = Math.floor(n / 4);
  const q2 = samples.slice(q, 2 * q);
  const q4 = samples.slice(n - q);
  const rss = { q2: median(q2.map((s) => s.rssMiB)), q4: median(q4.map((s) => s.rssMiB)), ok: false };
  rss.ok = rss.q4 - rss.q2 <= Math.max(32, rss.q2 * 0.2);
  const lag = { q2: median(q2.map((s) => s.lagP99Ms)), q4: median(q4.map((s) => s.lagP99Ms)), ok: false };
  lag.ok = lag.q4 <= 2 * lag.q2 + 10;
  // The consumers keep up: the backlog at the end is not above the largest of the first half plus a margin.
  const firstHalfMax = Math.max(0, ...samples.slice(0, Math.ceil(n / 2)).map((s) => s.backlog));
  const backlogOk = (samples.at(-1)?.backlog ?? 0) <= firstHalfMax * 2 + 2000;
  return { rss, lag, backlogOk };
}

type Protocol = 'json' | 'query';

async function sqs(base: string, protocol: Protocol, action: string, input: Record<string, unknown>): Promise<{ status: number; body: string }> {
  const init: RequestInit =
    protocol === 'json'
      ? {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${action}` },
          body: JSON.stringify(input),
        }
      : { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: queryForm(action, input) };
  const r = await fetch(base, init);
  return { status: r.status, body: await r.text() };
}

/** The Query form of the few shapes the soak uses (flat members, and Entries lists). */
function queryForm(action: string, input: Record<string, unknown>): URLSearchParams {
  const p = new URLSearchParams({ Action: action, Version: '2012-11-05' });
  const entryName = action === 'SendMessageBatch' ? 'SendMessageBatchRequestEntry' : 'DeleteMessageBatchRequestEntry';
  for (const [k, v] of Object.entries(input)) {
    if (k === 'Entries') {
      (v as Array<Record<string, string>>).forEach((e, i) => {
        for (const [ek, ev] of Object.entries(e)) p.set(`${entryName}.${i + 1}.${ek}`, ev);
      });
    } else p.set(k, String(v));
  }
  return p;
}

interface Got {
  body: string;
  handle: string;
}

function messagesOf(protocol: Protocol, text: string): Got[] {
  if (protocol === 'json') {
    const j = JSON.parse(text) as { Messages?: Array<{ Body: string; ReceiptHandle: string }> };
    return (j.Messages ?? []).map((m) => ({ body: m.Body, handle: m.ReceiptHandle }));
  }
  return [...text.matchAll(/<ReceiptHandle>([^<]*)<\/ReceiptHandle>/g)].map((m) => ({ body: '', handle: m[1]! }));
}

export async function runSoak(o: {
  minutes: number;
  sampleMs?: number;
  storage?: 'sqlite' | 'memory';
  log?: (line: string) => void;
}): Promise<SoakResult> {
  const sampleMs = o.sampleMs ?? 10_000;
  const f = await startFerryProcess({ storage: o.storage ?? 'sqlite', args: ['--log-level', 'warn', '--skip-cooldowns'] });
  const errors: string[] = [];
  let calls = 0;
  let sends = 0;
  let deletes = 0;
  let stop = false;
  const call = async (protocol: Protocol, action: string, input: Record<string, unknown>): Promise<string | undefined> => {
    try {
      const r = await sqs(f.url, protocol, action, input);
      calls++;
      if (r.status === 200) return r.body;
      // Retryable answers (the SDKs retry these) are tolerated; anything else is a failure.
      if (r.status !== 503 && !/RequestThrottled|ThrottlingException/.test(r.body))
        errors.push(`${protocol} ${action}: ${r.status} ${r.body.slice(0, 200)}`);
    } catch (e) {
      errors.push(`${protocol} ${action}: ${(e as Error).message}`);
    }
    return undefined;
  };
  try {
    const std = JSON.parse((await sqs(f.url, 'json', 'CreateQueue', { QueueName: 'soak' })).body).QueueUrl as string;
    const fifo = JSON.parse(
      (await sqs(f.url, 'json', 'CreateQueue', { QueueName: 'soak.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))
        .body,
    ).QueueUrl as string;
    let seq = 0;
    const body = () => `${++seq}-` + 'b'.repeat(100 + Math.floor(Math.random() ** 3 * 64 * 1024));

    const producer = async (w: number): Promise<void> => {
      const protocol: Protocol = w % 2 ? 'query' : 'json';
      for (let k = 0; !stop; k++) {
        const isFifo = k % 4 === 3;
        const q = isFifo ? fifo : std;
        const extra = isFifo ? { MessageGroupId: `g${k % 8}` } : {};
        if (k % 2 === 0) {
          if (await call(protocol, 'SendMessage', { QueueUrl: q, MessageBody: body(), ...extra })) sends++;
        } else {
          const Entries = Array.from({ length: 5 }, (_, i) => ({ Id: `e${i}`, MessageBody: body(), ...extra }));
          if (await call(protocol, 'SendMessageBatch', { QueueUrl: q, Entries })) sends += 5;
        }
        await sleep(40);
      }
    };
    const consumer = async (w: number): Promise<void> => {
      const protocol: Protocol = w % 2 ? 'json' : 'query';
      for (let k = 0; !stop; k++) {
        const q = k % 4 === 3 ? fifo : std;
        const text = await call(protocol, 'ReceiveMessage', { QueueUrl: q, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 + (k % 5) });
        if (text === undefined) {
          await sleep(200);
          continue;
        }
        const got = messagesOf(protocol, text);
        // One in ten goes back (received again later), the rest are deleted in one batch.
        const back = got.filter((_, i) => (k + i) % 10 === 0);
        const del = got.filter((_, i) => (k + i) % 10 !== 0);
        for (const m of back) await call(protocol, 'ChangeMessageVisibility', { QueueUrl: q, ReceiptHandle: m.handle, VisibilityTimeout: 0 });
        if (
          del.length > 0 &&
          (await call(protocol, 'DeleteMessageBatch', { QueueUrl: q, Entries: del.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.handle })) }))
        )
          deletes += del.length;
      }
    };
    const admin = async (): Promise<void> => {
      for (let k = 0; !stop; k++) {
        const name = `soak-tmp-${k}`;
        const made = await call('json', 'CreateQueue', { QueueName: name });
        if (made) await call('query', 'DeleteQueue', { QueueUrl: (JSON.parse(made) as { QueueUrl: string }).QueueUrl });
        await call('query', 'ListQueues', {});
        await call('json', 'GetQueueAttributes', { QueueUrl: std, AttributeNames: ['All'] });
        await sleep(1000);
      }
    };

    const started = performance.now();
    const workers = [0, 1, 2, 3].map(producer).concat([0, 1, 2, 3, 4, 5].map(consumer), [admin()]);
    const samples: SoakSample[] = [];
    const end = started + o.minutes * 60_000;
    let lastCalls = 0;
    await scrapeLag(f.url); // resets the histogram: the first interval starts now
    while (performance.now() < end) {
      await sleep(Math.min(sampleMs, Math.max(0, end - performance.now())));
      const m = await scrapeLag(f.url);
      const s: SoakSample = {
        t: Math.round((performance.now() - started) / 1000),
        rssMiB: Math.round((rssBytes(f.proc.pid!) / 1024 / 1024) * 10) / 10,
        lagP99Ms: Math.round(m.lagP99 * 1000 * 10) / 10,
        calls: calls - lastCalls,
        backlog: m.backlog,
      };
      lastCalls = calls;
      samples.push(s);
      o.log?.(`t=${s.t}s rss=${s.rssMiB} MiB lag p99=${s.lagP99Ms} ms calls=${s.calls} backlog=${s.backlog} errors=${errors.length}`);
    }
    stop = true;
    await Promise.all(workers);
    const trend = judgeTrend(samples);
    return {
      minutes: o.minutes,
      samples,
      calls,
      sends,
      deletes,
      errors,
      ...trend,
      ok: errors.length === 0 && samples.length >= 4 && trend.rss.ok && trend.lag.ok && trend.backlogOk,
    };
  } finally {
    stop = true;
    await f.stop();
    f.cleanup();
  }
}

async function scrapeLag(base: string): Promise<{ lagP99: number; backlog: number }> {
  const s = parsePrometheus(await (await fetch(base + '/metrics')).text());
  let backlog = 0;
  for (const name of ['ferry_queue_messages_visible', 'ferry_queue_messages_not_visible']) for (const x of s.series(name)) backlog += x.value;
  return { lagP99: s.value('nodejs_eventloop_lag_p99_seconds') ?? NaN, backlog };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
