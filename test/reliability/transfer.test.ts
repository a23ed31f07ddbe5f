/**
 * `ferry export` / `ferry import` between engines, black box (real processes, the AWS SDK v3):
 * a Ferry on SQLite with a standard queue (RedrivePolicy to a DLQ, tags, a Policy, message attributes of
 * every type, one message in flight), a FIFO queue (content-based deduplication, two groups), a queue
 * without SSE and a queue of a second account; exported through the CLI (refused without --decrypt,
 * since bodies are encrypted at rest), imported into PostgreSQL, served from there — every queue,
 * attribute, tag, message and MD5 as before, the in-flight message visible with its receive count —
 * and exported again from PostgreSQL into a new SQLite store, which serves the same.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';

import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';

import { MAIN, freshSchema, startFerryProcess, type FerryProcess } from '../helpers/process.js';

const DB = process.env.FERRY_TEST_DATABASE_URL;
const A = '000000000000';
const B = '222222222222';
const KEYS = { [A]: { accessKeyId: 'AKIAEXPORTA', secretAccessKey: 'secret-a' }, [B]: { accessKeyId: 'AKIAEXPORTB', secretAccessKey: 'secret-b' } };

/** Run the CLI: exit code, stdout, stderr (log lines, refusals). */
function ferry(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

const client = (url: string, account: string) =>
  new SQSClient({ endpoint: url, region: 'us-east-1', credentials: KEYS[account as keyof typeof KEYS], maxAttempts: 1 });

/** What a server shows of its store: per queue, its attributes (counts aside), tags and every message (received once, in order). */
async function view(f: FerryProcess): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const account of [A, B]) {
    const c = client(f.url, account);
    try {
      const urls = ((await c.send(new ListQueuesCommand({}))).QueueUrls ?? []).sort();
      for (const url of urls) {
        const name = url.split('/').pop()!;
        const attrs = (await c.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes as Record<string, string>;
        const counts = [attrs.ApproximateNumberOfMessages, attrs.ApproximateNumberOfMessagesNotVisible, attrs.ApproximateNumberOfMessagesDelayed];
        for (const k of Object.keys(attrs)) if (k.startsWith('Approximate')) delete attrs[k];
        const tags = (await c.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {};
        const messages: Array<Partial<Message>> = [];
        for (;;) {
          const r = await c.send(
            new ReceiveMessageCommand({
              QueueUrl: url,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 600,
              MessageSystemAttributeNames: ['All'],
              MessageAttributeNames: ['All'],
            }),
          );
          if (!r.Messages?.length) break;
          for (const m of r.Messages) {
            const { ReceiptHandle: _r, Attributes, ...rest } = m;
            const { ApproximateFirstReceiveTimestamp: _f, ...sys } = Attributes ?? {};
            messages.push({ ...rest, Attributes: sys });
          }
        }
        // Standard queues deliver roughly oldest first: compare them as sets.
        if (!name.endsWith('.fifo')) messages.sort((x, y) => (x.Body! < y.Body! ? -1 : 1));
        out[`${account}/${name}`] = { counts, attrs, tags, messages };
      }
    } finally {
      c.destroy();
    }
  }
  return out;
}

it(
  'ferry export from SQLite, import into PostgreSQL and back: queues, attributes, tags, messages and MD5s survive',
  { timeout: 180_000, skip: DB === undefined && process.env.CI !== 'true' ? 'needs FERRY_TEST_DATABASE_URL (npm test sets it)' : false },
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'ferry-transfer-test-'));
    const config = join(work, 'ferry.yaml');
    writeFileSync(
      config,
      [
        'auth: sigv4',
        `accountId: "${A}"`,
        'accounts:',
        ...[A, B].flatMap((acct) => [
          `  "${acct}":`,
          '    users:',
          `      admin: { admin: true, accessKeys: [ { accessKeyId: ${KEYS[acct as keyof typeof KEYS].accessKeyId}, secretAccessKey: ${KEYS[acct as keyof typeof KEYS].secretAccessKey} } ] }`,
        ]),
      ].join('\n') + '\n',
    );
    const flags = ['--config', config];
    const procs: FerryProcess[] = [];
    try {
      // 1. The source: SQLite.
      const src = await startFerryProcess({ storage: 'sqlite', args: flags });
      procs.push(src);
      const a = client(src.url, A);
      const b = client(src.url, B);
      const dlqArn = `arn:aws:sqs:us-east-1:${A}:dlq`;
      await a.send(new CreateQueueCommand({ QueueName: 'dlq', Attributes: { MessageRetentionPeriod: '1209600' } }));
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${A}:orders` },
        ],
      });
      const orders = (
        await a.send(
          new CreateQueueCommand({
            QueueName: 'orders',
            Attributes: {
              VisibilityTimeout: '45',
              RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
              Policy: policy,
            },
            tags: { team: 'shop', env: 'test' },
          }),
        )
      ).QueueUrl!;
      const fifo = (
        await a.send(new CreateQueueCommand({ QueueName: 'events.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))
      ).QueueUrl!;
      const plain = (await a.send(new CreateQueueCommand({ QueueName: 'plain', Attributes: { SqsManagedSseEnabled: 'false', DelaySeconds: '0' } })))
        .QueueUrl!;
      const billing = (await b.send(new CreateQueueCommand({ QueueName: 'billing', tags: { owner: 'b' } }))).QueueUrl!;
      await a.send(
        new SendMessageCommand({
          QueueUrl: orders,
          MessageBody: 'order 1 — ünïcödé',
          MessageAttributes: {
            s: { DataType: 'String', StringValue: 'blue' },
            n: { DataType: 'Number', StringValue: '42' },
            bin: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
          },
          MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' } },
        }),
      );
      await a.send(new SendMessageCommand({ QueueUrl: orders, MessageBody: 'order 2' }));
      for (const [g, body] of [
        ['g1', 'e1'],
        ['g2', 'e2'],
        ['g1', 'e3'],
      ])
        await a.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: body, MessageGroupId: g }));
      await a.send(new SendMessageCommand({ QueueUrl: plain, MessageBody: 'plain text' }));
      await b.send(
        new SendMessageCommand({
          QueueUrl: billing,
          MessageBody: 'invoice 7',
          MessageAttributes: { cur: { DataType: 'String', StringValue: 'EUR' } },
        }),
      );
      b.destroy();
      // 2. Export while it serves: refused without --decrypt (bodies are encrypted at rest), written with it.
      const file = join(work, 'store.jsonl');
      const refused = await ferry('export', file, '--data-dir', src.dataDir, ...flags);
      assert.equal(refused.code, 2, refused.err);
      assert.match(refused.err, /encrypted at rest \(SSE\).*--decrypt/s);
      assert.equal(existsSync(file), false);
      // One in flight (15 s) while exported: after the import it is visible at once, received once already.
      const receivedAt = Date.now();
      const inflight = (await a.send(new ReceiveMessageCommand({ QueueUrl: orders, MaxNumberOfMessages: 1, VisibilityTimeout: 15 }))).Messages!;
      assert.equal(inflight.length, 1);
      a.destroy();

      const exported = await ferry('export', file, '--decrypt', '--data-dir', src.dataDir, ...flags);
      assert.equal(exported.code, 0, exported.err);
      assert.match(
        exported.out,
        /^exported 5 queues, 7 messages and 3 deduplication entries to .*\(6 bodies encrypted at rest written decrypted: protect the file\)\n$/,
      );
      assert.equal(statSync(file).mode & 0o777, 0o600);
      // The source's view once the in-flight message is visible again (what the import shows at once).
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(
        lines.filter((l) => l.queue === 'orders').map((l) => [l.body, l.state, l.receiveCount]),
        ['order 1 — ünïcödé', 'order 2'].map((x) => (x === inflight[0]!.Body ? [x, 'inflight', 1] : [x, 'visible', 0])),
      );
      await sleep(receivedAt + 15_500 - Date.now());
      const before = await view(src);
      await src.stop();
      procs.pop();
      assert.deepEqual(Object.keys(before), [`${A}/dlq`, `${A}/events.fifo`, `${A}/orders`, `${A}/plain`, `${B}/billing`]);
      const ordersBefore = before[`${A}/orders`] as { counts: string[]; messages: Message[] };
      assert.deepEqual(ordersBefore.counts, ['2', '0', '0']);
      assert.deepEqual(
        ordersBefore.messages.map((m) => [
          m.Body,
          m.Attributes!.ApproximateReceiveCount,
          m.MD5OfMessageAttributes !== undefined,
          m.Attributes!.AWSTraceHeader !== undefined,
        ]),
        [
          ['order 1 — ünïcödé', inflight[0]!.Body === 'order 1 — ünïcödé' ? '2' : '1', true, true],
          ['order 2', inflight[0]!.Body === 'order 2' ? '2' : '1', false, false],
        ],
      );

      // 3. Into PostgreSQL, then served from there.
      const schema = freshSchema();
      const pgDir = mkdtempSync(join(tmpdir(), 'ferry-transfer-pg-'));
      const pgFlags = ['--storage', 'postgres', '--database-url', DB!, '--database-schema', schema, '--data-dir', pgDir, ...flags];
      const imported = await ferry('import', file, ...pgFlags);
      assert.equal(imported.code, 0, imported.err);
      // A new store: the import made its managed key (as `ferry serve` would) and encrypted the SSE queues' bodies with it.
      assert.match(imported.err, /created Ferry's managed encryption key/);
      assert.equal(imported.out, `imported 5 queues, 7 messages and 3 deduplication entries from ${file}\n`);
      const back = join(work, 'from-pg.jsonl');
      const fromPg = await ferry('export', back, '--decrypt', ...pgFlags);
      assert.equal(fromPg.code, 0, fromPg.err);
      const pg = await startFerryProcess({ storage: 'postgres', databaseSchema: schema, dataDir: pgDir, args: flags });
      procs.push(pg);
      const onPg = await view(pg);
      assert.deepEqual(onPg, before);
      // FIFO continuity: a new message's sequence number is above every imported one.
      const pa = client(pg.url, A);
      const fifoPg = (await pa.send(new GetQueueUrlCommand({ QueueName: 'events.fifo' }))).QueueUrl!;
      const next = await pa.send(new SendMessageCommand({ QueueUrl: fifoPg, MessageBody: 'e4', MessageGroupId: 'g2' }));
      const seqs = (before[`${A}/events.fifo`] as { messages: Message[] }).messages.map((m) => BigInt(m.Attributes!.SequenceNumber!));
      assert.ok(seqs.every((s) => BigInt(next.SequenceNumber!) > s));
      // Deduplication continues: content-based dedup of a body sent before the export.
      const dup = await pa.send(new SendMessageCommand({ QueueUrl: fifoPg, MessageBody: 'e1', MessageGroupId: 'g1' }));
      assert.equal(dup.MessageId, (before[`${A}/events.fifo`] as { messages: Message[] }).messages.find((m) => m.Body === 'e1')!.MessageId);
      pa.destroy();
      await pg.stop();
      procs.pop();

      // 4. And back to SQLite (the export made from PostgreSQL right after the import).
      const sqlite2 = mkdtempSync(join(tmpdir(), 'ferry-transfer-sqlite-'));
      const again = await ferry('import', back, '--data-dir', sqlite2, ...flags);
      assert.equal(again.code, 0, again.err);
      const s2 = await startFerryProcess({ storage: 'sqlite', dataDir: sqlite2, args: flags });
      procs.push(s2);
      assert.deepEqual(await view(s2), before);
      await s2.stop();
      procs.pop();
      // Existing queues: skipped when told; a different config is refused (nothing changed) unless --replace.
      const skipped = await ferry('import', back, '--skip-existing', '--data-dir', sqlite2, ...flags);
      assert.equal(skipped.out, `imported 0 queues, 0 messages and 0 deduplication entries from ${back} (5 existing queues skipped)\n`);
      const changed = join(work, 'changed.jsonl');
      writeFileSync(changed, readFileSync(back, 'utf8').replace('"VisibilityTimeout":"45"', '"VisibilityTimeout":"46"'));
      const conflict = await ferry('import', changed, '--data-dir', sqlite2, ...flags);
      assert.equal(conflict.code, 2, conflict.err);
      assert.equal(
        conflict.err,
        `ferry: queue orders (account ${A}) exists with other attributes than in ${changed}. Use --replace (delete it and its messages, then import it) or --skip-existing (leave it). Nothing was changed.\n`,
      );
      const replaced = await ferry('import', changed, '--replace', '--data-dir', sqlite2, ...flags);
      assert.equal(replaced.out, `imported 5 queues, 7 messages and 3 deduplication entries from ${changed}\n`);
      // The same file again into queues of the same config: their messages would be appended, but the FIFO
      // queue's sequence numbers are not above its own; the store refuses it in one line, no stack.
      const storeLines = async (name: string): Promise<string[]> => {
        const r = await ferry('export', join(work, name), '--decrypt', '--data-dir', sqlite2, ...flags);
        assert.equal(r.code, 0, r.err);
        return readFileSync(join(work, name), 'utf8').trim().split('\n').slice(1); // without the header (its instant)
      };
      const beforeTwice = await storeLines('before-twice.jsonl');
      const twice = await ferry('import', changed, '--data-dir', sqlite2, ...flags);
      assert.equal(twice.code, 1, twice.err);
      assert.match(twice.err, /^ferry import: InvalidImport: message [0-9a-f-]{36}: sequence number \d{20} is not above the queue's last one\n$/);
      // All or nothing: the refused import left the store exactly as it was.
      assert.deepEqual(await storeLines('after-twice.jsonl'), beforeTwice);
      rmSync(pgDir, { recursive: true, force: true });
      rmSync(sqlite2, { recursive: true, force: true });
    } finally {
      for (const p of procs) await p.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
);
