/**
 * /metrics, black-box: a real `ferry serve` process per engine (memory, SQLite, and PostgreSQL when a
 * test database is available), driven by the AWS SDK v3 (and boto3), scraped over HTTP. The per-queue
 * values must move exactly as CloudWatch's AWS/SQS metrics would (see src/monitoring/counters.ts for the
 * counting rules): every assertion is on an exact number, on a queue of the test's own.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { makeClient, normaliseError, TEST_CREDENTIALS, type SqsCaller } from '../helpers/clients.js';
import { ENGINES } from '../helpers/matrix.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { scrape, type Scrape } from '../helpers/prometheus.js';

/** The default account (--account-id): per-queue series carry it as the `account` label. */
const ACCOUNT = '000000000000';

let counter = 0;
const unique = (base: string): string => {
  const fifo = base.endsWith('.fifo');
  return `${fifo ? base.slice(0, -5) : base}-${process.pid}-${++counter}${fifo ? '.fifo' : ''}`;
};

interface Msg {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
}

for (const engine of ENGINES) {
  describe(`metrics [${engine}]`, () => {
    let ferry: FerryProcess;
    let sqs: SqsCaller;
    const metrics = (): Promise<Scrape> => scrape(`${ferry.url}/metrics`);
    /** Create a queue, return its URL and name. */
    const queue = async (base: string, Attributes: Record<string, string> = {}): Promise<{ url: string; name: string }> => {
      const name = unique(base);
      if (name.endsWith('.fifo')) Attributes = { FifoQueue: 'true', ...Attributes };
      const { QueueUrl } = await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name, Attributes });
      return { url: QueueUrl, name };
    };
    const receive = async (url: string, input: Record<string, unknown> = {}): Promise<Msg[]> =>
      (await sqs.call<{ Messages?: Msg[] }>('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, ...input })).Messages ?? [];

    before(async () => {
      // Gauges read on every scrape (no cache), so each assertion sees the state just made.
      ferry = await startFerryProcess({ storage: engine, args: ['--skip-cooldowns', '--metrics-gauge-cache-ms', '0'] });
      sqs = makeClient('json', ferry.url);
    });
    after(async () => {
      sqs?.destroy();
      await ferry?.stop();
      ferry?.cleanup();
    });

    it('sent, received, deleted (a repeated delete too), empty receives short and long, sizes', async () => {
      const { url, name } = await queue('counts');
      const q = { account: ACCOUNT, queue: name };
      let m = await metrics();
      // A queue nobody used yet is listed with zeros (rate() then sees its first increment).
      for (const n of ['sent', 'received', 'deleted']) assert.equal(m.value(`ferry_queue_messages_${n}_total`, q), 0, n);
      assert.equal(m.value('ferry_queue_messages_visible', q), 0);

      await sqs.call('SendMessage', {
        QueueUrl: url,
        MessageBody: 'hello',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
      });
      await sqs.call('SendMessageBatch', {
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'héllo' },
          { Id: 'b', MessageBody: 'x'.repeat(2000) },
        ],
      });
      m = await metrics();
      assert.equal(m.value('ferry_queue_messages_sent_total', q), 3);
      assert.equal(m.value('ferry_queue_messages_visible', q), 3);
      // SentMessageSize: body + attribute name, type and value, in bytes: 5 + (1 + 6 + 1), 6, 2000.
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_count', q), 3);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_sum', q), 13 + 6 + 2000);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_bucket', { ...q, le: '256' }), 2);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_bucket', { ...q, le: '1024' }), 2);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_bucket', { ...q, le: '4096' }), 3);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_bucket', { ...q, le: '+Inf' }), 3);

      const got = await receive(url, { VisibilityTimeout: 60 });
      assert.equal(got.length, 3);
      m = await metrics();
      assert.equal(m.value('ferry_queue_messages_received_total', q), 3);
      assert.equal(m.value('ferry_queue_messages_visible', q), 0);
      assert.equal(m.value('ferry_queue_messages_not_visible', q), 3);

      await sqs.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: got[0]!.ReceiptHandle });
      // The same receipt again: SQS answers success and CloudWatch counts it ("including duplicate deletions").
      await sqs.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: got[0]!.ReceiptHandle });
      await sqs.call('DeleteMessageBatch', {
        QueueUrl: url,
        Entries: got.slice(1).map((x, i) => ({ Id: `d${i}`, ReceiptHandle: x.ReceiptHandle })),
      });
      m = await metrics();
      assert.equal(m.value('ferry_queue_messages_deleted_total', q), 4);
      assert.equal(m.value('ferry_queue_messages_not_visible', q), 0);

      assert.deepEqual(await receive(url), []); // short poll
      assert.deepEqual(await receive(url, { WaitTimeSeconds: 1 }), []); // long poll: retried inside, one call
      m = await metrics();
      assert.equal(m.value('ferry_queue_empty_receives_total', q), 2);
      assert.equal(m.value('ferry_queue_messages_received_total', q), 3);
      assert.equal(m.value('ferry_queue_messages_sent_total', q), 3);
      assert.equal(m.value('ferry_queue_oldest_message_age_seconds', q), 0); // empty queue
    });

    it('requests by action and error code, with durations', async () => {
      const before = await metrics();
      const ok = (b: Scrape, action: string) => b.value('ferry_requests_total', { action, code: 'OK' }) ?? 0;
      const err = (b: Scrape, action: string, code: string) => b.value('ferry_requests_total', { action, code }) ?? 0;
      const dur = (b: Scrape, action: string) => b.value('ferry_request_duration_seconds_count', { action }) ?? 0;
      await sqs.call('ListQueues', {});
      await sqs.call('ListQueues', {});
      await assert.rejects(sqs.call('GetQueueUrl', { QueueName: unique('missing') }), (e: unknown) => normaliseError(e).code === 'QueueDoesNotExist');
      const { url } = await queue('req');
      await assert.rejects(
        sqs.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: 'not-a-receipt', VisibilityTimeout: 5 }),
        (e: unknown) => normaliseError(e).code === 'ReceiptHandleIsInvalid',
      );
      const after = await metrics();
      assert.equal(ok(after, 'ListQueues') - ok(before, 'ListQueues'), 2);
      assert.equal(err(after, 'GetQueueUrl', 'QueueDoesNotExist') - err(before, 'GetQueueUrl', 'QueueDoesNotExist'), 1);
      assert.equal(
        err(after, 'ChangeMessageVisibility', 'ReceiptHandleIsInvalid') - err(before, 'ChangeMessageVisibility', 'ReceiptHandleIsInvalid'),
        1,
      );
      assert.equal(dur(after, 'ListQueues') - dur(before, 'ListQueues'), 2);
      assert.equal(dur(after, 'GetQueueUrl') - dur(before, 'GetQueueUrl'), 1);
      assert.ok(after.value('ferry_request_duration_seconds_sum', { action: 'ListQueues' })! > 0);
      assert.equal(after.value('ferry_build_info', { version: '0.1.0', storage: engine, node: process.version }), 1);
      assert.equal(after.value('ferry_storage_errors_total'), 0);
      if (engine !== 'memory') assert.ok(after.value('ferry_storage_commit_duration_seconds_count')! > 0, 'commits are timed');
      else assert.equal(after.value('ferry_storage_commit_duration_seconds_count'), 0, 'the memory engine has no commits');
      // prom-client's process and Node.js metrics are there too.
      for (const n of [
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
      ]) {
        assert.ok(after.names().has(n), n);
      }
    });

    it('FIFO: deduplicated sends count apart and add no size; groups with messages in flight', async () => {
      const { url, name } = await queue('dedup.fifo');
      const q = { account: ACCOUNT, queue: name };
      const send = (body: string, group: string, dedup: string) =>
        sqs.call('SendMessage', { QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup });
      await send('one', 'g1', 'd1');
      await send('one again', 'g1', 'd1'); // inside the 5-minute window: deduplicated
      await send('two', 'g2', 'd2');
      await sqs.call('SendMessageBatch', {
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'three', MessageGroupId: 'g3', MessageDeduplicationId: 'd3' },
          { Id: 'b', MessageBody: 'dup of two', MessageGroupId: 'g2', MessageDeduplicationId: 'd2' },
        ],
      });
      let m = await metrics();
      assert.equal(m.value('ferry_queue_messages_sent_total', q), 3);
      assert.equal(m.value('ferry_queue_deduplicated_sent_messages_total', q), 2);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_count', q), 3);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_sum', q), 3 + 3 + 5);
      assert.equal(m.value('ferry_queue_messages_visible', q), 3);
      assert.equal(m.value('ferry_queue_groups_with_inflight_messages', q), 0);

      assert.deepEqual(
        (await receive(url, { MaxNumberOfMessages: 1, VisibilityTimeout: 60 })).map((x) => x.Body),
        ['one'],
      );
      m = await metrics();
      assert.equal(m.value('ferry_queue_groups_with_inflight_messages', q), 1);
      assert.equal((await receive(url, { MaxNumberOfMessages: 2, VisibilityTimeout: 60 })).length, 2);
      m = await metrics();
      assert.equal(m.value('ferry_queue_groups_with_inflight_messages', q), 3);
      assert.equal(m.value('ferry_queue_messages_not_visible', q), 3);
      assert.equal(m.value('ferry_queue_messages_received_total', q), 3);
    });

    it('a dead-letter move counts once on the source and is not a send to the DLQ', async () => {
      const dlq = await queue('dlq');
      const dlqArn = (
        await sqs.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', { QueueUrl: dlq.url, AttributeNames: ['QueueArn'] })
      ).Attributes['QueueArn'];
      const src = await queue('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
      await sqs.call('SendMessage', { QueueUrl: src.url, MessageBody: 'poison' });
      assert.equal((await receive(src.url, { VisibilityTimeout: 0 })).length, 1); // receive 1 of 1; visible again at once
      assert.deepEqual(await receive(src.url), []); // would be receive 2: moved to the DLQ instead, nothing returned
      const m = await metrics();
      const s = { account: ACCOUNT, queue: src.name };
      const d = { account: ACCOUNT, queue: dlq.name };
      assert.equal(m.value('ferry_queue_messages_moved_to_dlq_total', s), 1);
      assert.equal(m.value('ferry_queue_messages_received_total', s), 1);
      assert.equal(m.value('ferry_queue_empty_receives_total', s), 1);
      assert.equal(m.value('ferry_queue_messages_sent_total', s), 1);
      assert.equal(m.value('ferry_queue_messages_visible', s), 0);
      assert.equal(m.value('ferry_queue_messages_sent_total', d), 0);
      assert.equal(m.value('ferry_queue_messages_moved_to_dlq_total', d), 0);
      assert.equal(m.value('ferry_queue_messages_visible', d), 1);
      assert.equal(m.value('ferry_queue_dead_letter_source_queues', d), 1, 'the DLQ is known as one');
      assert.equal(m.value('ferry_queue_dead_letter_source_queues', s), 0);
      // Sending to the DLQ yourself is a send.
      await sqs.call('SendMessage', { QueueUrl: dlq.url, MessageBody: 'by hand' });
      assert.equal((await metrics()).value('ferry_queue_messages_sent_total', d), 1);
    });

    it('gauges by state: visible, in flight, delayed; the oldest message; a deleted queue leaves', async () => {
      const { url, name } = await queue('states');
      const q = { account: ACCOUNT, queue: name };
      const t0 = Date.now();
      await sqs.call('SendMessage', { QueueUrl: url, MessageBody: 'first' });
      await sqs.call('SendMessage', { QueueUrl: url, MessageBody: 'later', DelaySeconds: 600 });
      await sqs.call('SendMessage', { QueueUrl: url, MessageBody: 'second' });
      await sqs.call('SendMessage', { QueueUrl: url, MessageBody: 'third' });
      assert.equal((await receive(url, { MaxNumberOfMessages: 1, VisibilityTimeout: 600 })).length, 1);
      const m = await metrics();
      assert.equal(m.value('ferry_queue_messages_visible', q), 2);
      assert.equal(m.value('ferry_queue_messages_not_visible', q), 1);
      assert.equal(m.value('ferry_queue_messages_delayed', q), 1);
      assert.equal(m.value('ferry_queue_groups_with_inflight_messages', q), 0);
      const age = m.value('ferry_queue_oldest_message_age_seconds', q)!;
      assert.ok(age >= 0 && age <= (Date.now() - t0) / 1000 + 0.05, `age ${age}`);

      await sqs.call('DeleteQueue', { QueueUrl: url });
      const gone = await metrics();
      for (const n of ['ferry_queue_messages_visible', 'ferry_queue_messages_sent_total', 'ferry_queue_sent_message_size_bytes_count']) {
        assert.equal(
          gone.series(n).find((x) => x.labels.queue === name),
          undefined,
          `${n} of a deleted queue`,
        );
      }
    });

    it('long polls waiting', async () => {
      const { url } = await queue('waiting');
      const polls = [receive(url, { WaitTimeSeconds: 5 }), receive(url, { WaitTimeSeconds: 5 })];
      let waiting = 0;
      for (let i = 0; i < 100 && waiting < 2; i++) {
        waiting = (await metrics()).value('ferry_long_polls_waiting')!;
        if (waiting < 2) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(waiting, 2);
      await sqs.call('SendMessageBatch', {
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'a' },
          { Id: 'b', MessageBody: 'b' },
        ],
      });
      const got = (await Promise.all(polls)).flat();
      assert.equal(got.length, 2);
      assert.equal((await metrics()).value('ferry_long_polls_waiting'), 0);
    });

    it('boto3 moves the same counters', { skip: !boto3() && 'python3 with boto3 is not available' }, async () => {
      const { url, name } = await queue('boto3');
      const script = [
        'import boto3, sys',
        `sqs = boto3.client('sqs', endpoint_url='${ferry.url}', region_name='us-east-1', aws_access_key_id='AKIDBOTO', aws_secret_access_key='x')`,
        `url = '${url}'`,
        "sqs.send_message(QueueUrl=url, MessageBody='from boto3')",
        'r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)',
        "for m in r['Messages']: sqs.delete_message(QueueUrl=url, ReceiptHandle=m['ReceiptHandle'])",
        "assert 'Messages' not in sqs.receive_message(QueueUrl=url)",
      ].join('\n');
      // Asynchronously: a synchronous spawn would stall this process's event loop for seconds,
      // and the pooled keep-alive socket the next scrape reuses could be closed by the server meanwhile.
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile('python3', ['-c', script], { encoding: 'utf8', timeout: 60_000 }, (err, _out, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
      assert.equal(r.code, 0, r.stderr);
      const m = await metrics();
      const q = { account: ACCOUNT, queue: name };
      assert.deepEqual(
        ['sent', 'received', 'deleted'].map((n) => m.value(`ferry_queue_messages_${n}_total`, q)),
        [1, 1, 1],
      );
      assert.equal(m.value('ferry_queue_empty_receives_total', q), 1);
      assert.equal(m.value('ferry_queue_sent_message_size_bytes_sum', q), 'from boto3'.length);
      // The request log names the access key boto3 signed with (auth off: as the client claims it).
      assert.match(ferry.output(), /"action":"DeleteMessage"[^\n]*"accessKeyId":"AKIDBOTO"/);
    });
  });
}

/** Whether python3 can import boto3 (a JSON-protocol boto3 is on this machine's PATH). */
function boto3(): boolean {
  return spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
}

describe('metrics endpoint options [memory]', () => {
  const started: FerryProcess[] = [];
  const start = async (args: string[]): Promise<FerryProcess> => {
    const f = await startFerryProcess({ storage: 'memory', args });
    started.push(f);
    return f;
  };
  after(async () => {
    for (const f of started) {
      await f.stop();
      f.cleanup();
    }
  });
  /** The "ferry listening" line's fields. */
  const banner = (f: FerryProcess): Record<string, unknown> => {
    const line = f
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"ferry listening"'));
    assert.ok(line, f.output());
    return JSON.parse(line) as Record<string, unknown>;
  };

  it('the first scrape counts every request made before it, and has every family (prom-client loads lazily)', async () => {
    // prom-client is loaded a second after the start or at the first scrape (src/monitoring/index.ts):
    // this scrape comes first, and nothing counted before it is missing.
    const f = await start([]);
    const sqs = makeClient('json', f.url);
    try {
      await sqs.call('ListQueues', {});
      await sqs.call('ListQueues', {});
      const name = unique('first');
      const { QueueUrl } = await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
      await sqs.call('SendMessage', { QueueUrl, MessageBody: 'one' });
      await sqs.call('SendMessage', { QueueUrl, MessageBody: 'two' });
      const m = await scrape(`${f.url}/metrics`);
      assert.equal(m.value('ferry_requests_total', { action: 'ListQueues', code: 'OK' }), 2);
      assert.equal(m.value('ferry_requests_total', { action: 'CreateQueue', code: 'OK' }), 1);
      assert.equal(m.value('ferry_requests_total', { action: 'SendMessage', code: 'OK' }), 2);
      assert.equal(m.value('ferry_request_duration_seconds_count', { action: 'SendMessage' }), 2);
      assert.equal(m.value('ferry_queue_messages_sent_total', { account: ACCOUNT, queue: name }), 2);
      assert.equal(m.value('ferry_build_info', { version: '0.1.0', storage: 'memory', node: process.version }), 1);
      for (const n of ['process_cpu_user_seconds_total', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes'])
        assert.ok(m.names().has(n), n);
      assert.ok(m.declared().has('nodejs_gc_duration_seconds'), 'the GC histogram is declared (samples once a GC is seen)');
      const again = await scrape(`${f.url}/metrics`);
      assert.equal(again.value('ferry_requests_total', { action: 'ListQueues', code: 'OK' }), 2);
    } finally {
      sqs.destroy();
    }
  });

  it('--metrics off: no /metrics', async () => {
    const f = await start(['--metrics', 'off']);
    assert.equal((await fetch(`${f.url}/metrics`)).status, 404);
    assert.equal(banner(f).metrics, 'off');
  });

  it('--metrics-token: refused without it or with another, served with it', async () => {
    const f = await start(['--metrics-token', 's3cr3t-token']);
    const none = await fetch(`${f.url}/metrics`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="ferry-metrics"');
    assert.equal((await fetch(`${f.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(`${f.url}/metrics`, { headers: { authorization: 's3cr3t-token' } })).status, 401);
    const m = await scrape(`${f.url}/metrics`, 's3cr3t-token');
    assert.ok(m.names().has('ferry_build_info'));
    assert.deepEqual(banner(f).metrics, { url: `${f.url}/metrics`, access: 'bearer token', queueGauges: true });
    assert.doesNotMatch(f.output(), /s3cr3t-token/, 'the token is never logged');
  });

  it('--metrics-port: served on its own listener only', async () => {
    const f = await start(['--metrics-port', '0']);
    const info = banner(f).metrics as { url: string; access: string };
    assert.equal(info.access, 'own port');
    const own = new URL(info.url);
    assert.notEqual(Number(own.port), f.port);
    assert.equal((await fetch(`${f.url}/metrics`)).status, 404, 'not on the API port');
    assert.ok((await scrape(info.url)).names().has('ferry_build_info'));
    assert.equal((await fetch(`${own.origin}/`)).status, 404, 'nothing else on the metrics port');
    assert.equal((await fetch(info.url, { method: 'POST' })).status, 405);
  });

  it('--metrics-port with TLS: HTTPS with the API certificate', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-metrics-tls-'));
    const f = await startFerryProcess({ storage: 'sqlite', dataDir, args: ['--tls-self-signed', '--metrics-port', '0', '--metrics-token', 'tok'] });
    started.push(f);
    const info = banner(f).metrics as { url: string; access: string };
    assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const ca = readFileSync(join(dataDir, 'tls', 'self-signed-cert.pem'));
    const get = (auth?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const u = new URL(info.url);
        https
          .get({ host: u.hostname, port: u.port, path: u.pathname, ca, agent: false, headers: auth ? { authorization: auth } : {} }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          })
          .on('error', reject);
      });
    assert.equal((await get()).status, 401);
    const ok = await get('Bearer tok');
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^ferry_build_info\{/m);
    await f.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--metrics-queue-gauges off: counters, no storage gauges', async () => {
    const f = await start(['--metrics-queue-gauges', 'off']);
    const c = makeClient('json', f.url);
    try {
      const name = unique('nogauges');
      const { QueueUrl } = await c.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
      await c.call('SendMessage', { QueueUrl, MessageBody: 'x' });
      const m = await scrape(`${f.url}/metrics`);
      assert.equal(m.value('ferry_queue_messages_sent_total', { account: ACCOUNT, queue: name }), 1);
      for (const g of ['visible', 'not_visible', 'delayed']) assert.equal(m.series(`ferry_queue_messages_${g}`).length, 0, g);
      assert.equal(m.series('ferry_queue_oldest_message_age_seconds').length, 0);
      assert.equal(m.series('ferry_queue_groups_with_inflight_messages').length, 0);
    } finally {
      c.destroy();
    }
  });

  it('--auth sigv4: /metrics stays off unless guarded; asking for it unguarded stops the start', async () => {
    const keys = ['--auth', 'sigv4', '--access-key-id', TEST_CREDENTIALS.accessKeyId, '--secret-access-key', TEST_CREDENTIALS.secretAccessKey];
    const off = await start(keys);
    assert.equal((await fetch(`${off.url}/metrics`)).status, 404);
    assert.equal(banner(off).metrics, 'off');
    await assert.rejects(startFerryProcess({ storage: 'memory', args: [...keys, '--metrics', 'on'], timeoutMs: 10_000 }), (e: Error) => {
      assert.match(e.message, /exited with 2/);
      assert.match(e.message, /\/metrics would be open to anyone who can reach the API port/);
      return true;
    });
    const guarded = await start([...keys, '--metrics-token', 'tok']);
    assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401);
    const c = makeClient('json', guarded.url);
    try {
      await c.call('ListQueues', {}); // signed with the configured key
      const m = await scrape(`${guarded.url}/metrics`, 'tok');
      assert.equal(m.value('ferry_requests_total', { action: 'ListQueues', code: 'OK' }), 1);
      assert.match(guarded.output(), /"action":"ListQueues"[^\n]*"accessKeyId":"AKIDFERRYTEST"/);
    } finally {
      c.destroy();
    }
  });
});

describe('metrics with two Ferry processes on one PostgreSQL', { skip: !process.env.FERRY_TEST_DATABASE_URL && 'no test database' }, () => {
  let a: FerryProcess;
  let b: FerryProcess;
  let keyDir: string | undefined;
  before(async () => {
    // A reports the queue gauges; B only its own counters (as the README advises). One key ring for both
    // (encryption at rest: the processes of one store share it).
    keyDir = mkdtempSync(join(tmpdir(), 'ferry-keys-'));
    const keys = ['--kms-key-ring', join(keyDir, 'keyring.json')];
    a = await startFerryProcess({ storage: 'postgres', args: [...keys, '--metrics-gauge-cache-ms', '0'] });
    b = await startFerryProcess({ storage: 'postgres', databaseSchema: a.databaseSchema, args: [...keys, '--metrics-queue-gauges', 'off'] });
  });
  after(async () => {
    for (const f of [b, a]) {
      await f?.stop();
      f?.cleanup();
    }
    if (keyDir !== undefined) rmSync(keyDir, { recursive: true, force: true });
  });

  it('counters per process (they add up), gauges once', async () => {
    const ca = makeClient('json', a.url);
    const cb = makeClient('json', b.url);
    try {
      const name = unique('shared');
      const { QueueUrl } = await ca.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
      const q = { account: ACCOUNT, queue: name };
      for (let i = 0; i < 3; i++) await ca.call('SendMessage', { QueueUrl, MessageBody: `a${i}` });
      await cb.call('SendMessage', { QueueUrl, MessageBody: 'b0' });
      const got = (await cb.call<{ Messages: Msg[] }>('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 2, VisibilityTimeout: 60 })).Messages;
      assert.equal(got.length, 2);
      const [ma, mb] = [await scrape(`${a.url}/metrics`), await scrape(`${b.url}/metrics`)];
      assert.deepEqual([ma.value('ferry_queue_messages_sent_total', q), mb.value('ferry_queue_messages_sent_total', q)], [3, 1]);
      assert.deepEqual([ma.value('ferry_queue_messages_received_total', q), mb.value('ferry_queue_messages_received_total', q)], [0, 2]);
      // The database's view, from A only.
      assert.equal(ma.value('ferry_queue_messages_visible', q), 2);
      assert.equal(ma.value('ferry_queue_messages_not_visible', q), 2);
      assert.equal(mb.series('ferry_queue_messages_visible').length, 0);
    } finally {
      ca.destroy();
      cb.destroy();
    }
  });
});
