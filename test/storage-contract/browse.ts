/**
 * Storage contract, peek and search (StorageEngine.messageBrowse; rules in
 * src/storage/semantics/browse.ts). Registered by contract.ts for every engine. A browse must have no
 * side effect whatsoever — receive counts, visibility, FIFO group locks, attempt ids, timestamps — so
 * the cases compare what receives, replays and counts do after browsing with what they would do
 * without it, and browse the same state twice.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext } from 'node:test';

import type { ManualClock } from '../../src/core/clock.js';
import { isDomainError } from '../../src/errors/domain.js';
import type {
  BrowsedMessage,
  MessageBrowseParams,
  MessageBrowseResult,
  QueueRecord,
  QueueStats,
  ReceivedMessage,
  ReceiveResult,
  SendMessageParams,
  SendMessageResult,
  StorageEngine,
} from '../../src/storage/engine.js';

/** What the cases use of contract.ts's per-case harness (structurally; no import cycle). */
export interface BrowseHarness {
  readonly engine: StorageEngine;
  readonly clock: ManualClock;
  queue(name: string, o?: { fifo?: boolean; attributes?: Record<string, string> }): Promise<QueueRecord>;
  send(q: QueueRecord, ...specs: Array<string | (Partial<SendMessageParams> & { body: string })>): Promise<SendMessageResult[]>;
  receive(q: QueueRecord, o?: { max?: number; visMs?: number; attemptId?: string }): Promise<ReceiveResult>;
  recv(q: QueueRecord, max?: number, visMs?: number): Promise<ReceivedMessage[]>;
  stats(q: QueueRecord): Promise<QueueStats>;
}

type Case = (title: string, fn: (h: BrowseHarness, t: TestContext) => Promise<void>) => void;

const ARN = 'arn:aws:sqs:us-east-1:000000000000';

function browse(h: BrowseHarness, q: QueueRecord, o: Partial<MessageBrowseParams> = {}): Promise<MessageBrowseResult> {
  return h.engine.messageBrowse({ queueId: q.id, limit: 100, ...o });
}

const bodiesOf = (r: MessageBrowseResult): string[] => r.messages.map((m) => m.body);

async function rejectsWith(p: Promise<unknown>, kind: 'InvalidCursor' | 'QueueNotFound'): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isDomainError(e, kind), `expected DomainError(${kind}), got ${String(e)}`);
    return true;
  });
}

/** Every page of a browse, following cursors. */
async function allPages(h: BrowseHarness, q: QueueRecord, o: Partial<MessageBrowseParams>): Promise<MessageBrowseResult[]> {
  const pages: MessageBrowseResult[] = [];
  let cursor = o.cursor;
  do {
    const r = await browse(h, q, { ...o, cursor });
    pages.push(r);
    cursor = r.nextCursor;
    assert.ok(pages.length < 100, 'cursor walk does not end');
  } while (cursor !== undefined);
  return pages;
}

export function browseContract(test: Case): void {
  describe('browse (peek and search)', () => {
    test('standard queue: send order, states and every field', async (h) => {
      const q = await h.queue('peek');
      const t0 = h.clock.now();
      const [sa] = await h.send(q, {
        body: 'a',
        messageAttributes: { k: { DataType: 'String', StringValue: 'v' }, bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) } },
        md5OfMessageAttributes: 'aaaabbbbccccddddeeeeffff00001111',
        systemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
        md5OfMessageSystemAttributes: '00001111222233334444555566667777',
        senderId: 'AIDSENDER',
      });
      h.clock.advance(10);
      await h.send(q, 'b');
      h.clock.advance(10);
      await h.send(q, { body: 'c', delayMs: 60_000 });
      h.clock.advance(10);
      const [got] = await h.recv(q, 1, 30_000);
      assert.equal(got!.body, 'a');

      const r = await browse(h, q);
      assert.deepEqual(
        r.messages.map((m) => [m.body, m.state]),
        [
          ['a', 'inflight'],
          ['b', 'visible'],
          ['c', 'delayed'],
        ],
      );
      assert.equal(r.scanned, 3);
      assert.equal(r.nextCursor, undefined);
      const [a, b, c] = r.messages as [BrowsedMessage, BrowsedMessage, BrowsedMessage];
      assert.equal(a.messageId, sa!.messageId);
      assert.equal(a.md5OfBody, got!.md5OfBody);
      assert.equal(a.sentAt, t0);
      assert.equal(a.receiveCount, 1);
      assert.equal(a.firstReceivedAt, t0 + 30);
      assert.equal(a.visibleAt, t0 + 30 + 30_000);
      assert.equal(a.senderId, 'AIDSENDER');
      assert.equal(a.md5OfMessageAttributes, 'aaaabbbbccccddddeeeeffff00001111');
      assert.deepEqual(a.messageAttributes, {
        k: { DataType: 'String', StringValue: 'v' },
        bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
      });
      assert.deepEqual(a.systemAttributes, { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } });
      for (const k of ['groupId', 'dedupId', 'sequenceNumber', 'deadLetterSourceArn'] as const) assert.equal(a[k], undefined, k);
      assert.equal(b.receiveCount, 0);
      assert.equal(b.firstReceivedAt, undefined);
      assert.equal(b.sentAt, t0 + 10);
      assert.equal(b.visibleAt, t0 + 10);
      assert.deepEqual(b.messageAttributes, {});
      assert.equal(c.visibleAt, t0 + 20 + 60_000);
      assert.equal(c.receiveCount, 0);
    });

    test('no side effect: counts, visibility, receive counts and first-receive times are untouched', async (h) => {
      const q = await h.queue('still');
      await h.send(q, 'a', 'b', { body: 'c', delayMs: 5_000 });
      const [a] = await h.recv(q, 1, 10_000);
      const before = await browse(h, q);
      const stats = await h.stats(q);
      for (let i = 0; i < 3; i++) {
        await browse(h, q, { states: ['inflight'] });
        await browse(h, q, { search: { text: 'b', field: 'any' }, limit: 1 });
        await browse(h, q, { maxScan: 1 });
      }
      assert.deepEqual(await browse(h, q), before);
      assert.deepEqual(await h.stats(q), stats);
      // The in-flight message stays hidden until its own deadline, and comes back with its count.
      h.clock.advance(9_999);
      assert.deepEqual(bodiesOf(await browse(h, q, { states: ['inflight'] })), ['a']);
      h.clock.advance(1);
      await browse(h, q);
      const again = await h.recv(q, 10, 10_000);
      assert.deepEqual(again.map((m) => m.body).sort(), ['a', 'b', 'c']);
      const a2 = again.find((m) => m.body === 'a')!;
      assert.equal(a2.receiveCount, 2);
      assert.equal(a2.firstReceivedAt, a!.firstReceivedAt);
      assert.equal(again.find((m) => m.body === 'b')!.receiveCount, 1);
    });

    test('FIFO: group, dedup id and sequence number; no group lock, attempt ids untouched', async (h) => {
      const q = await h.queue('peek.fifo', { fifo: true });
      const sent = await h.send(
        q,
        { body: 'm1', groupId: 'g1', dedupId: 'd1' },
        { body: 'm2', groupId: 'g1', dedupId: 'd2' },
        { body: 'm3', groupId: 'g2', dedupId: 'd3' },
      );
      // Browsing first locks nothing: a receive still starts with g1's head and takes the group in order.
      await browse(h, q);
      const first = await h.receive(q, { max: 1, attemptId: 'A' });
      assert.deepEqual(
        first.messages.map((m) => m.body),
        ['m1'],
      );
      const r = await browse(h, q);
      assert.deepEqual(
        r.messages.map((m) => [m.body, m.state, m.groupId, m.dedupId, m.sequenceNumber]),
        [
          ['m1', 'inflight', 'g1', 'd1', sent[0]!.sequenceNumber],
          ['m2', 'visible', 'g1', 'd2', sent[1]!.sequenceNumber],
          ['m3', 'visible', 'g2', 'd3', sent[2]!.sequenceNumber],
        ],
      );
      // The attempt is replayed exactly (same receipt), so the browse did not touch it.
      const replay = await h.receive(q, { max: 1, attemptId: 'A' });
      assert.deepEqual(
        replay.messages.map((m) => [m.ref, m.receiptToken, m.receiveCount]),
        first.messages.map((m) => [m.ref, m.receiptToken, m.receiveCount]),
      );
      // g1 stays blocked by its in-flight head, g2 is free.
      assert.deepEqual(
        (await h.recv(q)).map((m) => m.body),
        ['m3'],
      );
    });

    test('states change with time alone; messages past retention are not shown', async (h) => {
      const q = await h.queue('aging', { attributes: { MessageRetentionPeriod: '60' } });
      const t0 = h.clock.now();
      await h.send(q, { body: 'late', delayMs: 10_000 }, 'now');
      await h.recv(q, 1, 5_000);
      assert.deepEqual(
        (await browse(h, q)).messages.map((m) => [m.body, m.state]),
        [
          ['late', 'delayed'],
          ['now', 'inflight'],
        ],
      );
      h.clock.advance(10_000);
      assert.deepEqual(
        (await browse(h, q)).messages.map((m) => [m.body, m.state, m.receiveCount]),
        [
          ['late', 'visible', 0],
          ['now', 'visible', 1],
        ],
      );
      h.clock.advance(20_000);
      await h.send(q, 'young');
      h.clock.set(t0 + 60_000);
      assert.deepEqual(bodiesOf(await browse(h, q)), ['young']);
      assert.deepEqual(await h.stats(q), { visible: 1, inflight: 0, delayed: 0 });
    });

    test('dead-lettered messages keep their send time and name their source', async (h) => {
      const dlq = await h.queue('peek-dlq');
      const src = await h.queue('peek-src', {
        attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:peek-dlq`, maxReceiveCount: 1 }) },
      });
      const t0 = h.clock.now();
      await h.send(src, 'moved');
      h.clock.advance(1_000);
      await h.send(dlq, 'direct');
      await h.recv(src, 1, 0);
      assert.deepEqual(await h.recv(src), []);
      const r = await browse(h, dlq);
      assert.deepEqual(bodiesOf(r), ['moved', 'direct']);
      const m = r.messages[0]!;
      assert.equal(m.sentAt, t0);
      assert.equal(m.state, 'visible');
      assert.equal(m.receiveCount, 1);
      assert.equal(m.deadLetterSourceArn, `${ARN}:peek-src`);
      assert.equal(r.messages[1]!.deadLetterSourceArn, undefined);
      // Paging over the out-of-arrival-order message keeps send order.
      const pages = await allPages(h, dlq, { limit: 1 });
      assert.deepEqual(pages.map(bodiesOf), [['moved'], ['direct']]);
    });

    test('state filter', async (h) => {
      const q = await h.queue('filter');
      await h.send(q, 'a', { body: 'b', delayMs: 1_000 });
      await h.recv(q, 1);
      await h.send(q, 'c');
      assert.deepEqual(bodiesOf(await browse(h, q, { states: ['visible'] })), ['c']);
      assert.deepEqual(bodiesOf(await browse(h, q, { states: ['inflight'] })), ['a']);
      assert.deepEqual(bodiesOf(await browse(h, q, { states: ['delayed'] })), ['b']);
      assert.deepEqual(bodiesOf(await browse(h, q, { states: ['inflight', 'delayed'] })), ['a', 'b']);
      assert.deepEqual(bodiesOf(await browse(h, q, { states: [] })), ['a', 'b', 'c']);
      const inflight = await browse(h, q, { states: ['inflight'] });
      assert.equal(inflight.scanned, 3);
    });

    test('search: body, attribute value, message id, group id — literal and case-sensitive', async (h) => {
      const q = await h.queue('search.fifo', { fifo: true });
      const str = (v: string) => ({ DataType: 'String', StringValue: v });
      await h.send(
        q,
        { messageId: 'id-one', body: 'order 100% paid', groupId: 'tenant-a', messageAttributes: { kind: str('invoice_42') } },
        { messageId: 'id-two', body: 'order 1000 pending', groupId: 'tenant-b', messageAttributes: { kind: str('notice142') } },
        {
          messageId: 'id-three',
          body: 'Invoice',
          groupId: 'other',
          messageAttributes: { n: { DataType: 'Number', StringValue: '42' }, raw: { DataType: 'Binary', BinaryValue: Buffer.from('secret') } },
        },
      );
      const find = async (text: string, field: 'any' | 'body' | 'attribute' | 'messageId' | 'groupId') =>
        bodiesOf(await browse(h, q, { search: { text, field } }));
      // `%` and `_` are characters, not wildcards.
      assert.deepEqual(await find('100%', 'body'), ['order 100% paid']);
      assert.deepEqual(await find('ice_4', 'attribute'), ['order 100% paid']);
      assert.deepEqual(await find('0_0', 'body'), []);
      assert.deepEqual(await find('%', 'any'), ['order 100% paid']);
      // Case-sensitive.
      assert.deepEqual(await find('invoice', 'body'), []);
      assert.deepEqual(await find('Invoice', 'body'), ['Invoice']);
      // Attribute values only (String and Number), not names, types or binary values.
      assert.deepEqual(await find('42', 'attribute'), ['order 100% paid', 'order 1000 pending', 'Invoice']);
      assert.deepEqual(await find('_42', 'attribute'), ['order 100% paid']);
      assert.deepEqual(await find('kind', 'attribute'), []);
      assert.deepEqual(await find('String', 'attribute'), []);
      assert.deepEqual(await find('secret', 'attribute'), []);
      assert.deepEqual(await find('order', 'attribute'), []);
      // Message id and group id, by substring.
      assert.deepEqual(await find('id-t', 'messageId'), ['order 1000 pending', 'Invoice']);
      assert.deepEqual(await find('tenant', 'groupId'), ['order 100% paid', 'order 1000 pending']);
      assert.deepEqual(await find('tenant-b', 'groupId'), ['order 1000 pending']);
      assert.deepEqual(await find('order', 'groupId'), []);
      // Any field.
      assert.deepEqual(await find('42', 'any'), ['order 100% paid', 'order 1000 pending', 'Invoice']);
      assert.deepEqual(await find('other', 'any'), ['Invoice']);
      assert.deepEqual(await find('id-two', 'any'), ['order 1000 pending']);
      // An empty text is no search.
      assert.equal((await browse(h, q, { search: { text: '', field: 'body' } })).messages.length, 3);
    });

    test('cursor paging: send order within one millisecond, a cursor exactly while messages remain', async (h) => {
      const q = await h.queue('pages');
      const names = Array.from({ length: 25 }, (_, i) => `m${String(i).padStart(2, '0')}`);
      await h.send(q, ...names);
      const pages = await allPages(h, q, { limit: 10 });
      assert.deepEqual(
        pages.map((p) => p.messages.length),
        [10, 10, 5],
      );
      assert.deepEqual(pages.flatMap(bodiesOf), names);
      assert.equal(pages[2]!.nextCursor, undefined);
      assert.ok(pages[0]!.nextCursor && pages[1]!.nextCursor);
      // Exactly `limit` left: no cursor after them.
      const twenty = await allPages(h, q, { limit: 5, cursor: pages[0]!.nextCursor });
      assert.deepEqual(
        twenty.map((p) => p.messages.length),
        [5, 5, 5],
      );
      // A cursor outlives the messages it passed: deleting nothing, sending more, it continues after them.
      await h.send(q, 'm25');
      assert.deepEqual(bodiesOf(await browse(h, q, { cursor: pages[1]!.nextCursor })), [...names.slice(20), 'm25']);
    });

    test('bounded scanning: a search returns after maxScan messages with a cursor', async (h) => {
      const q = await h.queue('deep');
      await h.send(q, ...Array.from({ length: 49 }, (_, i) => `hay ${i}`), 'needle');
      const pages = await allPages(h, q, { search: { text: 'needle', field: 'body' }, maxScan: 20 });
      assert.deepEqual(
        pages.map((p) => [p.messages.length, p.scanned, p.nextCursor !== undefined]),
        [
          [0, 20, true],
          [0, 20, true],
          [1, 10, false],
        ],
      );
      assert.equal(pages[2]!.messages[0]!.body, 'needle');
      // The limit stops a call early, at the last message returned.
      const early = await browse(h, q, { search: { text: 'hay', field: 'body' }, limit: 5, maxScan: 20 });
      assert.deepEqual([early.messages.length, early.scanned, early.nextCursor !== undefined], [5, 5, true]);
      assert.deepEqual(bodiesOf(await browse(h, q, { limit: 2, cursor: early.nextCursor })), ['hay 5', 'hay 6']);
      // A state filter is bounded the same way.
      const none = await browse(h, q, { states: ['inflight'], maxScan: 7 });
      assert.deepEqual([none.messages.length, none.scanned, none.nextCursor !== undefined], [0, 7, true]);
    });

    test('malformed cursor and unknown queue', async (h) => {
      const q = await h.queue('cursors');
      await rejectsWith(browse(h, q, { cursor: 'garbage' }), 'InvalidCursor');
      await rejectsWith(browse(h, q, { cursor: Buffer.from('b1.x.1').toString('base64url') }), 'InvalidCursor');
      await rejectsWith(h.engine.messageBrowse({ queueId: 'no-such-queue', limit: 10 }), 'QueueNotFound');
      assert.deepEqual(await browse(h, q), { messages: [], scanned: 0 });
    });
  });
}
