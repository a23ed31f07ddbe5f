/**
 * messageBrowse on PostgreSQL: read-only autocommit statements (no transaction, no lock, nothing
 * written): the queue and "now" (the database clock, or the test clock), the window of up to `window`
 * rows in send order with the search test, then the picked rows by id. The rules of
 * semantics/browse.ts pick the rows. A message deleted between the window and the fetch is simply
 * left out of the answer.
 */
import { DomainError } from '../../errors/domain.js';
import type { BrowsedMessage, MessageBrowseParams, MessageBrowseResult } from '../engine.js';
import { browsePlan, browseStart, browseState, encodeBrowseCursor, pickBrowsed, retentionCutoff } from '../semantics/index.js';
import type { PgContext } from './context.js';
import { freezeQueue, toReceived, type MessageRow, type QueueRow } from './rows.js';
import { Q_BROWSE_ROWS, Q_BROWSE_WINDOW } from './sql/browse.js';
import { Q_QUEUE_WITH_NOW } from './sql/queues.js';

interface WindowRow {
  id: number;
  sent_at: number;
  visible_at: number;
  received: boolean;
  hit: boolean;
}

export async function browse(ctx: PgContext, p: MessageBrowseParams): Promise<MessageBrowseResult> {
  const plan = browsePlan(p);
  const qr = (await ctx.one<QueueRow & { now: number }>(Q_QUEUE_WITH_NOW, [p.queueId, ctx.nowParam()])).rows[0];
  if (!qr) throw new DomainError('QueueNotFound', `queue ${p.queueId} does not exist`);
  const q = ctx.queues.remember(freezeQueue(qr));
  const now = Number(qr.now);
  const start = browseStart(plan.after, retentionCutoff(q, now));
  const params: unknown[] = [q.id, start.sentAt, start.seq, plan.window];
  if (plan.search !== undefined) params.push(plan.search.text);
  const rows = (await ctx.one<WindowRow>(Q_BROWSE_WINDOW[plan.search?.field ?? 'none'], params)).rows;
  const state = (w: { received: boolean; visible_at: number }) => browseState(w.received, Number(w.visible_at), now);
  const r = pickBrowsed(
    rows,
    plan,
    (w) => w.hit && plan.states.has(state(w)),
    (w) => ({ sentAt: Number(w.sent_at), seq: Number(w.id) }),
  );
  const out: MessageBrowseResult = { messages: [], scanned: r.scanned };
  if (r.next !== undefined) out.nextCursor = encodeBrowseCursor(r.next);
  if (r.picked.length === 0) return out;
  const full = await ctx.one<MessageRow>(Q_BROWSE_ROWS, [q.id, r.picked.map((w) => w.id)]);
  const byId = new Map(full.rows.map((row) => [Number(row.id), row]));
  for (const w of r.picked) {
    const row = byId.get(Number(w.id));
    if (row !== undefined) out.messages.push(view(row, state(row)));
  }
  return out;
}

export function view(row: MessageRow, state: BrowsedMessage['state']): BrowsedMessage {
  const m = toReceived(row);
  const b: BrowsedMessage = {
    messageId: m.messageId,
    state,
    body: m.body,
    md5OfBody: m.md5OfBody,
    messageAttributes: m.messageAttributes,
    systemAttributes: m.systemAttributes,
    senderId: m.senderId,
    sentAt: m.sentAt,
    visibleAt: Number(row.visible_at),
    receiveCount: m.receiveCount,
  };
  if (m.md5OfMessageAttributes !== undefined) b.md5OfMessageAttributes = m.md5OfMessageAttributes;
  if (row.first_received_at !== null) b.firstReceivedAt = Number(row.first_received_at);
  if (m.groupId !== undefined) b.groupId = m.groupId;
  if (m.dedupId !== undefined) b.dedupId = m.dedupId;
  if (m.sequenceNumber !== undefined) b.sequenceNumber = m.sequenceNumber;
  if (m.deadLetterSourceArn !== undefined) b.deadLetterSourceArn = m.deadLetterSourceArn;
  return b;
}
