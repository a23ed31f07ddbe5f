/**
 * messageBrowse (peek and search): the window walk and the fetch of the picked rows. Read-only.
 *
 * The window walks `messages_age (queue_id, sent_at, …)` in send order (sent_at, then id) from the
 * start position (semantics.browseStart), at most @n rows, reading only small columns plus the search
 * test; bodies are read (joined) only when the search looks at them, and returned only for the picked
 * rows (BROWSE_ROWS). The search is semantics.matchesSearch said in SQL: instr() is a literal,
 * case-sensitive substring test (no LIKE, so `%` and `_` are plain characters); attribute values are
 * the `s` (StringValue) members of the stored attribute JSON (codec.ts).
 */
import type { BrowseField } from '../../engine.js';
import { CANDIDATE_COLUMNS } from './hot.js';

const BODY = 'instr(p.body, @t) > 0';
const MESSAGE_ID = 'instr(m.message_id, @t) > 0';
const GROUP_ID = 'instr(m.group_id, @t) > 0';
const ATTRIBUTE = `EXISTS (SELECT 1 FROM json_each(p.attrs) e WHERE instr(json_extract(e.value, '$.s'), @t) > 0)`;
const HIT: Readonly<Record<BrowseField, string>> = {
  body: BODY,
  messageId: MESSAGE_ID,
  groupId: GROUP_ID,
  attribute: ATTRIBUTE,
  any: `(${BODY}) OR (${ATTRIBUTE}) OR (${MESSAGE_ID}) OR (${GROUP_ID})`,
};

function windowSql(field: BrowseField | undefined): string {
  const join = field === 'body' || field === 'attribute' || field === 'any' ? 'JOIN payloads p ON p.id = m.payload_id' : '';
  return `SELECT m.id, m.sent_at, m.visible_at, m.received, ${field === undefined ? '1' : `COALESCE(${HIT[field]}, 0)`} AS hit
            FROM messages m INDEXED BY messages_age ${join}
           WHERE m.queue_id = @q AND m.sent_at >= @s AND (m.sent_at > @s OR m.id > @i)
           ORDER BY m.sent_at, m.id LIMIT @n + 0`;
}

/** The window statement per search field (`none`: no search). Parameters @q @s @i @n, and @t with a search. */
export const BROWSE_WINDOW: Readonly<Record<BrowseField | 'none', string>> = {
  none: windowSql(undefined),
  body: windowSql('body'),
  attribute: windowSql('attribute'),
  messageId: windowSql('messageId'),
  groupId: windowSql('groupId'),
  any: windowSql('any'),
};

/**
 * The picked rows in full (raw CANDIDATE_COLUMNS): ids as a JSON array, and the queue. `+m.queue_id`
 * keeps the queue test off the indexes: the row ids make the primary key the one access path (with
 * `m.queue_id = ?` SQLite walked the queue's whole index — measured 45 ms at 200 000 messages).
 */
export const BROWSE_ROWS = `SELECT ${CANDIDATE_COLUMNS} FROM messages m JOIN payloads p ON p.id = m.payload_id
          WHERE m.id IN (SELECT value FROM json_each(?)) AND +m.queue_id = ?`;
