/**
 * Row shapes of the SQLite schema (migrations.ts) and their conversions to the records of the storage
 * interface. Pure functions: no statement runs here.
 */
import type { MoveTaskRecord, MoveTaskStatus, QueueRecord } from '../engine.js';
import { type ReceiptTarget, isInflight, storedDedupScope } from '../semantics/index.js';

export interface QueueRow {
  id: string;
  /** Schema 3: the owning account. */
  account_id: string;
  name: string;
  fifo: number;
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
  payload_id: number;
  message_id: string;
  seq: number | null;
  group_id: string | null;
  sent_at: number;
  visible_at: number;
  received: number;
  receipt_token: string | null;
  received_at: number | null;
  receive_count: number;
  first_received_at: number | null;
  dl_source_arn: string | null;
}

export interface PayloadRow {
  body: string;
  md5_body: string;
  attrs: string | null;
  md5_attrs: string | null;
  sys_attrs: string | null;
  md5_sys: string | null;
  sender_id: string;
  dedup_id: string | null;
}

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

/** A message row joined with its payload. */
export type CandidateRow = MessageRow & PayloadRow;

/** A raw candidate row (CANDIDATE_COLUMNS order, sql/hot.ts) as an object. */
export function candidateRow(a: unknown[]): CandidateRow {
  return {
    id: a[0] as number,
    queue_id: a[1] as string,
    payload_id: a[2] as number,
    message_id: a[3] as string,
    seq: a[4] as number | null,
    group_id: a[5] as string | null,
    sent_at: a[6] as number,
    visible_at: a[7] as number,
    received: a[8] as number,
    receipt_token: a[9] as string | null,
    received_at: a[10] as number | null,
    receive_count: a[11] as number,
    first_received_at: a[12] as number | null,
    dl_source_arn: a[13] as string | null,
    body: a[14] as string,
    md5_body: a[15] as string,
    attrs: a[16] as string | null,
    md5_attrs: a[17] as string | null,
    sys_attrs: a[18] as string | null,
    md5_sys: a[19] as string | null,
    sender_id: a[20] as string,
    dedup_id: a[21] as string | null,
  };
}

/** The row id a receipt ref names (refs are decimal row ids), or undefined for anything else. */
export function refId(ref: string): number | undefined {
  return /^[0-9]{1,16}$/.test(ref) ? Number(ref) : undefined;
}

export function freezeQueue(row: QueueRow): QueueRecord {
  return Object.freeze({
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    fifo: row.fifo === 1,
    attributes: Object.freeze(JSON.parse(row.attributes) as Record<string, string>),
    tags: Object.freeze(JSON.parse(row.tags) as Record<string, string>),
    createdAt: row.created_at,
    lastModifiedAt: row.last_modified_at,
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
    startedAt: r.started_at,
  };
  if (r.destination_arn !== null) t.destinationArn = r.destination_arn;
  if (r.max_per_second !== null) t.maxPerSecond = r.max_per_second;
  if (r.failure_reason !== null) t.failureReason = r.failure_reason;
  return t;
}

/** A message row as the entry and attempt rules see it (semantics ReceiptTarget). */
export function receiptTarget(row: MessageRow | undefined, now: number): ReceiptTarget | undefined {
  return row === undefined
    ? undefined
    : { receiptToken: row.receipt_token, inflight: isInflight(row.received === 1, row.visible_at, now), receivedAt: row.received_at };
}
