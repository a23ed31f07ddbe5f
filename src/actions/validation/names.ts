/**
 * Queue names, batch entry ids, FIFO ids and permission labels.
 */
import * as M from '../../errors/messages.js';
import { LIMITS } from './limits.js';

const QUEUE_NAME_RE = /^[A-Za-z0-9_-]+$/;

/**
 * CreateQueue name rules: 1–80 of [A-Za-z0-9_-]; FIFO queues must end in `.fifo` (counted in the 80).
 * A `.fifo` name without FifoQueue=true is rejected like any name with a period.
 */
export function validateQueueName(name: unknown, fifo: boolean): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw M.missingParameter('QueueName');
  if (fifo) {
    if (!name.endsWith('.fifo') || name.length > LIMITS.queueNameMax || !QUEUE_NAME_RE.test(name.slice(0, -5))) {
      throw M.invalidFifoQueueName();
    }
    return;
  }
  if (name.length > LIMITS.queueNameMax || !QUEUE_NAME_RE.test(name)) throw M.invalidQueueName();
}

/** Whether a string could be the name of some queue (used for lookups by name/ARN). */
export function isPlausibleQueueName(name: string): boolean {
  if (name.length === 0 || name.length > LIMITS.queueNameMax) return false;
  const base = name.endsWith('.fifo') ? name.slice(0, -5) : name;
  return base.length > 0 && QUEUE_NAME_RE.test(base);
}

/** Batch entry Id: 1–80 of [A-Za-z0-9_-] (InvalidBatchEntryId otherwise). */
export function isValidBatchEntryId(id: unknown): boolean {
  return typeof id === 'string' && id.length >= 1 && id.length <= LIMITS.batchIdMax && QUEUE_NAME_RE.test(id);
}

/**
 * MessageGroupId / MessageDeduplicationId / ReceiveRequestAttemptId: 1–128 characters of
 * alphanumerics and punctuation !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~ (printable ASCII without space).
 */
export function isValidFifoId(v: string): boolean {
  return v.length >= 1 && v.length <= LIMITS.fifoIdMax && /^[\x21-\x7e]+$/.test(v);
}
