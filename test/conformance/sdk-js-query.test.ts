/**
 * The AWS SDK for JavaScript v3 in its last release that speaks the Query protocol for SQS:
 * @aws-sdk/client-sqs 3.445.0 (3.447.0 is the first on AWS JSON 1.0; there is no 3.446), installed as
 * the devDependency alias `client-sqs-query`. Driven through whole workflows against a real
 * `ferry serve` per engine started with `--auth sigv4`, so its SigV4 signing and its own reading of
 * Ferry's XML are checked: fast-xml-parser 4.2.5 with `htmlEntities`, no value parsing and no trimming
 * (every value stays a string until the SDK's deserializer converts it; a flattened collection of one
 * element is an object, not an array; an empty result element is ""), the `&#xD;` entity for CR, and
 * the SDK's MD5 middleware, which verifies the bodies' MD5s on SendMessage, SendMessageBatch and
 * ReceiveMessage (the attributes' MD5s are checked here).
 *
 * Known quirks of this SDK, the same against AWS (so not asserted as Ferry's): a body or attribute
 * value that is only whitespace and holds a line feed reads back as "" (its tagValueProcessor runs after
 * entity decoding), so ReceiveMessage throws "Invalid MD5 checksum on messages" for it; and a modeled
 * error (QueueDoesNotExist, ReceiptHandleIsInvalid, …) carries the message "UnknownError" — the real
 * code and message are in the exception's `Error` member.
 *
 * The expected values are AWS's (API reference, botocore's model, LocalStack's AWS-validated snapshots).
 */
import * as q from 'client-sqs-query';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TEST_CREDENTIALS } from '../helpers/clients.js';
import { ENGINES } from '../helpers/matrix.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
const arnOf = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Attrs = Record<string, q.MessageAttributeValue>;

/**
 * AWS's MD5 of message (or message system) attributes: names in byte order; each as length-prefixed
 * name, data type, transport type (1 string, 2 binary) and length-prefixed value.
 */
function md5OfAttributes(attrs: Attrs): string {
  const parts: Buffer[] = [];
  const put = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attrs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const v = attrs[name]!;
    put(Buffer.from(name));
    put(Buffer.from(v.DataType!));
    if (v.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      put(Buffer.from(v.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      put(Buffer.from(v.StringValue!));
    }
  }
  return md5(Buffer.concat(parts));
}

/** What a failed call shows: the exception's name, HTTP status, fault, and the parsed Query error. */
interface Failure {
  name: string;
  status: number | undefined;
  fault: string | undefined;
  /** The ErrorResponse's <Error><Code> and <Message> (modeled errors keep them only here). */
  code: string | undefined;
  message: string | undefined;
}

async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    const err = e as q.SQSServiceException & { Error?: { Code?: string; Message?: string }; Code?: string };
    assert.ok(err.$metadata, `not a service exception: ${String(e)}`);
    return {
      name: err.name,
      status: err.$metadata.httpStatusCode,
      fault: err.$fault,
      code: err.Error?.Code ?? err.Code,
      message: err.Error?.Message ?? err.message,
    };
  }
  assert.fail('expected the call to fail, it succeeded');
}

for (const engine of ENGINES) {
  describe(`@aws-sdk/client-sqs 3.445.0 (Query protocol) [${engine}]`, { concurrency: true }, () => {
    let ferry: FerryProcess;
    let sqs: q.SQSClient;
    let n = 0;
    const name = (base: string) => {
      const fifo = base.endsWith('.fifo');
      return `${fifo ? base.slice(0, -5) : base}-v3q-${engine}-${process.pid}-${++n}${fifo ? '.fifo' : ''}`;
    };
    const client = (credentials = TEST_CREDENTIALS) => new q.SQSClient({ endpoint: ferry.url, region: REGION, credentials, maxAttempts: 1 });
    const create = async (queueName: string, Attributes?: Record<string, string>, tags?: Record<string, string>) =>
      (await sqs.send(new q.CreateQueueCommand({ QueueName: queueName, Attributes, tags }))).QueueUrl!;
    const arn = async (QueueUrl: string) =>
      (await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;

    before(async () => {
      ferry = await startFerryProcess({
        storage: engine,
        args: ['--skip-cooldowns', '--auth', 'sigv4', '--access-key-id', TEST_CREDENTIALS.accessKeyId],
        env: { FERRY_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey },
      });
      sqs = client();
    });
    after(async () => {
      sqs?.destroy();
      await ferry?.stop();
      ferry?.cleanup();
    });

    it('queues: attributes, tags, GetQueueUrl, ListQueues with pagination, dead-letter sources, errors', async () => {
      const prefix = name('queues');
      const dlqUrl = await create(`${prefix}-dlq`);
      const dlqArn = await arn(dlqUrl);
      const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
      const stdUrl = await create(`${prefix}-std`, { VisibilityTimeout: '5', RedrivePolicy: redrive }, { team: 'a&b <c>', one: '1' });
      assert.equal(stdUrl, `${ferry.url}/${ACCOUNT}/${prefix}-std`);
      // The same name with the same attributes is the same queue; other attributes are QueueNameExists.
      assert.equal(await create(`${prefix}-std`, { VisibilityTimeout: '5', RedrivePolicy: redrive }), stdUrl);
      const exists = await failure(create(`${prefix}-std`, { VisibilityTimeout: '6' }));
      assert.deepEqual([exists.name, exists.status, exists.fault, exists.code], ['QueueNameExists', 400, 'client', 'QueueAlreadyExists']);

      const all = (await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: stdUrl, AttributeNames: ['All'] }))).Attributes!;
      assert.deepEqual(
        { ...all, CreatedTimestamp: undefined, LastModifiedTimestamp: undefined },
        {
          ApproximateNumberOfMessages: '0',
          ApproximateNumberOfMessagesNotVisible: '0',
          ApproximateNumberOfMessagesDelayed: '0',
          CreatedTimestamp: undefined,
          LastModifiedTimestamp: undefined,
          QueueArn: arnOf(`${prefix}-std`),
          DelaySeconds: '0',
          MaximumMessageSize: '1048576',
          MessageRetentionPeriod: '345600',
          ReceiveMessageWaitTimeSeconds: '0',
          VisibilityTimeout: '5',
          RedrivePolicy: redrive,
          SqsManagedSseEnabled: 'true',
        },
      );
      assert.match(all.CreatedTimestamp!, /^\d{10}$/);
      // One attribute: a flattened map of one entry (fast-xml-parser gives an object, not an array).
      const one = await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: stdUrl, AttributeNames: ['VisibilityTimeout'] }));
      assert.deepEqual(one.Attributes, { VisibilityTimeout: '5' });
      // No attribute asked, or one the queue does not have: an empty result, no Attributes member.
      assert.equal((await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: stdUrl }))).Attributes, undefined);
      assert.equal((await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['RedrivePolicy'] }))).Attributes, undefined);
      const badName = await failure(
        sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: stdUrl, AttributeNames: ['Bogus' as q.QueueAttributeName] })),
      );
      assert.deepEqual([badName.name, badName.status, badName.fault, badName.code], ['InvalidAttributeName', 400, 'client', 'InvalidAttributeName']);
      assert.equal(badName.message, 'Unknown Attribute Bogus.');
      const badValue = await failure(sqs.send(new q.SetQueueAttributesCommand({ QueueUrl: stdUrl, Attributes: { VisibilityTimeout: '43201' } })));
      assert.deepEqual([badValue.name, badValue.status, badValue.code], ['InvalidAttributeValue', 400, 'InvalidAttributeValue']);
      assert.equal(badValue.message, 'Invalid value for the parameter VisibilityTimeout.');
      await sqs.send(new q.SetQueueAttributesCommand({ QueueUrl: stdUrl, Attributes: { DelaySeconds: '2', MaximumMessageSize: '2048' } }));
      const set = await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: stdUrl, AttributeNames: ['DelaySeconds', 'MaximumMessageSize'] }));
      assert.deepEqual(set.Attributes, { DelaySeconds: '2', MaximumMessageSize: '2048' });

      // Tags: entities in values, one tag (a single flattened entry), none (no Tags member).
      assert.deepEqual((await sqs.send(new q.ListQueueTagsCommand({ QueueUrl: stdUrl }))).Tags, { team: 'a&b <c>', one: '1' });
      await sqs.send(new q.UntagQueueCommand({ QueueUrl: stdUrl, TagKeys: ['team'] }));
      assert.deepEqual((await sqs.send(new q.ListQueueTagsCommand({ QueueUrl: stdUrl }))).Tags, { one: '1' });
      await sqs.send(new q.TagQueueCommand({ QueueUrl: dlqUrl, Tags: { 'x.y': '"q"' } }));
      assert.deepEqual((await sqs.send(new q.ListQueueTagsCommand({ QueueUrl: dlqUrl }))).Tags, { 'x.y': '"q"' });
      await sqs.send(new q.UntagQueueCommand({ QueueUrl: dlqUrl, TagKeys: ['x.y'] }));
      assert.equal((await sqs.send(new q.ListQueueTagsCommand({ QueueUrl: dlqUrl }))).Tags, undefined);

      // GetQueueUrl; a missing queue is the modeled QueueDoesNotExist (Query code AWS.SimpleQueueService.NonExistentQueue).
      assert.equal((await sqs.send(new q.GetQueueUrlCommand({ QueueName: `${prefix}-std`, QueueOwnerAWSAccountId: ACCOUNT }))).QueueUrl, stdUrl);
      const missing = await failure(sqs.send(new q.GetQueueUrlCommand({ QueueName: `${prefix}-nope` })));
      assert.deepEqual(
        [missing.name, missing.status, missing.fault, missing.code, missing.message],
        ['QueueDoesNotExist', 400, 'client', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist for this wsdl version.'],
      );

      // ListQueues: by prefix; none (no QueueUrls member); one page at a time through NextToken.
      await create(`${prefix}-zzz`);
      const listed = (await sqs.send(new q.ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls;
      assert.deepEqual(
        listed,
        [`${prefix}-dlq`, `${prefix}-std`, `${prefix}-zzz`].map((s) => `${ferry.url}/${ACCOUNT}/${s}`),
      );
      const none = await sqs.send(new q.ListQueuesCommand({ QueueNamePrefix: `${prefix}-none` }));
      assert.deepEqual([none.QueueUrls, none.NextToken], [undefined, undefined]);
      const paged: string[] = [];
      let NextToken: string | undefined;
      do {
        const page: q.ListQueuesCommandOutput = await sqs.send(new q.ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken }));
        assert.ok(page.QueueUrls && page.QueueUrls.length <= 2, JSON.stringify(page));
        paged.push(...page.QueueUrls);
        NextToken = page.NextToken;
      } while (NextToken);
      assert.deepEqual(paged, listed);

      // ListDeadLetterSourceQueues: one source; none.
      assert.deepEqual((await sqs.send(new q.ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }))).queueUrls, [stdUrl]);
      assert.equal((await sqs.send(new q.ListDeadLetterSourceQueuesCommand({ QueueUrl: stdUrl }))).queueUrls, undefined);

      // DeleteQueue; the queue is gone for every call.
      await sqs.send(new q.DeleteQueueCommand({ QueueUrl: stdUrl }));
      // SendMessage's model in this SDK lists no QueueDoesNotExist, so the exception is named after the code.
      const gone = await failure(sqs.send(new q.SendMessageCommand({ QueueUrl: stdUrl, MessageBody: 'x' })));
      assert.deepEqual(
        [gone.name, gone.status, gone.fault, gone.code, gone.message],
        [
          'AWS.SimpleQueueService.NonExistentQueue',
          400,
          'client',
          'AWS.SimpleQueueService.NonExistentQueue',
          'The specified queue does not exist for this wsdl version.',
        ],
      );
      const gone2 = await failure(sqs.send(new q.DeleteQueueCommand({ QueueUrl: stdUrl })));
      assert.deepEqual([gone2.status, gone2.code], [400, 'AWS.SimpleQueueService.NonExistentQueue']);
    });

    it('messages: bodies and attributes of every kind through the XML parser, MD5s, long poll, visibility, purge', async () => {
      const url = await create(name('messages'), { VisibilityTimeout: '30' });
      const body = 'a & b < c > "d" \'e\'\r\nline two\r\t tab é 😀 &amp; &#xD; &nbsp; ]]> trailing ';
      const attrs: Attrs = {
        str: { DataType: 'String', StringValue: 'x & <y>\r\n"z" &lt;' },
        num: { DataType: 'Number', StringValue: '-0012.50' },
        bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 0xfe, 0xff]) },
        'custom.name': { DataType: 'String.foo', StringValue: ' spaced ' },
        numint: { DataType: 'Number.int', StringValue: '1e3' },
        binz: { DataType: 'Binary.gz', BinaryValue: new Uint8Array([9]) },
      };
      const trace: Attrs = { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' } };
      // The SDK's middleware throws unless MD5OfMessageBody matches.
      const sent = await sqs.send(
        new q.SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: attrs, MessageSystemAttributes: trace }),
      );
      assert.equal(sent.MD5OfMessageBody, md5(body));
      assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(attrs));
      assert.equal(sent.MD5OfMessageSystemAttributes, md5OfAttributes(trace));
      assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);

      const got = await sqs.send(
        new q.ReceiveMessageCommand({
          QueueUrl: url,
          AttributeNames: ['All'],
          MessageAttributeNames: ['All'],
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 2,
        }),
      );
      assert.equal(got.Messages?.length, 1);
      const m = got.Messages[0]!;
      assert.equal(m.Body, body);
      assert.equal(m.MD5OfBody, md5(body));
      assert.equal(m.MessageId, sent.MessageId);
      assert.deepEqual(
        Object.fromEntries(
          Object.entries(m.MessageAttributes!).map(([k, v]) => [
            k,
            { ...v, BinaryValue: v.BinaryValue && Buffer.from(v.BinaryValue).toString('hex') },
          ]),
        ),
        Object.fromEntries(
          Object.entries(attrs).map(([k, v]) => [k, { ...v, BinaryValue: v.BinaryValue && Buffer.from(v.BinaryValue).toString('hex') }]),
        ),
      );
      assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attrs));
      assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(m.MessageAttributes!));
      const a = m.Attributes!;
      assert.deepEqual(Object.keys(a).sort(), [
        'AWSTraceHeader',
        'ApproximateFirstReceiveTimestamp',
        'ApproximateReceiveCount',
        'SenderId',
        'SentTimestamp',
      ]);
      assert.equal(a.ApproximateReceiveCount, '1');
      assert.equal(a.SenderId, ACCOUNT);
      assert.equal(a.AWSTraceHeader, trace.AWSTraceHeader!.StringValue);
      assert.match(a.SentTimestamp!, /^\d{13}$/);

      // Visibility: in flight now; ChangeMessageVisibility 0 makes it visible; a selected attribute
      // subset has its own MD5; a lone message attribute is a single flattened entry.
      assert.equal((await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
      await sqs.send(new q.ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
      const sub = (await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['bin'], VisibilityTimeout: 1 }))).Messages;
      assert.equal(sub?.length, 1);
      assert.deepEqual(Object.keys(sub[0]!.MessageAttributes!), ['bin']);
      assert.equal(sub[0]!.MD5OfMessageAttributes, md5OfAttributes({ bin: attrs.bin! }));
      assert.equal(sub[0]!.Attributes, undefined);
      // ReceiveMessage's VisibilityTimeout 1: hidden, then back after a second.
      assert.equal((await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
      await sleep(1100);
      const back = (await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2, AttributeNames: ['All'] }))).Messages;
      assert.equal(back?.[0]?.Attributes?.ApproximateReceiveCount, '3');
      await sqs.send(new q.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: back[0]!.ReceiptHandle }));

      // Bodies fast-xml-parser could turn into something else: numbers, booleans, entities (named,
      // HTML-only and numeric, all as text), edge whitespace, CR alone (sent as &#xD;). Sent in one
      // batch (the batch middleware checks each MD5), received back exactly (the receive one checks them).
      const bodies = ['123', '0012', 'true', '1e3', ' ', '\r', '\t lead', 'trail \t', '&lt;&#10;&#xD;', '&nbsp;&copy;'];
      const batch = await sqs.send(
        new q.SendMessageBatchCommand({ QueueUrl: url, Entries: bodies.map((b, i) => ({ Id: `b${i}`, MessageBody: b })) }),
      );
      assert.equal(batch.Successful?.length, 10);
      assert.equal(batch.Failed, undefined);
      const seen: string[] = [];
      for (let i = 0; i < 5 && seen.length < bodies.length; i++) {
        const r = await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const msg of r.Messages ?? []) {
          assert.equal(typeof msg.Body, 'string');
          seen.push(msg.Body!);
          await sqs.send(new q.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: msg.ReceiptHandle }));
        }
      }
      assert.deepEqual(seen.sort(), [...bodies].sort());

      // A long poll ended by a delayed message; the delay shows in ApproximateNumberOfMessagesDelayed.
      await sqs.send(new q.SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 1 }));
      const delayed = await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
      assert.deepEqual(delayed.Attributes, { ApproximateNumberOfMessagesDelayed: '1' });
      const t0 = Date.now();
      const polled = await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
      const took = Date.now() - t0;
      assert.equal(polled.Messages?.[0]?.Body, 'delayed');
      assert.ok(took >= 500 && took < 4000, `long poll took ${took} ms`);

      // Invalid receipt handles: the modeled ReceiptHandleIsInvalid (404 on the Query wire).
      for (const call of [
        sqs.send(new q.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'bogus' })),
        sqs.send(new q.ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: 'bogus', VisibilityTimeout: 1 })),
      ]) {
        const f = await failure(call);
        assert.deepEqual([f.name, f.status, f.fault, f.code], ['ReceiptHandleIsInvalid', 404, 'client', 'ReceiptHandleIsInvalid']);
        assert.equal(f.message, 'The input receipt handle "bogus" is not a valid receipt handle.');
      }

      // PurgeQueue.
      await sqs.send(new q.SendMessageCommand({ QueueUrl: url, MessageBody: 'to purge' }));
      await sqs.send(new q.PurgeQueueCommand({ QueueUrl: url }));
      assert.equal((await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages, undefined);
    });

    it('batches: a partial failure in every batch action, attribute MD5s', async () => {
      const url = await create(name('batches'));
      const battrs: Attrs = { k: { DataType: 'String', StringValue: 'v' }, b: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } };
      const sent = await sqs.send(
        new q.SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'one', MessageBody: 'first' },
            { Id: 'two', MessageBody: 'second', MessageAttributes: battrs },
            { Id: 'bad', MessageBody: 'third', DelaySeconds: 901 },
          ],
        }),
      );
      assert.deepEqual(sent.Successful?.map((e) => e.Id).sort(), ['one', 'two']);
      assert.equal(sent.Successful.find((e) => e.Id === 'two')!.MD5OfMessageAttributes, md5OfAttributes(battrs));
      assert.equal(sent.Successful.find((e) => e.Id === 'one')!.MD5OfMessageAttributes, undefined);
      assert.deepEqual(sent.Failed, [
        {
          Id: 'bad',
          SenderFault: true,
          Code: 'InvalidParameterValue',
          Message: 'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
        },
      ]);
      // Every entry failing: no Successful member, as AWS answers.
      const allBad = await sqs.send(new q.SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'x', MessageBody: 'y', DelaySeconds: -1 }] }));
      assert.deepEqual([allBad.Successful, allBad.Failed?.length], [undefined, 1]);
      const dup = await failure(
        sqs.send(
          new q.SendMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              { Id: 'x', MessageBody: '1' },
              { Id: 'x', MessageBody: '2' },
            ],
          }),
        ),
      );
      assert.deepEqual([dup.name, dup.status, dup.code], ['BatchEntryIdsNotDistinct', 400, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct']);

      const got: q.Message[] = [];
      for (let i = 0; i < 3 && got.length < 2; i++) {
        got.push(
          ...((
            await sqs.send(
              new q.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
            )
          ).Messages ?? []),
        );
      }
      assert.deepEqual(got.map((m) => m.Body).sort(), ['first', 'second']);
      const cv = await sqs.send(
        new q.ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: [
            ...got.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
            { Id: 'bogus', ReceiptHandle: 'bogus', VisibilityTimeout: 0 },
          ],
        }),
      );
      assert.deepEqual(cv.Successful?.map((e) => e.Id).sort(), ['m0', 'm1']);
      assert.deepEqual(cv.Failed, [
        {
          Id: 'bogus',
          SenderFault: true,
          Code: 'ReceiptHandleIsInvalid',
          Message: 'The input receipt handle "bogus" is not a valid receipt handle.',
        },
      ]);
      const again: q.Message[] = [];
      for (let i = 0; i < 3 && again.length < 2; i++) {
        again.push(...((await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? []));
      }
      assert.equal(again.length, 2);
      const del = await sqs.send(
        new q.DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: [...again.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle! })), { Id: 'bogus', ReceiptHandle: 'bogus' }],
        }),
      );
      assert.deepEqual(del.Successful?.map((e) => e.Id).sort(), ['m0', 'm1']);
      assert.deepEqual(
        del.Failed?.map((e) => [e.Id, e.Code, e.SenderFault]),
        [['bogus', 'ReceiptHandleIsInvalid', true]],
      );
    });

    it('FIFO: content-based and explicit deduplication, sequence numbers as strings, order, attempt ids', async () => {
      const url = await create(name('fifo.fifo'), { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
      const a1 = await sqs.send(new q.SendMessageCommand({ QueueUrl: url, MessageBody: 'f1', MessageGroupId: 'g' }));
      const a2 = await sqs.send(new q.SendMessageCommand({ QueueUrl: url, MessageBody: 'f1', MessageGroupId: 'g' }));
      assert.deepEqual([a2.MessageId, a2.SequenceNumber], [a1.MessageId, a1.SequenceNumber]);
      // A 20-digit sequence number stays a string (fast-xml-parser's value parsing is off).
      assert.match(a1.SequenceNumber!, /^\d{20}$/);
      const b1 = await sqs.send(new q.SendMessageCommand({ QueueUrl: url, MessageBody: 'f2', MessageGroupId: 'g', MessageDeduplicationId: 'd-1' }));
      const b2 = await sqs.send(
        new q.SendMessageCommand({ QueueUrl: url, MessageBody: 'f2 again', MessageGroupId: 'g', MessageDeduplicationId: 'd-1' }),
      );
      assert.equal(b2.MessageId, b1.MessageId);
      assert.ok(BigInt(b1.SequenceNumber!) > BigInt(a1.SequenceNumber!));
      const batch = await sqs.send(
        new q.SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'x', MessageBody: 'f3', MessageGroupId: 'g' },
            { Id: 'y', MessageBody: 'f4', MessageGroupId: 'g', MessageDeduplicationId: 'd-4' },
          ],
        }),
      );
      assert.ok(batch.Successful?.every((e) => /^\d{20}$/.test(e.SequenceNumber!)));
      const noGroup = await failure(sqs.send(new q.SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })));
      assert.deepEqual(
        [noGroup.name, noGroup.status, noGroup.message],
        ['MissingParameter', 400, 'The request must contain the parameter MessageGroupId.'],
      );

      const attempt = 'attempt-1';
      const r1 = await sqs.send(
        new q.ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          AttributeNames: ['All'],
          ReceiveRequestAttemptId: attempt,
          WaitTimeSeconds: 1,
        }),
      );
      assert.deepEqual(
        r1.Messages?.map((m) => m.Body),
        ['f1', 'f2', 'f3', 'f4'],
      );
      assert.deepEqual(
        r1.Messages.map((m) => [m.Attributes?.MessageGroupId, m.Attributes?.SequenceNumber]),
        [a1, b1, ...batch.Successful!].map((s) => ['g', s.SequenceNumber]),
      );
      assert.equal(r1.Messages[1]!.Attributes?.MessageDeduplicationId, 'd-1');
      assert.equal(r1.Messages[0]!.Attributes?.MessageDeduplicationId, createHash('sha256').update('f1').digest('hex'));
      // The same attempt id again returns the same messages and receipt handles.
      const r2 = await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: attempt }));
      assert.deepEqual(
        r2.Messages?.map((m) => m.ReceiptHandle),
        r1.Messages.map((m) => m.ReceiptHandle),
      );
      const del = await sqs.send(
        new q.DeleteMessageBatchCommand({ QueueUrl: url, Entries: r1.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }),
      );
      assert.deepEqual([del.Successful?.length, del.Failed], [4, undefined]);
    });

    it('dead-letter queue after maxReceiveCount, and a message move task back to the source', async () => {
      const base = name('redrive');
      const dlqUrl = await create(`${base}-dlq`);
      const dlqArn = await arn(dlqUrl);
      const srcUrl = await create(`${base}-src`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
      const srcArn = await arn(srcUrl);
      await sqs.send(new q.SendMessageCommand({ QueueUrl: srcUrl, MessageBody: 'poison' }));
      const first = await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: srcUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }));
      assert.equal(first.Messages?.[0]?.Body, 'poison');
      assert.equal((await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: srcUrl, WaitTimeSeconds: 1 }))).Messages, undefined);
      const dead = await sqs.send(new q.GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      assert.deepEqual(dead.Attributes, { ApproximateNumberOfMessages: '1' });

      const { TaskHandle } = await sqs.send(new q.StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
      assert.ok(TaskHandle);
      let task: q.ListMessageMoveTasksResultEntry | undefined;
      for (let i = 0; i < 50; i++) {
        task = (await sqs.send(new q.ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }))).Results?.[0];
        if (task?.Status !== 'RUNNING') break;
        await sleep(100);
      }
      assert.equal(task?.Status, 'COMPLETED');
      assert.equal(task.SourceArn, dlqArn);
      // Numbers in the XML become numbers through the SDK's deserializer.
      assert.equal(task.ApproximateNumberOfMessagesMoved, 1);
      assert.equal(task.ApproximateNumberOfMessagesToMove, 1);
      assert.equal(typeof task.StartedTimestamp, 'number');
      const moved = await sqs.send(new q.ReceiveMessageCommand({ QueueUrl: srcUrl, WaitTimeSeconds: 2 }));
      assert.equal(moved.Messages?.[0]?.Body, 'poison');

      // Only a running task can be cancelled (API reference); the errors LocalStack recorded from AWS
      // (test_sqs_move_task.snapshot.json): a bogus handle, a source that is no dead-letter queue, a
      // destination that does not exist.
      const cancel = await failure(sqs.send(new q.CancelMessageMoveTaskCommand({ TaskHandle })));
      assert.equal(cancel.fault, 'client');
      const bogus = await failure(sqs.send(new q.CancelMessageMoveTaskCommand({ TaskHandle: 'foobared' })));
      assert.deepEqual(
        [bogus.name, bogus.code, bogus.status, bogus.message],
        ['InvalidParameterValue', 'InvalidParameterValue', 400, 'Value for parameter TaskHandle is invalid.'],
      );
      const notDlq = await failure(sqs.send(new q.StartMessageMoveTaskCommand({ SourceArn: srcArn, DestinationArn: dlqArn })));
      assert.deepEqual(
        [notDlq.code, notDlq.status, notDlq.message],
        ['InvalidParameterValue', 400, 'Source queue must be configured as a Dead Letter Queue.'],
      );
      const noDest = await failure(sqs.send(new q.StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: `${srcArn}doesntexist` })));
      assert.deepEqual(
        [noDest.name, noDest.code, noDest.status, noDest.message],
        [
          'ResourceNotFoundException',
          'ResourceNotFoundException',
          404,
          "The resource that you specified for the DestinationArn parameter doesn't exist.",
        ],
      );
    });

    it('requests refused: the wrong secret, an unknown access key', async () => {
      const wrong = client({ accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
      const unknown = client({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' });
      try {
        const sig = await failure(wrong.send(new q.ListQueuesCommand({})));
        assert.deepEqual([sig.name, sig.status, sig.fault, sig.code], ['SignatureDoesNotMatch', 403, 'client', 'SignatureDoesNotMatch']);
        assert.match(sig.message!, /^The request signature we calculated does not match the signature you provided\./);
        const key = await failure(unknown.send(new q.ListQueuesCommand({})));
        assert.deepEqual([key.name, key.status, key.code], ['InvalidClientTokenId', 403, 'InvalidClientTokenId']);
        assert.equal(key.message, 'The security token included in the request is invalid.');
      } finally {
        wrong.destroy();
        unknown.destroy();
      }
    });
  });
}
