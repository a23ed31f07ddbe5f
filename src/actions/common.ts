/**
 * Helpers every action uses: resolving a QueueUrl to the stored queue, building URLs and ARNs, reading
 * numeric queue attributes, and batch-entry bookkeeping.
 */
import { parseQueueArn, queueArn } from '../core/arn.js';
import { namesNoQueue, parseQueueUrlCached, queueUrl } from '../core/queue-url.js';
import { sqsError, type SqsError } from '../errors/catalog.js';
import * as M from '../errors/messages.js';
import { toSqsError, unexpectedCause } from '../errors/map.js';
import type { QueueRecord } from '../storage/engine.js';
import type { ActionContext, BatchResultErrorEntry } from './types.js';
import { LIMITS } from './validation/limits.js';
import { isValidBatchEntryId } from './validation/names.js';

/**
 * The account the caller acts in (AWS: a request acts in its access key's account): the key's
 * account; the default account (`--account-id`) with `--auth off` and for internal calls.
 */
export function callerAccountId(ctx: Pick<ActionContext, 'caller' | 'settings'>): string {
  return ctx.caller?.identity.principal.accountId ?? ctx.settings.accountId;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The account owning the queue a parsed QueueUrl names: its account path segment
 * (`/<account>/<name>`) when that is an account id; otherwise (a bare `/name`, or a path such as
 * `/queue/name` some clients were configured with) the caller's own account, as before several
 * accounts existed.
 */
export function urlOwner(ctx: Pick<ActionContext, 'caller' | 'settings'>, parsed: { accountId?: string }): string {
  return parsed.accountId !== undefined && ACCOUNT_ID.test(parsed.accountId) ? parsed.accountId : callerAccountId(ctx);
}

/**
 * The queue a QueueUrl names: by the account in its path (urlOwner) and its last segment. Any host
 * is accepted; a value that is not a URL or path is InvalidAddress; a queue that does not exist (or a
 * URL naming none, `http://host`) is QueueDoesNotExist.
 */
export async function resolveQueue(ctx: ActionContext, url: string | undefined): Promise<QueueRecord> {
  if (url === undefined || url === '') throw M.missingParameter('QueueUrl');
  const memo = ctx.queueMemo;
  if (memo !== undefined && memo.url === url) return memo.queue;
  const parsed = parseQueueUrlCached(url);
  if (!parsed) throw namesNoQueue(url) ? sqsError('QueueDoesNotExist') : M.invalidAddress(url);
  const q = await ctx.engine.queueGetByName(urlOwner(ctx, parsed), parsed.name);
  if (!q) throw sqsError('QueueDoesNotExist');
  return q;
}

/** The queue an ARN names in this region (in the ARN's account), or undefined. */
export async function queueByArn(ctx: ActionContext, arn: string): Promise<QueueRecord | undefined> {
  const a = parseQueueArn(arn);
  if (!a || a.region !== ctx.settings.region) return undefined;
  return ctx.engine.queueGetByName(a.accountId, a.name);
}

/** A queue's URL and ARN: both carry its owning account. */
export const urlOf = (ctx: ActionContext, q: { accountId: string; name: string }): string => queueUrl(ctx.queueUrlBase, q.accountId, q.name);
export const arnOf = (ctx: ActionContext, q: { accountId: string; name: string }): string => queueArn(ctx.settings.region, q.accountId, q.name);

/** A numeric queue attribute (stored as a decimal string), with a fallback for older records. */
export function intAttr(q: QueueRecord, name: string, fallback: number): number {
  const v = q.attributes[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Request-level batch rules, in AWS's order: EmptyBatchRequest, TooManyEntriesInBatchRequest (>10),
 * InvalidBatchEntryId (1–80 of [A-Za-z0-9_-]), BatchEntryIdsNotDistinct.
 */
export function validateBatch(entries: ReadonlyArray<{ Id: string }> | undefined, entryName: string): void {
  if (!entries || entries.length === 0) throw M.emptyBatch(entryName);
  if (entries.length > LIMITS.batchEntriesMax) throw M.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const e of entries) {
    if (!isValidBatchEntryId(e.Id)) throw sqsError('InvalidBatchEntryId');
    if (seen.has(e.Id)) throw M.batchIdsNotDistinct(e.Id);
    seen.add(e.Id);
  }
}

/**
 * A per-entry failure as the batch actions return it (HTTP 200, SenderFault true for client errors).
 * An unexpected error becomes an InternalFailure entry, and its cause goes to `ctx.reportUnexpected`.
 */
export function failedEntry(id: string, e: unknown, ctx: Pick<ActionContext, 'reportUnexpected'>): BatchResultErrorEntry {
  const err: SqsError = toSqsError(e);
  const u = unexpectedCause(err);
  if (u !== undefined) ctx.reportUnexpected?.(u.cause);
  return { Id: id, SenderFault: err.spec.fault === 'Sender', Code: err.spec.queryCode, Message: err.message };
}
