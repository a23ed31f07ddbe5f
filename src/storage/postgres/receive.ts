/**
 * ReceiveMessage.
 *
 * A receive claims with ONE statement: a CTE picks deliverable rows `FOR UPDATE SKIP LOCKED` and an
 * UPDATE in the same statement sets visibility deadline, receipt token, receive count and first
 * receive time. Concurrent receivers on any node skip each other's rows instead of waiting, and a row
 * can only be claimed by one of them (the lock is held until COMMIT; a receiver whose snapshot is
 * older re-checks `visible_at <= now` on the newest row version before locking it). On a standard
 * queue that statement is the whole receive (one autocommit round trip: "now", the existence and
 * in-flight checks, the claim and the next-visible time); only when it meets candidates it must not
 * deliver (past retention, due for the dead-letter queue) does a transaction follow that re-locks and
 * re-checks them. Concurrent standard receives of one queue in one process share that statement
 * (receiveStandardMany, through a group commit per queue): one claim for all of them, handed out in
 * arrival order. FIFO receives are a transaction (group locks, attempt ids).
 *
 * The rules come from semantics: the RedrivePolicy plan and claim threshold, retention, the
 * visibility deadline, OverLimit, attempt-id replay; the statements apply them (see sql/receive.ts).
 */
import type { QueueRecord, ReceivedMessage, ReceiveParams, ReceiveResult } from '../engine.js';
import {
  attemptLive,
  attemptStillHeld,
  checkInflightLimit,
  claimThreshold,
  isInflight,
  redrivePlan,
  retentionCutoff,
  retentionMs,
  usableDeadLetterQueue,
  visibilityDeadline,
  type RedrivePlan,
} from '../semantics/index.js';
import type { PgContext, StandardReceive, Tx } from './context.js';
import type { MemberOutcome } from './groupCommit.js';
import { insertedHeads, lockGroups, refreshGroups, touchGroups } from './groups.js';
import { toReceived, type ClaimRow, type FastClaimRow, type ManyClaimRow, type MessageRow } from './rows.js';
import {
  CLAIM_FIFO,
  CLAIM_STANDARD,
  Q_ATTEMPT_GET,
  Q_ATTEMPT_SAVE,
  Q_DEAD_LETTER,
  Q_DELETE_EXPIRED,
  Q_GROUPS_OF_MESSAGES,
  Q_INFLIGHT_COUNT,
  Q_LOCK_STALE_GROUPS,
  Q_MESSAGES_LOCK_ALL,
  Q_MESSAGES_SET_VISIBLE,
  Q_NEXT_FIFO,
  Q_NEXT_STANDARD,
} from './sql/receive.js';

/** Claim rounds of one receive transaction (each round deals with what the previous one set aside). */
const MAX_ROUNDS = 8;

/**
 * @see StorageEngine.messageReceive
 * Standard queues: one statement (see receiveStandardSql), with the queue's attributes from the
 * process cache. FIFO queues: a transaction (group locks, attempt ids).
 */
export async function receive(ctx: PgContext, p: ReceiveParams): Promise<ReceiveResult> {
  const q = await ctx.queues.getById(p.queueId);
  if (!q) throw ctx.queues.notFound(p.queueId);
  if (q.fifo) return receiveTx(ctx, p, []);
  // Visibility timeout 0 leaves what a call claims deliverable: one after the other, the next call
  // could take the same message again, which a shared claim cannot reproduce. Such calls go alone.
  if (visibilityMs(p) === 0) return receiveStandard(ctx, q, p);
  return ctx.standardReceives.submit(q.id, { q, p });
}

/** The queue-level parameters of a standard receive (RedrivePolicy bound and DLQ, retention), as a comparable key. */
function queueParams(q: QueueRecord): [number, string[] | null, number] {
  const plan = redrivePlan(q);
  return [claimThreshold(plan, plan !== undefined), plan ? [plan.dlqAccountId, plan.dlqName] : null, retentionMs(q)];
}

/** The calls one after the other, each alone (receiveStandard), each with its own outcome. */
async function oneByOne(ctx: PgContext, calls: readonly StandardReceive[]): Promise<Array<MemberOutcome<ReceiveResult>>> {
  const out: Array<MemberOutcome<ReceiveResult>> = [];
  for (const c of calls) {
    try {
      out.push({ ok: true, value: await receiveStandard(ctx, c.q, c.p) });
    } catch (error) {
      out.push({ ok: false, error });
    }
  }
  return out;
}

/**
 * The standard receives of one queue's group commit (groupCommit.KeyedGroupCommit), in arrival order,
 * in one autocommit statement and one commit (sql/receive.receiveStandardManySql): one claim of the sum
 * of their maximums, `FOR UPDATE SKIP LOCKED`, handed out in claim order, each call with its own
 * visibility timeout and receipt tokens. The outcome is that of the calls run one after the other
 * (receiveStandard each):
 *  - a short call gets nextVisibleAt as it would have alone: the earliest future deadline the
 *    statement saw, or one it or a call before it just set;
 *  - OverLimit: the statement only claims when every call certainly had room one after the other
 *    (the calls' maxInflight less the most that the calls before each could have claimed); otherwise
 *    it claims nothing and the calls run one by one, each with its own check;
 *  - candidates that must not be delivered (past retention, due for the dead-letter queue): the first
 *    call that met one finishes as receiveStandard does (receiveTx deletes or moves them and fills it
 *    up), and the calls after it then run one by one — the statement left their candidates unclaimed;
 *  - a missing queue fails every call (QueueNotFound), as it would each alone;
 *  - calls that saw different queue attributes (a SetQueueAttributes between them) run one by one.
 * A lone call runs receiveStandard, today's statement: an idle server adds no latency.
 */
export async function receiveStandardMany(ctx: PgContext, calls: StandardReceive[]): Promise<Array<MemberOutcome<ReceiveResult>>> {
  // A lone call runs alone; what it throws, the group commit gives that call.
  if (calls.length === 1) return [{ ok: true, value: await receiveStandard(ctx, calls[0]!.q, calls[0]!.p) }];
  const q = calls[0]!.q;
  const [maxRc, dlq, retention] = queueParams(q);
  const key = JSON.stringify([maxRc, dlq, retention]);
  if (calls.some((c) => c.q !== q && JSON.stringify(queueParams(c.q)) !== key)) return oneByOne(ctx, calls);

  const maxes = calls.map((c) => Math.max(0, c.p.maxMessages));
  const viss = calls.map((c) => visibilityMs(c.p));
  /** Per rank (1-based in SQL): the call's visibility timeout, its last rank, its receipt token. */
  const visByRank: number[] = [];
  const endByRank: number[] = [];
  const tokens: string[] = [];
  /** The call each rank belongs to (0-based rank). */
  const callOf: number[] = [];
  /** The in-flight bound that guarantees every call its room (see receiveStandardManySql, `$5`). */
  let room: number | null = null;
  let before = 0;
  calls.forEach((c, i) => {
    if (c.p.maxInflight !== undefined) room = Math.min(room ?? Infinity, c.p.maxInflight - before);
    const end = before + maxes[i]!;
    for (let r = before; r < end; r++) {
      visByRank.push(viss[i]!);
      endByRank.push(end);
      callOf.push(i);
    }
    tokens.push(...ctx.tokens.take(maxes[i]!));
    before = end;
  });
  const params: unknown[] = [q.id, before, maxRc, dlq, room, visByRank, retention, tokens, endByRank];
  if (ctx.testClock) params.push(ctx.testClock.now());
  const rows = (await ctx.oneWrite<ManyClaimRow>(ctx.receiveManySql, params, ctx.receiveManySqlName)).rows;
  const head = rows[0]!;
  if (!head.q_found) return calls.map(() => ({ ok: false, error: ctx.queues.notFound(q.id) }));
  // Some call might not have had room one after the other: nothing was claimed; each call alone.
  if (!head.q_room) return oneByOne(ctx, calls);

  const out = calls.map((): ReceivedMessage[] => []);
  const claimed = calls.map((): number[] => []);
  /** The first call that met a candidate it must not deliver (the statement served none after it). */
  let cut = calls.length;
  let total = 0;
  for (const r of rows) {
    if (r.c_id === null || r.c_id === undefined) continue;
    const i = callOf[r.c_rn! - 1]!;
    if (r.id !== null && r.id !== undefined) {
      out[i]!.push(toReceived(r as MessageRow));
      claimed[i]!.push(r.id);
      total++;
    } else if (i < cut) {
      cut = i;
    }
  }
  ctx.noteChurn(total);

  const results: Array<MemberOutcome<ReceiveResult>> = [];
  /** The earliest deadline set by the calls so far (a short call's nextVisibleAt counts them). */
  let ownNext: number | null = null;
  for (let i = 0; i < Math.min(cut, calls.length); i++) {
    if (out[i]!.length > 0 && viss[i]! > 0) ownNext = Math.min(ownNext ?? Infinity, head.q_now + viss[i]!);
    const res: ReceiveResult = { messages: out[i]! };
    if (out[i]!.length < maxes[i]!) {
      const next = head.q_next === null ? ownNext : Math.min(head.q_next, ownNext ?? Infinity);
      if (next !== null) res.nextVisibleAt = ctx.localInstant(next, head.q_now);
    }
    results.push({ ok: true, value: res });
  }
  if (cut < calls.length) {
    const c = calls[cut]!;
    try {
      results.push({ ok: true, value: await fillUp(ctx, c.p, maxes[cut]!, out[cut]!, claimed[cut]!) });
    } catch (error) {
      results.push({ ok: false, error });
    }
    results.push(...(await oneByOne(ctx, calls.slice(cut + 1))));
  }
  return results;
}

/** The visibility timeout of a receive as visibilityDeadline rounds and clamps it (ms to add to "now"). */
function visibilityMs(p: ReceiveParams): number {
  return visibilityDeadline(0, p.visibilityTimeoutMs);
}

/**
 * The standard-queue receive in one autocommit round trip. The claim's locks end with the statement,
 * so candidates it set aside (past retention, due for the dead-letter queue) are handed to
 * receiveTx, which locks them again and re-checks everything (queue attributes included, from the
 * database) before deleting or dead-lettering them and filling up the receive; the messages claimed
 * here are excluded there (`seen`), so a visibility-0 claim is not delivered twice.
 */
async function receiveStandard(ctx: PgContext, q: QueueRecord, p: ReceiveParams): Promise<ReceiveResult> {
  const max = Math.max(0, p.maxMessages);
  const plan = redrivePlan(q);
  // `$3`/`$4`: the plan's bound and dead-letter queue [account, name]; the statement itself applies
  // usableDeadLetterQueue + claimThreshold (the DLQ must exist and not be the queue itself).
  const params: unknown[] = [
    q.id,
    max,
    claimThreshold(plan, plan !== undefined),
    plan ? [plan.dlqAccountId, plan.dlqName] : null,
    p.maxInflight ?? null,
    visibilityMs(p),
    retentionMs(q),
    ctx.tokens.take(max),
  ];
  if (ctx.testClock) params.push(ctx.testClock.now());
  const rows = (await ctx.oneWrite<FastClaimRow>(ctx.receiveSql, params, ctx.receiveSqlName)).rows;
  const head = rows[0]!;
  if (!head.q_found) throw ctx.queues.notFound(q.id);
  // The statement counted in-flight messages up to the cap: no room means exactly `maxInflight` counted.
  if (!head.q_room) checkInflightLimit(q.name, p.maxInflight!, p.maxInflight);
  const out: ReceivedMessage[] = [];
  const claimed: number[] = [];
  let setAside = false;
  for (const r of rows) {
    if (r.c_id === null || r.c_id === undefined) continue;
    if (r.id !== null && r.id !== undefined) {
      out.push(toReceived(r as MessageRow));
      claimed.push(r.id);
    } else {
      setAside = true;
    }
  }
  ctx.noteChurn(claimed.length);
  if (setAside && out.length < max) return fillUp(ctx, p, max, out, claimed);
  const res: ReceiveResult = { messages: out };
  if (head.q_next !== null) res.nextVisibleAt = ctx.localInstant(head.q_next, head.q_now);
  return res;
}

/**
 * A standard receive whose statement set candidates aside: receiveTx deletes or dead-letters them and
 * fills the receive up (`out`: what the statement delivered, `claimed`: their row ids). Rare: expired
 * or dead-letter candidates. The in-flight check already passed for this receive. Should this second
 * step fail, the messages claimed above are still delivered (they are in flight under their new
 * receipts either way).
 */
async function fillUp(ctx: PgContext, p: ReceiveParams, max: number, out: ReceivedMessage[], claimed: number[]): Promise<ReceiveResult> {
  let more: ReceiveResult;
  try {
    more = await receiveTx(ctx, { ...p, maxMessages: max - out.length, maxInflight: undefined }, claimed);
  } catch (e) {
    if (out.length) return { messages: out };
    throw e;
  }
  const res: ReceiveResult = { messages: out.concat(more.messages) };
  if (more.nextVisibleAt !== undefined) res.nextVisibleAt = more.nextVisibleAt;
  if (more.deadLettered !== undefined) res.deadLettered = more.deadLettered;
  return res;
}

/**
 * A receive as one transaction: every FIFO receive, and the rare standard receive whose single
 * statement set candidates aside. `seenInit`: messages this receive already claimed.
 */
async function receiveTx(ctx: PgContext, p: ReceiveParams, seenInit: number[]): Promise<ReceiveResult> {
  const result = await ctx.tx(async (t) => {
    const c = t.client;
    const q = await ctx.queues.mustInTx(c, p.queueId);
    const now = t.now;
    const max = Math.max(0, p.maxMessages);

    if (q.fifo && p.attemptId !== undefined) {
      const replay = await replayAttempt(ctx, t, q, p);
      if (replay) return { messages: replay, now, moved: [] };
    }

    if (p.maxInflight !== undefined) {
      const n = await c.query<{ n: number }>(Q_INFLIGHT_COUNT, [q.id, now]);
      checkInflightLimit(q.name, Number(n.rows[0]!.n), p.maxInflight);
    }

    const plan = redrivePlan(q);
    const dlq = plan ? usableDeadLetterQueue(q, await ctx.queues.byNameInTx(c, plan.dlqAccountId, plan.dlqName)) : undefined;
    const maxRc = claimThreshold(plan, dlq !== undefined);
    const cutoff = retentionCutoff(q, now);
    const vis = visibilityMs(p);
    const out: ReceivedMessage[] = [];
    const moved: NonNullable<ReceiveResult['deadLettered']> = [];
    const seen: number[] = [...seenInit];
    const groups = new Set<string>();
    /** FIFO: groups another receiver held when this one wanted them (not retried in this receive). */
    const skipped = new Set<string>();
    /** FIFO: ready rows whose head is gone (see CLAIM_FIFO), to recompute. */
    const stale = new Set<string>();

    for (let round = 0; out.length < max && round < MAX_ROUNDS; round++) {
      const want = max - out.length;
      const rows = (
        await c.query<ClaimRow>({
          name: q.fifo ? 'ferry_claim_fifo' : 'ferry_claim_standard',
          text: q.fifo ? CLAIM_FIFO : CLAIM_STANDARD,
          values: [q.id, now, want, cutoff, maxRc, seen, vis, ...(q.fifo ? [want + seen.length, [...skipped]] : []), ctx.tokens.take(want)],
        })
      ).rows;
      const expired: number[] = [];
      const dead: number[] = [];
      let newlySkipped = 0;
      if (q.fifo && rows[0]) {
        const locked = new Set(rows[0].c_groups ?? []);
        for (const g of locked) groups.add(g);
        for (const g of rows[0].c_stale ?? []) stale.add(g);
        for (const g of rows[0].c_need ?? []) {
          if (!locked.has(g) && !skipped.has(g)) {
            skipped.add(g);
            newlySkipped++;
          }
        }
      }
      for (const r of rows) {
        if (r.c_id === null || r.c_id === undefined) continue;
        seen.push(r.c_id);
        if (r.id !== null && r.id !== undefined) out.push(toReceived(r as MessageRow));
        else if ((r.c_sent ?? 0) <= cutoff) expired.push(r.c_id);
        else dead.push(r.c_id);
      }
      ctx.noteChurn(rows.length);
      if (expired.length) await c.query(Q_DELETE_EXPIRED, [expired]);
      if (dead.length && dlq) moved.push(...(await deadLetter(ctx, t, plan!, dlq, dead)));
      // Nothing was set aside and no wanted group was taken by someone else: nothing more to find.
      if (!expired.length && !dead.length && !newlySkipped) break;
    }
    if (q.fifo) {
      const repair = [...stale].filter((g) => !groups.has(g));
      if (repair.length) {
        const r = await c.query<{ group_id: string }>({ name: 'ferry_lock_stale_groups', text: Q_LOCK_STALE_GROUPS, values: [q.id, repair, now] });
        for (const row of r.rows) groups.add(row.group_id);
      }
      await refreshGroups(ctx, c, q.id, groups, now);
    }

    if (q.fifo && p.attemptId !== undefined) {
      await c.query(Q_ATTEMPT_SAVE, [
        q.id,
        p.attemptId,
        now + p.attemptWindowMs,
        JSON.stringify(out.map((m) => ({ id: Number(m.ref), token: m.receiptToken }))),
      ]);
    }

    const res: { messages: ReceivedMessage[]; now: number; next?: number; moved: typeof moved } = { messages: out, now, moved };
    if (out.length < max) {
      const next = q.fifo
        ? await c.query<{ t: number | null }>({ name: 'ferry_next_fifo', text: Q_NEXT_FIFO, values: [q.id, now] })
        : await c.query<{ t: number | null }>({ name: 'ferry_next_standard', text: Q_NEXT_STANDARD, values: [q.id, now] });
      const v = next.rows[0]?.t;
      if (v !== null && v !== undefined) res.next = v;
    }
    return res;
  });
  const r: ReceiveResult = { messages: result.messages };
  if (result.next !== undefined) r.nextVisibleAt = ctx.localInstant(result.next, result.now);
  if (result.moved.length > 0) r.deadLettered = result.moved;
  return r;
}

/**
 * Move the locked candidate rows `ids` (in candidate order) to the dead-letter queue: same message
 * id, body, attributes, sentAt, receive count and first-receive time; new row id (old receipts of
 * the source cannot reach it); new sequence numbers when the DLQ is FIFO; visible at once;
 * DeadLetterQueueSourceArn from the plan (semantics.redrivePlan). Returns the moves in that order
 * (ReceiveResult.deadLettered: the message id and its reference in the source).
 */
async function deadLetter(
  ctx: PgContext,
  t: Tx,
  plan: RedrivePlan,
  dlq: QueueRecord,
  ids: number[],
): Promise<NonNullable<ReceiveResult['deadLettered']>> {
  const base = dlq.fifo ? await ctx.queues.reserveSeq(t.client, dlq.id, ids.length) : null;
  const moved = await t.client.query<{ group_id: string | null; seq: number | null; message_id: string; src_id: number }>(Q_DEAD_LETTER, [
    ids,
    dlq.id,
    base,
    t.now,
    plan.sourceArn,
  ]);
  if (dlq.fifo) await touchGroups(t.client, dlq.id, insertedHeads(moved.rows, t.now));
  t.wakes.add(dlq.id);
  return moved.rows.map((r) => ({ messageId: r.message_id, ref: String(r.src_id), targetQueueId: dlq.id }));
}

/**
 * ReceiveRequestAttemptId: if every message the attempt delivered is still in flight under the same
 * receipt token (semantics.attemptLive, attemptStillHeld), reset their deadlines and return them
 * again; otherwise undefined (normal receive).
 */
async function replayAttempt(ctx: PgContext, t: Tx, q: QueueRecord, p: ReceiveParams): Promise<ReceivedMessage[] | undefined> {
  const c = t.client;
  const rec = (await c.query<{ expires_at: number; receipts: string }>(Q_ATTEMPT_GET, [q.id, p.attemptId])).rows[0];
  if (!rec) return undefined;
  const attempt = { expiresAt: rec.expires_at, receipts: JSON.parse(rec.receipts) as Array<{ id: number; token: string }> };
  if (!attemptLive(attempt, t.now)) return undefined;
  const ids = attempt.receipts.map((r) => r.id);
  const pre = await c.query<{ group_id: string | null }>(Q_GROUPS_OF_MESSAGES, [q.id, ids]);
  const groups = pre.rows.map((r) => r.group_id).filter((g): g is string => g !== null);
  await lockGroups(c, q.id, groups);
  const rows = await c.query<MessageRow>(Q_MESSAGES_LOCK_ALL, [q.id, ids]);
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  for (const r of attempt.receipts) {
    const row = byId.get(r.id);
    const target = row && { receiptToken: row.receipt_token, inflight: isInflight(row.received, row.visible_at, t.now), receivedAt: row.received_at };
    if (!attemptStillHeld(target, r.token)) return undefined;
  }
  const upd = await c.query<MessageRow>(Q_MESSAGES_SET_VISIBLE, [q.id, ids, visibilityDeadline(t.now, p.visibilityTimeoutMs)]);
  const updated = new Map(upd.rows.map((r) => [r.id, r]));
  await refreshGroups(ctx, c, q.id, groups, t.now);
  return attempt.receipts.map((r) => toReceived(updated.get(r.id)!));
}
