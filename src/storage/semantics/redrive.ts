/**
 * Dead-letter rules (RedrivePolicy), shared by the action layer's validation and every engine's
 * receive. One parser, one threshold rule, one way to name the source queue.
 */
import { parseQueueArn, siblingQueueArn } from '../../core/arn.js';
import type { QueueRecord } from '../engine.js';

/** maxReceiveCount bounds (SQS API reference, RedrivePolicy: "from 1 to 1000"). */
export const MAX_RECEIVE_COUNT_MIN = 1;
export const MAX_RECEIVE_COUNT_MAX = 1000;

/** What a stored RedrivePolicy means for receives of its source queue. */
export interface RedrivePlan {
  /** The dead-letter target's ARN, as stored. */
  targetArn: string;
  /** The dead-letter queue's account (from the target ARN) and name: its identity in the store. */
  dlqAccountId: string;
  dlqName: string;
  maxReceiveCount: number;
  /**
   * DeadLetterQueueSourceArn of a message moved by this policy: the source queue named with the
   * partition, region and account of the target ARN.
   */
  sourceArn: string;
}

/**
 * The plan of `source`'s stored RedrivePolicy, or undefined when it has none. The action layer stores
 * only validated policies (`{"deadLetterTargetArn": <queue ARN>, "maxReceiveCount": 1–1000}`); a stored
 * value that does not read as one (hand-edited database, older build) disables redrive rather than
 * failing receives.
 */
export function redrivePlan(source: Pick<QueueRecord, 'name' | 'attributes'>): RedrivePlan | undefined {
  const raw = source.attributes['RedrivePolicy'];
  if (raw === undefined || raw === '') return undefined;
  let doc: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    doc = JSON.parse(raw) as typeof doc;
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.deadLetterTargetArn !== 'string') return undefined;
  const arn = parseQueueArn(doc.deadLetterTargetArn);
  const max = readMaxReceiveCount(doc.maxReceiveCount);
  if (arn === undefined || max === undefined) return undefined;
  return {
    targetArn: doc.deadLetterTargetArn,
    dlqAccountId: arn.accountId,
    dlqName: arn.name,
    maxReceiveCount: max,
    sourceArn: siblingQueueArn(doc.deadLetterTargetArn, source.name)!,
  };
}

/**
 * maxReceiveCount as AWS reads it: an integer 1–1000, given as a JSON number or a string of digits.
 * Undefined when it is not one.
 */
export function readMaxReceiveCount(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MAX_RECEIVE_COUNT_MIN || n > MAX_RECEIVE_COUNT_MAX) return undefined;
  return n;
}

/**
 * The dead-letter queue a receive of `source` moves messages to, given what the plan's name resolved
 * to: none when the target does not exist, or when it is the source itself (a queue redriving into
 * itself would move a message onto itself forever; AWS forbids it at SetQueueAttributes, this guards
 * stored data).
 */
export function usableDeadLetterQueue<Q extends { id: string }>(source: { id: string }, dlq: Q | undefined): Q | undefined {
  return dlq === undefined || dlq.id === source.id ? undefined : dlq;
}

/**
 * A candidate whose receive count is already `maxReceiveCount` is not delivered: delivering it would
 * make the count exceed the policy, so it moves to the dead-letter queue instead (keeping its count).
 */
export function dueForDeadLetter(receiveCount: number, maxReceiveCount: number): boolean {
  return receiveCount >= maxReceiveCount;
}

/**
 * The threshold SQL engines compare in their claim statements (`receive_count < threshold` is
 * deliverable): the plan's maxReceiveCount when a usable DLQ exists, else a value no count reaches.
 */
export const NO_REDRIVE = 2_147_483_647;
export function claimThreshold(plan: RedrivePlan | undefined, dlqUsable: boolean): number {
  return plan !== undefined && dlqUsable ? plan.maxReceiveCount : NO_REDRIVE;
}
