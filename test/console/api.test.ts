/**
 * The console API black-box, on every engine: a real `ferry serve` process, driven by the real SDK
 * (@aws-sdk/client-sqs) and the console's HTTP API as the SPA uses it. The SQS proxy must answer
 * exactly what the SQS endpoint answers; a peek must change nothing that SQS shows (receive counts,
 * visibility, FIFO group locks), checked through the SDK; search pages with cursors; a journey
 * records what the SDK did to a message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { makeClient, type SqsCaller } from '../helpers/clients.js';
import { ConsoleClient, sqsDirect, type RawAnswer } from '../helpers/console.js';
import { ENGINES } from '../helpers/matrix.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

/** What must be equal between the SQS endpoint and the console proxy (everything but the request id). */
function comparable(r: RawAnswer): unknown {
  return { status: r.status, type: r.headers.get('content-type'), queryError: r.headers.get('x-amzn-query-error'), body: r.text };
}

for (const engine of ENGINES) {
  describe(`console API [${engine}]`, () => {
    let ferry: FerryProcess;
    let sdk: SqsCaller;
    let c: ConsoleClient;
    let n = 0;
    const name = (base: string) => `${base.replace(/\.fifo$/, '')}-${process.pid}-${++n}${base.endsWith('.fifo') ? '.fifo' : ''}`;
    const messages = async (queue: string, query = ''): Promise<RawAnswer> =>
      c.get(`/console/api/queues/${encodeURIComponent(queue)}/messages${query}`);

    before(async () => {
      ferry = await startFerryProcess({ storage: engine, args: ['--skip-cooldowns'] });
      sdk = makeClient('json', ferry.url);
      c = new ConsoleClient(ferry.url);
      await c.session();
    });
    after(async () => {
      sdk?.destroy();
      await ferry?.stop();
      ferry?.cleanup();
    });

    it('the SQS proxy answers byte for byte what the SQS endpoint answers, success and error', async () => {
      const q = name('proxy');
      const created = await c.sqs('CreateQueue', { QueueName: q, Attributes: { VisibilityTimeout: '45' } });
      assert.equal(created.status, 200);
      assert.equal(created.json.QueueUrl, `${ferry.url}/000000000000/${q}`);
      const calls: Array<[string, unknown]> = [
        ['GetQueueUrl', { QueueName: q }],
        ['GetQueueAttributes', { QueueUrl: created.json.QueueUrl, AttributeNames: ['All'] }],
        ['ListQueues', { QueueNamePrefix: q }],
        ['GetQueueUrl', { QueueName: `${q}-missing` }],
        ['GetQueueAttributes', { QueueUrl: created.json.QueueUrl, AttributeNames: ['NoSuchAttribute'] }],
        ['SendMessage', { QueueUrl: created.json.QueueUrl }],
      ];
      for (const [action, input] of calls) {
        const direct = await sqsDirect(ferry.url, action, input);
        const proxied = await c.sqs(action, input);
        assert.deepEqual(comparable(proxied), comparable(direct), action);
        assert.match(proxied.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
      }
      assert.equal((await sqsDirect(ferry.url, 'GetQueueUrl', { QueueName: `${q}-missing` })).status, 400);
      // A malformed body is the SQS endpoint's error too.
      const raw = await c.request('POST', '/console/api/sqs', {
        body: '{not json',
        headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
      });
      const rawDirect = await fetch(`${ferry.url}/`, {
        method: 'POST',
        body: '{not json',
        headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
      });
      assert.deepEqual([raw.status, raw.text], [rawDirect.status, await rawDirect.text()]);
    });

    it('a peek changes nothing SQS shows: receive counts, visibility, FIFO group locks', async () => {
      const { QueueUrl } = await sdk.call('CreateQueue', { QueueName: name('peek') });
      for (const body of ['a', 'b', 'c']) await sdk.call('SendMessage', { QueueUrl, MessageBody: body });
      await sdk.call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 900 });
      const first = await sdk.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 900 });
      assert.equal(first.Messages.length, 1);
      const qname = QueueUrl.split('/').pop();
      const counts = async () =>
        (
          await sdk.call('GetQueueAttributes', {
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
          })
        ).Attributes;
      const before = await counts();
      assert.deepEqual(before, {
        ApproximateNumberOfMessages: '2',
        ApproximateNumberOfMessagesNotVisible: '1',
        ApproximateNumberOfMessagesDelayed: '1',
      });
      let peek: RawAnswer | undefined;
      for (let i = 0; i < 5; i++) peek = await messages(qname);
      assert.equal(peek!.status, 200);
      assert.deepEqual(
        peek!.json.messages.map((m: { body: string; state: string; receiveCount: number }) => [m.body, m.state, m.receiveCount]),
        [
          ['a', 'inflight', 1],
          ['b', 'visible', 0],
          ['c', 'visible', 0],
          ['later', 'delayed', 0],
        ],
      );
      const a = peek!.json.messages[0];
      assert.equal(a.messageId, first.Messages[0].MessageId);
      assert.equal(a.md5OfBody, first.Messages[0].MD5OfBody);
      assert.equal(a.size, 1);
      assert.equal(typeof a.sentAt, 'number');
      assert.ok(a.visibleAt > Date.now() + 800_000);
      assert.deepEqual(await counts(), before);
      // The in-flight message stays hidden; the others come with receive count 1 — peeks are not receives.
      const next = await sdk.call('ReceiveMessage', {
        QueueUrl,
        MaxNumberOfMessages: 10,
        AttributeNames: ['ApproximateReceiveCount'],
        VisibilityTimeout: 900,
      });
      assert.deepEqual(next.Messages.map((m: { Body: string }) => m.Body).sort(), ['b', 'c']);
      for (const m of next.Messages) assert.equal(m.Attributes.ApproximateReceiveCount, '1');
      await sdk.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: first.Messages[0].ReceiptHandle, VisibilityTimeout: 0 });
      await messages(qname);
      const again = await sdk.call('ReceiveMessage', { QueueUrl, AttributeNames: ['ApproximateReceiveCount'] });
      assert.deepEqual(
        again.Messages.map((m: { Body: string; Attributes: Record<string, string> }) => [m.Body, m.Attributes.ApproximateReceiveCount]),
        [['a', '2']],
      );
    });

    it('a peek of a FIFO queue takes no group lock', async () => {
      const qname = name('peek.fifo');
      const { QueueUrl } = await sdk.call('CreateQueue', { QueueName: qname, Attributes: { FifoQueue: 'true' } });
      for (const [body, g] of [
        ['g1-1', 'g1'],
        ['g1-2', 'g1'],
        ['g2-1', 'g2'],
      ]) {
        await sdk.call('SendMessage', { QueueUrl, MessageBody: body, MessageGroupId: g, MessageDeduplicationId: body });
      }
      // Peek first: the next receive still gets g1's head, and takes as much of g1 as it can.
      const peek = await messages(qname);
      assert.deepEqual(
        peek.json.messages.map((m: { body: string; groupId: string; dedupId: string; sequenceNumber: string }) => [
          m.body,
          m.groupId,
          m.dedupId,
          /^\d{20}$/.test(m.sequenceNumber),
        ]),
        [
          ['g1-1', 'g1', 'g1-1', true],
          ['g1-2', 'g1', 'g1-2', true],
          ['g2-1', 'g2', 'g2-1', true],
        ],
      );
      const r1 = await sdk.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 900 });
      assert.deepEqual(
        r1.Messages.map((m: { Body: string }) => m.Body),
        ['g1-1'],
      );
      // With g1 locked by its head, peeks change nothing: only g2 is deliverable.
      await messages(qname);
      await messages(qname, '?state=inflight');
      const r2 = await sdk.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 900 });
      assert.deepEqual(
        r2.Messages.map((m: { Body: string }) => m.Body),
        ['g2-1'],
      );
      assert.deepEqual((await sdk.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 })).Messages ?? [], []);
    });

    it('search by body, attribute value, message id and group id, paged with cursors', async () => {
      const qname = name('search');
      const { QueueUrl } = await sdk.call('CreateQueue', { QueueName: qname });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await sdk.call('SendMessage', {
          QueueUrl,
          MessageBody: JSON.stringify({ order: i, status: i % 3 === 0 ? 'FAILED' : 'ok' }),
          MessageAttributes: { tenant: { DataType: 'String', StringValue: `tenant-${i % 2 === 0 ? 'even' : 'odd'}` } },
        });
        ids.push(r.MessageId);
      }
      const orders = (r: RawAnswer) => r.json.messages.map((m: { body: string }) => JSON.parse(m.body).order);
      assert.deepEqual(orders(await messages(qname, '?q=FAILED&field=body')), [0, 3, 6, 9]);
      assert.deepEqual(orders(await messages(qname, '?q=failed&field=body')), []);
      assert.deepEqual(orders(await messages(qname, `?q=tenant-odd&field=attribute&limit=3`)).length, 3);
      assert.deepEqual(orders(await messages(qname, `?q=${ids[7]!.slice(0, 13)}&field=messageId`)), [7]);
      assert.deepEqual(orders(await messages(qname, `?q=${ids[7]}`)), [7]);
      assert.deepEqual(orders(await messages(qname, '?q=tenant&field=groupId')), []);
      // Paging through the odd tenant three at a time.
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await messages(qname, `?q=tenant-odd&field=attribute&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(r.status, 200);
        seen.push(...orders(r));
        cursor = r.json.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 10);
      assert.deepEqual(seen, [1, 3, 5, 7, 9, 11]);
      const m = (await messages(qname, '?limit=1')).json.messages[0];
      assert.deepEqual(m.messageAttributes, { tenant: { DataType: 'String', StringValue: 'tenant-even' } });
      assert.equal(m.size, Buffer.byteLength(m.body) + 'tenant'.length + 'String'.length + 'tenant-even'.length);
      // New queues have SSE on (as on AWS): bodies are stored encrypted, shown and searched decrypted.
      assert.equal(m.encrypted, true);
      // Without SSE the engine itself searches the stored bodies; the answers are the same.
      const plainName = name('search-plain');
      const plain = await sdk.call('CreateQueue', { QueueName: plainName, Attributes: { SqsManagedSseEnabled: 'false' } });
      for (let i = 0; i < 4; i++)
        await sdk.call('SendMessage', { QueueUrl: plain.QueueUrl, MessageBody: JSON.stringify({ order: i, status: i % 2 ? 'FAILED' : 'ok' }) });
      const plainHits = await messages(plainName, '?q=FAILED&field=body');
      assert.deepEqual(orders(plainHits), [1, 3]);
      assert.equal(plainHits.json.messages[0].encrypted, undefined);
      // A decrypted body search pages with cursors too.
      const paged: number[] = [];
      let c2: string | undefined;
      do {
        const r = await messages(qname, `?q=FAILED&field=body&limit=1${c2 ? `&cursor=${encodeURIComponent(c2)}` : ''}`);
        paged.push(...orders(r));
        c2 = r.json.nextCursor;
      } while (c2 !== undefined && paged.length < 10);
      assert.deepEqual(paged, [0, 3, 6, 9]);
    });

    it('a journey shows what the SDK did: sent, received, visibility changed, received again, deleted', async () => {
      const qname = name('journey');
      const { QueueUrl } = await sdk.call('CreateQueue', { QueueName: qname });
      const sent = await sdk.call('SendMessage', { QueueUrl, MessageBody: 'travel', DelaySeconds: 0 });
      const r1 = await sdk.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 60 });
      await sdk.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: r1.Messages[0].ReceiptHandle, VisibilityTimeout: 0 });
      const r2 = await sdk.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 30 });
      await sdk.call('DeleteMessage', { QueueUrl, ReceiptHandle: r2.Messages[0].ReceiptHandle });
      const j = await c.get(`/console/api/queues/${qname}/messages/${sent.MessageId}/journey`);
      assert.equal(j.status, 200);
      assert.equal(j.json.messageId, sent.MessageId);
      assert.equal(j.json.queue, qname);
      assert.equal(j.json.truncated, false);
      assert.deepEqual(
        j.json.events.map((e: { type: string; queue: string; detail: unknown }) => [e.type, e.queue, e.detail]),
        [
          ['sent', qname, { bytes: 6, deduplicated: false, delayMs: 0 }],
          ['received', qname, { receiveCount: 1, visibilityTimeoutMs: 60_000 }],
          ['visibilityChanged', qname, { visibilityTimeoutMs: 0 }],
          ['received', qname, { receiveCount: 2, visibilityTimeoutMs: 30_000 }],
          ['deleted', qname, {}],
        ],
      );
      const at = j.json.events.map((e: { at: number }) => e.at);
      assert.deepEqual(
        [...at].sort((x, y) => x - y),
        at,
      );
      assert.ok(Math.abs(at[0] - Date.now()) < 60_000);
      const missing = await c.get(`/console/api/queues/${qname}/messages/00000000-0000-4000-8000-000000000000/journey`);
      assert.deepEqual([missing.status, missing.json.error.code], [404, 'JourneyNotFound']);
    });
  });
}
