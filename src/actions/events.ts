/**
 * Emitting message events (core/events.ts) from the actions: one helper per outcome, each a no-op
 * unless someone listens, called only after the engine call it reports has resolved.
 */
import type { EventQueue, SentMessage } from '../core/events.js';
import type { QueueRecord, ReceivedMessage, ReceiveResult, SendMessageParams, SendMessageResult } from '../storage/engine.js';
import type { ActionContext } from './types.js';

function queueOf(q: QueueRecord): EventQueue {
  return { id: q.id, accountId: q.accountId, name: q.name, fifo: q.fifo };
}

/** Bytes of a message as SentMessageSize counts them: body plus attribute names, types and values. */
export function messageBytes(p: Pick<SendMessageParams, 'body' | 'messageAttributes'>): number {
  let n = Buffer.byteLength(p.body, 'utf8');
  // for…in, not Object.entries: no array per message on this per-message path (most have no attributes).
  const attrs = p.messageAttributes;
  for (const k in attrs) {
    const v = attrs[k]!;
    n += Buffer.byteLength(k) + Buffer.byteLength(v.DataType);
    if (v.StringValue !== undefined) n += Buffer.byteLength(v.StringValue);
    else if (v.BinaryValue !== undefined) n += v.BinaryValue.length;
  }
  return n;
}

export function emitSent(ctx: ActionContext, q: QueueRecord, params: readonly SendMessageParams[], results: readonly SendMessageResult[]): void {
  const sink = ctx.events;
  if (sink === undefined || !sink.active || params.length === 0) return;
  const messages: SentMessage[] = params.map((p, i) => {
    const r = results[i]!;
    const m: { -readonly [K in keyof SentMessage]: SentMessage[K] } = {
      messageId: r.messageId,
      body: p.body,
      bytes: messageBytes(p),
      deduplicated: r.deduplicated,
      delayMs: p.delayMs,
    };
    if (p.groupId !== undefined) m.groupId = p.groupId;
    if (r.sequenceNumber !== undefined) m.sequenceNumber = r.sequenceNumber;
    return m;
  });
  sink.emit({ type: 'sent', queue: queueOf(q), at: ctx.clock.now(), accessKeyId: ctx.accessKeyId, messages });
}

/** One receive attempt's outcome: its dead-letter moves, then (when `final`) the call's delivery. */
export function emitReceiveAttempt(ctx: ActionContext, q: QueueRecord, res: ReceiveResult): void {
  const sink = ctx.events;
  if (sink === undefined || !sink.active || res.deadLettered === undefined || res.deadLettered.length === 0) return;
  const byTarget = new Map<string, Array<{ messageId: string; ref: string }>>();
  for (const d of res.deadLettered) {
    const list = byTarget.get(d.targetQueueId) ?? [];
    list.push({ messageId: d.messageId, ref: d.ref });
    byTarget.set(d.targetQueueId, list);
  }
  const at = ctx.clock.now();
  for (const [targetQueueId, messages] of byTarget) {
    sink.emit({ type: 'deadLettered', queue: queueOf(q), at, accessKeyId: ctx.accessKeyId, messages, targetQueueId });
  }
}

export function emitReceived(ctx: ActionContext, q: QueueRecord, messages: readonly ReceivedMessage[], visibilityTimeoutMs: number): void {
  const sink = ctx.events;
  if (sink === undefined || !sink.active) return;
  sink.emit({
    type: 'received',
    queue: queueOf(q),
    at: ctx.clock.now(),
    accessKeyId: ctx.accessKeyId,
    visibilityTimeoutMs,
    messages: messages.map((m) => ({ messageId: m.messageId, ref: m.ref, receiveCount: m.receiveCount })),
  });
}

export function emitDeleted(ctx: ActionContext, q: QueueRecord, refs: readonly string[]): void {
  const sink = ctx.events;
  if (sink === undefined || !sink.active || refs.length === 0) return;
  sink.emit({ type: 'deleted', queue: queueOf(q), at: ctx.clock.now(), accessKeyId: ctx.accessKeyId, refs });
}

export function emitVisibilityChanged(
  ctx: ActionContext,
  q: QueueRecord,
  changes: ReadonlyArray<{ ref: string; visibilityTimeoutMs: number }>,
): void {
  const sink = ctx.events;
  if (sink === undefined || !sink.active || changes.length === 0) return;
  sink.emit({ type: 'visibilityChanged', queue: queueOf(q), at: ctx.clock.now(), accessKeyId: ctx.accessKeyId, changes });
}

export function emitQueueEvent(ctx: ActionContext, q: QueueRecord, type: 'purged' | 'queueDeleted'): void {
  const sink = ctx.events;
  if (sink === undefined || !sink.active) return;
  sink.emit({ type, queue: queueOf(q), at: ctx.clock.now(), accessKeyId: ctx.accessKeyId });
}
