/**
 * FIFO ordering rules: sequence numbers, message-group blocking.
 *
 * Message groups: messages of a group are delivered in sequence order. A receive takes a group's
 * visible messages in sequence order **up to, not past, the group's first message that is not
 * deliverable** (still in flight, or delayed), since order forbids skipping it; one receive takes as
 * many messages of one group as it can before moving to the next group. So a group can deliver
 * exactly when its head (lowest-sequence live message) is deliverable: an in-flight head blocks the
 * group until its visibility deadline, while messages in flight *after* the head do not block the
 * messages before them. As AWS recorded (LocalStack AWS-validated snapshots 2025-11-17/19,
 * test_fifo_message_group_visibility_after_terminate_visibility_timeout / _after_change_message_visibility,
 * test_fifo_group_visibility_extends_with_change_message_visibility[1-visible]/[2-visible]): with
 * g1-m1 visible again (its visibility lapsed or was set to 0) while g1-m2 is still in flight, a
 * receive returns g1-m1; with foo, bar, baz of one group received and #p extended while the others
 * lapse, the next receive returns the messages before #p (p=1 → [foo], p=2 → [foo, bar]). A deleted
 * head with a later message in flight leaves that message as the head: the group stays blocked.
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
 * When a group can next deliver: when its head (lowest-sequence live message) is deliverable, i.e. the
 * head's own visible time — its delay's end, or its visibility deadline while it is in flight. Later
 * messages in flight do not delay it (SQL engines keep this per group as `ready_at`; since it is a
 * time, a lapsing head visibility re-opens the group without any write).
 */
export function groupReadyAt(headVisibleAt: number): number {
  return headVisibleAt;
}
