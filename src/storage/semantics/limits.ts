/**
 * Receive-side limits: the in-flight cap (OverLimit). AWS: 120,000 messages in flight per queue,
 * standard and FIFO; standard queues answer OverLimit only on short polls (the action layer decides
 * when to pass a cap).
 */
import { DomainError } from '../../errors/domain.js';

/** Throws OverLimit when a receive on `queueName` must not deliver because `inflight` reached `max`. */
export function checkInflightLimit(queueName: string, inflight: number, max: number | undefined): void {
  if (max !== undefined && inflight >= max) throw new DomainError('OverLimit', `queue ${queueName} has ${inflight} messages in flight`);
}
