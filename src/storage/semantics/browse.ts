/**
 * Peek and search (StorageEngine.messageBrowse): the rules every engine applies the same way.
 *
 *  - State: a message is `visible` when deliverable now (visible time ≤ now), else `inflight` when it
 *    has been received (its visibility deadline is ahead), else `delayed` (never received, inside its
 *    delay) — exactly the split of the ApproximateNumberOf* counts. Past-retention messages are not
 *    shown (they are gone for every other operation too). Nothing is written: browsing is not a receive.
 *  - Order: send order, i.e. by (sentAt, position) where position is the engine's arrival order in the
 *    queue (the message ref / row id). A dead-lettered message keeps its original sentAt, so in a DLQ it
 *    sits where its send time puts it. Both SQL engines walk their `messages_age (queue_id, sent_at…)`
 *    index in this order.
 *  - Paging: a cursor is the (sentAt, position) of the last message examined; the next call continues
 *    strictly after it. Messages sent meanwhile with an earlier sentAt (another PostgreSQL node whose
 *    commit was late) can be missed by a cursor walk; a browse is a look, not a snapshot.
 *  - Bounded work: a call examines at most `maxScan` messages (the window), returns the matching ones
 *    (up to `limit`), and gives a cursor whenever messages remain after the last one examined — so a
 *    search that matches nothing still returns after `maxScan` rows, with a cursor. Engines read one
 *    row more than they examine to know whether any remain ({@link pickBrowsed}).
 *  - Search: a literal, case-sensitive substring (no wildcard: `%`, `_` and `*` are plain characters;
 *    SQL engines use instr/strpos, never LIKE) of the body, of a message attribute's StringValue
 *    (String and Number attributes), of the message id or of the group id; `any` is any of these.
 */
import { DomainError } from '../../errors/domain.js';
import type { AttributeMap, BrowseField, BrowseState, MessageBrowseParams } from '../engine.js';

export const BROWSE_STATES: readonly BrowseState[] = ['visible', 'inflight', 'delayed'];
export const BROWSE_FIELDS: readonly BrowseField[] = ['any', 'body', 'attribute', 'messageId', 'groupId'];

/** Most messages one call returns. */
export const BROWSE_MAX_LIMIT = 100;
/** Messages one call examines by default, and the most a caller may ask for. */
export const BROWSE_DEFAULT_SCAN = 1_000;
export const BROWSE_MAX_SCAN = 10_000;

/** A message's browse state at `now` (see the file header). */
export function browseState(received: boolean, visibleAt: number, now: number): BrowseState {
  if (visibleAt <= now) return 'visible';
  return received ? 'inflight' : 'delayed';
}

/** A place in send order: sentAt, then the engine's arrival position (ref / row id, a safe integer). */
export interface BrowsePosition {
  sentAt: number;
  seq: number;
}

const CURSOR = /^b1\.(\d{1,16})\.(\d{1,16})$/;

/** The opaque cursor of a position. */
export function encodeBrowseCursor(p: BrowsePosition): string {
  return Buffer.from(`b1.${p.sentAt}.${p.seq}`, 'utf8').toString('base64url');
}

/** The position a cursor names; DomainError('InvalidCursor') for anything else. */
export function decodeBrowseCursor(cursor: string): BrowsePosition {
  const m = cursor.length <= 64 ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  const sentAt = m ? Number(m[1]) : NaN;
  const seq = m ? Number(m[2]) : NaN;
  if (!Number.isSafeInteger(sentAt) || !Number.isSafeInteger(seq)) throw new DomainError('InvalidCursor', 'the browse cursor is not valid');
  return { sentAt, seq };
}

/** A browse request with defaults applied and bounds enforced. */
export interface BrowsePlan {
  states: ReadonlySet<BrowseState>;
  /** Undefined: no search (absent or empty text). */
  search: { text: string; field: BrowseField } | undefined;
  limit: number;
  /** Messages examined at most. */
  scan: number;
  /** Rows an engine reads: what it may examine, plus one to tell whether more remain. */
  window: number;
  after: BrowsePosition | undefined;
}

export function browsePlan(p: MessageBrowseParams): BrowsePlan {
  const states = new Set(p.states !== undefined && p.states.length > 0 ? p.states : BROWSE_STATES);
  const search = p.search !== undefined && p.search.text !== '' ? { text: p.search.text, field: p.search.field } : undefined;
  const limit = clamp(p.limit, 1, BROWSE_MAX_LIMIT);
  const scan = clamp(p.maxScan ?? BROWSE_DEFAULT_SCAN, 1, BROWSE_MAX_SCAN);
  // When every message is kept, nothing past `limit` is examined: read only that far.
  const keepsAll = search === undefined && states.size === BROWSE_STATES.length;
  return {
    states,
    search,
    limit,
    scan,
    window: (keepsAll ? Math.min(limit, scan) : scan) + 1,
    after: p.cursor === undefined || p.cursor === '' ? undefined : decodeBrowseCursor(p.cursor),
  };
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : min;
}

/**
 * Where the window starts: rows with `sentAt > start.sentAt`, or `sentAt = start.sentAt` and
 * `seq > start.seq`. Past-retention rows (sentAt ≤ `cutoff`, semantics.retentionCutoff) are never in it,
 * so a cursor at or before the cutoff starts just after it.
 */
export function browseStart(after: BrowsePosition | undefined, cutoff: number): BrowsePosition {
  if (after === undefined || after.sentAt <= cutoff) return { sentAt: cutoff + 1, seq: -1 };
  return after;
}

/** Is `(sentAt, seq)` inside the window that starts after `start`? */
export function afterStart(sentAt: number, seq: number, start: BrowsePosition): boolean {
  return sentAt > start.sentAt || (sentAt === start.sentAt && seq > start.seq);
}

/**
 * Examine the window's rows (in send order, at most `plan.window` of them) and pick the kept ones: up
 * to `plan.limit`, examining at most `plan.scan`. `next` is the position to continue after, present
 * exactly when rows remain after the last one examined.
 */
export function pickBrowsed<R>(
  rows: readonly R[],
  plan: Pick<BrowsePlan, 'limit' | 'scan'>,
  keep: (r: R) => boolean,
  position: (r: R) => BrowsePosition,
): { picked: R[]; next?: BrowsePosition; scanned: number } {
  const picked: R[] = [];
  const n = Math.min(rows.length, plan.scan);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (!keep(r)) continue;
    picked.push(r);
    if (picked.length === plan.limit) {
      return i + 1 < rows.length ? { picked, next: position(r), scanned: i + 1 } : { picked, scanned: i + 1 };
    }
  }
  return rows.length > n ? { picked, next: position(rows[n - 1]!), scanned: n } : { picked, scanned: n };
}

/** The searchable parts of a message. */
export interface Searchable {
  body: string;
  messageId: string;
  groupId?: string | undefined;
  messageAttributes?: AttributeMap | undefined;
}

/** Does `m` match the search? (The SQL engines' statements say the same with instr / strpos.) */
export function matchesSearch(m: Searchable, search: { text: string; field: BrowseField }): boolean {
  const t = search.text;
  switch (search.field) {
    case 'body':
      return m.body.includes(t);
    case 'attribute':
      return attributeMatches(m.messageAttributes, t);
    case 'messageId':
      return m.messageId.includes(t);
    case 'groupId':
      return m.groupId !== undefined && m.groupId.includes(t);
    case 'any':
      return (
        m.body.includes(t) ||
        attributeMatches(m.messageAttributes, t) ||
        m.messageId.includes(t) ||
        (m.groupId !== undefined && m.groupId.includes(t))
      );
  }
}

function attributeMatches(attrs: AttributeMap | undefined, t: string): boolean {
  if (attrs === undefined) return false;
  for (const k in attrs) {
    const v = attrs[k]!.StringValue;
    if (v !== undefined && v.includes(t)) return true;
  }
  return false;
}
