/**
 * Crash loop: kill -9 a real Ferry process again and again under mixed load, and check after every
 * restart that nothing acknowledged was lost or resurrected and that no FIFO group was delivered out of
 * order.
 *
 * Load of each round (all through the AWS SDK v3, no retries, so every answer is exactly one attempt):
 *  - standard queue `cl-std` (VisibilityTimeout 3, RedrivePolicy maxReceiveCount 2 → `cl-dlq`):
 *    producers alternate SendMessage and SendMessageBatch; consumers receive 10, return some at once
 *    (ChangeMessageVisibility 0: those come back and, received twice, land in the DLQ), extend others
 *    (ChangeMessageVisibilityBatch) and delete the rest (DeleteMessage / DeleteMessageBatch);
 *  - a DLQ redrive each round: StartMessageMoveTask moves `cl-dlq` back to `cl-std` while the load runs;
 *  - FIFO queue `cl.fifo` (VisibilityTimeout 3): one producer per group sends batches of 3 numbered
 *    messages; consumers receive and delete with DeleteMessageBatch.
 * A round runs the load for `loadMs`, then kill -9s one process (round-robin over the processes); with
 * PostgreSQL, every `pgKillEvery`-th round also kill -9s every process of the PostgreSQL cluster while
 * the other Ferry processes keep serving, and starts it again. The load stops, the killed process is
 * started again on the same data (same port), and the whole state is read without side effects
 * (console peek, GET /console/api/queues/<name>/messages: every message in every state).
 *
 * Oracles, after every restart:
 *  - lost: an acknowledged send (its body) that is in no queue, unless a delete of it was attempted
 *    (a delete cut by the kill may have committed);
 *  - resurrected: a message whose delete was acknowledged that is in a queue;
 *  - FIFO order: a receive returns message k of a group while an earlier message of that group whose
 *    send was acknowledged was neither deleted (delete attempted) nor returned earlier in the same
 *    answer;
 *  - visibility window, checked on every receive, across consumers, processes and restarts: a message
 *    returned by a receive (answered 200, so committed) is not returned again before its visibility
 *    timeout has passed since that receive, unless a ChangeMessageVisibility of it was attempted (then
 *    the window ends at the earliest the change allows: `sentAt + V` if acknowledged, the earlier of the
 *    two ends if not — a change cut by the kill may or may not have committed). The clock is this
 *    process's monotonic one; a receive's window starts at the earliest it can have (when the request
 *    was sent) and a repeat is counted only when its answer arrived before that window's end, so server
 *    latency and long polls can only hide a violation, never invent one.
 * Messages moved by the redrive keep their body, and bodies are unique, so bodies identify messages across
 * queues (message ids are not kept by a move).
 *
 * Every call carries an `x-ferry-op` header naming it (`o<n>`, its action and input kept in the model),
 * so a server that logs what it answered (the power-loss entry's release log) can be checked against
 * the state after a restart (`afterCheck`).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as v3 from '@aws-sdk/client-sqs';
import { makeClient, TEST_CREDENTIALS } from '../../helpers/clients.js';
import { alive, startFerryProcess, type FerryProcess } from '../../helpers/process.js';

export interface CrashLoopOptions {
  storage: 'sqlite' | 'postgres';
  /** Ferry processes killed in turn (SQLite: 1). */
  kills: number;
  /** Ferry processes serving the same store (postgres only; default 1). */
  processes?: number;
  /** postgres: the database URL and how to crash and restart the cluster. */
  pg?: { url: string; kill(): Promise<void>; start(): Promise<void>; every: number };
  /** Load per round before the kill, ms (default 1500). */
  loadMs?: number;
  /** Stop starting rounds after this long, ms (the result says how many kills were done). */
  budgetMs?: number;
  log?: (line: string) => void;
  /** SQLite: the script run instead of the CLI (startFerryProcess `main`), with `env`. */
  main?: string;
  env?: Record<string, string>;
  /** SQLite: called after each kill, before the restart, with the data directory (the power-loss test restores files here). */
  afterKill?: (dataDir: string, kill: number) => void;
  /** SQLite: awaited right before each kill, with the data directory (the power-loss test picks its moment). */
  beforeKill?: (dataDir: string) => Promise<void>;
  /** Called after each restart's state check, with that state and every call made so far (by op id). */
  afterCheck?: (kill: number, view: CrashLoopView) => void;
}

/** A call of the load, as sent (the `x-ferry-op` header names it). */
export interface CrashLoopOp {
  action: string;
  input: Record<string, unknown>;
}

/** What `afterCheck` sees. */
export interface CrashLoopView {
  /** Every message body stored, in any queue and state, after the restart. */
  present: ReadonlySet<string>;
  /** The same messages by message id. */
  stored: ReadonlyMap<string, PeekedMessage>;
  /** Every call made so far, by the op id its `x-ferry-op` header carried. */
  ops: ReadonlyMap<string, CrashLoopOp>;
  /** Bodies a delete was sent for (acknowledged or not). */
  attemptedDeletes: ReadonlySet<string>;
}

export interface CrashLoopResult {
  kills: number;
  pgKills: number;
  ackedSends: number;
  ackedDeletes: number;
  /** Calls made (sends, receives, deletes, visibility changes, move tasks). */
  calls: number;
  /** Redrives (StartMessageMoveTask) started and visibility changes acknowledged. */
  moves: number;
  visibilityChanges: number;
  /** Most messages seen in the DLQ at a check (the redrive had something to move). */
  dlqPeak: number;
  lost: string[];
  resurrected: string[];
  fifoViolations: string[];
  /** A message received again inside the visibility window of an earlier receive (see the oracles). */
  visibilityViolations: string[];
  /** Receives checked by the visibility-window oracle (messages returned, repeats included). */
  receivesChecked: number;
  /** A restart that did not come up, or a check that could not read the state. */
  errors: string[];
}

const VIS_S = 3;
const GROUPS = 4;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now();

/**
 * Visibility-window oracle, on a receive's answer: each message it returned must not be inside the window
 * of an earlier receive (answered at `answeredAt`); its own window then starts at `sentAt`, `visS` long.
 */
function received(m: Model, bodies: string[], sentAt: number, answeredAt: number, visS: number, who: string): void {
  for (const b of bodies) {
    m.receivesChecked++;
    const w = m.windows.get(b);
    if (w !== undefined && answeredAt < w.until) {
      m.visibilityViolations.push(`${b}: received again by ${who} ${Math.round(w.until - answeredAt)} ms before the window of ${w.since} ended`);
    }
    m.windows.set(b, { until: sentAt + visS * 1000, since: `${who}'s receive (${visS} s)` });
  }
}

/**
 * A ChangeMessageVisibility of `body` to `visS`, sent at `sentAt`: before the answer (`acked` false) the
 * window may already end at `sentAt + visS` (a cut change may have committed); once acknowledged it does.
 */
function visibilityChanged(m: Model, body: string, sentAt: number, visS: number, acked: boolean): void {
  const w = m.windows.get(body);
  if (w === undefined) return;
  const end = sentAt + visS * 1000;
  w.until = acked ? end : Math.min(w.until, end);
}

interface Model {
  ackedSends: Set<string>;
  attemptedDeletes: Set<string>;
  ackedDeletes: Set<string>;
  /** FIFO: acknowledged sequence numbers of each group, ascending. */
  fifoAcked: number[][];
  nextSeq: number[];
  fifoViolations: string[];
  /** Per message body: the earliest end of its current invisibility (ms, `now()`), and how it began. */
  windows: Map<string, { until: number; since: string }>;
  visibilityViolations: string[];
  receivesChecked: number;
  counter: number;
  calls: number;
  /** Redrives started, visibility changes acknowledged. */
  moves: number;
  visibilityChanges: number;
  ops: Map<string, CrashLoopOp>;
}

/** A JSON-protocol client (AWS SDK v3, one attempt) whose calls carry their op id as `x-ferry-op`. */
function opClient(endpoint: string) {
  const client = new v3.SQSClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  return {
    async call(action: string, input: Record<string, unknown>, op: string): Promise<Record<string, unknown>> {
      const Cmd = (v3 as unknown as Record<string, new (i: unknown) => v3.SQSClient extends never ? never : object>)[`${action}Command`];
      if (!Cmd) throw new Error(`no v3 command ${action}`);
      const cmd = new Cmd(input) as { middlewareStack: v3.SQSClient['middlewareStack'] };
      cmd.middlewareStack.add(
        (next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-ferry-op'] = op;
          return next(args);
        },
        { step: 'build', name: 'ferryOpId' },
      );
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (await client.send(cmd as any)) as unknown as Record<string, unknown>;
    },
    destroy: () => client.destroy(),
  };
}

/** A message as the console's peek shows it (the fields the checks use). */
export interface PeekedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}

/** Every message body in `queue`, in every state, without changing anything (console peek). */
export async function peekAll(url: string, queue: string): Promise<string[]> {
  return (await peekMessages(url, queue)).map((m) => m.body);
}

/** Every message in `queue`, in every state, without changing anything (console peek). */
export async function peekMessages(url: string, queue: string): Promise<PeekedMessage[]> {
  const bodies: PeekedMessage[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const u = new URL(`${url}/console/api/queues/${encodeURIComponent(queue)}/messages`);
    u.searchParams.set('limit', '100');
    if (cursor !== undefined) u.searchParams.set('cursor', cursor);
    const r = await fetch(u);
    if (r.status !== 200) throw new Error(`peek ${queue}: HTTP ${r.status} ${await r.text()}`);
    const j = (await r.json()) as { messages: PeekedMessage[]; nextCursor?: string };
    for (const m of j.messages) bodies.push({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount });
    if (j.nextCursor === undefined) return bodies;
    cursor = j.nextCursor;
  }
  throw new Error(`peek ${queue}: too many pages`);
}

/** Is a FIFO message (group g, seq k) returned out of order? `before`: seqs of g earlier in the same answer. */
function fifoOutOfOrder(m: Model, g: number, k: number, before: Set<number>): number | undefined {
  for (const j of m.fifoAcked[g]!) {
    if (j >= k) return undefined;
    if (!m.attemptedDeletes.has(`f:${g}:${j}`) && !before.has(j)) return j;
  }
  return undefined;
}

async function round(m: Model, urls: string[], arns: { dlq: string }, stop: { now: boolean }): Promise<Promise<void>[]> {
  const clients = urls.map((u) => opClient(u));
  const qurl = (i: number, name: string) => `${urls[i % urls.length]}/000000000000/${name}`;
  const call = async (i: number, action: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    m.calls++;
    const op = `o${m.ops.size}`;
    m.ops.set(op, { action, input });
    return clients[i % clients.length]!.call(action, input, op);
  };
  /**
   * Run `fn` until stopped. An error the server answered (a 503 while PostgreSQL restarts, an expired
   * FIFO receipt handle) is an unacknowledged call: go on. No answer at all: the process died, so this
   * worker stops until the next round.
   */
  const loop = async (fn: () => Promise<void>) => {
    while (!stop.now) {
      try {
        await fn();
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === undefined) return;
        if (status >= 500) await sleep(100);
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let p = 0; p < 2; p++) {
    let n = 0;
    workers.push(
      loop(async () => {
        const ids = Array.from({ length: n % 2 === 0 ? 5 : 1 }, () => `s:${m.counter++}`);
        const node = p + n++;
        if (ids.length === 1) await call(node, 'SendMessage', { QueueUrl: qurl(node, 'cl-std'), MessageBody: ids[0] });
        else {
          const r = await call(node, 'SendMessageBatch', {
            QueueUrl: qurl(node, 'cl-std'),
            Entries: ids.map((b, i) => ({ Id: `e${i}`, MessageBody: b })),
          });
          if (((r.Failed as unknown[] | undefined) ?? []).length > 0) throw new Error('batch entries failed');
        }
        for (const id of ids) m.ackedSends.add(id);
      }),
    );
  }
  for (let g = 0; g < GROUPS; g++) {
    workers.push(
      loop(async () => {
        const seqs = [0, 1, 2].map(() => m.nextSeq[g]!++);
        const bodies = seqs.map((k) => `f:${g}:${k}`);
        const r = await call(g, 'SendMessageBatch', {
          QueueUrl: qurl(g, 'cl.fifo'),
          Entries: bodies.map((b, i) => ({ Id: `e${i}`, MessageBody: b, MessageGroupId: `g${g}`, MessageDeduplicationId: b })),
        });
        if (((r.Failed as unknown[] | undefined) ?? []).length > 0) throw new Error('FIFO batch entries failed');
        for (const b of bodies) m.ackedSends.add(b);
        m.fifoAcked[g]!.push(...seqs);
      }),
    );
  }
  let rng = 1;
  const roll = () => ((rng = (rng * 1103515245 + 12345) & 0x7fffffff) % 1000) / 1000;
  for (let c = 0; c < 2; c++) {
    let n = 0;
    workers.push(
      loop(async () => {
        const node = c + n++;
        const url = qurl(node, 'cl-std');
        const sentAt = now();
        const r = await call(node, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
        const msgs = (r.Messages as Array<{ Body: string; ReceiptHandle: string }> | undefined) ?? [];
        received(
          m,
          msgs.map((x) => x.Body),
          sentAt,
          now(),
          VIS_S,
          `std consumer ${c} on node ${node % urls.length}`,
        );
        const keep: typeof msgs = [];
        const extend: typeof msgs = [];
        for (const x of msgs) {
          const dice = roll();
          if (dice < 0.15) {
            const at = now();
            visibilityChanged(m, x.Body, at, 0, false);
            await call(node, 'ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: x.ReceiptHandle, VisibilityTimeout: 0 });
            visibilityChanged(m, x.Body, at, 0, true);
            m.visibilityChanges++;
          } else if (dice < 0.3) extend.push(x);
          else keep.push(x);
        }
        if (extend.length > 0) {
          const at = now();
          for (const x of extend) visibilityChanged(m, x.Body, at, VIS_S + 2, false);
          const v = await call(node, 'ChangeMessageVisibilityBatch', {
            QueueUrl: url,
            Entries: extend.map((x, i) => ({ Id: `v${i}`, ReceiptHandle: x.ReceiptHandle, VisibilityTimeout: VIS_S + 2 })),
          });
          for (const ok of (v.Successful as Array<{ Id: string }> | undefined) ?? []) {
            visibilityChanged(m, extend[Number(ok.Id.slice(1))]!.Body, at, VIS_S + 2, true);
          }
          m.visibilityChanges += extend.length;
          keep.push(...extend);
        }
        if (keep.length === 1) {
          m.attemptedDeletes.add(keep[0]!.Body);
          await call(node, 'DeleteMessage', { QueueUrl: url, ReceiptHandle: keep[0]!.ReceiptHandle });
          m.ackedDeletes.add(keep[0]!.Body);
        } else if (keep.length > 1) {
          for (const x of keep) m.attemptedDeletes.add(x.Body);
          const d = await call(node, 'DeleteMessageBatch', {
            QueueUrl: url,
            Entries: keep.map((x, i) => ({ Id: `d${i}`, ReceiptHandle: x.ReceiptHandle })),
          });
          for (const ok of (d.Successful as Array<{ Id: string }> | undefined) ?? []) m.ackedDeletes.add(keep[Number(ok.Id.slice(1))]!.Body);
        }
      }),
    );
    workers.push(
      loop(async () => {
        const node = c + n++;
        const url = qurl(node, 'cl.fifo');
        const sentAt = now();
        const r = await call(node, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
        const msgs = (r.Messages as Array<{ Body: string; ReceiptHandle: string }> | undefined) ?? [];
        received(
          m,
          msgs.map((x) => x.Body),
          sentAt,
          now(),
          VIS_S,
          `FIFO consumer ${c} on node ${node % urls.length}`,
        );
        const seen = new Map<number, Set<number>>();
        for (const x of msgs) {
          const [, gs, ks] = x.Body.split(':');
          const g = Number(gs);
          const k = Number(ks);
          const before = seen.get(g) ?? new Set<number>();
          const j = fifoOutOfOrder(m, g, k, before);
          if (j !== undefined) m.fifoViolations.push(`group ${g}: received ${k} while ${j} was not deleted`);
          before.add(k);
          seen.set(g, before);
        }
        if (msgs.length === 0) return;
        for (const x of msgs) m.attemptedDeletes.add(x.Body);
        const d = await call(node, 'DeleteMessageBatch', {
          QueueUrl: url,
          Entries: msgs.map((x, i) => ({ Id: `d${i}`, ReceiptHandle: x.ReceiptHandle })),
        });
        for (const ok of (d.Successful as Array<{ Id: string }> | undefined) ?? []) m.ackedDeletes.add(msgs[Number(ok.Id.slice(1))]!.Body);
      }),
    );
  }
  // The redrive of this round: moves what is in the DLQ back to the source while the load runs.
  workers.push(
    (async () => {
      await sleep(300);
      try {
        await call(0, 'StartMessageMoveTask', { SourceArn: arns.dlq });
        m.moves++;
      } catch {
        // A task still running from the round before (AlreadyExists) or the process died: both fine.
      }
    })(),
  );
  // One promise: every worker ended, then the clients are released.
  return [Promise.all(workers).then(() => clients.forEach((c) => c.destroy()))];
}

export async function runCrashLoop(o: CrashLoopOptions): Promise<CrashLoopResult> {
  const log = o.log ?? (() => undefined);
  const nproc = o.storage === 'postgres' ? (o.processes ?? 1) : 1;
  const loadMs = o.loadMs ?? 1500;
  const started = Date.now();
  const m: Model = {
    ackedSends: new Set(),
    attemptedDeletes: new Set(),
    ackedDeletes: new Set(),
    fifoAcked: Array.from({ length: GROUPS }, () => []),
    nextSeq: Array.from({ length: GROUPS }, () => 0),
    fifoViolations: [],
    windows: new Map(),
    visibilityViolations: [],
    receivesChecked: 0,
    counter: 0,
    calls: 0,
    moves: 0,
    visibilityChanges: 0,
    ops: new Map(),
  };
  const res: CrashLoopResult = {
    kills: 0,
    pgKills: 0,
    ackedSends: 0,
    ackedDeletes: 0,
    calls: 0,
    moves: 0,
    visibilityChanges: 0,
    dlqPeak: 0,
    lost: [],
    resurrected: [],
    fifoViolations: [],
    visibilityViolations: [],
    receivesChecked: 0,
    errors: [],
  };
  const pgArgs = o.storage === 'postgres' ? { databaseUrl: o.pg!.url } : {};
  const nodes: FerryProcess[] = [];
  /** Every process started (each PostgreSQL one has a data directory of its own to remove). */
  const all: FerryProcess[] = [];
  // Processes sharing a PostgreSQL store share the key ring of its managed key (encryption at rest).
  const keyDir = mkdtempSync(join(tmpdir(), 'ferry-crashloop-keys-'));
  const args = ['--metrics', 'off', '--kms-key-ring', join(keyDir, 'keyring.json')];
  const first = await startFerryProcess({ storage: o.storage, ...pgArgs, args, main: o.main, env: o.env }).catch((e: unknown) => {
    rmSync(keyDir, { recursive: true, force: true });
    throw e;
  });
  nodes.push(first);
  all.push(first);
  const schema = first.databaseSchema;
  const start = (i: number, port?: number) =>
    startFerryProcess({
      storage: o.storage,
      ...pgArgs,
      databaseSchema: schema,
      dataDir: o.storage === 'sqlite' ? first.dataDir : undefined,
      port,
      args,
      main: o.main,
      env: o.env,
      timeoutMs: 30_000,
    }).then((f) => {
      all.push(f);
      return (nodes[i] = f);
    });
  try {
    for (let i = 1; i < nproc; i++) await start(i);
    const c = makeClient('json', first.url);
    const dlq = (await c.call('CreateQueue', { QueueName: 'cl-dlq' })).QueueUrl as string;
    const dlqArn = (await c.call('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] })).Attributes.QueueArn as string;
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
    await c.call('CreateQueue', { QueueName: 'cl-std', Attributes: { VisibilityTimeout: String(VIS_S), RedrivePolicy: redrive } });
    await c.call('CreateQueue', { QueueName: 'cl.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: String(VIS_S) } });
    c.destroy();

    for (let k = 0; k < o.kills; k++) {
      if (o.budgetMs !== undefined && Date.now() - started > o.budgetMs) {
        log(`time budget spent after ${k} kills`);
        break;
      }
      const victim = k % nproc;
      const stop = { now: false };
      const workers = await round(
        m,
        nodes.map((n) => n.url),
        { dlq: dlqArn },
        stop,
      );
      const pgKill = o.pg !== undefined && (k + 1) % o.pg.every === 0;
      await sleep(loadMs / (pgKill ? 2 : 1));
      if (pgKill) {
        await o.pg!.kill();
        res.pgKills++;
        await sleep(300);
        await o.pg!.start();
        await sleep(loadMs / 2);
      }
      const port = nodes[victim]!.port;
      await o.beforeKill?.(first.dataDir);
      await nodes[victim]!.kill9();
      res.kills++;
      stop.now = true;
      await Promise.all(workers);
      try {
        o.afterKill?.(first.dataDir, k + 1);
        await start(victim, port);
      } catch (e) {
        res.errors.push(`restart after kill ${k + 1}: ${(e as Error).message.slice(0, 500)}`);
        break;
      }
      // The state after the restart, read from the restarted process.
      let present: Set<string>;
      let stored: PeekedMessage[];
      try {
        const url = nodes[victim]!.url;
        const inDlq = await peekMessages(url, 'cl-dlq');
        res.dlqPeak = Math.max(res.dlqPeak, inDlq.length);
        stored = [...(await peekMessages(url, 'cl-std')), ...inDlq, ...(await peekMessages(url, 'cl.fifo'))];
        present = new Set(stored.map((x) => x.body));
      } catch (e) {
        res.errors.push(`check after kill ${k + 1}: ${(e as Error).message}`);
        break;
      }
      const lost = [...m.ackedSends].filter((b) => !present.has(b) && !m.attemptedDeletes.has(b));
      const resurrected = [...m.ackedDeletes].filter((b) => present.has(b));
      log(
        `kill ${k + 1}${pgKill ? ' (+ PostgreSQL)' : ''}: ${m.ackedSends.size} sends, ${m.ackedDeletes.size} deletes acknowledged, ` +
          `${present.size} messages stored (DLQ ${res.dlqPeak} at most), ${m.moves} redrives, ${m.visibilityChanges} visibility changes; lost ${lost.length}, resurrected ${resurrected.length}, FIFO violations ${m.fifoViolations.length}, ` +
          `visibility-window violations ${m.visibilityViolations.length} (${m.receivesChecked} receives checked)`,
      );
      for (const b of lost) if (!res.lost.includes(b)) res.lost.push(b);
      o.afterCheck?.(k + 1, { present, stored: new Map(stored.map((x) => [x.messageId, x])), ops: m.ops, attemptedDeletes: m.attemptedDeletes });
      for (const b of resurrected) if (!res.resurrected.includes(b)) res.resurrected.push(b);
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
    for (const n of all) n.cleanup();
    rmSync(keyDir, { recursive: true, force: true });
  }
  res.ackedSends = m.ackedSends.size;
  res.ackedDeletes = m.ackedDeletes.size;
  res.calls = m.calls;
  res.moves = m.moves;
  res.visibilityChanges = m.visibilityChanges;
  res.fifoViolations = m.fifoViolations;
  res.visibilityViolations = m.visibilityViolations;
  res.receivesChecked = m.receivesChecked;
  return res;
}

/** A private PostgreSQL cluster the crash loop can kill -9 and start again (scripts/test.mjs startCluster). */
export interface KillableCluster {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): void;
}

/** The repository root: the nearest parent of this file holding scripts/test.mjs. */
function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'scripts', 'test.mjs'))) return d;
    d = resolve(d, '..');
  }
  throw new Error('scripts/test.mjs not found (it provides the private-cluster helpers)');
}

/**
 * Start a private cluster (initdb into a temp dir, fsync on; as root it runs as `postgres`), or explain
 * why not (a string).
 */
export async function killableCluster(): Promise<KillableCluster | string> {
  const mod = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'test.mjs')).href)) as {
    findPgBin(): string | undefined;
    startCluster(bin: string): Promise<{ url: string; ctl: string; stop(): void }>;
  };
  const bin = mod.findPgBin();
  if (!bin) return 'PostgreSQL server binaries not found (apt-get install postgresql, or set FERRY_PG_BINDIR)';
  const c = await mod.startCluster(bin);
  const ctl = JSON.parse(c.ctl) as { pgCtl: string; dataDir: string; runAs: string | null; logFile: string; opts: string };
  return {
    url: c.url,
    async kill() {
      // The postmaster and every child of it (backends, checkpointer, WAL writer…): a crash, not a shutdown.
      const pid = Number(readFileSync(join(ctl.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const kids = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .map((s) => Number(s.trim()))
        .filter((n) => n > 0);
      for (const p of [pid, ...kids]) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      for (let i = 0; i < 100 && [pid, ...kids].some(alive); i++) await sleep(50);
    },
    async start() {
      const args = ['-D', ctl.dataDir, '-l', ctl.logFile, '-o', ctl.opts, '-w', '-t', '60', 'start'];
      const [cmd, full] = ctl.runAs ? ['runuser', ['-u', ctl.runAs, '--', ctl.pgCtl, ...args]] : [ctl.pgCtl, args];
      await new Promise<void>((res, rej) =>
        execFile(cmd, full, { timeout: 90_000 }, (err, _out, stderr) => (err ? rej(new Error(`pg_ctl start: ${stderr || err.message}`)) : res())),
      );
    },
    stop: () => c.stop(),
  };
}
