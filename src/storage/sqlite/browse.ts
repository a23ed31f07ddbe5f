/**
 * messageBrowse on SQLite: two reads of committed state, run back to back on the event loop (no write
 * can commit between them) and outside any transaction — nothing is written. The window statement
 * examines up to `window` rows in send order and says which match the search; the rules of
 * semantics/browse.ts pick the rows, whose bodies and attributes are then read by id.
 */
import { decodeAttributes } from '../codec.js';
import type { BrowsedMessage, MessageBrowseParams, MessageBrowseResult } from '../engine.js';
import { browsePlan, browseStart, browseState, encodeBrowseCursor, pickBrowsed, retentionCutoff, sequenceNumberOf } from '../semantics/index.js';
import type { SqliteCtx } from './context.js';
import type { CandidateRow } from './rows.js';
import { BROWSE_ROWS, BROWSE_WINDOW } from './sql/index.js';

interface WindowRow {
  id: number;
  sent_at: number;
  visible_at: number;
  received: number;
  hit: number;
}

export function browse(ctx: SqliteCtx, p: MessageBrowseParams): MessageBrowseResult {
  const q = ctx.mustQueue(p.queueId);
  const now = ctx.clock.now();
  const plan = browsePlan(p);
  const start = browseStart(plan.after, retentionCutoff(q, now));
  const params: Record<string, unknown> = { q: q.id, s: start.sentAt, i: start.seq, n: plan.window };
  if (plan.search !== undefined) params.t = plan.search.text;
  const rows = ctx.q(BROWSE_WINDOW[plan.search?.field ?? 'none']).all(params) as WindowRow[];
  const state = (w: { received: number; visible_at: number }) => browseState(w.received === 1, w.visible_at, now);
  const r = pickBrowsed(
    rows,
    plan,
    (w) => w.hit === 1 && plan.states.has(state(w)),
    (w) => ({ sentAt: w.sent_at, seq: w.id }),
  );
  const out: MessageBrowseResult = { messages: [], scanned: r.scanned };
  if (r.next !== undefined) out.nextCursor = encodeBrowseCursor(r.next);
  if (r.picked.length === 0) return out;
  const byId = new Map<number, CandidateRow>();
  for (const row of ctx.candidates(BROWSE_ROWS, JSON.stringify(r.picked.map((w) => w.id)), q.id)) byId.set(row.id, row);
  for (const w of r.picked) {
    const row = byId.get(w.id);
    if (row !== undefined) out.messages.push(view(row, state(row)));
  }
  return out;
}

export function view(row: CandidateRow, state: BrowsedMessage['state']): BrowsedMessage {
  const b: BrowsedMessage = {
    messageId: row.message_id,
    state,
    body: row.body,
    md5OfBody: row.md5_body,
    messageAttributes: decodeAttributes(row.attrs),
    systemAttributes: decodeAttributes(row.sys_attrs),
    senderId: row.sender_id,
    sentAt: row.sent_at,
    visibleAt: row.visible_at,
    receiveCount: row.receive_count,
  };
  if (row.md5_attrs !== null) b.md5OfMessageAttributes = row.md5_attrs;
  if (row.first_received_at !== null) b.firstReceivedAt = row.first_received_at;
  if (row.group_id !== null) b.groupId = row.group_id;
  if (row.dedup_id !== null) b.dedupId = row.dedup_id;
  const seq = sequenceNumberOf(row.seq);
  if (seq !== undefined) b.sequenceNumber = seq;
  if (row.dl_source_arn !== null) b.deadLetterSourceArn = row.dl_source_arn;
  return b;
}
