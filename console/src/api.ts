/**
 * The console's only way to the server: the console API (session, login, overview, history, browse,
 * journey) and the SQS API itself, spoken in its JSON 1.0 protocol through POST /console/api/sqs. Every
 * change carries the session's CSRF token; a 401 from any call means the session ended, which the app
 * turns into the login page (see `onSessionLost`).
 */

/** GET /console/api/session. */
export interface Session {
  auth: 'off' | 'sigv4';
  authenticated: boolean;
  accessKeyId?: string;
  readOnly: boolean;
  csrfToken?: string;
  region: string;
  accountId: string;
  version: string;
}

/** src/monitoring/types.ts QueueSnapshot plus the URL and ARN the overview adds. */
export interface QueueSnapshot {
  queueId: string;
  name: string;
  fifo: boolean;
  visible: number;
  inflight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
  groupsWithInflight: number | null;
  sentPerSecond: number;
  receivedPerSecond: number;
  deletedPerSecond: number;
  at: number;
  url: string;
  arn: string;
}

export interface HistoryPoint {
  at: number;
  visible: number;
  inflight: number;
  delayed: number;
  oldestAgeSeconds: number | null;
  sent: number;
  received: number;
  deleted: number;
  emptyReceives: number;
  movedToDlq: number;
}

export interface QueueHistory {
  intervalMs: number;
  points: HistoryPoint[];
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type MessageState = 'visible' | 'inflight' | 'delayed';

export interface BrowsedMessage {
  messageId: string;
  state: MessageState;
  body: string;
  md5OfBody: string;
  size: number;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  deadLetterSourceArn?: string;
  messageAttributes: Record<string, MessageAttributeValue>;
}

export interface BrowseResult {
  messages: BrowsedMessage[];
  nextCursor?: string;
  scanned: number;
}

export type JourneyEventType = 'sent' | 'received' | 'visibilityChanged' | 'deleted' | 'deadLettered' | 'purged' | 'queueDeleted';

export interface JourneyEvent {
  at: number;
  type: JourneyEventType;
  accessKeyId?: string;
  detail: Record<string, unknown>;
}

export interface Journey {
  messageId: string;
  queue: string;
  events: JourneyEvent[];
  truncated: boolean;
}

/** An error answer of either API: the SQS `__type` (without its namespace) or the console API's code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const API = `${import.meta.env.BASE_URL}api`;
let csrfToken: string | undefined;
let sessionLost: (() => void) | undefined;

/** Called when any request answers 401 (the session expired or was logged out elsewhere). */
export function onSessionLost(fn: () => void): void {
  sessionLost = fn;
}

function remember(s: Session): Session {
  csrfToken = s.csrfToken;
  return s;
}

async function readError(res: Response): Promise<ApiError> {
  let code = `HTTP${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as Record<string, unknown>;
    const err = body.error as { code?: string; message?: string } | undefined;
    if (err && typeof err === 'object') {
      code = err.code ?? code;
      message = err.message ?? message;
    } else {
      // SQS JSON errors: {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "…"}
      const type = typeof body.__type === 'string' ? body.__type : undefined;
      if (type) code = type.slice(type.lastIndexOf('#') + 1);
      const m = body.message ?? body.Message;
      if (typeof m === 'string') message = m;
    }
  } catch {
    /* not JSON: keep the status text */
  }
  if (res.status === 401 && code !== 'InvalidCredentials') sessionLost?.();
  return new ApiError(code, message, res.status);
}

async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && csrfToken) h['X-Ferry-Csrf'] = csrfToken;
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, {
      method,
      headers: h,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new ApiError('NetworkError', `Ferry could not be reached (${e instanceof Error ? e.message : String(e)}).`, 0);
  }
  if (!res.ok) throw await readError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export async function getSession(): Promise<Session> {
  return remember(await request<Session>('GET', '/session'));
}

export async function login(accessKeyId: string, secretAccessKey: string): Promise<Session> {
  return remember(await request<Session>('POST', '/login', { accessKeyId, secretAccessKey }));
}

export async function logout(): Promise<void> {
  await request<void>('POST', '/logout');
  csrfToken = undefined;
}

/** One SQS action in the JSON 1.0 protocol, as the session's identity. */
export function sqs<T = Record<string, unknown>>(action: string, input: Record<string, unknown>): Promise<T> {
  return request<T>('POST', '/sqs', input, {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `AmazonSQS.${action}`,
  });
}

export function overview(prefix = ''): Promise<{ queues: QueueSnapshot[] }> {
  return request('GET', `/overview${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ''}`);
}

export function history(queue: string, windowSeconds: number): Promise<QueueHistory> {
  return request('GET', `/queues/${encodeURIComponent(queue)}/history?windowSeconds=${windowSeconds}`);
}

export interface BrowseQuery {
  state: 'all' | MessageState;
  q?: string;
  field?: 'any' | 'body' | 'attribute' | 'messageId' | 'groupId';
  limit?: number;
  cursor?: string;
}

export function browse(queue: string, query: BrowseQuery): Promise<BrowseResult> {
  const p = new URLSearchParams({ state: query.state });
  if (query.q) {
    p.set('q', query.q);
    p.set('field', query.field ?? 'any');
  }
  if (query.limit) p.set('limit', String(query.limit));
  if (query.cursor) p.set('cursor', query.cursor);
  return request('GET', `/queues/${encodeURIComponent(queue)}/messages?${p.toString()}`);
}

/** GET /console/api/permissions: what the session's key may do (docs/console-api.md). */
export interface Permissions {
  account: { CreateQueue: boolean; ListQueues: boolean };
  queue?: { name: string; actions: Partial<Record<QueueAction, boolean>> };
}

export type QueueAction =
  | 'GetQueueUrl'
  | 'GetQueueAttributes'
  | 'SetQueueAttributes'
  | 'SendMessage'
  | 'ReceiveMessage'
  | 'DeleteMessage'
  | 'ChangeMessageVisibility'
  | 'PurgeQueue'
  | 'DeleteQueue'
  | 'ListQueueTags'
  | 'TagQueue'
  | 'UntagQueue'
  | 'ListDeadLetterSourceQueues'
  | 'StartMessageMoveTask'
  | 'ListMessageMoveTasks';

export function permissions(queue?: string): Promise<Permissions> {
  return request('GET', `/permissions${queue === undefined ? '' : `?queue=${encodeURIComponent(queue)}`}`);
}

/** GET /console/api/queues/<name>/encryption: the queue's encryption and its key's state in Ferry's key ring. */
export type Encryption =
  | { mode: 'off' | 'sqs' }
  | {
      mode: 'kms';
      kmsMasterKeyId: string;
      key?: { state: 'missing'; creatable?: string } | { state: 'enabled' | 'disabled'; keyId: string; arn: string; aliases: string[] };
    };

export function encryption(queue: string): Promise<Encryption> {
  return request('GET', `/queues/${encodeURIComponent(queue)}/encryption`);
}

export function journey(queue: string, messageId: string): Promise<Journey> {
  return request('GET', `/queues/${encodeURIComponent(queue)}/messages/${encodeURIComponent(messageId)}/journey`);
}

// ---- typed helpers over the SQS actions the console uses ----

export type Attributes = Record<string, string>;

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, MessageAttributeValue>;
}

export interface MoveTask {
  TaskHandle?: string;
  Status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved?: number;
  ApproximateNumberOfMessagesToMove?: number;
  FailureReason?: string;
  StartedTimestamp?: number;
}

export async function getQueueUrl(name: string): Promise<string> {
  return (await sqs<{ QueueUrl: string }>('GetQueueUrl', { QueueName: name })).QueueUrl;
}

/**
 * The queue's URL: GetQueueUrl, or — when the key may not call it (AccessDenied) but may use the queue
 * otherwise — the URL SQS would answer, built as Ferry builds them (`<endpoint>/<account>/<name>`): the
 * queue's actions take it by its path, so a producer allowed only SendMessage can still send from here.
 */
export async function queueUrlOf(name: string, accountId: string): Promise<string> {
  try {
    return await getQueueUrl(name);
  } catch (e) {
    if (e instanceof ApiError && isAccessDenied(e)) return `${window.location.origin}/${accountId}/${encodeURIComponent(name)}`;
    throw e;
  }
}

/** An AccessDenied answer of either API (SQS JSON: AccessDeniedException or AccessDenied; console API: AccessDenied). */
export function isAccessDenied(e: ApiError | undefined): boolean {
  return e !== undefined && (e.code === 'AccessDenied' || e.code === 'AccessDeniedException');
}

export async function getAttributes(url: string): Promise<Attributes> {
  return (await sqs<{ Attributes?: Attributes }>('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).Attributes ?? {};
}

/**
 * A queue's URL and its attributes, or `attributes` undefined when the key may use the queue without
 * reading them (GetQueueAttributes denied: the pages then say so instead of failing).
 */
export async function queueUrlAndAttributes(name: string, accountId: string): Promise<{ url: string; attributes: Attributes | undefined }> {
  const url = await queueUrlOf(name, accountId);
  try {
    return { url, attributes: await getAttributes(url) };
  } catch (e) {
    if (e instanceof ApiError && isAccessDenied(e)) return { url, attributes: undefined };
    throw e;
  }
}

export async function listTags(url: string): Promise<Record<string, string>> {
  return (await sqs<{ Tags?: Record<string, string> }>('ListQueueTags', { QueueUrl: url })).Tags ?? {};
}

export async function listQueueUrls(): Promise<string[]> {
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const r = await sqs<{ QueueUrls?: string[]; NextToken?: string }>('ListQueues', { MaxResults: 1000, ...(token ? { NextToken: token } : {}) });
    urls.push(...(r.QueueUrls ?? []));
    token = r.NextToken;
  } while (token && urls.length < 10_000);
  return urls;
}

export async function deadLetterSources(url: string): Promise<string[]> {
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const r = await sqs<{ queueUrls?: string[]; NextToken?: string }>('ListDeadLetterSourceQueues', {
      QueueUrl: url,
      MaxResults: 1000,
      ...(token ? { NextToken: token } : {}),
    });
    urls.push(...(r.queueUrls ?? []));
    token = r.NextToken;
  } while (token && urls.length < 10_000);
  return urls;
}

export async function listMoveTasks(sourceArn: string): Promise<MoveTask[]> {
  return (await sqs<{ Results?: MoveTask[] }>('ListMessageMoveTasks', { SourceArn: sourceArn, MaxResults: 10 })).Results ?? [];
}

/** The queue name at the end of a queue URL or ARN. */
export function nameOf(urlOrArn: string): string {
  const sep = urlOrArn.startsWith('arn:') ? ':' : '/';
  return urlOrArn.slice(urlOrArn.lastIndexOf(sep) + 1);
}
