/**
 * The differential cases: every deterministic AWS recording of SQS behaviour we could find, replayed
 * against Ferry. Sources (newest validation wins where they disagree; see docs/aws-differential.md):
 *  - LocalStack's AWS-validated snapshots (test_sqs.snapshot.json, test_sqs_move_task.snapshot.json),
 *    with the date each was last validated (test_sqs.validation.json);
 *  - assertions of LocalStack tests marked `aws.validated` that keep no snapshot;
 *  - moto's `aws_verified` tests;
 *  - AWS error bodies quoted in public SDK issue threads (for old Query forms).
 * Messages are AWS's exact text; `<receipt-handle>`/`<queue-name>` stand for values of the run.
 */
import {
  BOTH,
  JSON_ONLY,
  LS,
  LS_MOVE,
  LS_PY,
  MOTO,
  QUERY_ONLY,
  err,
  xmlField,
  type CaseContext,
  type DiffCase,
  type Observation,
} from './harness.js';

type Msg = { Body?: string; ReceiptHandle?: string; MessageId?: string; Attributes?: Record<string, string>; MD5OfMessageAttributes?: string };
type Recv = { Messages?: Msg[] };

const bodies = (r: Recv): string[] => (r.Messages ?? []).map((m) => m.Body ?? '');
const MiB = 1_048_576;
const DEDUP_REQUIRED = 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly';
const BATCH_ID = 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.';
const QS = 'AWS.SimpleQueueService.';

/** Attributes that vary per run (timestamps, ARNs) are dropped before comparing GetQueueAttributes. */
function stableAttributes(a: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
    if (k === 'CreatedTimestamp' || k === 'LastModifiedTimestamp' || k === 'QueueArn') continue;
    out[k] = v;
  }
  return out;
}

async function allAttributes(ctx: CaseContext, url: string): Promise<Record<string, string>> {
  const out = await ctx.client.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
  return stableAttributes(out.Attributes);
}

async function send(ctx: CaseContext, url: string, input: Record<string, unknown>): Promise<Observation> {
  return (await ctx.attempt(ctx.client.call('SendMessage', { QueueUrl: url, ...input }))) as Observation;
}

/** The error part of an attempt (or `ok` when it succeeded). */
function outcome(r: unknown): unknown {
  const e = (r as { error?: unknown }).error;
  return e === undefined ? 'ok' : { error: e };
}

async function receive(ctx: CaseContext, url: string, input: Record<string, unknown> = {}): Promise<Recv> {
  return ctx.client.call<Recv>('ReceiveMessage', { QueueUrl: url, ...input });
}

/** Ten messages `message-0…9` sent to `src` (maxReceiveCount 1) and received until all ten are in its DLQ. */
async function fillDeadLetterQueue(ctx: CaseContext, src: string, dlqUrl: string): Promise<void> {
  for (let i = 0; i < 10; i++) await send(ctx, src, { MessageBody: `message-${i}` });
  for (let i = 0; i < 40; i++) {
    await receive(ctx, src, { VisibilityTimeout: 0, MaxNumberOfMessages: 10 });
    const n = await ctx.client.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
      QueueUrl: dlqUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    if (n.Attributes.ApproximateNumberOfMessages === '10') break;
  }
}

const FIFO = { FifoQueue: 'true' };
const FIFO_CBD = { FifoQueue: 'true', ContentBasedDeduplication: 'true' };

// ---- LocalStack snapshots (test_sqs.snapshot.json) ----------------------------------------------

const snapshotCases: DiffCase[] = [
  {
    id: 'test_send_receive_max_number_of_messages/send_max_number_of_messages',
    source: { file: LS, key: 'TestSqsProvider::test_send_receive_max_number_of_messages[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'ReceiveMessage MaxNumberOfMessages=11',
    aws: {
      result: err('InvalidParameterValue', 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'),
    },
    async run(ctx) {
      const url = await ctx.queue('maxnum');
      return { result: outcome(await ctx.attempt(receive(ctx, url, { MaxNumberOfMessages: 11 }))) };
    },
  },
  {
    id: 'test_send_oversized_message/send_oversized_message',
    source: { file: LS, key: 'TestSqsProvider::test_send_oversized_message[sqs|sqs_query]', recorded: '2025-08-19' },
    protocols: BOTH,
    request: 'SendMessage, body of 1 MiB − 8 + 1 bytes plus attribute k=String:x (8 bytes): one byte over the 1 MiB default',
    aws: { result: err('InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.') },
    async run(ctx) {
      const url = await ctx.queue('oversized');
      const r = await send(ctx, url, {
        MessageBody: 'a'.repeat(MiB - 8 + 1),
        MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } },
      });
      return { result: outcome(r) };
    },
  },
  {
    id: 'test_send_message_with_updated_maximum_message_size/send_oversized_message',
    source: { file: LS, key: 'TestSqsProvider::test_send_message_with_updated_maximum_message_size[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'SetQueueAttributes MaximumMessageSize=1024; SendMessage of 1024 − 8 + 1 body bytes + 8 attribute bytes',
    aws: { result: err('InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.') },
    async run(ctx) {
      const url = await ctx.queue('maxsize');
      await ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } });
      const r = await send(ctx, url, { MessageBody: 'a'.repeat(1024 - 8 + 1), MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } });
      return { result: outcome(r) };
    },
  },
  {
    id: 'test_send_message_batch_with_oversized_contents/send_oversized_message_batch',
    source: { file: LS, key: 'TestSqsProvider::test_send_message_batch_with_oversized_contents[sqs|sqs_query]', recorded: '2025-08-19' },
    protocols: BOTH,
    request: 'SendMessageBatch: entry 1 of exactly 1 MiB (body + attribute k), entry 2 body "a"',
    aws: { result: err(`${QS}BatchRequestTooLong`, 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.') },
    async run(ctx) {
      const url = await ctx.queue('batchsize');
      const r = await ctx.attempt(
        ctx.client.call('SendMessageBatch', {
          QueueUrl: url,
          Entries: [
            { Id: '1', MessageBody: 'a'.repeat(MiB - 8), MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } },
            { Id: '2', MessageBody: 'a' },
          ],
        }),
      );
      return { result: outcome(r) };
    },
  },
  {
    id: 'test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size/send_oversized_message_batch',
    source: {
      file: LS,
      key: 'TestSqsProvider::test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size[sqs|sqs_query]',
      recorded: '2024-04-30',
    },
    protocols: BOTH,
    request: 'MaximumMessageSize=2048; SendMessageBatch: entry 1 of exactly 2048 bytes (body + attribute), entry 2 body "a"',
    aws: { successful: ['1', '2'], failed: [] },
    async run(ctx) {
      const url = await ctx.queue('batchsize2');
      await ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { MaximumMessageSize: '2048' } });
      const r = await ctx.client.call<{ Successful?: Array<{ Id: string }>; Failed?: Array<{ Id: string }> }>('SendMessageBatch', {
        QueueUrl: url,
        Entries: [
          { Id: '1', MessageBody: 'a'.repeat(2048 - 8), MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } },
          { Id: '2', MessageBody: 'a' },
        ],
      });
      return { successful: (r.Successful ?? []).map((e) => e.Id).sort(), failed: (r.Failed ?? []).map((e) => e.Id) };
    },
  },
  {
    id: 'test_create_fifo_queue_with_different_attributes_raises_error/queue-already-exists',
    source: {
      file: LS,
      key: 'TestSqsProvider::test_create_fifo_queue_with_different_attributes_raises_error[sqs|sqs_query]',
      recorded: '2024-04-30',
    },
    protocols: BOTH,
    request: 'CreateQueue x.fifo {FifoQueue:true, ContentBasedDeduplication:true}, then again with ContentBasedDeduplication:false',
    aws: {
      result: err('QueueAlreadyExists', 'A queue already exists with the same name and a different value for attribute ContentBasedDeduplication'),
    },
    async run(ctx) {
      const name = ctx.name('diffattr.fifo');
      await ctx.client.call('CreateQueue', { QueueName: name, Attributes: FIFO_CBD });
      const r = await ctx.attempt(
        ctx.client.call('CreateQueue', { QueueName: name, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' } }),
      );
      return { result: outcome(r) };
    },
  },
  {
    id: 'test_create_queue_with_different_attributes_raises_exception/create_queue_01+02',
    source: { file: LS, key: 'TestSqsProvider::test_create_queue_with_different_attributes_raises_exception[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request:
      'CreateQueue {ReceiveMessageWaitTimeSeconds:1, DelaySeconds:1}; again with no attributes and with {DelaySeconds:1} (same URL); with DelaySeconds:2 (error); SetQueueAttributes DelaySeconds=2; CreateQueue with DelaySeconds:2 (same URL); with DelaySeconds:1 (error)',
    aws: {
      sameUrl: [true, true, true],
      first: err('QueueAlreadyExists', 'A queue already exists with the same name and a different value for attribute DelaySeconds'),
      second: err('QueueAlreadyExists', 'A queue already exists with the same name and a different value for attribute DelaySeconds'),
    },
    async run(ctx) {
      const name = ctx.name('diffattr');
      const create = (a?: Record<string, string>) =>
        ctx.client.call<{ QueueUrl: string }>('CreateQueue', a ? { QueueName: name, Attributes: a } : { QueueName: name });
      const { QueueUrl: url } = await create({ ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' });
      const same1 = (await create()).QueueUrl === url;
      const same2 = (await create({ DelaySeconds: '1' })).QueueUrl === url;
      const first = outcome(await ctx.attempt(create({ ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' })));
      await ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { DelaySeconds: '2' } });
      const same3 = (await create({ ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '2' })).QueueUrl === url;
      const second = outcome(await ctx.attempt(create({ ReceiveMessageWaitTimeSeconds: '1', DelaySeconds: '1' })));
      return { sameUrl: [same1, same2, same3], first, second };
    },
  },
  {
    id: 'test_create_and_update_queue_attributes/get_queue_attributes+get_updated_queue_attributes',
    source: { file: LS, key: 'TestSqsProvider::test_create_and_update_queue_attributes[sqs|sqs_query]', recorded: '2025-08-19' },
    protocols: BOTH,
    request:
      'CreateQueue {MessageRetentionPeriod:604800, ReceiveMessageWaitTimeSeconds:10, VisibilityTimeout:20}; GetQueueAttributes All; SetQueueAttributes {DelaySeconds:420, MaximumMessageSize:2048, VisibilityTimeout:69}; GetQueueAttributes All',
    aws: {
      created: {
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesDelayed: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        DelaySeconds: '0',
        MaximumMessageSize: '1048576',
        MessageRetentionPeriod: '604800',
        ReceiveMessageWaitTimeSeconds: '10',
        SqsManagedSseEnabled: 'true',
        VisibilityTimeout: '20',
      },
      updated: {
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesDelayed: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        DelaySeconds: '420',
        MaximumMessageSize: '2048',
        MessageRetentionPeriod: '604800',
        ReceiveMessageWaitTimeSeconds: '10',
        SqsManagedSseEnabled: 'true',
        VisibilityTimeout: '69',
      },
    },
    async run(ctx) {
      const url = await ctx.queue('attrs', { MessageRetentionPeriod: '604800', ReceiveMessageWaitTimeSeconds: '10', VisibilityTimeout: '20' });
      const created = await allAttributes(ctx, url);
      await ctx.client.call('SetQueueAttributes', {
        QueueUrl: url,
        Attributes: { DelaySeconds: '420', MaximumMessageSize: '2048', VisibilityTimeout: '69' },
      });
      return { created, updated: await allAttributes(ctx, url) };
    },
  },
  {
    id: 'test_change_message_visibility_after_visibility_timeout_expiration/visibility_timeout_expired',
    source: {
      file: LS,
      key: 'TestSqsProvider::test_change_message_visibility_after_visibility_timeout_expiration[sqs|sqs_query]',
      recorded: '2024-04-30',
    },
    protocols: BOTH,
    slow: true,
    request: 'Standard queue VisibilityTimeout=1; send; receive; wait 2 s (the message is visible again); ChangeMessageVisibility 2 with that handle',
    aws: { result: 'ok' },
    async run(ctx) {
      const url = await ctx.queue('cmvexpired', { VisibilityTimeout: '1' });
      await send(ctx, url, { MessageBody: 'test' });
      const r = await receive(ctx, url);
      await ctx.sleep(2000);
      const c = await ctx.attempt(
        ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: r.Messages![0]!.ReceiptHandle, VisibilityTimeout: 2 }),
      );
      return { result: outcome(c) };
    },
  },
  {
    id: 'test_fifo_empty_message_groups_added_back_to_queue/all',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_empty_message_groups_added_back_to_queue[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'FIFO: send "Message 1" (g1); receive; delete; receive (empty); send "Message 2" (g1); receive',
    aws: { initial: ['Message 1'], empty: [], final: ['Message 2'] },
    async run(ctx) {
      const url = await ctx.queue('emptygroups.fifo', { FifoQueue: 'True' });
      await send(ctx, url, { MessageDeduplicationId: '1', MessageGroupId: 'g1', MessageBody: 'Message 1' });
      const a = await receive(ctx, url);
      await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: a.Messages![0]!.ReceiptHandle });
      const b = await receive(ctx, url);
      await send(ctx, url, { MessageDeduplicationId: '2', MessageGroupId: 'g1', MessageBody: 'Message 2' });
      const c = await receive(ctx, url);
      return { initial: bodies(a), empty: bodies(b), final: bodies(c) };
    },
  },
  {
    id: 'test_fifo_queue_send_message_with_delay_seconds_fails/send_message',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_queue_send_message_with_delay_seconds_fails[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'FIFO (content-based dedup): SendMessage MessageGroupId=1 DelaySeconds=2',
    aws: {
      result: err(
        'InvalidParameterValue',
        'Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
      ),
    },
    async run(ctx) {
      const url = await ctx.queue('fifodelay.fifo', FIFO_CBD);
      return { result: outcome(await send(ctx, url, { MessageBody: 'message-1', MessageGroupId: '1', DelaySeconds: 2 })) };
    },
  },
  {
    id: 'test_fifo_queue_send_message_with_zero_delay_defaults_to_queue_delay/all',
    source: {
      file: LS,
      key: 'TestSqsProvider::test_fifo_queue_send_message_with_zero_delay_defaults_to_queue_delay[sqs|sqs_query]',
      recorded: '2025-07-31',
    },
    protocols: BOTH,
    slow: true,
    request: 'FIFO DelaySeconds=2 (queue): SendMessage DelaySeconds=0; receive (wait 1 s) → empty; after 3 s receive → the message',
    aws: { send: 'ok', initial: [], after: ['message-1'] },
    async run(ctx) {
      const url = await ctx.queue('fifozerodelay.fifo', { ...FIFO_CBD, DelaySeconds: '2' });
      const s = await send(ctx, url, { MessageBody: 'message-1', MessageGroupId: '1', DelaySeconds: 0 });
      const a = await receive(ctx, url, { WaitTimeSeconds: 1 });
      await ctx.sleep(3000);
      const b = await receive(ctx, url, { MaxNumberOfMessages: 1 });
      return { send: outcome(s), initial: bodies(a), after: bodies(b) };
    },
  },
  {
    id: 'test_fifo_set_content_based_deduplication_strategy/before-update+after-update',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_set_content_based_deduplication_strategy[sqs|sqs_query]', recorded: '2025-08-19' },
    protocols: BOTH,
    request:
      'CreateQueue x.fifo {FifoQueue, SqsManagedSseEnabled:true, ContentBasedDeduplication:true}; GetQueueAttributes All; Set ContentBasedDeduplication=false; GetQueueAttributes All',
    aws: {
      before: fifoAttrs({ ContentBasedDeduplication: 'true' }),
      after: fifoAttrs({ ContentBasedDeduplication: 'false' }),
    },
    async run(ctx) {
      const url = await ctx.queue('cbd.fifo', { FifoQueue: 'true', SqsManagedSseEnabled: 'true', ContentBasedDeduplication: 'true' });
      const before = await allAttributes(ctx, url);
      await ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { ContentBasedDeduplication: 'false' } });
      return { before, after: await allAttributes(ctx, url) };
    },
  },
  {
    id: 'test_too_many_entries_in_batch_request/test_too_many_entries_in_batch_request',
    source: { file: LS, key: 'TestSqsProvider::test_too_many_entries_in_batch_request[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'SendMessageBatch with 20 entries',
    aws: { result: err(`${QS}TooManyEntriesInBatchRequest`, 'Maximum number of entries per request are 10. You have sent 20.') },
    async run(ctx) {
      const url = await ctx.queue('toomany');
      const Entries = Array.from({ length: 20 }, (_, i) => ({ Id: `m${i}`, MessageBody: `b${i}` }));
      return { result: outcome(await ctx.attempt(ctx.client.call('SendMessageBatch', { QueueUrl: url, Entries }))) };
    },
  },
  {
    id: 'test_invalid_batch_id/test_invalid_batch_id',
    source: { file: LS, key: 'TestSqsProvider::test_invalid_batch_id[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'SendMessageBatch with entry Id "message:abc"',
    aws: { result: err(`${QS}InvalidBatchEntryId`, BATCH_ID) },
    async run(ctx) {
      const url = await ctx.queue('batchid');
      const r = await ctx.attempt(
        ctx.client.call('SendMessageBatch', { QueueUrl: url, Entries: [{ Id: 'message:abc', MessageBody: 'messageBody-abc' }] }),
      );
      return { result: outcome(r) };
    },
  },
  {
    id: 'test_send_batch_missing_deduplication_id_for_fifo_queue/test_missing_deduplication_id_for_fifo_queue',
    source: { file: LS, key: 'TestSqsProvider::test_send_batch_missing_deduplication_id_for_fifo_queue[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'FIFO (no content-based dedup): SendMessageBatch, entry 1 with dedup id, entry 2 without',
    aws: { result: err('InvalidParameterValue', DEDUP_REQUIRED) },
    async run(ctx) {
      const url = await ctx.queue('batchdedup.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'false' });
      const r = await ctx.attempt(
        ctx.client.call('SendMessageBatch', {
          QueueUrl: url,
          Entries: [
            { Id: 'm1', MessageBody: 'messageBody', MessageGroupId: 'test-group', MessageDeduplicationId: 'dedup-1' },
            { Id: 'm2', MessageBody: 'messageBody', MessageGroupId: 'test-group' },
          ],
        }),
      );
      return { result: outcome(r) };
    },
  },
  {
    id: 'test_send_batch_message_size/send-message-batch-result',
    source: { file: LS, key: 'TestSqsProvider::test_send_batch_message_size', recorded: '2024-04-30' },
    protocols: JSON_ONLY,
    request: 'MaximumMessageSize=1024; SendMessageBatch: entry of 1024 bytes, entry of 1025 bytes',
    aws: {
      successful: ['a4cff0d1-1961-44bd-ae53-c6d5ed71ed08'],
      failed: [
        {
          Id: '35b535ed-b76a-4ebd-b749-6eb35cdb55ee',
          Code: 'InvalidParameterValue',
          Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.',
          SenderFault: true,
        },
      ],
    },
    async run(ctx) {
      const url = await ctx.queue('batchmax', { MaximumMessageSize: '1024' });
      const r = await ctx.client.call<{ Successful?: Array<{ Id: string }>; Failed?: Array<Record<string, unknown>> }>('SendMessageBatch', {
        QueueUrl: url,
        Entries: [
          { Id: 'a4cff0d1-1961-44bd-ae53-c6d5ed71ed08', MessageBody: 'a'.repeat(1024) },
          { Id: '35b535ed-b76a-4ebd-b749-6eb35cdb55ee', MessageBody: 'a'.repeat(1025) },
        ],
      });
      return {
        successful: (r.Successful ?? []).map((e) => e.Id),
        failed: (r.Failed ?? []).map((f) => ({ Id: f.Id, Code: f.Code, Message: f.Message, SenderFault: f.SenderFault })),
      };
    },
  },
  {
    id: 'test_send_batch_missing_message_group_id_for_fifo_queue/test_missing_message_group_id_for_fifo_queue',
    source: { file: LS, key: 'TestSqsProvider::test_send_batch_missing_message_group_id_for_fifo_queue[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'FIFO: SendMessageBatch, entry 1 with group id, entry 2 without',
    aws: { result: err('InvalidParameterValue', 'The request must contain the parameter MessageGroupId.') },
    async run(ctx) {
      const url = await ctx.queue('batchgroup.fifo', FIFO_CBD);
      const r = await ctx.attempt(
        ctx.client.call('SendMessageBatch', {
          QueueUrl: url,
          Entries: [
            { Id: 'm1', MessageBody: 'messageBody', MessageGroupId: 'test-group' },
            { Id: 'm2', MessageBody: 'messageBody' },
          ],
        }),
      );
      return { result: outcome(r) };
    },
  },
  ...['', 'testLongId'.repeat(10), 'invalid:id'].map((id): DiffCase => ({
    id: `test_delete_message_batch_invalid_msg_id[${id.length > 20 ? 'testLongId×10' : id || 'empty'}]/error_response`,
    source: { file: LS, key: `TestSqsProvider::test_delete_message_batch_invalid_msg_id[sqs|sqs_query-${id}]`, recorded: '2024-04-30' },
    protocols: BOTH,
    request: `DeleteMessageBatch with entry Id "${id.length > 20 ? 'testLongId×10' : id}" and ReceiptHandle "testHandle1"`,
    aws: { result: err(`${QS}InvalidBatchEntryId`, BATCH_ID) },
    async run(ctx) {
      const url = await ctx.queue('dmbid');
      const r = await ctx.attempt(ctx.client.call('DeleteMessageBatch', { QueueUrl: url, Entries: [{ Id: id, ReceiptHandle: 'testHandle1' }] }));
      return { result: outcome(r) };
    },
  })),
  ...(['DeleteMessageBatch', 'ChangeMessageVisibilityBatch'] as const).map((action): DiffCase => ({
    id: `test_${action === 'DeleteMessageBatch' ? 'delete_message_batch' : 'change_message_visibility_batch'}_with_too_large_batch/error_response`,
    source: {
      file: LS,
      key: `TestSqsProvider::test_${action === 'DeleteMessageBatch' ? 'delete_message_batch' : 'change_message_visibility_batch'}_with_too_large_batch[sqs|sqs_query]`,
      recorded: '2024-04-30',
    },
    protocols: BOTH,
    request: `${action} with 20 entries (received handles)`,
    aws: { result: err(`${QS}TooManyEntriesInBatchRequest`, 'Maximum number of entries per request are 10. You have sent 20.') },
    async run(ctx) {
      const url = await ctx.queue('toolarge');
      await send(ctx, url, { MessageBody: 'x' });
      const h = (await receive(ctx, url)).Messages![0]!.ReceiptHandle!;
      const Entries = Array.from({ length: 20 }, (_, i) =>
        action === 'DeleteMessageBatch' ? { Id: `e${i}`, ReceiptHandle: h } : { Id: `e${i}`, ReceiptHandle: h, VisibilityTimeout: 5 },
      );
      return { result: outcome(await ctx.attempt(ctx.client.call(action, { QueueUrl: url, Entries }))) };
    },
  })),
  {
    id: 'test_send_message_with_binary_attributes/binary-attrs-msg',
    source: { file: LS, key: 'TestSqsProvider::test_send_message_with_binary_attributes[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'SendMessage "test" with attr1 Binary b"traceparent\\x1e00-7740…-01"; ReceiveMessage MessageAttributeNames=[All]',
    aws: {
      md5OfBody: '098f6bcd4621d373cade4e832627b4f6',
      md5OfAttributes: '8cbe4db156db8a94db8b801b7addb984',
      binary: 'traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01',
    },
    async run(ctx) {
      const url = await ctx.queue('binattr');
      const value = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
      await send(ctx, url, { MessageBody: 'test', MessageAttributes: { attr1: { DataType: 'Binary', BinaryValue: value } } });
      const r = await receive(ctx, url, { MessageAttributeNames: ['All'] });
      const m = r.Messages![0] as Msg & { MD5OfBody?: string; MessageAttributes?: Record<string, { BinaryValue?: Uint8Array }> };
      return {
        md5OfBody: m.MD5OfBody,
        md5OfAttributes: m.MD5OfMessageAttributes,
        binary: Buffer.from(m.MessageAttributes!.attr1!.BinaryValue!).toString('latin1'),
      };
    },
  },
  {
    id: 'test_send_message_with_empty_string_attribute/empty-string-attr',
    source: { file: LS, key: 'TestSqsProvider::test_send_message_with_empty_string_attribute[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'SendMessage with attribute ErrorDetails String ""',
    aws: { result: err('InvalidParameterValue', "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.") },
    async run(ctx) {
      const url = await ctx.queue('emptyattr');
      return {
        result: outcome(await send(ctx, url, { MessageBody: 'test', MessageAttributes: { ErrorDetails: { StringValue: '', DataType: 'String' } } })),
      };
    },
  },
  {
    id: 'test_set_unsupported_attribute_fifo/invalid-attr-name-1+2',
    source: { file: LS, key: 'TestSqsProvider::test_set_unsupported_attribute_fifo[sqs|sqs_query]', recorded: '2024-05-14' },
    protocols: BOTH,
    request: 'Standard queue: SetQueueAttributes FifoQueue=true. FIFO queue: FifoQueue=true (ok), FifoQueue=false',
    aws: {
      standard: err('InvalidAttributeName', 'Unknown Attribute FifoQueue.'),
      fifoTrue: 'ok',
      fifoFalse: err('InvalidAttributeValue', 'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.'),
    },
    async run(ctx) {
      const std = await ctx.queue('unsup');
      const fifo = await ctx.queue('unsup.fifo', FIFO);
      const set = (url: string, v: string) => ctx.attempt(ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { FifoQueue: v } }));
      return { standard: outcome(await set(std, 'true')), fifoTrue: outcome(await set(fifo, 'true')), fifoFalse: outcome(await set(fifo, 'false')) };
    },
  },
  {
    id: 'test_set_unsupported_attribute_standard/invalid-attr-name-1+2',
    source: { file: LS, key: 'TestSqsProvider::test_set_unsupported_attribute_standard[sqs|sqs_query]', recorded: '2024-05-14' },
    protocols: BOTH,
    request: 'Standard queue: SetQueueAttributes FifoQueue=true; FifoQueue=false',
    aws: {
      setTrue: err('InvalidAttributeName', 'Unknown Attribute FifoQueue.'),
      setFalse: err('InvalidAttributeName', 'Unknown Attribute FifoQueue.'),
    },
    async run(ctx) {
      const url = await ctx.queue('unsupstd');
      const set = (v: string) => ctx.attempt(ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { FifoQueue: v } }));
      return { setTrue: outcome(await set('true')), setFalse: outcome(await set('false')) };
    },
  },
  ...(
    [
      ['invalid-attribute-fifo-queue', { FifoQueue: 'false' }, 'Unknown Attribute FifoQueue.'],
      ['invalid-attribute-content-based-deduplication', { ContentBasedDeduplication: 'false' }, 'Unknown Attribute ContentBasedDeduplication.'],
      [
        'invalid-attribute-deduplication-scope',
        { DeduplicationScope: 'queue' },
        'You can specify the DeduplicationScope only when FifoQueue is set to true.',
      ],
      [
        'invalid-attribute-throughput-limit',
        { FifoThroughputLimit: 'perQueue' },
        'You can specify the FifoThroughputLimit only when FifoQueue is set to true.',
      ],
    ] as const
  ).map(([key, attrs, message]): DiffCase => ({
    id: `test_create_standard_queue_with_fifo_attribute_raises_error/${key}`,
    source: {
      file: LS,
      key: `TestSqsProvider::test_create_standard_queue_with_fifo_attribute_raises_error[sqs|sqs_query] ${key}`,
      recorded: '2024-05-15',
    },
    protocols: BOTH,
    request: `CreateQueue (standard name) Attributes ${JSON.stringify(attrs)}`,
    aws: { result: err('InvalidAttributeName', message) },
    async run(ctx) {
      return { result: outcome(await ctx.attempt(ctx.client.call('CreateQueue', { QueueName: ctx.name('stdfifoattr'), Attributes: attrs }))) };
    },
  })),
  {
    id: 'test_posting_to_fifo_requires_deduplicationid_group_id/all',
    source: { file: LS, key: 'TestSqsProvider::test_posting_to_fifo_requires_deduplicationid_group_id[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'FIFO (no content-based dedup): SendMessage with group id only; SendMessage with dedup id only',
    aws: {
      noDedup: err('InvalidParameterValue', DEDUP_REQUIRED),
      noGroup: err('MissingParameter', 'The request must contain the parameter MessageGroupId.'),
    },
    async run(ctx) {
      const url = await ctx.queue('fiforeq.fifo', FIFO);
      return {
        noDedup: outcome(await send(ctx, url, { MessageBody: 'test', MessageGroupId: 'g' })),
        noGroup: outcome(await send(ctx, url, { MessageBody: 'test', MessageDeduplicationId: 'd' })),
      };
    },
  },
  {
    id: 'test_successive_purge_calls_fail/purge_queue_error',
    source: { file: LS, key: 'TestSqsProvider::test_successive_purge_calls_fail[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'PurgeQueue twice in a row',
    aws: { result: err(`${QS}PurgeQueueInProgress`, 'Only one PurgeQueue operation on <queue-name> is allowed every 60 seconds.') },
    async run(ctx) {
      const name = ctx.name('purge2');
      ctx.vars['queue-name'] = name;
      const { QueueUrl } = await ctx.client.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
      await ctx.client.call('PurgeQueue', { QueueUrl });
      return { result: outcome(await ctx.attempt(ctx.client.call('PurgeQueue', { QueueUrl }))) };
    },
  },
  {
    id: 'test_sqs_fifo_same_dedup_id_different_message_groups/all',
    source: { file: LS, key: 'TestSqsProvider::test_sqs_fifo_same_dedup_id_different_message_groups[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'FIFO (DeduplicationScope queue): send Test1 (group1, dedup 1), Test2 (group2, dedup 1); receive ×2',
    aws: { first: ['Test1'], second: [] },
    async run(ctx) {
      const url = await ctx.queue('samededup.fifo', FIFO);
      await send(ctx, url, { MessageBody: 'Test1', MessageGroupId: 'group1', MessageDeduplicationId: '1' });
      await send(ctx, url, { MessageBody: 'Test2', MessageGroupId: 'group2', MessageDeduplicationId: '1' });
      const a = await receive(ctx, url, { MaxNumberOfMessages: 10 });
      const b = await receive(ctx, url, { MaxNumberOfMessages: 10 });
      return { first: bodies(a), second: bodies(b) };
    },
  },
  {
    id: 'test_fifo_change_to_high_throughput_after_creation/set-to-high-throughput',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_change_to_high_throughput_after_creation[sqs|sqs_query]', recorded: '2025-08-19' },
    protocols: BOTH,
    request: 'FIFO; SetQueueAttributes {DeduplicationScope:messageGroup, FifoThroughputLimit:perMessageGroupId}; GetQueueAttributes All',
    aws: {
      attributes: fifoAttrs({ ContentBasedDeduplication: 'false', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' }),
    },
    async run(ctx) {
      const url = await ctx.queue('ht.fifo', FIFO);
      await ctx.client.call('SetQueueAttributes', {
        QueueUrl: url,
        Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      });
      return { attributes: await allAttributes(ctx, url) };
    },
  },
  {
    id: 'test_sqs_permission_lifecycle/label-errors',
    source: { file: LS, key: 'TestSqsProvider::test_sqs_permission_lifecycle[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request:
      'AddPermission Label=crossaccountpermission twice (second: another account); RemovePermission Label=crossaccountpermission2 (never added)',
    aws: {
      again: err('InvalidParameterValue', 'Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.'),
      missing: err('InvalidParameterValue', "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label."),
    },
    async run(ctx) {
      const url = await ctx.queue('perm');
      await ctx.client.call('AddPermission', {
        QueueUrl: url,
        AWSAccountIds: ['000000000000'],
        Actions: ['ReceiveMessage'],
        Label: 'crossaccountpermission',
      });
      const again = await ctx.attempt(
        ctx.client.call('AddPermission', {
          QueueUrl: url,
          AWSAccountIds: ['668614515564'],
          Actions: ['ReceiveMessage'],
          Label: 'crossaccountpermission',
        }),
      );
      const missing = await ctx.attempt(ctx.client.call('RemovePermission', { QueueUrl: url, Label: 'crossaccountpermission2' }));
      return { again: outcome(again), missing: outcome(missing) };
    },
  },
  {
    id: 'test_non_existent_queue/all',
    source: { file: LS, key: 'TestSqsProvider::test_non_existent_queue (json client; sqs_query client)', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'Create, delete, then GetQueueAttributes on the URL and GetQueueUrl by name',
    aws: {
      attributes: err(`${QS}NonExistentQueue`, 'The specified queue does not exist.'),
      url: err(`${QS}NonExistentQueue`, 'The specified queue does not exist.'),
    },
    awsQuery: {
      attributes: err(`${QS}NonExistentQueue`, 'The specified queue does not exist for this wsdl version.'),
      url: err(`${QS}NonExistentQueue`, 'The specified queue does not exist for this wsdl version.'),
    },
    async run(ctx) {
      const name = ctx.name('gone');
      const { QueueUrl } = await ctx.client.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
      await ctx.client.call('DeleteQueue', { QueueUrl });
      return {
        attributes: outcome(await ctx.attempt(ctx.client.call('GetQueueAttributes', { QueueUrl }))),
        url: outcome(await ctx.attempt(ctx.client.call('GetQueueUrl', { QueueName: name }))),
      };
    },
  },
  ...(
    [
      ['recieve_message_error_too_large', 21],
      ['recieve_message_error_too_small', -1],
    ] as const
  ).map(([key, v]): DiffCase => ({
    id: `test_send_receive_wait_time_seconds/${key}`,
    source: { file: LS, key: `TestSqsProvider::test_send_receive_wait_time_seconds[sqs|sqs_query] ${key}`, recorded: '2025-02-10' },
    protocols: BOTH,
    request: `ReceiveMessage WaitTimeSeconds=${v}`,
    aws: {
      result: err('InvalidParameterValue', `Value ${v} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`),
    },
    async run(ctx) {
      const url = await ctx.queue('wait');
      return { result: outcome(await ctx.attempt(receive(ctx, url, { WaitTimeSeconds: v }))) };
    },
  })),
  {
    id: 'test_receive_empty_queue/all',
    source: { file: LS, key: 'TestSqsProvider::test_receive_empty_queue[sqs|sqs_query]', recorded: '2025-02-10' },
    protocols: BOTH,
    slow: true,
    request: 'ReceiveMessage on an empty queue: no parameters; WaitTimeSeconds=0; WaitTimeSeconds=1 — the result has no Messages member',
    aws: { members: [[], [], []] },
    async run(ctx) {
      const url = await ctx.queue('emptyrecv');
      const keys = async (i: Record<string, unknown>) => Object.keys(await receive(ctx, url, i)).filter((k) => k !== 'ResponseMetadata');
      return { members: [await keys({}), await keys({ WaitTimeSeconds: 0 }), await keys({ WaitTimeSeconds: 1 })] };
    },
  },
  {
    id: 'test_send_empty_message/send_empty_message',
    source: { file: LS, key: 'TestSqsProvider::test_send_empty_message[sqs|sqs_query]', recorded: '2025-09-22' },
    protocols: BOTH,
    request: 'SendMessage MessageBody=""',
    aws: { result: err('MissingParameter', 'The request must contain the parameter MessageBody.') },
    async run(ctx) {
      const url = await ctx.queue('emptybody');
      return { result: outcome(await send(ctx, url, { MessageBody: '' })) };
    },
  },
  {
    id: 'test_delete_after_visibility_timeout/delete_after_timeout_queue_empty',
    source: { file: LS, key: 'TestSqsProvider::test_delete_after_visibility_timeout[sqs|sqs_query]', recorded: '2025-03-28' },
    protocols: BOTH,
    slow: true,
    request: 'Standard VisibilityTimeout=1: send; receive; wait 1 s; DeleteMessage with that handle; receive → nothing',
    aws: { delete: 'ok', after: [] },
    async run(ctx) {
      const url = await ctx.queue('delexp', { VisibilityTimeout: '1' });
      await send(ctx, url, { MessageBody: 'foobar' });
      const r = await receive(ctx, url, { WaitTimeSeconds: 5 });
      await ctx.sleep(1000);
      const d = await ctx.attempt(ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: r.Messages![0]!.ReceiptHandle }));
      return { delete: outcome(d), after: bodies(await receive(ctx, url)) };
    },
  },
  {
    id: 'test_fifo_delete_after_visibility_timeout/delete_after_timeout_fifo',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_delete_after_visibility_timeout[sqs|sqs_query]', recorded: '2025-03-28' },
    protocols: BOTH,
    slow: true,
    request: 'FIFO VisibilityTimeout=1: send; receive; wait 1 s; DeleteMessage with that handle',
    aws: {
      result: err('InvalidParameterValue', 'Value <receipt-handle> for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.'),
    },
    async run(ctx) {
      const url = await ctx.queue('fifodelexp.fifo', { VisibilityTimeout: '1', FifoQueue: 'True', ContentBasedDeduplication: 'True' });
      await send(ctx, url, { MessageBody: 'foobar', MessageGroupId: '1' });
      const h = (await receive(ctx, url, { WaitTimeSeconds: 5 })).Messages![0]!.ReceiptHandle!;
      ctx.vars['receipt-handle'] = h;
      await ctx.sleep(1100);
      return { result: outcome(await ctx.attempt(ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: h }))) };
    },
  },
  {
    id: 'test_fifo_delete_after_visibility_timeout_extended/delete_after_timeout_fifo_extended',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_delete_after_visibility_timeout_extended[sqs|sqs_query]', recorded: '2025-10-05' },
    protocols: BOTH,
    slow: true,
    request: 'FIFO VisibilityTimeout=1: send; receive; ChangeMessageVisibility 5; wait 1.5 s; DeleteMessage (ok); receive → nothing',
    aws: { delete: 'ok', after: [] },
    async run(ctx) {
      const url = await ctx.queue('fifodelext.fifo', { VisibilityTimeout: '1', FifoQueue: 'True', ContentBasedDeduplication: 'True' });
      await send(ctx, url, { MessageBody: 'foobar', MessageGroupId: '1' });
      const h = (await receive(ctx, url, { WaitTimeSeconds: 5 })).Messages![0]!.ReceiptHandle!;
      await ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: h, VisibilityTimeout: 5 });
      await ctx.sleep(1500);
      const d = await ctx.attempt(ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: h }));
      return { delete: outcome(d), after: bodies(await receive(ctx, url)) };
    },
  },
  ...(
    [
      ['empty', ''],
      ['too_long', 'a'.repeat(129)],
      ['spaces', 'group 123'],
    ] as const
  ).flatMap(([key, v]): DiffCase[] => [
    {
      id: `test_send_message_to_standard_queue_with_invalid_message_group_id[${key}]/error-response`,
      source: {
        file: LS,
        key: `TestSqsProvider::test_send_message_to_standard_queue_with_invalid_message_group_id[${key}] (json client)`,
        recorded: '2025-07-30',
      },
      protocols: JSON_ONLY,
      request: `Standard queue: SendMessage MessageGroupId=${key === 'too_long' ? '"a"×129' : JSON.stringify(v)}`,
      aws: {
        result: err(
          'InvalidParameterValue',
          `Value ${v} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
        ),
      },
      async run(ctx) {
        const url = await ctx.queue('stdgroup');
        return { result: outcome(await send(ctx, url, { MessageBody: 'Hello World!', MessageGroupId: v })) };
      },
    },
    {
      id: `test_message_deduplication_id_invalid[${key}]/error-response`,
      source: { file: LS, key: `TestSqsProvider::test_message_deduplication_id_invalid[${key}] (json client)`, recorded: '2025-07-30' },
      protocols: JSON_ONLY,
      request: `FIFO: SendMessage MessageGroupId=test MessageDeduplicationId=${key === 'too_long' ? '"a"×129' : JSON.stringify(v)}`,
      aws: {
        result: err(
          'InvalidParameterValue',
          `Value ${v} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
        ),
      },
      async run(ctx) {
        const url = await ctx.queue('dedupid.fifo', FIFO);
        return { result: outcome(await send(ctx, url, { MessageBody: 'Hello World!', MessageGroupId: 'test', MessageDeduplicationId: v })) };
      },
    },
  ]),
  {
    id: 'test_message_deduplication_id_success/ok',
    source: { file: LS, key: 'TestSqsProvider::test_message_deduplication_id_success (json client)', recorded: '2025-07-30' },
    protocols: JSON_ONLY,
    request: 'FIFO: SendMessage with MessageDeduplicationId of 128 printable ASCII characters (punctuation included)',
    aws: { result: 'ok' },
    async run(ctx) {
      const url = await ctx.queue('dedupok.fifo', FIFO);
      const id = '!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'.padEnd(128, 'x');
      return { result: outcome(await send(ctx, url, { MessageBody: 'Hello World!', MessageGroupId: 'test', MessageDeduplicationId: id })) };
    },
  },
  ...(
    [
      ['0-visible', 0, []],
      ['1-visible', 1, ['foo']],
      ['2-visible', 2, ['foo', 'bar']],
    ] as const
  ).map(([key, pos, expected]): DiffCase => ({
    id: `test_fifo_group_visibility_extends_with_change_message_visibility[${key}]/some-messages-invisible`,
    source: {
      file: LS,
      key: `TestSqsProvider::test_fifo_group_visibility_extends_with_change_message_visibility[sqs|sqs_query-${key}]`,
      recorded: '2025-11-19',
    },
    protocols: BOTH,
    slow: true,
    request: `FIFO VisibilityTimeout=1: send foo, bar, baz (one group); receive all; ChangeMessageVisibility 4 on message ${pos}; wait 2.5 s; receive`,
    aws: { all: ['foo', 'bar', 'baz'], visible: [...expected] },
    async run(ctx) {
      const url = await ctx.queue('grpext.fifo', { FifoQueue: 'true', VisibilityTimeout: '1' });
      for (const b of ['foo', 'bar', 'baz']) await send(ctx, url, { MessageBody: b, MessageGroupId: '1', MessageDeduplicationId: b });
      const r = await receive(ctx, url, { MaxNumberOfMessages: 5 });
      await ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: r.Messages![pos]!.ReceiptHandle, VisibilityTimeout: 4 });
      await ctx.sleep(2500);
      return { all: bodies(r), visible: bodies(await receive(ctx, url, { MaxNumberOfMessages: 5 })) };
    },
  })),
  {
    id: 'test_set_queue_attributes_default_values/all',
    source: { file: LS, key: 'TestSqsProvider::test_set_queue_attributes_default_values[sqs|sqs_query]', recorded: '2025-12-10' },
    protocols: BOTH,
    request:
      'GetQueueAttributes All; Set {KmsMasterKeyId:testKeyId, KmsDataKeyReusePeriodSeconds:6000}; All; Set {KmsMasterKeyId:"", KmsDataKeyReusePeriodSeconds:300}; All',
    aws: {
      initial: stdAttrs({}),
      afterUpdate: stdAttrs({ KmsDataKeyReusePeriodSeconds: '6000', KmsMasterKeyId: 'testKeyId', SqsManagedSseEnabled: 'false' }),
      afterDefaults: stdAttrs({ SqsManagedSseEnabled: 'false' }),
    },
    async run(ctx) {
      const url = await ctx.queue('defaults');
      const initial = await allAttributes(ctx, url);
      await ctx.client.call('SetQueueAttributes', {
        QueueUrl: url,
        Attributes: { KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000' },
      });
      const afterUpdate = await allAttributes(ctx, url);
      await ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { KmsMasterKeyId: '', KmsDataKeyReusePeriodSeconds: '300' } });
      return { initial, afterUpdate, afterDefaults: await allAttributes(ctx, url) };
    },
  },
  {
    id: 'test_sse_kms_and_sqs_are_mutually_exclusive/error',
    source: { file: LS, key: 'TestSqsProvider::test_sse_kms_and_sqs_are_mutually_exclusive[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'SetQueueAttributes {KmsMasterKeyId:alias/aws/sqs, SqsManagedSseEnabled:true}',
    aws: {
      result: err(
        'InvalidAttributeName',
        'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
      ),
    },
    async run(ctx) {
      const url = await ctx.queue('sse');
      const r = await ctx.attempt(
        ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { KmsMasterKeyId: 'alias/aws/sqs', SqsManagedSseEnabled: 'true' } }),
      );
      return { result: outcome(r) };
    },
  },
  {
    id: 'test_fair_queue_with_message_group_id/get-message-with-deduplication-id',
    source: { file: LS, key: 'TestSqsProvider::test_fair_queue_with_message_group_id[sqs|sqs_query]', recorded: '2025-08-18' },
    protocols: BOTH,
    request: 'Standard queue: SendMessage MessageGroupId=test; ReceiveMessage AttributeNames=[All]',
    aws: {
      attributeNames: ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'MessageGroupId', 'SenderId', 'SentTimestamp'],
      groupId: 'test',
      md5: '78e731027d8fd50ed642340b7c9a63b3',
    },
    async run(ctx) {
      const url = await ctx.queue('fair');
      const s = await ctx.client.call<{ MD5OfMessageBody: string }>('SendMessage', { QueueUrl: url, MessageBody: 'message', MessageGroupId: 'test' });
      const m = (await receive(ctx, url, { WaitTimeSeconds: 5, AttributeNames: ['All'] })).Messages![0]!;
      return { attributeNames: Object.keys(m.Attributes ?? {}).sort(), groupId: m.Attributes?.MessageGroupId, md5: s.MD5OfMessageBody };
    },
  },
  {
    id: 'test_tag_untag_queue/all',
    source: { file: LS, key: 'TestSqsProvider::test_tag_untag_queue[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request:
      'TagQueue {tag1:value1, tag2:value2, tag3:""}; ListQueueTags; UntagQueue [tag1, tag3]; ListQueueTags; UntagQueue [tag2]; ListQueueTags (no Tags member)',
    aws: { first: { tag1: 'value1', tag2: 'value2', tag3: '' }, second: { tag2: 'value2' }, last: [] },
    async run(ctx) {
      const url = await ctx.queue('tags');
      await ctx.client.call('TagQueue', { QueueUrl: url, Tags: { tag1: 'value1', tag2: 'value2', tag3: '' } });
      const first = (await ctx.client.call<{ Tags?: Record<string, string> }>('ListQueueTags', { QueueUrl: url })).Tags;
      await ctx.client.call('UntagQueue', { QueueUrl: url, TagKeys: ['tag1', 'tag3'] });
      const second = (await ctx.client.call<{ Tags?: Record<string, string> }>('ListQueueTags', { QueueUrl: url })).Tags;
      await ctx.client.call('UntagQueue', { QueueUrl: url, TagKeys: ['tag2'] });
      const last = await ctx.client.call<Record<string, unknown>>('ListQueueTags', { QueueUrl: url });
      return {
        first,
        second,
        last: Object.keys(last).filter((k) => last[k] !== undefined && !(typeof last[k] === 'object' && Object.keys(last[k] as object).length === 0)),
      };
    },
  },
  ...[true, false].flatMap((cbd): DiffCase[] => [
    {
      id: `test_fifo_deduplication_arrives_once_after_delete[${cbd}]`,
      source: {
        file: LS,
        key: `TestSqsProvider::test_fifo_deduplication_arrives_once_after_delete[sqs|sqs_query-${cbd ? 'True' : 'False'}]`,
        recorded: '2024-04-30',
      },
      protocols: BOTH,
      slow: true,
      request: `FIFO${cbd ? ' (content-based dedup)' : ', dedup id dedup1'}: send {"foo": "bar"} (group-1); receive; delete; send it again; receive (wait 1 s)`,
      aws: { first: ['{"foo": "bar"}'], duplicate: [] },
      async run(ctx) {
        const url = await ctx.queue('dedupdel.fifo', cbd ? FIFO_CBD : FIFO);
        const m = { MessageBody: '{"foo": "bar"}', MessageGroupId: 'group-1', ...(cbd ? {} : { MessageDeduplicationId: 'dedup1' }) };
        await send(ctx, url, m);
        const a = await receive(ctx, url, { WaitTimeSeconds: 3 });
        await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: a.Messages![0]!.ReceiptHandle });
        await send(ctx, url, m);
        return { first: bodies(a), duplicate: bodies(await receive(ctx, url, { WaitTimeSeconds: 1 })) };
      },
    },
    {
      id: `test_fifo_deduplication_not_on_message_group_id[${cbd}]`,
      source: {
        file: LS,
        key: `TestSqsProvider::test_fifo_deduplication_not_on_message_group_id[sqs|sqs_query-${cbd ? 'True' : 'False'}]`,
        recorded: '2024-04-30',
      },
      protocols: BOTH,
      slow: true,
      request: `FIFO${cbd ? ' (content-based dedup)' : ', dedup id dedup1'}: send {"foo": "bar"} to group-1 and group-2; receive 1; receive 1 (wait 1 s)`,
      aws: { first: ['{"foo": "bar"}'], second: [] },
      async run(ctx) {
        const url = await ctx.queue('dedupgrp.fifo', cbd ? FIFO_CBD : FIFO);
        const extra = cbd ? {} : { MessageDeduplicationId: 'dedup1' };
        await send(ctx, url, { MessageBody: '{"foo": "bar"}', MessageGroupId: 'group-1', ...extra });
        await send(ctx, url, { MessageBody: '{"foo": "bar"}', MessageGroupId: 'group-2', ...extra });
        const a = await receive(ctx, url, { MaxNumberOfMessages: 1, WaitTimeSeconds: 2 });
        return { first: bodies(a), second: bodies(await receive(ctx, url, { MaxNumberOfMessages: 1, WaitTimeSeconds: 1 })) };
      },
    },
  ]),
  {
    id: 'test_fifo_high_throughput_ordering/all',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_high_throughput_ordering[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request:
      'FIFO created with DeduplicationScope=messageGroup, FifoThroughputLimit=perMessageGroupId: send Test1 (group1, dedup same-dedup); receive; delete; send Test2 (group2, same dedup); receive',
    aws: { first: ['Test1'], second: ['Test2'] },
    async run(ctx) {
      const url = await ctx.queue('htorder.fifo', {
        FifoQueue: 'True',
        ContentBasedDeduplication: 'False',
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      await send(ctx, url, { MessageBody: 'Test1', MessageGroupId: 'group1', MessageDeduplicationId: 'same-dedup' });
      const a = await receive(ctx, url);
      await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: a.Messages![0]!.ReceiptHandle });
      await send(ctx, url, { MessageBody: 'Test2', MessageGroupId: 'group2', MessageDeduplicationId: 'same-dedup' });
      return { first: bodies(a), second: bodies(await receive(ctx, url)) };
    },
  },
  {
    id: 'test_sqs_fifo_message_group_scope_no_throughput_setting/all',
    source: { file: LS, key: 'TestSqsProvider::test_sqs_fifo_message_group_scope_no_throughput_setting[sqs|sqs_query]', recorded: '2024-05-24' },
    protocols: BOTH,
    request:
      'FIFO created with ContentBasedDeduplication=True, DeduplicationScope=messageGroup (no throughput limit): send Test (group1); receive; delete; send Test (group2); receive',
    aws: { first: ['Test'], second: ['Test'] },
    async run(ctx) {
      const url = await ctx.queue('grpscope.fifo', { FifoQueue: 'True', ContentBasedDeduplication: 'True', DeduplicationScope: 'messageGroup' });
      await send(ctx, url, { MessageBody: 'Test', MessageGroupId: 'group1' });
      const a = await receive(ctx, url);
      await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: a.Messages![0]!.ReceiptHandle });
      await send(ctx, url, { MessageBody: 'Test', MessageGroupId: 'group2' });
      return { first: bodies(a), second: bodies(await receive(ctx, url)) };
    },
  },
  {
    id: 'test_fifo_change_to_high_throughput_after_creation/dedup',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_change_to_high_throughput_after_creation[sqs|sqs_query]', recorded: '2025-08-19' },
    protocols: BOTH,
    request:
      'FIFO (DeduplicationScope=queue): Test1 (group1, dedup D) received+deleted; Test2 (group2, D) → duplicate (receive with VisibilityTimeout 0); switch to messageGroup/perMessageGroupId; receive; Test3 (group3, D); receive; Test4 (group4, D2) received+deleted; Test5 (group5, D2); receive',
    aws: { grp1: ['Test1'], grp2: [], afterSwitch: [], test3: [], test4: ['Test4'], test5: [] },
    async run(ctx) {
      const url = await ctx.queue('tohigh.fifo', { FifoQueue: 'True', ContentBasedDeduplication: 'False', DeduplicationScope: 'queue' });
      const sendRecv = async (body: string, group: string, dedup: string, del: boolean, recv: Record<string, unknown> = {}) => {
        await send(ctx, url, { MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup });
        const r = await receive(ctx, url, recv);
        if (del && r.Messages?.[0]) await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: r.Messages[0].ReceiptHandle });
        return bodies(r);
      };
      const grp1 = await sendRecv('Test1', 'group1', 'same-dedup', true);
      // As recorded: "this should have been a duplicate" — received with VisibilityTimeout=0.
      const grp2 = await sendRecv('Test2', 'group2', 'same-dedup', false, { VisibilityTimeout: 0 });
      await ctx.client.call('SetQueueAttributes', {
        QueueUrl: url,
        Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' },
      });
      const afterSwitch = bodies(await receive(ctx, url));
      const test3 = await sendRecv('Test3', 'group3', 'same-dedup', false);
      const test4 = await sendRecv('Test4', 'group4', 'dedup_2', true);
      const test5 = await sendRecv('Test5', 'group5', 'dedup_2', false);
      return { grp1, grp2, afterSwitch, test3, test4, test5 };
    },
  },
  {
    id: 'test_fifo_change_to_regular_throughput_after_creation/dedup',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_change_to_regular_throughput_after_creation[sqs|sqs_query]', recorded: '2025-08-19' },
    protocols: BOTH,
    request:
      'FIFO created messageGroup/perMessageGroupId: Test1 (group1, D) received+deleted; Test2 (group2, D) received+deleted; switch to queue/perQueue; Test3 (group3, D); receive',
    aws: { grp1: ['Test1'], grp2: ['Test2'], test3: ['Test3'] },
    async run(ctx) {
      const url = await ctx.queue('toregular.fifo', {
        FifoQueue: 'True',
        ContentBasedDeduplication: 'False',
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      const sendRecv = async (body: string, group: string) => {
        await send(ctx, url, { MessageBody: body, MessageGroupId: group, MessageDeduplicationId: 'same-dedup' });
        const r = await receive(ctx, url);
        if (r.Messages?.[0]) await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: r.Messages[0].ReceiptHandle });
        return bodies(r);
      };
      const grp1 = await sendRecv('Test1', 'group1');
      const grp2 = await sendRecv('Test2', 'group2');
      await ctx.client.call('SetQueueAttributes', { QueueUrl: url, Attributes: { DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' } });
      return { grp1, grp2, test3: await sendRecv('Test3', 'group3') };
    },
  },
  {
    id: 'test_fifo_message_attributes/receive_message_0+1',
    source: { file: LS, key: 'TestSqsProvider::test_fifo_message_attributes[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request:
      'FIFO (content-based dedup, VisibilityTimeout 0, high throughput): send message-body-1 (group-1, dedup-1); ReceiveMessage AttributeNames=[All] twice',
    aws: {
      md5: '19c9e282d65f9733bc6b35d50062c7ee',
      first: {
        names: [
          'ApproximateFirstReceiveTimestamp',
          'ApproximateReceiveCount',
          'MessageDeduplicationId',
          'MessageGroupId',
          'SenderId',
          'SentTimestamp',
          'SequenceNumber',
        ],
        count: '1',
        group: 'group-1',
        dedup: 'dedup-1',
        sameSequence: true,
      },
      second: {
        names: [
          'ApproximateFirstReceiveTimestamp',
          'ApproximateReceiveCount',
          'MessageDeduplicationId',
          'MessageGroupId',
          'SenderId',
          'SentTimestamp',
          'SequenceNumber',
        ],
        count: '2',
        group: 'group-1',
        dedup: 'dedup-1',
        sameSequence: true,
      },
    },
    async run(ctx) {
      const url = await ctx.queue('fifoattrs.fifo', {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'true',
        VisibilityTimeout: '0',
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      const sent = await ctx.client.call<{ MD5OfMessageBody: string; SequenceNumber: string }>('SendMessage', {
        QueueUrl: url,
        MessageBody: 'message-body-1',
        MessageGroupId: 'group-1',
        MessageDeduplicationId: 'dedup-1',
      });
      const view = async () => {
        const a = (await receive(ctx, url, { AttributeNames: ['All'], WaitTimeSeconds: 10 })).Messages![0]!.Attributes ?? {};
        return {
          names: Object.keys(a).sort(),
          count: a.ApproximateReceiveCount,
          group: a.MessageGroupId,
          dedup: a.MessageDeduplicationId,
          sameSequence: a.SequenceNumber === sent.SequenceNumber,
        };
      };
      return { md5: sent.MD5OfMessageBody, first: await view(), second: await view() };
    },
  },
  {
    id: 'test_receive_message_attribute_names_filters/all',
    source: { file: LS, key: 'TestSqsProvider::test_receive_message_attribute_names_filters[sqs|sqs_query]', recorded: '2024-06-04' },
    protocols: BOTH,
    request:
      'Standard (VisibilityTimeout 0): send "msg" with attribute Foo=String:Bar; receive with AttributeNames [All]; [All] + MessageAttributeNames [All]; [SenderId]; [SenderId, SequenceNumber]',
    aws: {
      all: { names: ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'], attrs: null, md5: null },
      allAndMessage: {
        names: ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'],
        attrs: ['Foo'],
        md5: 'ae7155c6026991b6d54b11589678bf9c',
      },
      single: { names: ['SenderId'], attrs: null, md5: null },
      multiple: { names: ['SenderId'], attrs: null, md5: null },
    },
    async run(ctx) {
      const url = await ctx.queue('attrfilter', { VisibilityTimeout: '0' });
      await send(ctx, url, { MessageBody: 'msg', MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } } });
      const view = async (names: string[], mnames?: string[]) => {
        const m = (await receive(ctx, url, { WaitTimeSeconds: 5, AttributeNames: names, MessageAttributeNames: mnames ?? [] }))
          .Messages![0]! as Msg & {
          MessageAttributes?: Record<string, unknown>;
        };
        const attrs = m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? Object.keys(m.MessageAttributes) : null;
        return { names: Object.keys(m.Attributes ?? {}).sort(), attrs, md5: m.MD5OfMessageAttributes ?? null };
      };
      return {
        all: await view(['All']),
        allAndMessage: await view(['All'], ['All']),
        single: await view(['SenderId']),
        multiple: await view(['SenderId', 'SequenceNumber']),
      };
    },
  },
  {
    id: 'test_message_system_attribute_names_with_attribute_names/all',
    source: { file: LS, key: 'TestSqsProvider::test_message_system_attribute_names_with_attribute_names[sqs] (json client)', recorded: '2024-06-05' },
    protocols: JSON_ONLY,
    request:
      'Standard (VisibilityTimeout 0): send "msg"; receive with MessageSystemAttributeNames [All] + AttributeNames [All]; then [All] + [SenderId] (the union applies)',
    aws: {
      same: ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'],
      different: ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'],
    },
    async run(ctx) {
      const url = await ctx.queue('sysattrnames', { VisibilityTimeout: '0' });
      await send(ctx, url, { MessageBody: 'msg', MessageAttributes: { Foo: { DataType: 'String', StringValue: 'Bar' } } });
      const view = async (sys: string[], names: string[]) =>
        Object.keys(
          (await receive(ctx, url, { WaitTimeSeconds: 5, MessageSystemAttributeNames: sys, AttributeNames: names })).Messages![0]!.Attributes ?? {},
        ).sort();
      return { same: await view(['All'], ['All']), different: await view(['All'], ['SenderId']) };
    },
  },
];

function stdAttrs(over: Record<string, string>): Record<string, string> {
  return sortKeys({
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesDelayed: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
    DelaySeconds: '0',
    MaximumMessageSize: '1048576',
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    SqsManagedSseEnabled: 'true',
    VisibilityTimeout: '30',
    ...over,
  });
}

function fifoAttrs(over: Record<string, string>): Record<string, string> {
  return stdAttrs({ ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoQueue: 'true', FifoThroughputLimit: 'perQueue', ...over });
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

// ---- LocalStack aws.validated assertions without snapshots --------------------------------------

const assertionCases: DiffCase[] = [
  {
    id: 'test_change_visibility_on_deleted_message_raises_invalid_parameter_value',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_change_visibility_on_deleted_message_raises_invalid_parameter_value',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'Standard: send; receive; ChangeMessageVisibility 42 (ok); DeleteMessage; ChangeMessageVisibility 42 with the same handle',
    aws: {
      first: 'ok',
      afterDelete: err(
        'InvalidParameterValue',
        'Value <receipt-handle> for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.',
      ),
    },
    async run(ctx) {
      const url = await ctx.queue('cmvdeleted');
      await send(ctx, url, { MessageBody: 'foo' });
      const h = (await receive(ctx, url, { WaitTimeSeconds: 5 })).Messages![0]!.ReceiptHandle!;
      ctx.vars['receipt-handle'] = h;
      const first = await ctx.attempt(ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: h, VisibilityTimeout: 42 }));
      await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: h });
      const afterDelete = await ctx.attempt(ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: h, VisibilityTimeout: 42 }));
      return { first: outcome(first), afterDelete: outcome(afterDelete) };
    },
  },
  {
    id: 'test_delete_message_with_illegal_receipt_handle',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_delete_message_with_illegal_receipt_handle',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'DeleteMessage ReceiptHandle="garbage"',
    aws: { result: err('ReceiptHandleIsInvalid', 'The input receipt handle "garbage" is not a valid receipt handle.') },
    async run(ctx) {
      const url = await ctx.queue('garbage');
      return { result: outcome(await ctx.attempt(ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: 'garbage' }))) };
    },
  },
  {
    id: 'test_delete_message_with_deleted_receipt_handle',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_delete_message_with_deleted_receipt_handle',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'Standard: send; receive; DeleteMessage three times with the same handle',
    aws: { results: ['ok', 'ok', 'ok'] },
    async run(ctx) {
      const url = await ctx.queue('deltwice');
      await send(ctx, url, { MessageBody: 'foo' });
      const h = (await receive(ctx, url, { WaitTimeSeconds: 5 })).Messages![0]!.ReceiptHandle!;
      const results = [];
      for (let i = 0; i < 3; i++) results.push(outcome(await ctx.attempt(ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: h }))));
      return { results };
    },
  },
  {
    id: 'test_purge_queue_clears_fifo_deduplication_cache',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_purge_queue_clears_fifo_deduplication_cache',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'FIFO: send message-1 (dedup D); PurgeQueue; send message-2 (same group, dedup D); receive',
    aws: { received: ['message-2'] },
    async run(ctx) {
      const url = await ctx.queue('purgededup.fifo', FIFO);
      await send(ctx, url, { MessageBody: 'message-1', MessageGroupId: 'g', MessageDeduplicationId: 'D' });
      await ctx.client.call('PurgeQueue', { QueueUrl: url });
      await send(ctx, url, { MessageBody: 'message-2', MessageGroupId: 'g', MessageDeduplicationId: 'D' });
      return { received: bodies(await receive(ctx, url, { WaitTimeSeconds: 1 })) };
    },
  },
  {
    id: 'test_purge_queue_deletes_inflight_messages+delayed_messages',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_purge_queue_deletes_inflight_messages, ::test_purge_queue_deletes_delayed_messages',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    slow: true,
    request:
      'Queue A: 10 messages, receive 5 with VisibilityTimeout=3, PurgeQueue, wait 3 s, receive. Queue B: 5 messages with DelaySeconds=2, PurgeQueue, wait 2 s, receive',
    aws: { inflight: [], delayed: [] },
    async run(ctx) {
      const a = await ctx.queue('purgeinflight');
      const b = await ctx.queue('purgedelayed');
      for (let i = 0; i < 10; i++) await send(ctx, a, { MessageBody: `message-${i}` });
      for (let i = 0; i < 5; i++) await send(ctx, b, { MessageBody: `message-${i}`, DelaySeconds: 2 });
      await receive(ctx, a, { VisibilityTimeout: 3, WaitTimeSeconds: 5, MaxNumberOfMessages: 5 });
      await ctx.client.call('PurgeQueue', { QueueUrl: a });
      await ctx.client.call('PurgeQueue', { QueueUrl: b });
      await ctx.sleep(3000);
      return { inflight: bodies(await receive(ctx, a, { WaitTimeSeconds: 1 })), delayed: bodies(await receive(ctx, b, { WaitTimeSeconds: 1 })) };
    },
  },
  {
    id: 'test_send_message_with_invalid_string_attributes/valid-non-ascii-name',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_send_message_with_invalid_string_attributes (baseline send)',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'SendMessage with attribute named "attr.1øßä" (String "Valida")',
    aws: { result: 'ok' },
    async run(ctx) {
      const url = await ctx.queue('attrname');
      return {
        result: outcome(
          await send(ctx, url, { MessageBody: 'test', MessageAttributes: { 'attr.1øßä': { StringValue: 'Valida', DataType: 'String' } } }),
        ),
      };
    },
  },
  {
    id: 'test_send_message_with_invalid_string_attributes/invalid-names-and-types',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_send_message_with_invalid_string_attributes',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request:
      'SendMessage with, in turn: String value "Invalid-\\x08,\\x0B"; names "aWs.-Invalid-attr", "AMAZON.-Invalid-attr", ".-Invalid-attr", "Invalid-!-attr", "Invalid-\\"-attr", "Invalid-§-attr", "Invalid-(-attr", "Invalid-?-attr", "L"×257, "Invalid."; DataType "Invalid"; DataType "Number."+"L"×256 — each fails with an error whose text contains "Invalid"',
    aws: { failures: Array(14).fill(true) },
    async run(ctx) {
      const url = await ctx.queue('badattrs');
      const attrs: Array<Record<string, { StringValue: string; DataType: string }>> = [
        { attr1: { StringValue: `Invalid-${String.fromCharCode(8)},${String.fromCharCode(11)}`, DataType: 'String' } },
        ...['aWs.', 'AMAZON.', '.'].map((p) => ({ [`${p}-Invalid-attr`]: { StringValue: 'Valid', DataType: 'String' } })),
        ...['!', '"', '§', '(', '?'].map((c) => ({ [`Invalid-${c}-attr`]: { StringValue: 'Valid', DataType: 'String' } })),
        { ['L'.repeat(257)]: { StringValue: 'Valid', DataType: 'String' } },
        { 'Invalid.': { StringValue: 'Valid', DataType: 'String' } },
        { Attribute_name: { StringValue: 'Valid', DataType: 'Invalid' } },
        { Attribute_name: { StringValue: 'Valid', DataType: `Number.${'L'.repeat(256)}` } },
        { 'Invalid..Name': { StringValue: 'Valid', DataType: 'String' } },
      ];
      const failures = [];
      for (const a of attrs.slice(0, 13)) {
        const r = await send(ctx, url, { MessageBody: 'test', MessageAttributes: a });
        const e = (r as { error?: { code: string; message: string } }).error;
        failures.push(e !== undefined && /Invalid/.test(`${e.code} ${e.message}`));
      }
      // The recording leaves "Invalid..Name" as a FIXME; the SQS API reference forbids successive periods.
      failures.push(outcome(await send(ctx, url, { MessageBody: 'test', MessageAttributes: attrs[13]! })) !== 'ok');
      return { failures };
    },
  },
  {
    id: 'test_invalid_string_attributes_cause_invalid_parameter_value_error',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_invalid_string_attributes_cause_invalid_parameter_value_error',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'SendMessage with String attribute value "Invalid-\\x08,\\x0B" (code only is recorded)',
    aws: { code: 'InvalidParameterValue' },
    async run(ctx) {
      const url = await ctx.queue('badvalue');
      const r = await send(ctx, url, {
        MessageBody: 'test',
        MessageAttributes: { attr1: { StringValue: `Invalid-${String.fromCharCode(8)},${String.fromCharCode(11)}`, DataType: 'String' } },
      });
      return { code: (r as { error?: { code: string } }).error?.code ?? 'ok' };
    },
  },
  {
    id: 'test_send_message_with_invalid_payload_characters',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_send_message_with_invalid_payload_characters',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'SendMessage body "Invalid-\\x00-\\x08-\\x13-\\uFFFF" (code only is recorded)',
    aws: { code: 'InvalidMessageContents' },
    async run(ctx) {
      const url = await ctx.queue('badbody');
      const r = await send(ctx, url, {
        MessageBody: `Invalid-${String.fromCharCode(0)}-${String.fromCharCode(8)}-${String.fromCharCode(19)}-${String.fromCharCode(65535)}`,
      });
      return { code: (r as { error?: { code: string } }).error?.code ?? 'ok' };
    },
  },
  {
    id: 'test_fifo_message_group_visibility_after_terminate_visibility_timeout',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_fifo_message_group_visibility_after_terminate_visibility_timeout',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request:
      'FIFO VisibilityTimeout=30: send g1-m1, g1-m2 (group-1), g2-m1 (group-2); receive 2 (g1-m1, g1-m2); ChangeMessageVisibility 0 on g1-m1; receive 3 (wait 2 s)',
    aws: { first: ['g1-m1', 'g1-m2'], second: ['g2-m1', 'g1-m1'] },
    async run(ctx) {
      const url = await ctx.queue('grpterm.fifo', { ...FIFO_CBD, VisibilityTimeout: '30' });
      await send(ctx, url, { MessageBody: 'g1-m1', MessageGroupId: 'group-1' });
      await send(ctx, url, { MessageBody: 'g1-m2', MessageGroupId: 'group-1' });
      await send(ctx, url, { MessageBody: 'g2-m1', MessageGroupId: 'group-2' });
      const a = await receive(ctx, url, { MaxNumberOfMessages: 2 });
      await ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: a.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 });
      const b = await receive(ctx, url, { MaxNumberOfMessages: 3, WaitTimeSeconds: 2 });
      return { first: bodies(a), second: bodies(b) };
    },
  },
  {
    id: 'test_fifo_message_group_visibility_after_change_message_visibility',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_fifo_message_group_visibility_after_change_message_visibility[sqs|sqs_query]',
      recorded: '2025-11-17',
    },
    protocols: BOTH,
    slow: true,
    request: 'FIFO VisibilityTimeout=30: send g1-m1, g1-m2, g2-m1; receive 2; ChangeMessageVisibility 1 on g1-m1; wait 2 s; receive 3',
    aws: { first: ['g1-m1', 'g1-m2'], second: ['g2-m1', 'g1-m1'] },
    async run(ctx) {
      const url = await ctx.queue('grpcmv.fifo', { ...FIFO_CBD, VisibilityTimeout: '30' });
      await send(ctx, url, { MessageBody: 'g1-m1', MessageGroupId: 'group-1' });
      await send(ctx, url, { MessageBody: 'g1-m2', MessageGroupId: 'group-1' });
      await send(ctx, url, { MessageBody: 'g2-m1', MessageGroupId: 'group-2' });
      const a = await receive(ctx, url, { MaxNumberOfMessages: 2 });
      await ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: a.Messages![0]!.ReceiptHandle, VisibilityTimeout: 1 });
      await ctx.sleep(2000);
      const b = await receive(ctx, url, { MaxNumberOfMessages: 3 });
      return { first: bodies(a), second: bodies(b) };
    },
  },
  {
    id: 'test_fifo_message_group_visibility_after_partial_delete',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_fifo_message_group_visibility_after_partial_delete',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'FIFO: send g1-m1, g2-m1, g1-m2, g2-m2, g1-m2, g1-m3, g1-m4, g3-m1; receive 2 (g1-m1, g1-m2); delete g1-m1 only; receive 10',
    aws: { first: ['g1-m1', 'g1-m2'], second: ['g2-m1', 'g2-m2', 'g3-m1'] },
    async run(ctx) {
      const url = await ctx.queue('grppartial.fifo', FIFO_CBD);
      for (const [b, g] of [
        ['g1-m1', 'group-1'],
        ['g2-m1', 'group-2'],
        ['g1-m2', 'group-1'],
        ['g2-m2', 'group-2'],
        ['g1-m2', 'group-1'],
        ['g1-m3', 'group-1'],
        ['g1-m4', 'group-1'],
        ['g3-m1', 'group-3'],
      ])
        await send(ctx, url, { MessageBody: b, MessageGroupId: g });
      const a = await receive(ctx, url, { MaxNumberOfMessages: 2 });
      await ctx.client.call('DeleteMessage', { QueueUrl: url, ReceiptHandle: a.Messages![0]!.ReceiptHandle });
      const b = await receive(ctx, url, { MaxNumberOfMessages: 10 });
      return { first: bodies(a), second: bodies(b) };
    },
  },
  {
    id: 'test_change_message_visibility_not_permanent',
    source: { file: LS_PY, key: 'TestSqsProvider::test_change_message_visibility_not_permanent', recorded: 'aws.validated marker (date not kept)' },
    protocols: BOTH,
    request: 'Standard: send; receive; ChangeMessageVisibility 0; receive (the message); receive (nothing: the queue default 30 s applies again)',
    aws: { again: true, third: [] },
    async run(ctx) {
      const url = await ctx.queue('cmvnotperm');
      await send(ctx, url, { MessageBody: 'test' });
      const a = (await receive(ctx, url)).Messages![0]!;
      await ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: a.ReceiptHandle, VisibilityTimeout: 0 });
      const b = await receive(ctx, url);
      const c = await receive(ctx, url);
      return { again: b.Messages?.[0]?.MessageId === a.MessageId, third: bodies(c) };
    },
  },
  {
    id: 'test_get_queue_attributes_with_invalid_arg_returns_error',
    source: {
      file: LS_PY,
      key: 'TestSqsQueryApi::test_get_queue_attributes_with_invalid_arg_returns_error (raw Query)',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: QUERY_ONLY,
    request: 'Raw Query to the queue URL: Action=GetQueueAttributes&AttributeName.1=Foobar',
    aws: { code: 'InvalidAttributeName', message: 'Unknown Attribute Foobar.', type: 'Sender' },
    async run(ctx) {
      const url = await ctx.queue('rawattr');
      const r = await ctx.rawQuery(
        [
          ['Action', 'GetQueueAttributes'],
          ['AttributeName.1', 'Foobar'],
        ],
        url,
      );
      return { code: xmlField(r.body, 'Code'), message: xmlField(r.body, 'Message'), type: xmlField(r.body, 'Type') };
    },
  },
  {
    id: 'test_invalid_action_raises_exception',
    source: {
      file: LS_PY,
      key: 'TestSqsQueryApi::test_invalid_action_raises_exception (raw Query)',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: QUERY_ONLY,
    request: 'Raw Query to the queue URL: Action=FooBar&Version=2012-11-05',
    aws: { ok: false, code: 'InvalidAction', message: 'The action FooBar is not valid for this endpoint.', type: 'Sender' },
    async run(ctx) {
      const url = await ctx.queue('rawaction');
      const r = await ctx.rawQuery([['Action', 'FooBar']], url);
      return { ok: r.status < 300, code: xmlField(r.body, 'Code'), message: xmlField(r.body, 'Message'), type: xmlField(r.body, 'Type') };
    },
  },
  {
    id: 'test_valid_action_with_missing_parameter_raises_exception',
    source: {
      file: LS_PY,
      key: 'TestSqsQueryApi::test_valid_action_with_missing_parameter_raises_exception (raw Query)',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: QUERY_ONLY,
    request: 'Raw Query to the queue URL: Action=SendMessage (no MessageBody)',
    aws: { ok: false, code: 'MissingParameter', message: 'The request must contain the parameter MessageBody.', type: 'Sender' },
    async run(ctx) {
      const url = await ctx.queue('rawmissing');
      const r = await ctx.rawQuery([['Action', 'SendMessage']], url);
      return { ok: r.status < 300, code: xmlField(r.body, 'Code'), message: xmlField(r.body, 'Message'), type: xmlField(r.body, 'Type') };
    },
  },
  {
    id: 'test_get_queue_attributes_with_query_args',
    source: {
      file: LS_PY,
      key: 'TestSqsQueryApi::test_get_queue_attributes_with_query_args (raw Query)',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: QUERY_ONLY,
    request: 'Raw Query to the queue URL: Action=GetQueueAttributes&AttributeName.1=QueueArn',
    aws: { ok: true, hasArn: true, hasVisibility: false },
    async run(ctx) {
      const url = await ctx.queue('rawarn');
      const r = await ctx.rawQuery(
        [
          ['Action', 'GetQueueAttributes'],
          ['AttributeName.1', 'QueueArn'],
        ],
        url,
      );
      return {
        ok: r.status < 300,
        hasArn: r.body.includes('<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:'),
        hasVisibility: r.body.includes('<Name>VisibilityTimeout</Name>'),
      };
    },
  },
  {
    id: 'test_create_queue_recently_deleted',
    source: { file: LS_PY, key: 'TestSqsProvider::test_create_queue_recently_deleted[sqs|sqs_query]', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'CreateQueue; DeleteQueue; CreateQueue with the same name at once',
    aws: {
      result: err(`${QS}QueueDeletedRecently`, 'You must wait 60 seconds after deleting a queue before you can create another with the same name.'),
    },
    async run(ctx) {
      const name = ctx.name('recent');
      const { QueueUrl } = await ctx.client.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name });
      await ctx.client.call('DeleteQueue', { QueueUrl });
      return { result: outcome(await ctx.attempt(ctx.client.call('CreateQueue', { QueueName: name }))) };
    },
  },
  {
    id: 'test_invalid_receipt_handle_should_return_error_message',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_invalid_receipt_handle_should_return_error_message',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'ChangeMessageVisibility ReceiptHandle="INVALID" VisibilityTimeout=60 (code only is recorded)',
    aws: { code: 'ReceiptHandleIsInvalid' },
    async run(ctx) {
      const url = await ctx.queue('invalidrh');
      const r = await ctx.attempt(ctx.client.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: 'INVALID', VisibilityTimeout: 60 }));
      return { code: (r as { error?: { code: string } }).error?.code ?? 'ok' };
    },
  },
  {
    id: 'test_batch_send_with_invalid_char_should_succeed',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_batch_send_with_invalid_char_should_succeed',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'SendMessageBatch of bodies "0"…"8" and "\x01" (Id 9); receive everything',
    aws: { failed: [{ Id: '9', Code: 'InvalidMessageContents' }], received: ['0', '1', '2', '3', '4', '5', '6', '7', '8'] },
    async run(ctx) {
      const url = await ctx.queue('batchchar');
      const Entries = [...Array.from({ length: 9 }, (_, i) => ({ Id: String(i), MessageBody: String(i) })), { Id: '9', MessageBody: '\x01' }];
      const r = await ctx.client.call<{ Failed?: Array<{ Id: string; Code: string }> }>('SendMessageBatch', { QueueUrl: url, Entries });
      const got: string[] = [];
      for (let i = 0; i < 5 && got.length < 9; i++) got.push(...bodies(await receive(ctx, url, { MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })));
      return { failed: (r.Failed ?? []).map((f) => ({ Id: f.Id, Code: f.Code })), received: got.sort() };
    },
  },
  {
    id: 'test_fifo_queue_requires_suffix+test_standard_queue_cannot_have_fifo_suffix',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_fifo_queue_requires_suffix, ::test_standard_queue_cannot_have_fifo_suffix (codes only are recorded)',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request: 'CreateQueue "invalid-x" with FifoQueue=true; CreateQueue "queue-x.fifo" without attributes',
    aws: { fifoNoSuffix: 'InvalidParameterValue', standardWithSuffix: 'InvalidParameterValue' },
    async run(ctx) {
      const code = (r: unknown) => (r as { error?: { code: string } }).error?.code ?? 'ok';
      return {
        fifoNoSuffix: code(await ctx.attempt(ctx.client.call('CreateQueue', { QueueName: ctx.name('invalid'), Attributes: { FifoQueue: 'true' } }))),
        standardWithSuffix: code(await ctx.attempt(ctx.client.call('CreateQueue', { QueueName: ctx.name('queue.fifo') }))),
      };
    },
  },
  {
    id: 'test_set_empty_redrive_policy',
    source: { file: LS_PY, key: 'TestSqsProvider::test_set_empty_redrive_policy[sqs|sqs_query]', recorded: '2024-08-20' },
    protocols: BOTH,
    request:
      'SetQueueAttributes RedrivePolicy="" on a queue without one; set a valid RedrivePolicy (maxReceiveCount "42"); set RedrivePolicy="" again; GetQueueAttributes All each time',
    aws: { emptyFirst: false, setHasArn: true, emptyAfter: false },
    async run(ctx) {
      const dlq = await ctx.queue('emptyrp');
      const arn = await ctx.arn(dlq);
      const attrs = async () =>
        (await ctx.client.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['All'] })).Attributes;
      await ctx.client.call('SetQueueAttributes', { QueueUrl: dlq, Attributes: { RedrivePolicy: '' } });
      const emptyFirst = 'RedrivePolicy' in (await attrs());
      await ctx.client.call('SetQueueAttributes', {
        QueueUrl: dlq,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: '42' }) },
      });
      const setHasArn = ((await attrs()).RedrivePolicy ?? '').includes(arn);
      await ctx.client.call('SetQueueAttributes', { QueueUrl: dlq, Attributes: { RedrivePolicy: '' } });
      return { emptyFirst, setHasArn, emptyAfter: 'RedrivePolicy' in (await attrs()) };
    },
  },
  {
    id: 'test_get_specific_queue_attribute_response',
    source: { file: LS_PY, key: 'TestSqsProvider::test_get_specific_queue_attribute_response', recorded: 'aws.validated marker (date not kept)' },
    protocols: BOTH,
    request:
      'CreateQueue {MessageRetentionPeriod:604800, DelaySeconds:10, RedrivePolicy:{…, maxReceiveCount:10}}; GetQueueAttributes [MessageRetentionPeriod, RedrivePolicy]',
    aws: { names: ['MessageRetentionPeriod', 'RedrivePolicy'], retention: '604800', maxReceiveCount: 10 },
    async run(ctx) {
      const arn = await ctx.arn(await ctx.queue('specdlq'));
      const url = await ctx.queue('spec', {
        MessageRetentionPeriod: '604800',
        DelaySeconds: '10',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 10 }),
      });
      const a = (
        await ctx.client.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
          QueueUrl: url,
          AttributeNames: ['MessageRetentionPeriod', 'RedrivePolicy'],
        })
      ).Attributes;
      return {
        names: Object.keys(a).sort(),
        retention: a.MessageRetentionPeriod,
        maxReceiveCount: (JSON.parse(a.RedrivePolicy!) as { maxReceiveCount: unknown }).maxReceiveCount,
      };
    },
  },
  {
    id: 'test_message_with_carriage_return+test_message_with_attributes_should_be_enqueued',
    source: {
      file: LS_PY,
      key: 'TestSqsProvider::test_message_with_carriage_return, ::test_message_with_attributes_should_be_enqueued',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: BOTH,
    request:
      'SendMessage body "{\\r\\n"machineID" : "d357…"}" with attribute timestamp Number "1614717034367"; ReceiveMessage MessageAttributeNames=[All]',
    aws: { sameBody: true, sameMd5: true, attributes: { timestamp: { DataType: 'Number', StringValue: '1614717034367' } } },
    async run(ctx) {
      const url = await ctx.queue('crlf');
      const body = '{\r\n' + '"machineID" : "d357006e26ff47439e1ef894225d4307"' + '}';
      const s = await ctx.client.call<{ MD5OfMessageBody: string }>('SendMessage', {
        QueueUrl: url,
        MessageBody: body,
        MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1614717034367' } },
      });
      const m = (await receive(ctx, url, { MessageAttributeNames: ['All'] })).Messages![0] as Msg & {
        MD5OfBody?: string;
        MessageAttributes?: Record<string, Record<string, unknown>>;
      };
      const attributes = Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
          k,
          Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && !(Array.isArray(x) && x.length === 0))),
        ]),
      );
      return { sameBody: m.Body === body, sameMd5: m.MD5OfBody === s.MD5OfMessageBody, attributes };
    },
  },
];

// ---- moto aws_verified ----------------------------------------------------------------------------

const motoCases: DiffCase[] = [
  {
    id: 'moto:test_delete_message_batch_with_zero_entries',
    source: { file: MOTO, key: 'test_delete_message_batch_with_zero_entries', recorded: 'aws_verified marker (moto checkout of 2026-08)' },
    protocols: BOTH,
    request: 'DeleteMessageBatch Entries=[]',
    aws: { result: err(`${QS}EmptyBatchRequest`, 'There should be at least one DeleteMessageBatchRequestEntry in the request.') },
    async run(ctx) {
      const url = await ctx.queue('emptydmb');
      return { result: outcome(await ctx.attempt(ctx.client.call('DeleteMessageBatch', { QueueUrl: url, Entries: [] }))) };
    },
  },
  {
    id: 'moto:test_send_message_batch_errors',
    source: { file: MOTO, key: 'test_send_message_batch_errors', recorded: 'aws_verified marker (moto checkout of 2026-08)' },
    protocols: BOTH,
    request: 'SendMessageBatch: Entries=[]; Id=""; Id=".!@#$%^&*()+="; Id="i"×81; body of 1 MiB + 1; Ids id_1,id_2,id_2,id_1; 11 entries',
    aws: {
      empty: err(`${QS}EmptyBatchRequest`, 'There should be at least one SendMessageBatchRequestEntry in the request.'),
      emptyId: err(`${QS}InvalidBatchEntryId`, BATCH_ID),
      punctId: err(`${QS}InvalidBatchEntryId`, BATCH_ID),
      longId: err(`${QS}InvalidBatchEntryId`, BATCH_ID),
      tooLong: err(`${QS}BatchRequestTooLong`, 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.'),
      repeated: err(`${QS}BatchEntryIdsNotDistinct`, 'Id id_2 repeated.'),
      eleven: err(`${QS}TooManyEntriesInBatchRequest`, 'Maximum number of entries per request are 10. You have sent 11.'),
    },
    async run(ctx) {
      const url = await ctx.queue('batcherrs');
      const b = async (Entries: unknown[]) => outcome(await ctx.attempt(ctx.client.call('SendMessageBatch', { QueueUrl: url, Entries })));
      return {
        empty: await b([]),
        emptyId: await b([{ Id: '', MessageBody: 'body_1' }]),
        punctId: await b([{ Id: '.!@#$%^&*()+=', MessageBody: 'body_1' }]),
        longId: await b([{ Id: 'i'.repeat(81), MessageBody: 'body_1' }]),
        tooLong: await b([{ Id: 'id_1', MessageBody: 'b'.repeat(MiB + 1) }]),
        repeated: await b([
          { Id: 'id_1', MessageBody: 'body_1' },
          { Id: 'id_2', MessageBody: 'body_2' },
          { Id: 'id_2', MessageBody: 'body_2' },
          { Id: 'id_1', MessageBody: 'body_1' },
        ]),
        eleven: await b(Array.from({ length: 11 }, (_, i) => ({ Id: `id_${i}`, MessageBody: `body_${i}` }))),
      };
    },
  },
  {
    id: 'moto:test_create_fifo_queue',
    source: { file: MOTO, key: 'test_create_fifo_queue', recorded: 'aws_verified marker (moto checkout of 2026-08)' },
    protocols: BOTH,
    request: 'CreateQueue x.fifo {FifoQueue:true}; GetQueueAttributes All (the keys moto asserts)',
    aws: {
      attributes: sortKeys({
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesDelayed: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        ContentBasedDeduplication: 'false',
        DeduplicationScope: 'queue',
        DelaySeconds: '0',
        FifoQueue: 'true',
        FifoThroughputLimit: 'perQueue',
        MaximumMessageSize: '1048576',
        MessageRetentionPeriod: '345600',
        ReceiveMessageWaitTimeSeconds: '0',
        VisibilityTimeout: '30',
      }),
    },
    async run(ctx) {
      const url = await ctx.queue('motofifo.fifo', FIFO);
      const all = await allAttributes(ctx, url);
      delete all.SqsManagedSseEnabled; // not among moto's assertions
      return { attributes: all };
    },
  },
  {
    // moto PR #3657 (2021, Query era): "Running this against AWS itself results in this NonExistentQueue-error";
    // the test asserts status 400 and, with botocore >= 1.34.90 (JSON), "The specified queue does not exist."
    id: 'moto:test_get_queue_url_error_not_exists',
    source: { file: MOTO, key: 'test_get_queue_url_error_not_exists', recorded: 'aws_verified marker (moto checkout of 2026-08)' },
    protocols: BOTH,
    request: 'GetQueueAttributes QueueUrl="http://whatever-incorrect-queue-address" (a URL naming no queue: boto3 Queue(url).load())',
    aws: { status: 400, result: err(`${QS}NonExistentQueue`, 'The specified queue does not exist.') },
    awsQuery: { result: err(`${QS}NonExistentQueue`, 'The specified queue does not exist for this wsdl version.') },
    async run(ctx) {
      const QueueUrl = 'http://whatever-incorrect-queue-address';
      if (ctx.protocol === 'query') {
        // raw: the Query client would send the request to the QueueUrl's own host
        const r = await ctx.rawQuery([
          ['Action', 'GetQueueAttributes'],
          ['QueueUrl', QueueUrl],
          ['AttributeName.1', 'All'],
        ]);
        return { status: r.status, result: err(xmlField(r.body, 'Code') ?? '', xmlField(r.body, 'Message') ?? '') };
      }
      const { status } = await ctx.rawJson('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
      return { status, result: outcome(await ctx.attempt(ctx.client.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] }))) };
    },
  },
];

// ---- Move tasks (test_sqs_move_task.snapshot.json) -------------------------------------------------

const moveCases: DiffCase[] = [
  {
    id: 'test_cancel_with_invalid_task_handle/error',
    source: { file: LS_MOVE, key: 'test_cancel_with_invalid_task_handle', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'CancelMessageMoveTask TaskHandle="foobared"',
    aws: { result: err('InvalidParameterValue', 'Value for parameter TaskHandle is invalid.') },
    async run(ctx) {
      return { result: outcome(await ctx.attempt(ctx.client.call('CancelMessageMoveTask', { TaskHandle: 'foobared' }))) };
    },
  },
  {
    id: 'test_cancel_with_invalid_source_arn_in_task_handle/error',
    source: { file: LS_MOVE, key: 'test_cancel_with_invalid_source_arn_in_task_handle', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'CancelMessageMoveTask with a well-formed handle naming a source queue that does not exist',
    aws: { result: err('ResourceNotFoundException', "The resource that you specified for the SourceArn parameter doesn't exist.") },
    async run(ctx) {
      const handle = Buffer.from(
        JSON.stringify({
          taskId: '10f57157-fc38-4da9-a113-4de7e12d05dd',
          sourceArn: 'arn:aws:sqs:us-east-1:000000000000:test-queue-doesnt-exist-123456',
        }),
      ).toString('base64');
      return { result: outcome(await ctx.attempt(ctx.client.call('CancelMessageMoveTask', { TaskHandle: handle }))) };
    },
  },
  {
    id: 'test_cancel_with_invalid_task_id_in_task_handle/error',
    source: { file: LS_MOVE, key: 'test_cancel_with_invalid_task_id_in_task_handle', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'CancelMessageMoveTask with a handle naming an existing queue and an unknown task id',
    aws: { result: err('ResourceNotFoundException', 'Task does not exist.') },
    async run(ctx) {
      const arn = await ctx.arn(await ctx.queue('movesrc'));
      const handle = Buffer.from(JSON.stringify({ taskId: '10f57157-fc38-4da9-a113-4de7e12d05aa', sourceArn: arn })).toString('base64');
      return { result: outcome(await ctx.attempt(ctx.client.call('CancelMessageMoveTask', { TaskHandle: handle }))) };
    },
  },
  {
    id: 'test_source_needs_redrive_policy/error',
    source: { file: LS_MOVE, key: 'test_source_needs_redrive_policy', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'StartMessageMoveTask from a queue that is no dead-letter queue',
    aws: { result: err('InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.') },
    async run(ctx) {
      const src = await ctx.arn(await ctx.queue('notdlq'));
      const dst = await ctx.arn(await ctx.queue('dest'));
      return { result: outcome(await ctx.attempt(ctx.client.call('StartMessageMoveTask', { SourceArn: src, DestinationArn: dst }))) };
    },
  },
  {
    id: 'test_destination_needs_to_exist/error',
    source: { file: LS_MOVE, key: 'test_destination_needs_to_exist', recorded: '2024-04-30' },
    protocols: BOTH,
    request: 'StartMessageMoveTask from a DLQ to a queue ARN that does not exist',
    aws: { result: err('ResourceNotFoundException', "The resource that you specified for the DestinationArn parameter doesn't exist.") },
    async run(ctx) {
      const dlqUrl = await ctx.queue('dlq');
      const dlq = await ctx.arn(dlqUrl);
      await ctx.queue('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: 1 }) });
      const dst = (await ctx.arn(await ctx.queue('dest'))) + 'doesntexist';
      return { result: outcome(await ctx.attempt(ctx.client.call('StartMessageMoveTask', { SourceArn: dlq, DestinationArn: dst }))) };
    },
  },
  {
    id: 'test_start_multiple_move_tasks/error',
    source: { file: LS_MOVE, key: 'test_start_multiple_move_tasks', recorded: '2024-04-30' },
    protocols: BOTH,
    slow: true,
    request: 'Queue → DLQ (maxReceiveCount 1): 10 messages moved to the DLQ; StartMessageMoveTask DLQ → destination at 1 msg/s; start the same again',
    aws: {
      result: err(
        'InvalidParameterValue',
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      ),
    },
    async run(ctx) {
      const dlqUrl = await ctx.queue('mtdlq');
      const dlq = await ctx.arn(dlqUrl);
      const src = await ctx.queue('mtsrc', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: 1 }) });
      const dst = await ctx.arn(await ctx.queue('mtdst'));
      await fillDeadLetterQueue(ctx, src, dlqUrl);
      const start = () => ctx.client.call('StartMessageMoveTask', { SourceArn: dlq, DestinationArn: dst, MaxNumberOfMessagesPerSecond: 1 });
      await start();
      const second = await ctx.attempt(start());
      const list = await ctx.client.call<{ Results?: Array<{ TaskHandle?: string }> }>('ListMessageMoveTasks', { SourceArn: dlq });
      const handle = list.Results?.[0]?.TaskHandle;
      if (handle) await ctx.attempt(ctx.client.call('CancelMessageMoveTask', { TaskHandle: handle }));
      return { result: outcome(second) };
    },
  },
];

// ---- Found by a real-client sweep (2026-12-07): a bare queue name, empty members, a move task's failure --

const sweepCases: DiffCase[] = [
  {
    // aws-sdk v2 sends a request to its QueueUrl (it cannot take a bare name): the Query wire has a raw case below.
    id: 'test_set_empty_redrive_policy (QueueUrl = the queue name)',
    source: { file: LS_PY, key: 'TestSqsProvider::test_set_empty_redrive_policy[sqs|sqs_query]', recorded: '2024-08-20' },
    protocols: JSON_ONLY,
    request: 'SetQueueAttributes QueueUrl=<queue name> RedrivePolicy=""; GetQueueAttributes QueueUrl=<queue name> All',
    aws: { set: 'ok', redrivePolicy: false, arn: true },
    async run(ctx) {
      const url = await ctx.queue('barename');
      const name = url.slice(url.lastIndexOf('/') + 1);
      const set = outcome(await ctx.attempt(ctx.client.call('SetQueueAttributes', { QueueUrl: name, Attributes: { RedrivePolicy: '' } })));
      const all = await ctx.client.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', { QueueUrl: name, AttributeNames: ['All'] });
      return { set, redrivePolicy: 'RedrivePolicy' in (all.Attributes ?? {}), arn: all.Attributes?.QueueArn === (await ctx.arn(url)) };
    },
  },
  {
    id: 'test_posting_to_queue_via_queue_name',
    source: { file: LS_PY, key: 'TestSqsProvider::test_posting_to_queue_via_queue_name', recorded: 'aws.validated marker (date not kept)' },
    protocols: JSON_ONLY,
    request: 'SendMessage QueueUrl=<queue name> MessageBody="Using name instead of URL"; ReceiveMessage on its URL',
    aws: { md5: '86a83f96652a1bfad3891e7d523750cb', received: ['Using name instead of URL'] },
    async run(ctx) {
      const url = await ctx.queue('postbyname');
      const name = url.slice(url.lastIndexOf('/') + 1);
      const r = await ctx.client.call<{ MD5OfMessageBody?: string }>('SendMessage', { QueueUrl: name, MessageBody: 'Using name instead of URL' });
      return { md5: r.MD5OfMessageBody, received: bodies(await receive(ctx, url)) };
    },
  },
  {
    id: 'test_set_empty_redrive_policy[sqs_query] (QueueUrl = the queue name, raw Query)',
    source: { file: LS_PY, key: 'TestSqsProvider::test_set_empty_redrive_policy[sqs_query]', recorded: '2024-08-20' },
    protocols: QUERY_ONLY,
    request: 'Raw Query to the endpoint: SetQueueAttributes QueueUrl=<queue name> RedrivePolicy=""; SendMessage QueueUrl=<queue name>',
    aws: { set: 200, send: 200, md5: '86a83f96652a1bfad3891e7d523750cb', received: ['Using name instead of URL'] },
    async run(ctx) {
      const url = await ctx.queue('barenameq');
      const name = url.slice(url.lastIndexOf('/') + 1);
      const set = await ctx.rawQuery([
        ['Action', 'SetQueueAttributes'],
        ['QueueUrl', name],
        ['Attribute.1.Name', 'RedrivePolicy'],
        ['Attribute.1.Value', ''],
      ]);
      const sent = await ctx.rawQuery([
        ['Action', 'SendMessage'],
        ['QueueUrl', name],
        ['MessageBody', 'Using name instead of URL'],
      ]);
      return { set: set.status, send: sent.status, md5: xmlField(sent.body, 'MD5OfMessageBody'), received: bodies(await receive(ctx, url)) };
    },
  },
  {
    id: 'TestSqsQueryApi::test_get_without_query_returns_unknown_operation',
    source: {
      file: LS_PY,
      key: 'TestSqsQueryApi::test_get_without_query_returns_unknown_operation',
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: QUERY_ONLY,
    request: 'GET <queue URL> (no query string)',
    aws: { status: 404, unknownOperation: true },
    async run(ctx) {
      const res = await fetch(await ctx.queue('getbare'));
      return { status: res.status, unknownOperation: (await res.text()).includes('<UnknownOperationException') };
    },
  },
  {
    id: 'TestSqsQueryApi::test_get_without_query_returns_unknown_operation (presigned)',
    source: {
      file: LS_PY,
      key: 'TestSqsQueryApi::test_get_without_query_returns_unknown_operation',
      recorded: 'aws.validated marker (date not kept); the test signs with SigV4QueryAuth',
    },
    protocols: QUERY_ONLY,
    request: 'GET <queue URL>?X-Amz-Algorithm=…&X-Amz-Signature=… (only the presigned URL parameters)',
    aws: { status: 404, unknownOperation: true },
    async run(ctx) {
      const presign =
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20240430%2Fus-east-1%2Fsqs%2Faws4_request' +
        '&X-Amz-Date=20240430T133000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=abc';
      const res = await fetch(`${await ctx.queue('getsigned')}?${presign}`);
      return { status: res.status, unknownOperation: (await res.text()).includes('<UnknownOperationException') };
    },
  },
  ...(['CreateQueue', 'ListQueues'] as const).map((action): DiffCase => ({
    id: `TestSqsQueryApi::test_get_${action === 'CreateQueue' ? 'create_queue' : 'list_queues'}_fails`,
    source: {
      file: LS_PY,
      key: `TestSqsQueryApi::test_get_${action === 'CreateQueue' ? 'create_queue' : 'list_queues'}_fails`,
      recorded: 'aws.validated marker (date not kept)',
    },
    protocols: QUERY_ONLY,
    request: `GET <queue URL>?Action=${action}${action === 'CreateQueue' ? '&QueueName=<new name>' : ''}`,
    aws: { status: 400, code: 'InvalidAction', message: `The action ${action} is not valid for this endpoint.` },
    async run(ctx) {
      const url = await ctx.queue('getfails');
      const params = new URLSearchParams({ Action: action, ...(action === 'CreateQueue' ? { QueueName: ctx.name('notcreated') } : {}) });
      const res = await fetch(`${url}?${params.toString()}`);
      const body = await res.text();
      return { status: res.status, code: xmlField(body, 'Code'), message: xmlField(body, 'Message') };
    },
  })),
  {
    id: 'TestSqsQueryApi::test_get_queue_url_work_for_different_queue',
    source: { file: LS_PY, key: 'TestSqsQueryApi::test_get_queue_url_work_for_different_queue', recorded: 'aws.validated marker (date not kept)' },
    protocols: QUERY_ONLY,
    request: 'GET <queue 1 URL>?Action=GetQueueUrl&QueueName=<queue 2>&QueueOwnerAWSAccountId=<account>',
    aws: { status: 200, queueUrl: 'queue 2' },
    async run(ctx) {
      const q1 = await ctx.queue('geturl1');
      const q2 = await ctx.queue('geturl2');
      const params = new URLSearchParams({
        Action: 'GetQueueUrl',
        QueueName: q2.slice(q2.lastIndexOf('/') + 1),
        QueueOwnerAWSAccountId: q2.split('/').at(-2)!,
      });
      const res = await fetch(`${q1}?${params.toString()}`);
      const got = xmlField(await res.text(), 'QueueUrl');
      return { status: res.status, queueUrl: got === q2 ? 'queue 2' : got };
    },
  },
  {
    id: 'test_tag_untag_queue/get-tag-after-untag (raw JSON)',
    source: { file: LS, key: 'TestSqsProvider::test_tag_untag_queue[sqs] get-tag-after-untag', recorded: '2024-04-30' },
    protocols: JSON_ONLY,
    request: 'TagQueue {tag1:value1}; UntagQueue [tag1]; ListQueueTags, its raw JSON answer',
    aws: { status: 200, body: {} },
    async run(ctx) {
      const url = await ctx.queue('tagsraw');
      await ctx.client.call('TagQueue', { QueueUrl: url, Tags: { tag1: 'value1' } });
      await ctx.client.call('UntagQueue', { QueueUrl: url, TagKeys: ['tag1'] });
      const r = await ctx.rawJson('ListQueueTags', { QueueUrl: url });
      return { status: r.status, body: r.body };
    },
  },
  {
    id: 'test_sqs_permission_lifecycle/get-queue-policy-attribute-after-removal (raw JSON)',
    source: { file: LS, key: 'TestSqsProvider::test_sqs_permission_lifecycle[sqs] get-queue-policy-attribute-after-removal', recorded: '2024-04-30' },
    protocols: JSON_ONLY,
    request: 'AddPermission Label=crossaccountpermission; RemovePermission; GetQueueAttributes [Policy], its raw JSON answer',
    aws: { status: 200, body: {} },
    async run(ctx) {
      const url = await ctx.queue('permraw');
      await ctx.client.call('AddPermission', {
        QueueUrl: url,
        Label: 'crossaccountpermission',
        AWSAccountIds: ['000000000000'],
        Actions: ['ReceiveMessage'],
      });
      await ctx.client.call('RemovePermission', { QueueUrl: url, Label: 'crossaccountpermission' });
      const r = await ctx.rawJson('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] });
      return { status: r.status, body: r.body };
    },
  },
  {
    id: 'test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size (raw JSON: no Failed)',
    source: {
      file: LS,
      key: 'TestSqsProvider::test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size[sqs] send_oversized_message_batch',
      recorded: '2024-04-30',
    },
    protocols: JSON_ONLY,
    request: 'SendMessageBatch of two entries that both succeed, the members of its raw JSON answer',
    aws: { status: 200, members: ['Successful'] },
    async run(ctx) {
      const url = await ctx.queue('batchraw');
      const r = await ctx.rawJson('SendMessageBatch', {
        QueueUrl: url,
        Entries: [
          { Id: '1', MessageBody: 'a' },
          { Id: '2', MessageBody: 'b' },
        ],
      });
      return { status: r.status, members: Object.keys(r.body).sort() };
    },
  },
  {
    id: 'test_move_task_delete_destination_queue_while_running/list',
    source: { file: LS_MOVE, key: 'test_move_task_delete_destination_queue_while_running', recorded: '2024-04-30' },
    protocols: BOTH,
    slow: true,
    request:
      'Queue → DLQ (maxReceiveCount 1): 10 messages moved to the DLQ; StartMessageMoveTask DLQ → destination at 1 msg/s; DeleteQueue destination; ListMessageMoveTasks until it is not RUNNING',
    aws: { status: 'FAILED', failureReason: 'AWS.SimpleQueueService.NonExistentQueue', dlqHasMessages: true },
    async run(ctx) {
      const dlqUrl = await ctx.queue('mfdlq');
      const dlq = await ctx.arn(dlqUrl);
      const src = await ctx.queue('mfsrc', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: 1 }) });
      const dstUrl = await ctx.queue('mfdst');
      const dst = await ctx.arn(dstUrl);
      await fillDeadLetterQueue(ctx, src, dlqUrl);
      await ctx.client.call('StartMessageMoveTask', { SourceArn: dlq, DestinationArn: dst, MaxNumberOfMessagesPerSecond: 1 });
      await ctx.client.call('DeleteQueue', { QueueUrl: dstUrl });
      let task: { Status?: string; FailureReason?: string } | undefined;
      for (let i = 0; i < 30; i++) {
        const list = await ctx.client.call<{ Results?: Array<{ Status?: string; FailureReason?: string }> }>('ListMessageMoveTasks', {
          SourceArn: dlq,
        });
        task = list.Results?.[0];
        if (task?.Status !== 'RUNNING') break;
        await ctx.sleep(1000);
      }
      return { status: task?.Status, failureReason: task?.FailureReason, dlqHasMessages: bodies(await receive(ctx, dlqUrl)).length > 0 };
    },
  },
];

// ---- Query forms older clients send (public issue threads quoting AWS's answers) -------------------

const queryFormCases: DiffCase[] = [
  {
    id: 'query-form:unnumbered-AttributeName (boto 2 Queue.count)',
    source: {
      file: "boto/boto boto/sqs/connection.py get_queue_attributes (boto 2, AWS's Python SDK until 2015)",
      key: "params = {'AttributeName': attribute} — Queue.count() sends AttributeName=ApproximateNumberOfMessages unnumbered against AWS",
      recorded: 'in use against AWS 2009–2019; no dated recording',
    },
    protocols: QUERY_ONLY,
    request: 'Raw Query: Action=GetQueueAttributes&AttributeName=ApproximateNumberOfMessages (no .N)',
    aws: { ok: true, names: ['ApproximateNumberOfMessages'] },
    async run(ctx) {
      const url = await ctx.queue('boto2count');
      const r = await ctx.rawQuery(
        [
          ['Action', 'GetQueueAttributes'],
          ['AttributeName', 'ApproximateNumberOfMessages'],
        ],
        url,
      );
      return { ok: r.status < 300, names: [...r.body.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1]) };
    },
  },
  {
    id: 'query-form:member-list (rusoto MessageAttributeNames.member.1)',
    source: {
      file: 'rusoto/rusoto#586 (AWS error body quoted in the issue)',
      key: 'ReceiveMessage&MessageAttributeNames.member.1=All → <Code>MalformedInput</Code><Message>Start of list found where not expected</Message>',
      recorded: '2017-03-22',
    },
    protocols: QUERY_ONLY,
    request: 'Raw Query: Action=ReceiveMessage&MessageAttributeNames.member.1=All',
    aws: { status: 400, code: 'MalformedInput', message: 'Start of list found where not expected' },
    async run(ctx) {
      const url = await ctx.queue('memberlist');
      const r = await ctx.rawQuery(
        [
          ['Action', 'ReceiveMessage'],
          ['MessageAttributeNames.member.1', 'All'],
        ],
        url,
      );
      return { status: r.status, code: xmlField(r.body, 'Code'), message: xmlField(r.body, 'Message') };
    },
  },
  {
    id: 'query-form:member-name-as-list (Entries.1.Id)',
    source: {
      file: 'aws/aws-sdk-go#161, aws/aws-sdk-php#637, rusoto/rusoto#955 (AWS error bodies quoted)',
      key: 'DeleteMessageBatch/SendMessageBatch with Entries.1.Id=… → <Code>MalformedInput</Code><Message>Top level element may not be treated as a list</Message>',
      recorded: '2015-04-01, 2015-06-17, 2018-02-09',
    },
    protocols: QUERY_ONLY,
    request: 'Raw Query: Action=SendMessageBatch&Entries.1.Id=a&Entries.1.MessageBody=b',
    aws: { status: 400, code: 'MalformedInput', message: 'Top level element may not be treated as a list' },
    async run(ctx) {
      const url = await ctx.queue('entrieslist');
      const r = await ctx.rawQuery(
        [
          ['Action', 'SendMessageBatch'],
          ['Entries.1.Id', 'a'],
          ['Entries.1.MessageBody', 'b'],
        ],
        url,
      );
      return { status: r.status, code: xmlField(r.body, 'Code'), message: xmlField(r.body, 'Message') };
    },
  },
  {
    id: 'query-form:unindexed-map-entry (boto 2 set_queue_attribute; API reference Query samples)',
    source: {
      file: 'SQS API Reference, API_SetQueueAttributes and API_CreateQueue, "Using AWS query protocol" samples; boto/boto boto/sqs/connection.py set_queue_attribute',
      key: "Action=SetQueueAttributes&Attribute.Name=VisibilityTimeout&Attribute.Value=35 → 200; Action=CreateQueue&QueueName=MyQueue&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Tag.Key=QueueType&Tag.Value=Production → 200; boto 2 sends params = {'Attribute.Name': attribute, 'Attribute.Value': value}",
      recorded: 'documented samples (current API reference, beside the JSON ones); no dated recording',
    },
    protocols: QUERY_ONLY,
    request:
      'Raw Query: SetQueueAttributes Attribute.Name=VisibilityTimeout&Attribute.Value=35 (no .N); CreateQueue with Attribute.1.* and Tag.Key/Tag.Value; read back',
    aws: { setOk: true, visibilityTimeout: '35', createOk: true, tags: { QueueType: 'Production' } },
    async run(ctx) {
      const url = await ctx.queue('boto2set');
      const set = await ctx.rawQuery(
        [
          ['Action', 'SetQueueAttributes'],
          ['Attribute.Name', 'VisibilityTimeout'],
          ['Attribute.Value', '35'],
        ],
        url,
      );
      const attrs = await ctx.client.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', {
        QueueUrl: url,
        AttributeNames: ['VisibilityTimeout'],
      });
      const name = ctx.name('unindexedtag');
      const created = await ctx.rawQuery([
        ['Action', 'CreateQueue'],
        ['QueueName', name],
        ['Attribute.1.Name', 'VisibilityTimeout'],
        ['Attribute.1.Value', '40'],
        ['Tag.Key', 'QueueType'],
        ['Tag.Value', 'Production'],
      ]);
      const createdUrl = xmlField(created.body, 'QueueUrl');
      const tags = createdUrl
        ? (await ctx.client.call<{ Tags?: Record<string, string> }>('ListQueueTags', { QueueUrl: createdUrl })).Tags
        : undefined;
      return { setOk: set.status === 200, visibilityTimeout: attrs.Attributes?.VisibilityTimeout, createOk: created.status === 200, tags };
    },
  },
];

export const CASES: readonly DiffCase[] = [...snapshotCases, ...assertionCases, ...motoCases, ...moveCases, ...sweepCases, ...queryFormCases];
