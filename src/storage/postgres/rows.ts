/**
 * Row shapes of the tables as node-postgres returns them (bigint columns as JS numbers: see
 * engine.clientConfig), and their conversion into the records of the storage interface.
 */
import type pg from 'pg';

import { decodeAttributes } from '../codec.js';
import type { MoveTaskRecord, MoveTaskStatus, QueueRecord, ReceivedMessage } from '../engine.js';
import { sequenceNumberOf, storedDedupScope } from '../semantics/index.js';

export interface QueueRow {
  id: string;
  /** Schema 3: the owning account. */
  account_id: string;
  name: string;
  fifo: boolean;
  attributes: string;
  tags: string;
  created_at: number;
  last_modified_at: number;
  seq_counter: number;
  last_purge_at: number | null;
  /** Schema 2: the creation-time DeduplicationScope (QueueRecord.dedupScope). */
  dedup_scope: string;
}

export interface MessageRow {
  id: number;
  queue_id: string;
  message_id: string;
  seq: number | null;
  group_id: string | null;
  dedup_id: string | null;
  body: string;
  md5_body: string;
  attrs: string | null;
  md5_attrs: string | null;
  sys_attrs: string | null;
  md5_sys: string | null;
  sender_id: string;
  sent_at: number;
  visible_at: number;
  received: boolean;
  receipt_token: string | null;
  received_at: number | null;
  receive_count: number;
  first_received_at: number | null;
  dl_source_arn: string | null;
}

/** One row of a claim statement: the candidate, and the claimed message when it was claimed. */
export type ClaimRow = {
  c_id: number | null;
  c_sent: number | null;
  c_group?: string | null;
  c_groups?: string[] | null;
  c_need?: string[] | null;
  c_stale?: string[] | null;
} & Partial<MessageRow>;

/** One row of sql.receiveStandardSql. */
export type FastClaimRow = ClaimRow & { q_now: number; q_found: boolean; q_room: boolean; q_next: number | null };

/** One row of sql.receiveStandardManySql: a FastClaimRow with the candidate's rank in the claim. */
export type ManyClaimRow = FastClaimRow & { c_rn: number | null };

export interface MoveTaskRow {
  id: string;
  source_arn: string;
  source_queue_id: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: MoveTaskStatus;
  to_move: number;
  moved: number;
  failure_reason: string | null;
  started_at: number;
}

export function freezeQueue(row: QueueRow): QueueRecord {
  return Object.freeze({
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    fifo: row.fifo,
    attributes: Object.freeze(JSON.parse(row.attributes) as Record<string, string>),
    tags: Object.freeze(JSON.parse(row.tags) as Record<string, string>),
    createdAt: Number(row.created_at),
    lastModifiedAt: Number(row.last_modified_at),
    dedupScope: storedDedupScope(row.dedup_scope),
  });
}

export function taskRecord(r: MoveTaskRow): MoveTaskRecord {
  const t: MoveTaskRecord = {
    id: r.id,
    sourceArn: r.source_arn,
    sourceQueueId: r.source_queue_id,
    status: r.status,
    toMove: r.to_move,
    moved: r.moved,
    startedAt: Number(r.started_at),
  };
  if (r.destination_arn !== null) t.destinationArn = r.destination_arn;
  if (r.max_per_second !== null) t.maxPerSecond = r.max_per_second;
  if (r.failure_reason !== null) t.failureReason = r.failure_reason;
  return t;
}

export function toReceived(row: MessageRow): ReceivedMessage {
  const m: ReceivedMessage = {
    ref: String(row.id),
    receiptToken: row.receipt_token ?? '',
    messageId: row.message_id,
    body: row.body,
    md5OfBody: row.md5_body,
    messageAttributes: decodeAttributes(row.attrs),
    systemAttributes: decodeAttributes(row.sys_attrs),
    senderId: row.sender_id,
    sentAt: row.sent_at,
    receiveCount: row.receive_count,
    firstReceivedAt: row.first_received_at ?? row.received_at ?? row.sent_at,
  };
  if (row.md5_attrs !== null) m.md5OfMessageAttributes = row.md5_attrs;
  if (row.md5_sys !== null) m.md5OfMessageSystemAttributes = row.md5_sys;
  if (row.group_id !== null) m.groupId = row.group_id;
  if (row.dedup_id !== null) m.dedupId = row.dedup_id;
  const seq = sequenceNumberOf(row.seq);
  if (seq !== undefined) m.sequenceNumber = seq;
  if (row.dl_source_arn !== null) m.deadLetterSourceArn = row.dl_source_arn;
  return m;
}

const REF = /^[0-9]{1,15}$/;

/** Message refs are decimal row ids; anything else names no message. */
export function refIds(refs: readonly string[]): number[] {
  return refs.filter((r) => REF.test(r)).map(Number);
}

/** The row id a ref names, or -1 (no message has it). */
export function refId(ref: string): number {
  return REF.test(ref) ? Number(ref) : -1;
}

/** One autocommit statement; with `name` a named prepared statement (the text must be a constant). */
export type OneFn = <R extends pg.QueryResultRow>(sql: string, params?: unknown[], name?: string) => Promise<pg.QueryResult<R>>;
