/**
 * ReceiveMessage parameters and the attribute filters that shape its output.
 */
import * as M from '../../errors/messages.js';
import type { MessageAttributeMap } from '../types.js';
import { LIMITS } from './limits.js';
import { isValidFifoId } from './names.js';

/** The system attributes ReceiveMessage can return (MessageSystemAttributeNames / AttributeNames). */
export const SYSTEM_ATTRIBUTE_NAMES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

export interface ReceiveParamsIn {
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  ReceiveRequestAttemptId?: string;
}

/** Range checks with AWS's recorded wording ("…Reason: Must be between 1 and 10, if provided."). */
export function validateReceiveParams(p: ReceiveParamsIn): void {
  const n = p.MaxNumberOfMessages;
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > LIMITS.maxNumberOfMessagesMax)) throw M.maxNumberOfMessagesInvalid(n);
  const v = p.VisibilityTimeout;
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > LIMITS.visibilityTimeoutMax)) throw M.visibilityTimeoutInvalid(v);
  const w = p.WaitTimeSeconds;
  if (w !== undefined && (!Number.isInteger(w) || w < 0 || w > LIMITS.waitTimeSecondsMax)) throw M.waitTimeSecondsInvalid(w);
  const a = p.ReceiveRequestAttemptId;
  if (a !== undefined && !isValidFifoId(a)) throw M.attemptIdInvalid(a);
}

/** The set of system attribute names requested (AttributeNames ∪ MessageSystemAttributeNames; `All`). */
export function requestedSystemAttributes(...lists: Array<readonly string[] | undefined>): Set<string> {
  const out = new Set<string>();
  for (const l of lists) {
    for (const n of l ?? []) {
      if (n === 'All') for (const a of SYSTEM_ATTRIBUTE_NAMES) out.add(a);
      else out.add(n);
    }
  }
  return out;
}

/**
 * Filter message attributes by MessageAttributeNames: `All`, `*` and `.*` select everything;
 * `prefix.*` selects names starting with `prefix` (AWS-recorded: `Hel.*` returns `Hello` and
 * `Help.Me`); other entries are exact names. Names that match nothing (even illegal ones) are not
 * errors. Returns undefined when nothing is selected.
 */
export function filterMessageAttributes(attrs: MessageAttributeMap, names: readonly string[] | undefined): MessageAttributeMap | undefined {
  if (!names || names.length === 0) return undefined;
  const all = names.some((n) => n === 'All' || n === '*' || n === '.*');
  const prefixes = names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -2));
  const exact = new Set(names);
  const out: MessageAttributeMap = {};
  let any = false;
  for (const [k, v] of Object.entries(attrs)) {
    if (all || exact.has(k) || prefixes.some((p) => k.startsWith(p))) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}
