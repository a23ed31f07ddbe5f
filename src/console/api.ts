/**
 * The console API's read routes (GET under /console/api): overview, history, peek/search and journeys.
 * Session, login, logout and the SQS proxy are routed in index.ts. Answers follow docs/console-api.md.
 */
import { queueArn } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { queueUrl } from '../core/queue-url.js';
import type { QueueMonitor } from '../monitoring/types.js';
import { messageBytes } from '../actions/events.js';
import { attributesJson } from '../core/attributes.js';
import type { BrowsedMessage, BrowseField, BrowseState, QueueRecord, StorageEngine } from '../storage/engine.js';
import { BROWSE_DEFAULT_SCAN, BROWSE_FIELDS, BROWSE_MAX_LIMIT, BROWSE_STATES, matchesSearch } from '../storage/semantics/browse.js';
import type { BodyCipher } from '../crypto/index.js';
import { isEnvelope, sseSettingOf } from '../crypto/index.js';
import { SqsError } from '../errors/catalog.js';
import { ConsoleError } from './http.js';
import type { JourneyStore } from './journey.js';
import { historyOf, overviewOf } from './overview.js';

export interface ConsoleApiDeps {
  engine: StorageEngine;
  monitor: QueueMonitor | undefined;
  journeys: JourneyStore;
  clock: Clock;
  region: string;
  /** The default account: the console's account with auth off. */
  accountId: string;
  /** The account a caller's key acts in (ConsoleOptions.accountOf); absent: `accountId`. */
  accountOf?: (accessKeyId: string | undefined) => string;
  queueUrlBase: (host: string | undefined) => string;
  /** Decrypts SSE bodies (peek shows and searches plaintext). Absent: bodies are shown as stored. */
  sse?: BodyCipher;
  /**
   * Authorization of the read routes as the session's identity (the same evaluator as the SQS API):
   * resolves true when allowed; false when denied and `quiet` (overview filters queues out); throws
   * an SqsError AccessDenied otherwise. Absent (auth off): everything is allowed.
   */
  authorize?: ConsoleAuthorize;
  /**
   * Whether a key could create some queue (CreateQueue is decided per name; GET /permissions asks before
   * there is one). Absent (auth off): true.
   */
  mayCreateQueues?: (accessKeyId: string | undefined) => boolean;
}

/**
 * The queue actions GET /permissions?queue= answers for: what the console's queue pages offer (send and
 * receive, edit, purge, delete, tags, redrive, the counts).
 */
export const QUEUE_PERMISSIONS = [
  'GetQueueUrl',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'SendMessage',
  'ReceiveMessage',
  'DeleteMessage',
  'ChangeMessageVisibility',
  'PurgeQueue',
  'DeleteQueue',
  'ListQueueTags',
  'TagQueue',
  'UntagQueue',
  'ListDeadLetterSourceQueues',
  'StartMessageMoveTask',
  'ListMessageMoveTasks',
] as const;

/** The SQS actions the console authorizes itself: its read routes and the questions of GET /permissions. */
export type ConsoleAction = 'ListQueues' | 'CreateQueue' | (typeof QUEUE_PERMISSIONS)[number];

/** Who is asking, for the console's read routes. */
export interface ConsoleCaller {
  accessKeyId: string | undefined;
  sourceIp?: string;
  userAgent?: string;
  /** The request came over TLS (the connection itself, as the API's aws:SecureTransport). */
  secureTransport?: boolean;
}

export type ConsoleAuthorize = (caller: ConsoleCaller, action: ConsoleAction, queueName: string | undefined, quiet?: boolean) => Promise<boolean>;

/** Longest history window a request may ask for (a day) and the default (15 minutes). */
const MAX_HISTORY_S = 86_400;
const DEFAULT_HISTORY_S = 900;

/** Messages per page when the request names no limit. */
const DEFAULT_PAGE = 50;
/** Longest search text. */
const MAX_SEARCH_CHARS = 1_024;

const QUEUE_ROUTE = /^\/queues\/([^/]+)\/(history|messages|encryption)$/;
const JOURNEY_ROUTE = /^\/queues\/([^/]+)\/messages\/([^/]+)\/journey$/;

export class ConsoleApi {
  constructor(private readonly d: ConsoleApiDeps) {}

  /** Answer a GET `route` (path after /console/api) with its JSON value, or throw ConsoleError. */
  async get(route: string, params: URLSearchParams, host: string | undefined, caller: ConsoleCaller = { accessKeyId: undefined }): Promise<unknown> {
    // Every view is of the caller's own account (queues are identified by account and name).
    const account = this.d.accountOf?.(caller.accessKeyId) ?? this.d.accountId;
    if (route === '/overview') {
      await this.allow(caller, 'ListQueues', undefined);
      return this.overview(account, params, host, caller);
    }
    if (route === '/permissions') return this.permissions(params, caller);
    let m = JOURNEY_ROUTE.exec(route);
    if (m) {
      await this.allow(caller, 'ReceiveMessage', segment(m[1]!));
      return this.journey(segment(m[1]!), segment(m[2]!), caller);
    }
    m = QUEUE_ROUTE.exec(route);
    if (m) {
      const name = segment(m[1]!);
      // history and encryption show attributes (GetQueueAttributes); peek and search show messages (ReceiveMessage).
      await this.allow(caller, m[2] === 'messages' ? 'ReceiveMessage' : 'GetQueueAttributes', name);
      if (m[2] === 'encryption') return this.encryption(account, name);
      return m[2] === 'history' ? this.history(account, name, params) : this.messages(account, name, params);
    }
    throw new ConsoleError(404, 'NotFound', `No console API route ${route || '/'}.`);
  }

  /** Authorize a read route; a denial is the SqsError AccessDenied (HTTP 403 in the console API). */
  private async allow(caller: ConsoleCaller, action: ConsoleAction, queue: string | undefined): Promise<void> {
    if (!this.d.authorize) return;
    try {
      await this.d.authorize(caller, action, queue);
    } catch (e) {
      if (e instanceof SqsError && e.code === 'AccessDenied') throw new ConsoleError(403, 'AccessDenied', e.message);
      throw e;
    }
  }

  private async overview(account: string, params: URLSearchParams, host: string | undefined, caller: ConsoleCaller): Promise<unknown> {
    const prefix = params.get('prefix') ?? undefined;
    let snapshots = await overviewOf(this.d.monitor, this.d.engine, account, prefix === '' ? undefined : prefix, this.d.clock.now());
    // Only the queues whose figures the caller may read (GetQueueAttributes), quietly: not a denial.
    const authorize = this.d.authorize;
    if (authorize) {
      const allowed = await Promise.all(snapshots.map((s) => authorize(caller, 'GetQueueAttributes', s.name, true)));
      snapshots = snapshots.filter((_, i) => allowed[i]);
    }
    const base = this.d.queueUrlBase(host);
    return {
      queues: snapshots.map((s) => ({
        ...s,
        url: queueUrl(base, s.accountId, s.name),
        arn: queueArn(this.d.region, s.accountId, s.name),
      })),
    };
  }

  /**
   * What the caller may do, so the console offers only that: in its account (CreateQueue: could some
   * queue be created, whatever its name; ListQueues), and with `queue`, each of QUEUE_PERMISSIONS on that
   * queue — decided as the same requests would be now (the caller's address and transport included),
   * without logging a denial for each. Not a promise: every request is still authorized when it is made.
   */
  private async permissions(params: URLSearchParams, caller: ConsoleCaller): Promise<unknown> {
    const name = params.get('queue') ?? undefined;
    if (name === '') throw new ConsoleError(400, 'InvalidParameterValue', 'queue must be a queue name.');
    const authorize = this.d.authorize;
    const may = async (action: ConsoleAction, queue: string | undefined): Promise<boolean> =>
      authorize === undefined ? true : authorize(caller, action, queue, true);
    const out: { account: Record<string, boolean>; queue?: { name: string; actions: Record<string, boolean> } } = {
      account: {
        CreateQueue: this.d.mayCreateQueues?.(caller.accessKeyId) ?? true,
        ListQueues: await may('ListQueues', undefined),
      },
    };
    if (name !== undefined) {
      const decided = await Promise.all(QUEUE_PERMISSIONS.map((a) => may(a, name)));
      out.queue = { name, actions: Object.fromEntries(QUEUE_PERMISSIONS.map((a, i) => [a, decided[i]!])) };
    }
    return out;
  }

  /**
   * A queue's encryption and the state of its key in Ferry's key ring: SSE-KMS with a KmsMasterKeyId that
   * the ring lacks is accepted when set (as AWS accepts any string) and every send then fails with
   * KmsNotFound; a disabled key fails sends and receives (KmsDisabled). The console says so beside the
   * queue's encryption.
   */
  private async encryption(account: string, name: string): Promise<unknown> {
    const q = await this.queue(account, name);
    const sse = sseSettingOf(q.attributes);
    if (sse.mode !== 'kms') return { mode: sse.mode };
    const out: Record<string, unknown> = { mode: 'kms', kmsMasterKeyId: sse.keyRef };
    if (this.d.sse !== undefined) out.key = this.d.sse.keyStatus(sse.keyRef);
    return out;
  }

  private async history(account: string, name: string, params: URLSearchParams): Promise<unknown> {
    const seconds = intParam(params, 'windowSeconds', DEFAULT_HISTORY_S, 1, MAX_HISTORY_S);
    await this.queue(account, name);
    return historyOf(this.d.monitor, account, name, seconds * 1000);
  }

  /** Peek and search: StorageEngine.messageBrowse, which changes nothing (semantics/browse.ts). */
  private async messages(account: string, name: string, params: URLSearchParams): Promise<unknown> {
    const state = params.get('state') ?? 'all';
    const states: BrowseState[] = [];
    for (const s of state.split(',')) {
      if (s === 'all') continue;
      if (!(BROWSE_STATES as readonly string[]).includes(s)) {
        throw new ConsoleError(400, 'InvalidParameterValue', 'state must be all, visible, inflight or delayed.');
      }
      states.push(s as BrowseState);
    }
    const field = params.get('field') || 'any';
    if (!(BROWSE_FIELDS as readonly string[]).includes(field)) {
      throw new ConsoleError(400, 'InvalidParameterValue', `field must be one of ${BROWSE_FIELDS.join(', ')}.`);
    }
    const text = params.get('q') ?? '';
    if (text.length > MAX_SEARCH_CHARS) throw new ConsoleError(400, 'InvalidParameterValue', `q must be at most ${MAX_SEARCH_CHARS} characters.`);
    const limit = intParam(params, 'limit', DEFAULT_PAGE, 1, BROWSE_MAX_LIMIT);
    const cursor = params.get('cursor') ?? undefined;
    const q = await this.queue(account, name);
    const search = text === '' ? undefined : { text, field: field as BrowseField };
    const start = cursor === '' ? undefined : cursor;
    // Bodies of SSE queues are stored encrypted, so the engines cannot search them: a search that looks
    // at bodies reads pages without the search and matches the decrypted bodies here, with the same
    // bound on the messages examined per call as the engines apply.
    if (search !== undefined && (search.field === 'body' || search.field === 'any') && this.d.sse !== undefined) {
      return this.searchDecrypted(q, states, search, limit, start);
    }
    const r = await this.d.engine.messageBrowse({ queueId: q.id, states, search, limit, cursor: start });
    const out: { messages: unknown[]; nextCursor?: string; scanned: number } = {
      messages: r.messages.map((m) => browsedJson(this.plain(m))),
      scanned: r.scanned,
    };
    if (r.nextCursor !== undefined) out.nextCursor = r.nextCursor;
    return out;
  }

  /**
   * Search bodies after decrypting them: engine pages (no search) of at most the matches still wanted,
   * so the cursor after the last page is exactly where the next call continues; stops after
   * BROWSE_DEFAULT_SCAN messages examined.
   */
  private async searchDecrypted(
    q: QueueRecord,
    states: BrowseState[],
    search: { text: string; field: BrowseField },
    limit: number,
    cursor: string | undefined,
  ): Promise<unknown> {
    const found: BrowsedMessage[] = [];
    let scanned = 0;
    let next = cursor;
    for (;;) {
      const want = limit - found.length;
      const r = await this.d.engine.messageBrowse({ queueId: q.id, states, limit: want, cursor: next, maxScan: BROWSE_DEFAULT_SCAN - scanned });
      scanned += r.scanned;
      for (const m of r.messages) {
        const p = this.plain(m);
        if (matchesSearch(p, search)) found.push(p);
      }
      next = r.nextCursor;
      if (next === undefined || found.length >= limit || scanned >= BROWSE_DEFAULT_SCAN) break;
    }
    const out: { messages: unknown[]; nextCursor?: string; scanned: number } = { messages: found.map(browsedJson), scanned };
    if (next !== undefined) out.nextCursor = next;
    return out;
  }

  /** The message with its plaintext body (an SSE envelope decrypted); `bodyUnavailable` when the key is not there. */
  private plain(m: BrowsedMessage): BrowsedMessage & { encrypted?: boolean; bodyUnavailable?: string } {
    if (this.d.sse === undefined || !isEnvelope(m.body)) return m;
    try {
      return { ...m, body: this.d.sse.decryptBody(m.body), encrypted: true };
    } catch (e) {
      const code = e instanceof SqsError ? e.code : 'DecryptionFailed';
      return { ...m, body: '', encrypted: true, bodyUnavailable: code };
    }
  }

  private async journey(_queueName: string, messageId: string, caller: ConsoleCaller): Promise<unknown> {
    const j = await this.d.journeys.get(messageId, async (id) => (await this.d.engine.queueGetById(id))?.name);
    if (j === undefined) {
      throw new ConsoleError(
        404,
        'JourneyNotFound',
        `No journey is known for message ${messageId} (journeys are kept in memory for a limited time).`,
      );
    }
    // A journey may cross queues (dead-letter moves): every queue in it must be readable by the caller.
    for (const q of new Set(j.events.map((e) => e.queue))) if (q !== _queueName) await this.allow(caller, 'ReceiveMessage', q);
    return { messageId: j.messageId, queue: _queueName, events: j.events, truncated: j.truncated };
  }

  /** The queue `name` of `account`, or 404 QueueDoesNotExist. */
  private async queue(account: string, name: string): Promise<QueueRecord> {
    const q = await this.d.engine.queueGetByName(account, name);
    if (q === undefined) throw new ConsoleError(404, 'QueueDoesNotExist', `The queue ${name} does not exist.`);
    return q;
  }
}

/** A decoded path segment (a queue name or message id), or 400. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ConsoleError(400, 'InvalidParameterValue', 'Malformed percent-encoding in the path.');
  }
}

/** An integer query parameter within [min, max], `fallback` when absent, else 400. */
export function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConsoleError(400, 'InvalidParameterValue', `${name} must be an integer from ${min} to ${max}.`);
  }
  return n;
}

/** A browsed message as the console API shows it (docs/console-api.md: BrowsedMessage). */
export function browsedJson(m: BrowsedMessage & { encrypted?: boolean; bodyUnavailable?: string }): Record<string, unknown> {
  const o: Record<string, unknown> = {
    messageId: m.messageId,
    state: m.state,
    body: m.body,
    md5OfBody: m.md5OfBody,
    size: messageBytes(m),
    sentAt: m.sentAt,
    visibleAt: m.visibleAt,
    receiveCount: m.receiveCount,
  };
  if (m.firstReceivedAt !== undefined) o.firstReceivedAt = m.firstReceivedAt;
  if (m.groupId !== undefined) o.groupId = m.groupId;
  if (m.dedupId !== undefined) o.dedupId = m.dedupId;
  if (m.sequenceNumber !== undefined) o.sequenceNumber = m.sequenceNumber;
  if (m.deadLetterSourceArn !== undefined) o.deadLetterSourceArn = m.deadLetterSourceArn;
  o.senderId = m.senderId;
  if (m.md5OfMessageAttributes !== undefined) o.md5OfMessageAttributes = m.md5OfMessageAttributes;
  o.messageAttributes = attributesJson(m.messageAttributes);
  o.systemAttributes = attributesJson(m.systemAttributes);
  if (m.encrypted) o.encrypted = true;
  if (m.bodyUnavailable !== undefined) o.bodyUnavailable = m.bodyUnavailable;
  return o;
}
