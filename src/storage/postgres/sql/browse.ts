/**
 * messageBrowse (peek and search): the window walk and the fetch of the picked rows. Read-only
 * autocommit statements, no locks.
 *
 * The window walks `messages_age_cover (queue_id, sent_at)` in send order (sent_at, then id: an incremental
 * sort within equal sent_at) from the start position (semantics.browseStart), at most $4 rows, reading
 * small columns plus the search test. The search is semantics.matchesSearch said in SQL: strpos() is a
 * literal, case-sensitive substring test (no LIKE, so `%` and `_` are plain characters); attribute
 * values are the `s` (StringValue) members of the stored attribute JSON (codec.ts), read as `json`
 * (not jsonb, which would refuse some escapes a stored text may hold).
 */
import type { BrowseField } from '../../engine.js';
import { DELIVERY_COLS, IN_QUEUE } from './common.js';

const BODY = 'strpos(m.body, $5) > 0';
const MESSAGE_ID = 'strpos(m.message_id, $5) > 0';
const GROUP_ID = 'strpos(m.group_id, $5) > 0';
const ATTRIBUTE = `EXISTS (SELECT 1 FROM json_each(m.attrs::json) e WHERE strpos(e.value->>'s', $5) > 0)`;
const HIT: Readonly<Record<BrowseField, string>> = {
  body: BODY,
  messageId: MESSAGE_ID,
  groupId: GROUP_ID,
  attribute: ATTRIBUTE,
  any: `(${BODY}) OR (${ATTRIBUTE}) OR (${MESSAGE_ID}) OR (${GROUP_ID})`,
};

function windowSql(field: BrowseField | undefined): string {
  return `SELECT m.id, m.sent_at, m.visible_at, m.received, ${field === undefined ? 'true' : `COALESCE(${HIT[field]}, false)`} AS hit
            FROM messages m
           WHERE m.queue_id = $1 AND m.sent_at >= $2::bigint AND (m.sent_at > $2::bigint OR m.id > $3::bigint)
           ORDER BY m.sent_at, m.id LIMIT $4`;
}

/** The window statement per search field (`none`: no search). Parameters $1 queue, $2 $3 start, $4 rows, $5 text with a search. */
export const Q_BROWSE_WINDOW: Readonly<Record<BrowseField | 'none', string>> = {
  none: windowSql(undefined),
  body: windowSql('body'),
  attribute: windowSql('attribute'),
  messageId: windowSql('messageId'),
  groupId: windowSql('groupId'),
  any: windowSql('any'),
};

/** The picked rows $2 of queue $1 in full. */
export const Q_BROWSE_ROWS = `SELECT ${DELIVERY_COLS}, visible_at, received FROM messages WHERE id = ANY($2::bigint[]) AND ${IN_QUEUE}`;
