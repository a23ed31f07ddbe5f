/**
 * FIFO ordering rules: sequence numbers, message-group blocking.
 *
 * Message groups: messages of a group are delivered in sequence order; while any message of the group
 * is in flight, no later message of it is delivered; one receive takes as many messages of one group
 * as it can, in order, before moving to the next group; the first message that is not deliverable
 * (delayed, or in flight) ends the group's run, since order forbids skipping it.
 */

/**
 * A FIFO sequence number for counter `n`: 10^19 + n as a 20-digit decimal string. AWS's are opaque
 * decimal strings of up to 128 bits that only grow within a queue; this form compares correctly both
 * as a string and as a number. (String padding, not BigInt: the same digits without an allocation.)
 */
export function sequenceNumber(n: number): string {
  return '1' + String(n).padStart(19, '0');
}

/** The same for a stored counter that may be absent (standard-queue rows have none). */
export function sequenceNumberOf(n: number | null | undefined): string | undefined {
  return n === null || n === undefined ? undefined : sequenceNumber(n);
}

/**
 * When a group can next deliver: its head's own deliverable time, or the latest visibility deadline
 * of its messages in flight, whichever is later (SQL engines keep this per group as `ready_at`).
 */
export function groupReadyAt(headVisibleAt: number, latestInflightDeadline: number | null | undefined): number {
  return latestInflightDeadline === null || latestInflightDeadline === undefined ? headVisibleAt : Math.max(headVisibleAt, latestInflightDeadline);
}
