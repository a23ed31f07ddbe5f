/**
 * Seam 1: one typed input and output per action, named exactly as the SQS JSON 1.0 protocol names
 * the members (the Smithy model's member names). The JSON decoder produces these shapes directly;
 * the Query decoder maps flattened parameters (`Attribute.1.Name`, `SendMessageBatchRequestEntry.2.Id`,
 * …) into the same shapes; the XML encoder renders outputs from them. Actions never see headers, XML
 * or request objects.
 *
 * Wire types: strings stay strings; integers are numbers; booleans are booleans; blobs (BinaryValue)
 * are Buffers (base64 on both wires). Optional members are absent (undefined), never null.
 */

import type { CancelSignal } from '../core/cancel.js';
import type { Clock } from '../core/clock.js';
import type { EventSink } from '../core/events.js';
import type { Random } from '../core/random.js';
import type { BodyCipher } from '../crypto/messageCrypto.js';
import type { StorageEngine } from '../storage/engine.js';
import type { Identity } from '../auth/identities.js';
import type { DecisionCache, QueuePolicyCache } from '../auth/policy/index.js';

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
  StringListValues?: string[];
  BinaryListValues?: Buffer[];
}

export type MessageAttributeMap = Record<string, MessageAttributeValue>;

export interface CreateQueueInput {
  QueueName: string;
  Attributes?: Record<string, string>;
  /** Lowercase in the JSON model (`tags`); Query sends `Tag.N.Key/Value`. */
  tags?: Record<string, string>;
}
export interface CreateQueueOutput {
  QueueUrl: string;
}

export interface DeleteQueueInput {
  QueueUrl: string;
}
export type EmptyOutput = Record<string, never>;

export interface GetQueueUrlInput {
  QueueName: string;
  QueueOwnerAWSAccountId?: string;
}
export interface GetQueueUrlOutput {
  QueueUrl: string;
}

export interface ListQueuesInput {
  QueueNamePrefix?: string;
  NextToken?: string;
  MaxResults?: number;
}
export interface ListQueuesOutput {
  QueueUrls?: string[];
  NextToken?: string;
}

export interface GetQueueAttributesInput {
  QueueUrl: string;
  AttributeNames?: string[];
}
export interface GetQueueAttributesOutput {
  Attributes?: Record<string, string>;
}

export interface SetQueueAttributesInput {
  QueueUrl: string;
  Attributes: Record<string, string>;
}

export interface PurgeQueueInput {
  QueueUrl: string;
}

export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributeMap;
  MessageSystemAttributes?: MessageAttributeMap;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}
export interface SendMessageOutput {
  MD5OfMessageBody?: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  MessageId?: string;
  SequenceNumber?: string;
}

export interface SendMessageBatchRequestEntry {
  Id: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributeMap;
  MessageSystemAttributes?: MessageAttributeMap;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}
export interface SendMessageBatchInput {
  QueueUrl: string;
  Entries: SendMessageBatchRequestEntry[];
}
export interface SendMessageBatchResultEntry {
  Id: string;
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}
export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  /** The Query-style error code (e.g. `InvalidParameterValue`, `ReceiptHandleIsInvalid`). */
  Code: string;
  Message?: string;
}
export interface SendMessageBatchOutput {
  Successful: SendMessageBatchResultEntry[];
  Failed: BatchResultErrorEntry[];
}

export interface ReceiveMessageInput {
  QueueUrl: string;
  AttributeNames?: string[];
  MessageSystemAttributeNames?: string[];
  MessageAttributeNames?: string[];
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  ReceiveRequestAttemptId?: string;
}
export interface Message {
  MessageId?: string;
  ReceiptHandle?: string;
  MD5OfBody?: string;
  Body?: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: MessageAttributeMap;
}
export interface ReceiveMessageOutput {
  Messages?: Message[];
}

export interface DeleteMessageInput {
  QueueUrl: string;
  ReceiptHandle: string;
}

export interface DeleteMessageBatchRequestEntry {
  Id: string;
  ReceiptHandle: string;
}
export interface DeleteMessageBatchInput {
  QueueUrl: string;
  Entries: DeleteMessageBatchRequestEntry[];
}
export interface BatchIdEntry {
  Id: string;
}
export interface DeleteMessageBatchOutput {
  Successful: BatchIdEntry[];
  Failed: BatchResultErrorEntry[];
}

export interface ChangeMessageVisibilityInput {
  QueueUrl: string;
  ReceiptHandle: string;
  VisibilityTimeout: number;
}

export interface ChangeMessageVisibilityBatchRequestEntry {
  Id: string;
  ReceiptHandle: string;
  VisibilityTimeout?: number;
}
export interface ChangeMessageVisibilityBatchInput {
  QueueUrl: string;
  Entries: ChangeMessageVisibilityBatchRequestEntry[];
}
export interface ChangeMessageVisibilityBatchOutput {
  Successful: BatchIdEntry[];
  Failed: BatchResultErrorEntry[];
}

export interface ListDeadLetterSourceQueuesInput {
  QueueUrl: string;
  NextToken?: string;
  MaxResults?: number;
}
export interface ListDeadLetterSourceQueuesOutput {
  /** Lowercase in the JSON model; Query renders `QueueUrl` entries. */
  queueUrls: string[];
  NextToken?: string;
}

export interface StartMessageMoveTaskInput {
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
}
export interface StartMessageMoveTaskOutput {
  TaskHandle?: string;
}

export interface CancelMessageMoveTaskInput {
  TaskHandle: string;
}
export interface CancelMessageMoveTaskOutput {
  ApproximateNumberOfMessagesMoved?: number;
}

export interface ListMessageMoveTasksInput {
  SourceArn: string;
  MaxResults?: number;
}
export interface ListMessageMoveTasksResultEntry {
  TaskHandle?: string;
  Status?: string;
  SourceArn?: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved?: number;
  ApproximateNumberOfMessagesToMove?: number;
  FailureReason?: string;
  StartedTimestamp?: number;
}
export interface ListMessageMoveTasksOutput {
  Results?: ListMessageMoveTasksResultEntry[];
}

export interface TagQueueInput {
  QueueUrl: string;
  Tags: Record<string, string>;
}
export interface UntagQueueInput {
  QueueUrl: string;
  TagKeys: string[];
}
export interface ListQueueTagsInput {
  QueueUrl: string;
}
export interface ListQueueTagsOutput {
  Tags?: Record<string, string>;
}

export interface AddPermissionInput {
  QueueUrl: string;
  Label: string;
  AWSAccountIds: string[];
  Actions: string[];
}
export interface RemovePermissionInput {
  QueueUrl: string;
  Label: string;
}

/** Every action, its input and its output. */
export interface ActionShapes {
  CreateQueue: [CreateQueueInput, CreateQueueOutput];
  DeleteQueue: [DeleteQueueInput, EmptyOutput];
  GetQueueUrl: [GetQueueUrlInput, GetQueueUrlOutput];
  ListQueues: [ListQueuesInput, ListQueuesOutput];
  GetQueueAttributes: [GetQueueAttributesInput, GetQueueAttributesOutput];
  SetQueueAttributes: [SetQueueAttributesInput, EmptyOutput];
  PurgeQueue: [PurgeQueueInput, EmptyOutput];
  SendMessage: [SendMessageInput, SendMessageOutput];
  SendMessageBatch: [SendMessageBatchInput, SendMessageBatchOutput];
  ReceiveMessage: [ReceiveMessageInput, ReceiveMessageOutput];
  DeleteMessage: [DeleteMessageInput, EmptyOutput];
  DeleteMessageBatch: [DeleteMessageBatchInput, DeleteMessageBatchOutput];
  ChangeMessageVisibility: [ChangeMessageVisibilityInput, EmptyOutput];
  ChangeMessageVisibilityBatch: [ChangeMessageVisibilityBatchInput, ChangeMessageVisibilityBatchOutput];
  ListDeadLetterSourceQueues: [ListDeadLetterSourceQueuesInput, ListDeadLetterSourceQueuesOutput];
  StartMessageMoveTask: [StartMessageMoveTaskInput, StartMessageMoveTaskOutput];
  CancelMessageMoveTask: [CancelMessageMoveTaskInput, CancelMessageMoveTaskOutput];
  ListMessageMoveTasks: [ListMessageMoveTasksInput, ListMessageMoveTasksOutput];
  TagQueue: [TagQueueInput, EmptyOutput];
  UntagQueue: [UntagQueueInput, EmptyOutput];
  ListQueueTags: [ListQueueTagsInput, ListQueueTagsOutput];
  AddPermission: [AddPermissionInput, EmptyOutput];
  RemovePermission: [RemovePermissionInput, EmptyOutput];
}

export type ActionName = keyof ActionShapes;
export type ActionInput<A extends ActionName> = ActionShapes[A][0];
export type ActionOutput<A extends ActionName> = ActionShapes[A][1];

export const ACTION_NAMES: readonly ActionName[] = [
  'CreateQueue',
  'DeleteQueue',
  'GetQueueUrl',
  'ListQueues',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'PurgeQueue',
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'ListDeadLetterSourceQueues',
  'StartMessageMoveTask',
  'CancelMessageMoveTask',
  'ListMessageMoveTasks',
  'TagQueue',
  'UntagQueue',
  'ListQueueTags',
  'AddPermission',
  'RemovePermission',
];

/** Server-wide settings actions depend on. */
export interface ActionSettings {
  region: string;
  accountId: string;
  /**
   * AWS's cool-downs: 60 s between purges of a queue (PurgeQueueInProgress) and before a deleted
   * queue's name can be reused (QueueDeletedRecently). `relaxed` (the documented test-suite switch)
   * turns both off.
   */
  purgeIntervalMs: number;
  queueReuseDelayMs: number;
}

/**
 * Everything an action may use. Built per request by the server; actions never see HTTP.
 */
export interface ActionContext {
  readonly engine: StorageEngine;
  readonly clock: Clock;
  readonly random: Random;
  readonly settings: ActionSettings;
  readonly requestId: string;
  /**
   * Base for queue URLs in responses, no trailing slash: the configured public base URL, else
   * `http://<Host header>`. Queue URL = `${queueUrlBase}/${accountId}/${name}`.
   */
  readonly queueUrlBase: string;
  /** From the `X-Amzn-Trace-Id` request header; becomes AWSTraceHeader when the message has none. */
  readonly traceHeader?: string;
  /** Aborted when the server shuts down or the client goes away: long polls return empty at once. */
  readonly signal: CancelSignal;
  /** Process-wide services shared by all requests. */
  readonly services: ActionServices;
  /**
   * Log an unexpected error that the action answers without failing the request — a batch entry
   * reported as InternalFailure — with its stack and this request's id. (A failed request is logged
   * by the HTTP listener instead.) Absent: not logged.
   */
  readonly reportUnexpected?: (err: unknown) => void;
  /** The access key that signed the request (auth sigv4); absent when unsigned (auth off). */
  readonly accessKeyId?: string;
  /** The request came over TLS: the policy condition key aws:SecureTransport (absent: false). */
  readonly secureTransport?: boolean;
  /**
   * Message events (core/events.ts), emitted after each committed outcome for metrics, the console's
   * message journey and test spies. Absent: nothing is emitted.
   */
  readonly events?: EventSink;
  /**
   * Encryption at rest (crypto/): bodies are encrypted per the queue's SSE attributes before the engine
   * stores them and decrypted after it returns them, so engines only see ciphertext. Absent: bodies are
   * stored as sent (and an encrypted stored body is returned as stored).
   */
  readonly sse?: BodyCipher;
  /** The authenticated caller (authorization.ts); absent for internal calls (config declarations), which are not checked. */
  readonly caller?: Caller;
  /** Process-wide authorization caches; absent: nothing is checked (auth off). */
  readonly authz?: Authorizer;
  /**
   * The queue the authorization step already read for this request's QueueUrl, so the action does not
   * read it again (resolveQueue). Set once per request, before the handler runs.
   */
  queueMemo?: { readonly url: string; readonly queue: import('../storage/engine.js').QueueRecord };
  /**
   * A ReceiveMessage long poll reports its wait (WaitTimeSeconds, else the queue's
   * ReceiveMessageWaitTimeSeconds, in ms), so the request log does not call a full wait slow.
   */
  readonly noteLongPoll?: (waitMs: number) => void;
}

/** Shared services, created once per server. Implemented in runtime/index.ts. */
export interface ActionServices {
  /**
   * Wait for a wake-up of a queue (or until `untilMs`, or abort). Resolves true if woken.
   * `afterSeq` (from `wakeSeq` read before the receive attempt): resolve true at once when the queue
   * was woken since, so a wake between the attempt and the wait is not lost.
   */
  waitForMessages(queueId: string, untilMs: number, signal: CancelSignal, afterSeq?: number): Promise<boolean>;
  /** The queue's wake counter (optional: services without it simply cannot close that race). */
  wakeSeq?(queueId: string): number;
  /**
   * Hand a wake on to the next waiter of the queue (a wake resolves one waiter only). Called by a
   * receive that was woken and either took messages (there may be more) or did not try (aborted),
   * so that no message sits while a waiter sleeps. Optional: services that wake every waiter need none.
   */
  passWake?(queueId: string): void;
  /**
   * Admit a long poll about to wait on a queue, under the caps on parked polls (in total and per
   * queue). Returns the release to call when the poll answers, or undefined when a cap is reached:
   * the receive then answers RequestThrottled. Optional: services without it admit every poll.
   */
  admitLongPoll?(queueId: string): (() => void) | undefined;
  /** Encode a receipt handle bound to queue + message + receive. */
  encodeReceipt(queueId: string, ref: string, receiptToken: string): string;
  /** Verify and decode; undefined when forged, tampered or malformed. */
  decodeReceipt(handle: string): Readonly<{ queueId: string; ref: string; receiptToken: string }> | undefined;
  /** Nudge the move-task runner (a task was started or cancelled). */
  kickMoveTasks(): void;
}

export type ActionHandler<A extends ActionName> = (input: ActionInput<A>, ctx: ActionContext) => Promise<ActionOutput<A>>;

/** Who made the request and from where (set by the composition root; absent: an internal call, not checked). */
export interface Caller {
  readonly identity: Identity;
  /** Peer address of the socket (`aws:SourceIp`). */
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** `aws:SecureTransport`: false until Ferry serves TLS. */
  readonly secureTransport: boolean;
}

/** Process-wide authorization state. */
export interface Authorizer {
  readonly decisions: DecisionCache;
  readonly queuePolicies: QueuePolicyCache;
  /** Denials (and unusable stored policies) are reported here, at warn. */
  readonly warn: (detail: object, msg: string) => void;
  /** Whether an account exists on this server (the identities in force): what AddPermission may grant. */
  readonly knowsAccount: (accountId: string) => boolean;
}
