/**
 * Storage contract, export and import (StorageEngine.storeExport / messageImport, queueCreate's
 * `restore`; rules in src/storage/semantics/transfer.ts). Registered by contract.ts for every engine:
 * what one engine exports, any engine imports (`ferry export` / `ferry import` move stores between
 * engines), so the items are compared exactly.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, type TestContext } from 'node:test';

import type { ManualClock } from '../../src/core/clock.js';
import { isDomainError } from '../../src/errors/domain.js';
import type {
  ExportItem,
  ImportedMessage,
  ImportTx,
  QueueRecord,
  QueueStats,
  ReceivedMessage,
  ReceiveResult,
  SendMessageParams,
  SendMessageResult,
  StorageEngine,
} from '../../src/storage/engine.js';

/** What the cases use of contract.ts's per-case harness (structurally; no import cycle). */
export interface TransferHarness {
  readonly engine: StorageEngine;
  readonly clock: ManualClock;
  queue(
    name: string,
    o?: { accountId?: string; fifo?: boolean; attributes?: Record<string, string>; tags?: Record<string, string> },
  ): Promise<QueueRecord>;
  send(q: QueueRecord, ...specs: Array<string | (Partial<SendMessageParams> & { body: string })>): Promise<SendMessageResult[]>;
  receive(q: QueueRecord, o?: { max?: number; visMs?: number }): Promise<ReceiveResult>;
  recv(q: QueueRecord, max?: number, visMs?: number): Promise<ReceivedMessage[]>;
  stats(q: QueueRecord): Promise<QueueStats>;
}

type Case = (title: string, fn: (h: TransferHarness, t: TestContext) => Promise<void>) => void;

const ARN = 'arn:aws:sqs:us-east-1:000000000000';
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

async function exportAll(e: StorageEngine): Promise<ExportItem[]> {
  const items: ExportItem[] = [];
  await e.storeExport((i) => {
    items.push(structuredClone(i));
  });
  return items;
}

/** What `ferry import` does with the items: each queue created as exported, its messages and dedup entries imported. */
async function importAll(e: StorageEngine, items: ExportItem[]): Promise<void> {
  let target: QueueRecord | undefined;
  let batch: ImportedMessage[] = [];
  const flush = async (): Promise<void> => {
    if (target !== undefined && batch.length) await e.messageImport({ queueId: target.id, messages: batch });
    batch = [];
  };
  for (const item of items) {
    if (item.kind === 'queue') {
      await flush();
      const q = item.queue;
      target = (
        await e.queueCreate({
          accountId: q.accountId,
          name: q.name,
          fifo: q.fifo,
          attributes: { ...q.attributes },
          tags: { ...q.tags },
          reuseDelayMs: 0,
          restore: { createdAt: q.createdAt, lastModifiedAt: q.lastModifiedAt, dedupScope: q.dedupScope },
        })
      ).queue;
    } else if (item.kind === 'message') {
      const { state: _state, ...m } = item.message;
      batch.push(m);
      if (batch.length === 2) await flush(); // several calls per queue, as the CLI makes them
    } else if (item.kind === 'dedup') {
      await flush();
      await e.messageImport({ queueId: target!.id, messages: [], dedup: [item.entry] });
    }
  }
  await flush();
}

const sameQueue = (q: QueueRecord) => ({ ...q, id: '*' });

/** A message to import into a queue of account 000000000000, body `body`, sent at `at`. */
const imported = (body: string, at: number, extra: Partial<ImportedMessage> = {}): ImportedMessage => ({
  messageId: `id-${body}`,
  body,
  md5OfBody: md5(body),
  messageAttributes: {},
  systemAttributes: {},
  senderId: 'S',
  sentAt: at,
  visibleAt: at,
  receiveCount: 0,
  ...extra,
});

const createParams = (name: string, o: { fifo?: boolean; attributes?: Record<string, string>; reuseDelayMs?: number } = {}) => ({
  accountId: '000000000000',
  name,
  fifo: o.fifo ?? false,
  attributes: o.attributes ?? {},
  tags: { from: 'import' },
  reuseDelayMs: o.reuseDelayMs ?? 60_000,
  restore: { createdAt: 1_000, lastModifiedAt: 2_000, dedupScope: 'queue' as const },
});

export function transferContract(test: Case): void {
  describe('export and import', () => {
    test('export reads every queue, message and dedup entry with its state; import puts them back, in-flight ones visible from the import on', async (h) => {
      const t0 = h.clock.now();
      const dlq = await h.queue('dlq');
      const src = await h.queue('src', {
        attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:dlq`, maxReceiveCount: 1 }), VisibilityTimeout: '30' },
        tags: { team: 'a', env: 'prod' },
      });
      const fifo = await h.queue('f.fifo', {
        fifo: true,
        attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      });
      // The attribute changes; deduplication keeps the creation-time scope, and so must the import.
      await h.engine.queueSetAttributes({ queueId: fifo.id, set: { DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' } });
      const other = await h.queue('acct', { accountId: '111111111111' });

      const attrs = { color: { DataType: 'String', StringValue: 'blue' } };
      await h.send(
        src,
        { body: 'a', messageId: 'id-a', messageAttributes: attrs, md5OfMessageAttributes: 'f'.repeat(32) },
        { body: 'c', messageId: 'id-c' },
      );
      await h.send(src, { body: 'b', messageId: 'id-b', delayMs: 60_000 });
      assert.deepEqual((await h.recv(src, 10, 1_000)).map((m) => m.body).sort(), ['a', 'c']);
      h.clock.advance(1_000);
      assert.deepEqual(await h.recv(src), []); // both dead-lettered (receive count would be 2 > 1)
      await h.send(src, { body: 'd', messageId: 'id-d' });
      assert.deepEqual(
        (await h.recv(src, 10, 30_000)).map((m) => [m.body, m.receiveCount]),
        [['d', 1]],
      );
      const [f1, f2] = await h.send(
        fifo,
        { body: 'm1', messageId: 'id-m1', groupId: 'g1', dedupId: 'd1' },
        { body: 'm2', messageId: 'id-m2', groupId: 'g2', dedupId: 'd2' },
      );
      assert.deepEqual(
        (await h.recv(fifo, 1)).map((m) => m.body),
        ['m1'],
      );
      const sys = { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' } };
      await h.send(other, {
        body: 'x',
        messageId: 'id-x',
        systemAttributes: sys,
        md5OfMessageSystemAttributes: 'e'.repeat(32),
        senderId: 'AIDOTHER',
      });
      const t1 = h.clock.now();
      assert.deepEqual(await h.stats(dlq), { visible: 2, inflight: 0, delayed: 0 });

      const first = await exportAll(h.engine);
      assert.deepEqual(first[0], { kind: 'begin', at: t1 });
      assert.deepEqual(
        first.filter((i) => i.kind === 'queue').map((i) => (i.kind === 'queue' ? `${i.queue.accountId}/${i.queue.name}` : '')),
        ['000000000000/dlq', '000000000000/f.fifo', '000000000000/src', '111111111111/acct'],
      );
      const messages = first.flatMap((i) => (i.kind === 'message' ? [i.message] : []));
      assert.deepEqual(
        messages.map((m) => [m.body, m.state, m.receiveCount, m.deadLetterSourceArn ?? null]),
        [
          ['a', 'visible', 1, `${ARN}:src`],
          ['c', 'visible', 1, `${ARN}:src`],
          ['m1', 'inflight', 1, null],
          ['m2', 'visible', 0, null],
          ['b', 'delayed', 0, null],
          ['d', 'inflight', 1, null],
          ['x', 'visible', 0, null],
        ],
      );
      const a = messages[0]!;
      assert.deepEqual(
        { ...a },
        {
          messageId: 'id-a',
          state: 'visible',
          body: 'a',
          md5OfBody: md5('a'),
          messageAttributes: attrs,
          md5OfMessageAttributes: 'f'.repeat(32),
          systemAttributes: {},
          senderId: 'AIDAEXAMPLE',
          sentAt: t0,
          visibleAt: a.visibleAt,
          receiveCount: 1,
          firstReceivedAt: t0,
          deadLetterSourceArn: `${ARN}:src`,
        },
      );
      assert.ok(a.visibleAt <= t1);
      const b = messages[4]!;
      assert.equal(b.visibleAt, t0 + 60_000);
      const x = messages[6]!;
      assert.deepEqual([x.systemAttributes, x.md5OfMessageSystemAttributes, x.senderId], [sys, 'e'.repeat(32), 'AIDOTHER']);
      const m1 = messages[2]!;
      assert.deepEqual([m1.groupId, m1.dedupId, m1.sequenceNumber], ['g1', 'd1', f1!.sequenceNumber]);
      assert.equal(messages[3]!.sequenceNumber, f2!.sequenceNumber);
      assert.deepEqual(
        first.flatMap((i) => (i.kind === 'dedup' ? [[i.entry.messageId, i.entry.sequenceNumber, i.entry.expiresAt]] : [])),
        [
          ['id-m1', f1!.sequenceNumber, t1 + 300_000],
          ['id-m2', f2!.sequenceNumber, t1 + 300_000],
        ],
      );

      // Into an emptied store (the same engine), some time later.
      for (const q of await h.engine.queueList()) await h.engine.queueDelete(q.id);
      h.clock.advance(5_000);
      const t2 = h.clock.now();
      await importAll(h.engine, first);
      const second = await exportAll(h.engine);
      // Everything as exported, except: new queue ids, the new instant, and in-flight messages visible now.
      const expected = first.map((i): unknown => {
        if (i.kind === 'begin') return { kind: 'begin', at: t2 };
        if (i.kind === 'queue') return { kind: 'queue', queue: sameQueue(i.queue) };
        if (i.kind === 'message') {
          const m = i.message.state === 'delayed' ? i.message : { ...i.message, state: 'visible', visibleAt: t2 };
          return { kind: 'message', queueId: '*', message: m };
        }
        return { ...i, queueId: '*' };
      });
      const got = second.map((i): unknown => {
        if (i.kind === 'queue') return { kind: 'queue', queue: sameQueue(i.queue) };
        if (i.kind === 'message' || i.kind === 'dedup') return { ...i, queueId: '*' };
        return i;
      });
      assert.deepEqual(got, expected);
      const byName = async (account: string, name: string) => (await h.engine.queueGetByName(account, name))!;
      const f = await byName('000000000000', 'f.fifo');
      assert.equal(f.dedupScope, 'messageGroup');
      assert.equal(f.attributes.DeduplicationScope, 'queue');
      // FIFO: deduplication continues (scope messageGroup: same group and id), sequence numbers continue above the imported ones.
      const [dup, fresh] = await h.send(f, { body: 'm1 again', groupId: 'g1', dedupId: 'd1' }, { body: 'm3', groupId: 'g1', dedupId: 'd3' });
      assert.deepEqual(dup, { messageId: 'id-m1', sequenceNumber: f1!.sequenceNumber, deduplicated: true });
      assert.ok(BigInt(fresh!.sequenceNumber!) > BigInt(f2!.sequenceNumber!), `${fresh!.sequenceNumber} > ${f2!.sequenceNumber}`);
      assert.deepEqual(
        (await h.recv(f)).map((m) => [m.body, m.receiveCount, m.firstReceivedAt, m.sequenceNumber]),
        [
          ['m1', 2, t0 + 1_000, f1!.sequenceNumber],
          ['m3', 1, t2, fresh!.sequenceNumber],
          ['m2', 1, t2, f2!.sequenceNumber],
        ],
      );
      // Receive counts carry on: `d` (received once, maxReceiveCount 1) is dead-lettered by its next receive.
      const s = await byName('000000000000', 'src');
      const d = await byName('000000000000', 'dlq');
      assert.deepEqual(await h.stats(s), { visible: 1, inflight: 0, delayed: 1 });
      assert.deepEqual(await h.recv(s), []);
      assert.deepEqual(await h.stats(d), { visible: 3, inflight: 0, delayed: 0 });
      h.clock.advance(60_000);
      assert.deepEqual(
        (await h.recv(s)).map((m) => [m.body, m.receiveCount]),
        [['b', 1]],
      );
    });

    test('an error of the sink ends the export and is rethrown as is; the snapshot is released', async (h) => {
      const q = await h.queue('q');
      await h.send(q, 'one', 'two');
      for (let i = 0; i < 12; i++) {
        const boom = new Error(`sink ${i}`);
        const seen: string[] = [];
        await assert.rejects(
          h.engine.storeExport(async (item) => {
            seen.push(item.kind);
            if (item.kind === 'message') {
              if (i % 2 === 0) throw boom;
              return Promise.reject(boom);
            }
          }),
          (e: unknown) => e === boom,
        );
        assert.deepEqual(seen, ['begin', 'queue', 'message']);
      }
      // Nothing held: writes commit and a full export runs.
      await h.send(q, 'three');
      assert.deepEqual(
        (await exportAll(h.engine)).map((i) => i.kind),
        ['begin', 'queue', 'message', 'message', 'message'],
      );
    });

    test('export is one snapshot: writes committed while it runs are not in it', async (h) => {
      const q = await h.queue('q');
      await h.send(q, 'before');
      const items: ExportItem[] = [];
      await h.engine.storeExport(async (item) => {
        items.push(item);
        if (item.kind === 'begin') {
          await h.send(q, 'during');
          await h.queue('created-during');
        }
      });
      assert.deepEqual(
        items.map((i) => (i.kind === 'message' ? i.message.body : i.kind === 'queue' ? i.queue.name : i.kind)),
        ['begin', 'q', 'before'],
      );
      assert.deepEqual(await h.stats(q), { visible: 2, inflight: 0, delayed: 0 });
    });

    test('storeImport is all or nothing: an import whose last call is refused leaves no trace of its creates, deletes and messages', async (h) => {
      const now = h.clock.now();
      const keep = await h.queue('keep');
      await h.send(keep, 'old');
      const fifo = await h.queue('f.fifo', { fifo: true });
      const [sent] = await h.send(fifo, { body: 'first', groupId: 'g' });
      const gone = await h.queue('gone', { tags: { v: '1' } });
      await h.send(gone, 'g1');
      const before = await exportAll(h.engine);
      const above = (BigInt(sent!.sequenceNumber!) + 5n).toString();
      let inside: string[] = [];
      await assert.rejects(
        h.engine.storeImport(async (tx) => {
          const created = await tx.queueCreate(createParams('new'));
          assert.equal(created.created, true);
          await tx.messageImport({ queueId: created.queue.id, messages: [imported('n1', now), imported('n2', now)] });
          await tx.messageImport({ queueId: keep.id, messages: [imported('k2', now)] });
          await tx.queueDelete(gone.id);
          assert.equal(await tx.queueGetByName('000000000000', 'gone'), undefined);
          const again = await tx.queueCreate(createParams('gone', { attributes: { VisibilityTimeout: '99' }, reuseDelayMs: 0 }));
          await tx.messageImport({ queueId: again.queue.id, messages: [imported('g2', now)] });
          await tx.messageImport({
            queueId: fifo.id,
            messages: [imported('f2', now, { groupId: 'g', sequenceNumber: above })],
            dedup: [{ key: 'dk', messageId: 'id-f2', sequenceNumber: above, expiresAt: now + 300_000 }],
          });
          // The import sees its own writes.
          inside = [(await tx.queueGetByName('000000000000', 'new'))!.id === created.queue.id ? 'new' : 'missing'];
          // The last call is refused: its sequence number is not above the one just imported.
          await tx.messageImport({ queueId: fifo.id, messages: [imported('bad', now, { groupId: 'g', sequenceNumber: above })] });
        }),
        (e: unknown) => {
          assert.ok(isDomainError(e, 'InvalidImport'), String(e));
          assert.equal((e as Error).message, `message id-bad: sequence number ${above} is not above the queue's last one`);
          return true;
        },
      );
      assert.deepEqual(inside, ['new']);
      // The store is exactly as before: same queues (ids, attributes, tags), messages and dedup entries.
      assert.deepEqual(await exportAll(h.engine), before);
      assert.equal(await h.engine.queueGetByName('000000000000', 'new'), undefined);
      assert.deepEqual((await h.engine.queueGetByName('000000000000', 'gone'))!.id, gone.id);
      // No queue of the rolled-back create, the deleted one back as it was: both names behave as before.
      const recreate = await h.engine.queueCreate(createParams('gone'));
      assert.deepEqual([recreate.created, recreate.queue.id], [false, gone.id]);
      assert.equal((await h.engine.queueCreate(createParams('new'))).created, true);
      assert.deepEqual(
        (await h.recv(keep)).map((m) => m.body),
        ['old'],
      );
      assert.deepEqual(
        (await h.recv(gone)).map((m) => m.body),
        ['g1'],
      );
      // The FIFO queue takes the refused import's sequence number now: nothing of it was kept.
      await h.engine.messageImport({ queueId: fifo.id, messages: [imported('f2', now, { groupId: 'g', sequenceNumber: above })] });
      assert.deepEqual(
        (await h.recv(fifo)).map((m) => [m.body, m.sequenceNumber]),
        [
          ['first', sent!.sequenceNumber],
          ['f2', above],
        ],
      );
    });

    test('storeImport commits its calls together and returns what run returns; a refused call is undone alone; run’s own error is rethrown as is', async (h) => {
      const now = h.clock.now();
      const r = await h.engine.storeImport(async (tx) => {
        const a = (await tx.queueCreate(createParams('a'))).queue;
        await tx.messageImport({ queueId: a.id, messages: [imported('m1', now)] });
        // Refused (a standard queue's messages have no sequence number), caught: the import goes on.
        const refused = await tx
          .messageImport({ queueId: a.id, messages: [imported('m-refused', now), imported('m-bad', now, { sequenceNumber: '1'.padEnd(20, '0') })] })
          .then(
            () => 'stored',
            (e: unknown) => (isDomainError(e, 'InvalidImport') ? 'InvalidImport' : String(e)),
          );
        await tx.messageImport({ queueId: a.id, messages: [imported('m2', now)] });
        return { refused, id: a.id };
      });
      assert.equal(r.refused, 'InvalidImport');
      const a = (await h.engine.queueGetByName('000000000000', 'a'))!;
      assert.equal(a.id, r.id);
      assert.deepEqual([a.tags, a.createdAt, a.lastModifiedAt], [{ from: 'import' }, 1_000, 2_000]);
      assert.deepEqual((await h.recv(a)).map((m) => m.body).sort(), ['m1', 'm2']);
      // run's error, whatever it is, comes back unchanged; what run did before it is gone.
      const boom = new Error('boom');
      await assert.rejects(
        h.engine.storeImport(async (tx) => {
          await tx.queueCreate(createParams('b'));
          await tx.messageImport({ queueId: a.id, messages: [imported('m3', now)] });
          throw boom;
        }),
        (e: unknown) => e === boom,
      );
      assert.equal(await h.engine.queueGetByName('000000000000', 'b'), undefined);
      assert.deepEqual(await h.stats(a), { visible: 0, inflight: 2, delayed: 0 });
      // An ImportTx is dead once its import ended.
      let kept: ImportTx | undefined;
      await h.engine.storeImport(async (tx) => {
        kept = tx;
      });
      await assert.rejects(kept!.queueCreate(createParams('late')));
      assert.equal(await h.engine.queueGetByName('000000000000', 'late'), undefined);
      // Writes outside the import work as ever afterwards.
      await h.send(a, 'after');
      assert.deepEqual(await h.stats(a), { visible: 1, inflight: 2, delayed: 0 });
    });

    test('import refuses what it cannot store as given (InvalidImport), storing nothing of the call', async (h) => {
      const fifo = await h.queue('f.fifo', { fifo: true });
      const std = await h.queue('s');
      const [sent] = await h.send(fifo, { body: 'first', groupId: 'g' });
      const base = {
        md5OfBody: md5('x'),
        messageAttributes: {},
        systemAttributes: {},
        senderId: 'S',
        sentAt: h.clock.now(),
        visibleAt: h.clock.now(),
        receiveCount: 0,
      };
      const m = (id: string, extra: Partial<ImportedMessage> = {}): ImportedMessage => ({ ...base, messageId: id, body: 'x', ...extra });
      const above = (BigInt(sent!.sequenceNumber!) + 5n).toString();
      const rejects = async (p: Promise<unknown>, text: string) =>
        assert.rejects(p, (e: unknown) => {
          assert.ok(isDomainError(e, 'InvalidImport'), String(e));
          assert.equal((e as Error).message, text);
          return true;
        });
      await rejects(
        h.engine.messageImport({ queueId: fifo.id, messages: [m('ok', { groupId: 'g', sequenceNumber: above }), m('no-seq', { groupId: 'g' })] }),
        'message no-seq: a FIFO message needs a sequence number of 20 digits starting with 1',
      );
      await rejects(
        h.engine.messageImport({ queueId: fifo.id, messages: [m('no-group', { sequenceNumber: above })] }),
        'message no-group: a FIFO message needs a message group id',
      );
      await rejects(
        h.engine.messageImport({ queueId: fifo.id, messages: [m('low', { groupId: 'g', sequenceNumber: sent!.sequenceNumber! })] }),
        `message low: sequence number ${sent!.sequenceNumber} is not above the queue's last one`,
      );
      await rejects(
        h.engine.messageImport({ queueId: std.id, messages: [m('std', { sequenceNumber: above })] }),
        "message std: a standard queue's messages have no sequence number",
      );
      assert.deepEqual(await h.stats(fifo), { visible: 1, inflight: 0, delayed: 0 });
      assert.deepEqual(await h.stats(std), { visible: 0, inflight: 0, delayed: 0 });
      await assert.rejects(h.engine.messageImport({ queueId: 'no-such-queue', messages: [] }), (e: unknown) => isDomainError(e, 'QueueNotFound'));
      // A good one: stored after the sent message, and the next send numbers above it.
      await h.engine.messageImport({ queueId: fifo.id, messages: [m('ok', { groupId: 'g', sequenceNumber: above })] });
      const [next] = await h.send(fifo, { body: 'next', groupId: 'g' });
      assert.ok(BigInt(next!.sequenceNumber!) > BigInt(above));
      assert.deepEqual(
        (await h.recv(fifo)).map((r) => r.body),
        ['first', 'x', 'next'],
      );
    });
  });
}
