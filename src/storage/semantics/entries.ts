/**
 * The outcome of each DeleteMessage / ChangeMessageVisibility entry, decided from what the receipt
 * names. Engines look the message up their own way and describe it with {@link ReceiptTarget}; the
 * decision is made here, once, for all of them.
 */
import type { EntryResult } from '../engine.js';

/** The message a receipt names, as the entry rules need to see it. */
export interface ReceiptTarget {
  /** The token of the message's latest receive (null/undefined: never received). */
  receiptToken: string | null | undefined;
  /** In flight now: received, and its visibility deadline is still in the future. */
  inflight: boolean;
  /** Epoch ms of the receive that issued the current receipt (the 12 h cap counts from it). */
  receivedAt: number | null | undefined;
}

export const ENTRY_OK: EntryResult = Object.freeze({ ok: true });
export const ENTRY_RECEIPT_INVALID: EntryResult = Object.freeze({ ok: false, error: 'ReceiptInvalid' });
export const ENTRY_NOT_INFLIGHT: EntryResult = Object.freeze({ ok: false, error: 'MessageNotInflight' });
export const ENTRY_LIMIT_EXCEEDED: EntryResult = Object.freeze({ ok: false, error: 'VisibilityLimitExceeded' });

/** In flight: received, with a visibility deadline after `now`. */
export function isInflight(received: boolean, visibleAt: number, now: number): boolean {
  return received && visibleAt > now;
}

/**
 * DeleteMessage.
 *  - Standard queue: any receipt of a message that exists deletes it (AWS accepts older receipt
 *    handles), and a message already gone is a successful no-op.
 *  - FIFO queue: only the current receipt of a message still in flight deletes it; otherwise
 *    ReceiptInvalid (AWS: "The receipt handle has expired.").
 */
export function deleteEntry(fifo: boolean, m: ReceiptTarget | undefined, token: string): EntryResult {
  if (!fifo) return ENTRY_OK;
  if (m === undefined || !m.inflight || m.receiptToken !== token) return ENTRY_RECEIPT_INVALID;
  return ENTRY_OK;
}

/**
 * ChangeMessageVisibility to `deadline` (from {@link visibilityDeadline}).
 *  - A message that no longer exists: ReceiptInvalid.
 *  - FIFO: a receipt that is not the message's current one: ReceiptInvalid.
 *  - A message that is not in flight: MessageNotInflight — except, on a standard queue, a message
 *    whose visibility lapsed and that was not received again since, named by its latest receipt: AWS
 *    accepts that change and hides the message again from now (recorded 2024-04-30, LocalStack
 *    snapshot test_change_message_visibility_after_visibility_timeout_expiration: VisibilityTimeout 1,
 *    receive, wait 2 s, ChangeMessageVisibility 2 → 200). See {@link visibilityRehides}.
 *  - A deadline past the current receive + `maxTotalMs` (AWS: 12 h): VisibilityLimitExceeded.
 */
export function visibilityEntry(
  fifo: boolean,
  m: ReceiptTarget | undefined,
  token: string,
  deadline: number,
  now: number,
  maxTotalMs: number,
): EntryResult {
  if (m === undefined) return ENTRY_RECEIPT_INVALID;
  if (fifo && m.receiptToken !== token) return ENTRY_RECEIPT_INVALID;
  if (!m.inflight && !lapsedUnderLatestReceipt(fifo, m, token)) return ENTRY_NOT_INFLIGHT;
  if (deadline > (m.receivedAt ?? now) + maxTotalMs) return ENTRY_LIMIT_EXCEEDED;
  return ENTRY_OK;
}

/**
 * A standard-queue message that was received, is visible again (its visibility lapsed or was set to
 * 0) and was not received since — `token` is still its latest receipt. ChangeMessageVisibility on it
 * succeeds (AWS, recorded 2024-04-30); FIFO queues keep MessageNotInflight (no recording shows AWS
 * re-hiding a FIFO message, which would also reorder its group).
 */
function lapsedUnderLatestReceipt(fifo: boolean, m: ReceiptTarget, token: string): boolean {
  return !fifo && !m.inflight && typeof m.receiptToken === 'string' && m.receiptToken !== '' && m.receiptToken === token;
}

/**
 * After an accepted visibility entry: whether the engine must hide a message that is *not* in flight
 * again until the new deadline (the lapsed standard-queue case above, with a deadline in the future).
 * A deadline of now leaves it visible.
 */
export function visibilityRehides(m: ReceiptTarget, deadline: number, now: number): boolean {
  return !m.inflight && deadline > now;
}
