/**
 * ReceiveMessage. Long polls wait (WaitTimeSeconds, else the queue's ReceiveMessageWaitTimeSeconds)
 * for an engine wake-up or until the next time-driven availability, whichever is first, then retry;
 * an aborted request (client gone, shutdown) returns empty. The 120,000 in-flight limit answers
 * OverLimit only on short polls — a long poll just waits. FIFO ReceiveRequestAttemptId retries
 * within 5 minutes return the same messages and receipts.
 */
import { md5OfAttributes } from '../core/md5.js';
import * as M from '../errors/messages.js';
import type { QueueRecord, ReceivedMessage } from '../storage/engine.js';
import { intAttr, resolveQueue } from './common.js';
import { emitReceiveAttempt, emitReceived } from './events.js';
import type { ActionContext, ActionHandler, Message, ReceiveMessageInput } from './types.js';
import { LIMITS } from './validation/limits.js';
import { filterMessageAttributes, requestedSystemAttributes, validateReceiveParams } from './validation/receive.js';

/** The system attributes of one delivered message, restricted to the requested names. */
function systemAttrs(m: ReceivedMessage, wanted: Set<string>): Record<string, string> | undefined {
  if (wanted.size === 0) return undefined;
  const all: Record<string, string | undefined> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt), // epoch ms
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt), // epoch ms
    SequenceNumber: m.sequenceNumber,
    MessageDeduplicationId: m.dedupId,
    MessageGroupId: m.groupId,
    AWSTraceHeader: m.systemAttributes.AWSTraceHeader?.StringValue,
    DeadLetterQueueSourceArn: m.deadLetterSourceArn,
  };
  const out: Record<string, string> = {};
  for (const n of wanted) if (all[n] !== undefined) out[n] = all[n]!;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Shape one delivered message for the output. */
function toMessage(m: ReceivedMessage, q: QueueRecord, input: ReceiveMessageInput, ctx: ActionContext, wanted: Set<string>): Message {
  const out: Message = {
    MessageId: m.messageId,
    ReceiptHandle: ctx.services.encodeReceipt(q.id, m.ref, m.receiptToken),
    MD5OfBody: m.md5OfBody,
    // Encrypted at rest (SSE): the stored envelope names its key, whatever queue the message is in now.
    Body: ctx.sse ? ctx.sse.decryptBody(m.body) : m.body,
  };
  const attrs = systemAttrs(m, wanted);
  if (attrs) out.Attributes = attrs;
  const selected = filterMessageAttributes(m.messageAttributes, input.MessageAttributeNames);
  if (selected) {
    out.MessageAttributes = selected;
    // The digest covers only the attributes returned.
    const all = Object.keys(selected).length === Object.keys(m.messageAttributes).length;
    out.MD5OfMessageAttributes = all && m.md5OfMessageAttributes ? m.md5OfMessageAttributes : md5OfAttributes(selected);
  }
  return out;
}

/**
 * An empty receive has no Messages member at all, on either wire (recorded: test_receive_empty_queue,
 * LocalStack snapshot validated 2025-02-10: short poll, explicit WaitTimeSeconds=0 and long poll).
 */
const noMessages = (): { Messages?: Message[] } => ({});

/** A call that ends with nothing delivered: one empty receive (CloudWatch's NumberOfEmptyReceives). */
function emptyReceive(ctx: ActionContext, q: QueueRecord, visibility: number): { Messages?: Message[] } {
  emitReceived(ctx, q, [], visibility * 1000);
  return noMessages();
}

export const receiveMessage: ActionHandler<'ReceiveMessage'> = async (input, ctx) => {
  validateReceiveParams(input);
  const q = await resolveQueue(ctx, input.QueueUrl);
  const wait = input.WaitTimeSeconds ?? intAttr(q, 'ReceiveMessageWaitTimeSeconds', 0);
  const visibility = input.VisibilityTimeout ?? intAttr(q, 'VisibilityTimeout', 30);
  const wanted = requestedSystemAttributes(input.AttributeNames, input.MessageSystemAttributeNames);
  if (wait > 0) ctx.noteLongPoll?.(wait * 1000);
  const deadline = ctx.clock.now() + wait * 1000;
  // The wait also ends after WaitTimeSeconds of real time: a manual test clock may stand still, and a
  // client must never hang longer than it asked for (with the system clock both ends coincide).
  const realDeadline = performance.now() + wait * 1000;
  /** True while this attempt follows a wake handed to us: we then owe the next waiter a wake-up. */
  let woken = false;
  /** Set once the poll is admitted to wait (the caps on parked long polls); released when it answers. */
  let release: (() => void) | undefined;
  try {
    for (;;) {
      const seq = ctx.services.wakeSeq?.(q.id);
      let res;
      try {
        res = await ctx.engine.messageReceive({
          queueId: q.id,
          maxMessages: input.MaxNumberOfMessages ?? 1,
          visibilityTimeoutMs: visibility * 1000,
          attemptId: q.fifo ? input.ReceiveRequestAttemptId : undefined,
          attemptWindowMs: LIMITS.attemptWindowMs,
          maxInflight: wait === 0 ? LIMITS.inflightMax : undefined,
        });
      } catch (e) {
        if (woken) ctx.services.passWake?.(q.id);
        throw e;
      }
      emitReceiveAttempt(ctx, q, res);
      if (res.messages.length > 0) {
        // Took messages after a wake: others may remain, so the next waiter gets a turn.
        if (woken) ctx.services.passWake?.(q.id);
        emitReceived(ctx, q, res.messages, visibility * 1000);
        return { Messages: res.messages.map((m) => toMessage(m, q, input, ctx, wanted)) };
      }
      const now = ctx.clock.now();
      if (wait === 0 || ctx.signal.aborted || now >= deadline || performance.now() >= realDeadline) return emptyReceive(ctx, q, visibility);
      // Never spin: a reported availability time already past still waits a few ms for a wake.
      if (release === undefined && ctx.services.admitLongPoll !== undefined) {
        release = ctx.services.admitLongPoll(q.id);
        // Too many polls parked (on this queue or in all): nothing was taken, so a throttling error loses
        // nothing, and every SDK backs off and retries it — unlike an early empty answer, which makes a
        // poller loop at once and turns the cap into a busy loop.
        if (release === undefined) throw M.longPollsThrottled();
      }
      // A shared engine learns that this process now waits on the queue; if it did not know before, a
      // message sent meanwhile by another process was not announced here: try once more first.
      if (ctx.engine.expectWakes !== undefined && (await ctx.engine.expectWakes(q.id))) continue;
      const until = Math.max(Math.min(deadline, res.nextVisibleAt ?? deadline, now + (realDeadline - performance.now())), now + 10);
      woken = await ctx.services.waitForMessages(q.id, until, ctx.signal, seq);
      if (ctx.signal.aborted) {
        // Woken but leaving without trying: the wake must not be lost.
        if (woken) ctx.services.passWake?.(q.id);
        return emptyReceive(ctx, q, visibility);
      }
    }
  } finally {
    release?.();
  }
};
