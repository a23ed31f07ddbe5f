/**
 * FIFO ReceiveRequestAttemptId. A retry with the same id inside the attempt window returns the same
 * messages with the same receipt handles (and resets their visibility deadline), as long as every one
 * of them is still in flight under the receipt that attempt issued; otherwise a normal receive happens
 * and is remembered under the id. An attempt that delivered nothing is not replayed: a retry should see
 * new messages.
 */
import type { ReceiptTarget } from './entries.js';

/**
 * Whether a remembered attempt (when it stops counting, and the receipts it issued) may be replayed at
 * all, before looking at its messages.
 */
export function attemptLive(a: { expiresAt: number; receipts: { length: number } } | undefined, now: number): boolean {
  return a !== undefined && a.expiresAt > now && a.receipts.length > 0;
}

/** Whether one message of a live attempt is still held under the receipt token the attempt issued. */
export function attemptStillHeld(m: ReceiptTarget | undefined, token: string): boolean {
  return m !== undefined && m.inflight && m.receiptToken === token;
}
