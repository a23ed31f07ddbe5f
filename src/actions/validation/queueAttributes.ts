/**
 * Queue attributes as CreateQueue and SetQueueAttributes accept them: names, ranges, defaults,
 * normalisation (the stored value is what GetQueueAttributes reports) and cross-attribute rules.
 */
import { compileQueuePolicy } from '../../auth/policy/index.js';
import { withPolicyErrors } from './permissions.js';
import { parseQueueArn, queueArn } from '../../core/arn.js';
import * as M from '../../errors/messages.js';
import type { QueueRecord, StorageEngine } from '../../storage/engine.js';
import { readMaxReceiveCount } from '../../storage/semantics/index.js';
import { LIMITS } from './limits.js';

/** Computed by Ferry, never settable (SetQueueAttributes/CreateQueue: "Unknown Attribute X."). */
export const READ_ONLY_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

/** Settable on every queue. */
export const COMMON_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
] as const;

/** FIFO queues only; on a standard queue AWS treats them as unknown names. */
export const FIFO_ATTRIBUTES = ['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'] as const;

/** Every name GetQueueAttributes knows, in the order AWS lists them for `All`. */
export const ALL_ATTRIBUTE_NAMES: readonly string[] = [...READ_ONLY_ATTRIBUTES, ...COMMON_ATTRIBUTES, ...FIFO_ATTRIBUTES];

/** Integer attributes and their inclusive ranges. */
const INT_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, LIMITS.delaySecondsMax],
  MaximumMessageSize: [LIMITS.maxMessageSizeMin, LIMITS.maxMessageSizeMax],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, LIMITS.waitTimeSecondsMax],
  VisibilityTimeout: [0, LIMITS.visibilityTimeoutMax],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

/** Defaults AWS fills in at CreateQueue (SqsManagedSseEnabled "true" since 2022; 1 MiB since 2025). */
export function defaultAttributes(fifo: boolean): Record<string, string> {
  const d: Record<string, string> = {
    DelaySeconds: '0',
    MaximumMessageSize: String(LIMITS.maxMessageSizeMax),
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    VisibilityTimeout: '30',
    SqsManagedSseEnabled: 'true',
  };
  if (fifo) {
    d.FifoQueue = 'true';
    d.ContentBasedDeduplication = 'false';
    d.DeduplicationScope = 'queue';
    d.FifoThroughputLimit = 'perQueue';
  }
  return d;
}

function parseBool(name: string, v: string): string {
  const l = v.toLowerCase();
  if (l !== 'true' && l !== 'false') throw M.invalidAttributeValue(name);
  return l;
}

function parseInt10(name: string, v: string): string {
  const [min, max] = INT_RANGES[name]!;
  if (!/^\s*[+-]?\d+\s*$/.test(v)) throw M.invalidAttributeValue(name);
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) throw M.invalidAttributeValue(name);
  return String(n);
}

/** What an attribute-check needs to know about the queue being created or changed. */
export interface AttributeContext {
  engine: StorageEngine;
  region: string;
  accountId: string;
  queueName: string;
  fifo: boolean;
  /** True for CreateQueue, false for SetQueueAttributes. */
  creating: boolean;
  /** The stored attributes (SetQueueAttributes), for cross-attribute rules. */
  current?: Readonly<Record<string, string>>;
}

export interface NormalizedAttributes {
  set: Record<string, string>;
  unset: string[];
}

/**
 * Validate and normalise given attributes. Throws the AWS error for the first offending attribute.
 * Returns values to store (normalised strings) and names to remove (empty RedrivePolicy etc.).
 */
export async function normalizeAttributes(given: Record<string, string>, c: AttributeContext): Promise<NormalizedAttributes> {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const [name, raw] of Object.entries(given)) {
    const v = typeof raw === 'string' ? raw : String(raw);
    if ((READ_ONLY_ATTRIBUTES as readonly string[]).includes(name)) throw M.unknownAttribute(name);
    if ((FIFO_ATTRIBUTES as readonly string[]).includes(name)) {
      if (name === 'FifoQueue') {
        // Recorded (test_set_unsupported_attribute_fifo/_standard, test_create_standard_queue_with_fifo_
        // attribute_raises_error, 2024-05): CreateQueue with FifoQueue=false and any SetQueueAttributes
        // FifoQueue on a standard queue are "Unknown Attribute FifoQueue."; on a FIFO queue
        // SetQueueAttributes FifoQueue=true succeeds (nothing changes) and anything else is
        // "Modifying queue type is not supported.".
        if (!c.creating) {
          if (!c.fifo) throw M.unknownAttribute(name);
          if (v.toLowerCase() !== 'true') throw M.queueTypeImmutable();
          continue;
        }
        if (v.toLowerCase() === 'false') throw M.unknownAttribute(name);
        if (v.toLowerCase() !== 'true') throw M.invalidAttributeValue(name);
        set.FifoQueue = 'true';
        continue;
      }
      if (!c.fifo) {
        // Recorded for CreateQueue (test_create_standard_queue_with_fifo_attribute_raises_error,
        // 2024-05-15): the high-throughput attributes name the rule, ContentBasedDeduplication is an
        // unknown name. SetQueueAttributes on a standard queue has no recording; it keeps "Unknown
        // Attribute X." for all three.
        if (c.creating && (name === 'DeduplicationScope' || name === 'FifoThroughputLimit')) throw M.fifoOnlyAttribute(name);
        throw M.unknownAttribute(name);
      }
      if (name === 'ContentBasedDeduplication') set[name] = parseBool(name, v);
      else if (name === 'DeduplicationScope') {
        if (v !== 'queue' && v !== 'messageGroup') throw M.invalidAttributeValue(name);
        set[name] = v;
      } else {
        if (v !== 'perQueue' && v !== 'perMessageGroupId') throw M.invalidAttributeValue(name);
        set[name] = v;
      }
      continue;
    }
    if (!(COMMON_ATTRIBUTES as readonly string[]).includes(name)) throw M.unknownAttribute(name);
    if (name in INT_RANGES) set[name] = parseInt10(name, v);
    else if (name === 'SqsManagedSseEnabled') set[name] = parseBool(name, v);
    else if (name === 'KmsMasterKeyId') {
      if (v === '') unset.push('KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds');
      else set[name] = v;
    } else if (name === 'Policy') {
      if (v === '') unset.push(name);
      else set[name] = validatePolicy(v);
    } else if (name === 'RedrivePolicy') {
      if (v === '') unset.push(name);
      else set[name] = await validateRedrivePolicy(v, c);
    } else if (name === 'RedriveAllowPolicy') {
      if (v === '') unset.push(name);
      else set[name] = validateRedriveAllowPolicy(v);
    }
  }
  applyCrossRules(given, set, unset, c);
  return { set, unset };
}

/** SSE exclusivity and the FIFO high-throughput pairing. */
function applyCrossRules(given: Record<string, string>, set: Record<string, string>, unset: string[], c: AttributeContext): void {
  // SSE: KMS and SQS-managed encryption exclude each other (recorded InvalidAttributeName).
  if (set.KmsMasterKeyId !== undefined) {
    if (set.SqsManagedSseEnabled === 'true') throw M.sseConflict();
    set.SqsManagedSseEnabled = 'false';
    if (set.KmsDataKeyReusePeriodSeconds === undefined && c.current?.KmsDataKeyReusePeriodSeconds === undefined) {
      set.KmsDataKeyReusePeriodSeconds = '300';
    }
  } else if (set.SqsManagedSseEnabled === 'true' && c.current?.KmsMasterKeyId !== undefined && !unset.includes('KmsMasterKeyId')) {
    unset.push('KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds');
  }
  // High-throughput FIFO: FifoThroughputLimit=perMessageGroupId needs DeduplicationScope=messageGroup.
  if (c.fifo && ('FifoThroughputLimit' in given || 'DeduplicationScope' in given)) {
    const limit = set.FifoThroughputLimit ?? c.current?.FifoThroughputLimit ?? 'perQueue';
    const scope = set.DeduplicationScope ?? c.current?.DeduplicationScope ?? 'queue';
    if (limit === 'perMessageGroupId' && scope !== 'messageGroup') {
      throw M.invalidAttributeValue(
        'FifoThroughputLimit',
        'To enable high throughput for FIFO queues, set DeduplicationScope to messageGroup and FifoThroughputLimit to perMessageGroupId.',
      );
    }
  }
}

/**
 * Policy: validated and compiled as SQS does when it is set (quotas, grammar, SQS actions, operators;
 * src/auth/policy/validate.ts), so a policy Ferry stores is one it enforces. Stored as given.
 */
function validatePolicy(v: string): string {
  withPolicyErrors(() => compileQueuePolicy(v));
  return v;
}

/**
 * RedrivePolicy `{"deadLetterTargetArn": arn, "maxReceiveCount": 1–1000}` (maxReceiveCount may be a
 * number or numeric string). The DLQ must exist, be of the same type (FIFO↔FIFO), and its
 * RedriveAllowPolicy must admit this queue. Stored compactly with a numeric maxReceiveCount.
 */
async function validateRedrivePolicy(raw: string, c: AttributeContext): Promise<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw M.invalidAttributeValue('RedrivePolicy', M.REDRIVE_REASON.notJson);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw M.invalidAttributeValue('RedrivePolicy', M.REDRIVE_REASON.notJson);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k !== 'deadLetterTargetArn' && k !== 'maxReceiveCount') throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.unknownKey(k));
  }
  if (d.deadLetterTargetArn === undefined) throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.missing('deadLetterTargetArn'));
  // Recorded: an unparsable ARN is rejected before any lookup.
  const arn = typeof d.deadLetterTargetArn === 'string' ? parseQueueArn(d.deadLetterTargetArn) : undefined;
  if (!arn) throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.badArn);
  if (d.maxReceiveCount === undefined) throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.missing('maxReceiveCount'));
  // The same reader the engines use on the stored policy (storage/semantics/redrive.ts).
  const mrc = readMaxReceiveCount(d.maxReceiveCount);
  if (mrc === undefined) throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.maxReceiveCount(d.maxReceiveCount));
  const dlq = arn.accountId === c.accountId && arn.region === c.region ? await c.engine.queueGetByName(arn.accountId, arn.name) : undefined;
  if (!dlq) throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.dlqMissing);
  if (dlq.fifo !== c.fifo) throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.typeMismatch);
  const selfArn = queueArn(c.region, c.accountId, c.queueName);
  if (!redriveAllowed(dlq, selfArn)) throw M.invalidRedrivePolicy(raw, M.REDRIVE_REASON.notAllowed);
  return JSON.stringify({ deadLetterTargetArn: d.deadLetterTargetArn, maxReceiveCount: mrc });
}

/** Whether a DLQ's RedriveAllowPolicy admits `sourceArn` (no policy: allowAll). */
export function redriveAllowed(dlq: QueueRecord, sourceArn: string): boolean {
  const p = dlq.attributes.RedriveAllowPolicy;
  if (!p) return true;
  try {
    const d = JSON.parse(p) as { redrivePermission?: string; sourceQueueArns?: string[] };
    if (d.redrivePermission === 'denyAll') return false;
    if (d.redrivePermission === 'byQueue') return (d.sourceQueueArns ?? []).includes(sourceArn);
    return true;
  } catch {
    return true;
  }
}

/**
 * RedriveAllowPolicy `{"redrivePermission": "allowAll"|"denyAll"|"byQueue", "sourceQueueArns": [...]}`;
 * sourceQueueArns required (1–10) exactly when byQueue.
 */
function validateRedriveAllowPolicy(raw: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw M.invalidRedriveAllowPolicy('Redrive allow policy is not a valid JSON map.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw M.invalidRedriveAllowPolicy('Redrive allow policy is not a valid JSON map.');
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k !== 'redrivePermission' && k !== 'sourceQueueArns') throw M.invalidRedriveAllowPolicy(`Unknown attribute ${k}.`);
  }
  const perm = d.redrivePermission;
  if (perm !== 'allowAll' && perm !== 'denyAll' && perm !== 'byQueue') {
    throw M.invalidRedriveAllowPolicy('Invalid value for redrivePermission. Valid values are allowAll, denyAll, byQueue.');
  }
  const arns = d.sourceQueueArns;
  if (perm === 'byQueue') {
    if (!Array.isArray(arns) || arns.length === 0)
      throw M.invalidRedriveAllowPolicy('sourceQueueArns must be specified when redrivePermission is byQueue.');
    if (arns.length > LIMITS.redriveAllowSourcesMax) throw M.invalidRedriveAllowPolicy('Maximum of 10 sourceQueueArns is allowed.');
    for (const a of arns)
      if (typeof a !== 'string' || !parseQueueArn(a)) throw M.invalidRedriveAllowPolicy(`Invalid value for sourceQueueArns: ${String(a)}.`);
    return JSON.stringify({ redrivePermission: perm, sourceQueueArns: arns });
  }
  if (arns !== undefined && !(Array.isArray(arns) && arns.length === 0)) {
    throw M.invalidRedriveAllowPolicy('sourceQueueArns can be specified only when redrivePermission is byQueue.');
  }
  return JSON.stringify({ redrivePermission: perm });
}
