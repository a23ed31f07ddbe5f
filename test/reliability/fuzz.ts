/**
 * The property-based fuzzer (fast-check) over the HTTP, protocol and action layers of a running Ferry:
 * generated requests of every action in both protocols — wrong types, missing and extra fields, huge and
 * empty strings, invalid UTF-8 and lone surrogates, out-of-range and non-integer numbers, malformed and
 * sparse Query indexes (`Attribute.0`, `Attribute.100000`, gaps, duplicates), bad content types and
 * targets, GET forms, and bodies sent with `Transfer-Encoding: chunked` in generated chunk sizes —
 * interleaved with valid traffic so queues and messages exist.
 *
 * The property: every answer is a well-formed SQS answer in the request's protocol (JSON with `__type`
 * on errors; XML that parses), never a 5xx, a hang (each request has a deadline) or a dropped
 * connection, and `/health` keeps answering. Used by fuzz.test.ts (seconds, in `npm test`), `npm run
 * fuzz -- --seconds N` and the reliability campaign.
 */
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { Agent, fetch as undiciFetch } from 'undici';
import { ACTION_NAMES } from '../../src/actions/types.js';

export interface FuzzReport {
  inputs: number;
  /** Of the inputs, how many were sent with Transfer-Encoding: chunked. */
  chunkedInputs: number;
  /** Requests whose answer broke the property (at most 20 kept, with what was sent). */
  failures: string[];
  failureCount: number;
  /**
   * Requests resent on a fresh connection because their first attempt went out on a kept-alive
   * connection the server had already closed as idle (see `exchange`); each counted once in `inputs`.
   */
  resent: number;
  seed: number;
}

const REQUEST_DEADLINE_MS = 30_000;

/** Names that appear as members somewhere in SQS inputs (so generated objects hit real fields). */
const MEMBERS = [
  'QueueUrl',
  'QueueName',
  'MessageBody',
  'DelaySeconds',
  'MaxNumberOfMessages',
  'WaitTimeSeconds',
  'VisibilityTimeout',
  'ReceiptHandle',
  'Entries',
  'Id',
  'Attributes',
  'AttributeNames',
  'MessageAttributes',
  'MessageSystemAttributes',
  'MessageAttributeNames',
  'MessageGroupId',
  'MessageDeduplicationId',
  'ReceiveRequestAttemptId',
  'Tags',
  'TagKeys',
  'tags',
  'QueueNamePrefix',
  'MaxResults',
  'NextToken',
  'Label',
  'AWSAccountIds',
  'Actions',
  'SourceArn',
  'DestinationArn',
  'MaxNumberOfMessagesPerSecond',
  'TaskHandle',
  'QueueOwnerAWSAccountId',
  'DataType',
  'StringValue',
  'BinaryValue',
];

/** Strings that stress decoders: lone surrogates, control characters, huge, empty, numeric-looking. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\uD800', '\uDC00x', '\u0000', '\r\n', '-1', '1e400', 'NaN', '0x10', '1.5', '99999999999999999999', 'All', '.*'),
  fc.integer({ min: 1000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 1, 10, 11, 20, 21, 900, 901, 43_200, 43_201, 2 ** 53, -(2 ** 31), 1.5, Number.MAX_VALUE),
);

const leaf: fc.Arbitrary<unknown> = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 12 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...MEMBERS), fc.string({ maxLength: 8 })), tie('v'), { maxKeys: 6 }),
  ),
})).v;

const actionName = fc.oneof(fc.constantFrom(...ACTION_NAMES), fc.constantFrom('', 'Nope', 'sendmessage', 'AmazonSQS', '../x'));
/** A JSON input: members from the model with generated values, sometimes a known queue's URL. */
const jsonInput = (queueUrls: string[]) =>
  fc
    .dictionary(fc.constantFrom(...MEMBERS), value, { maxKeys: 6 })
    .chain((o) =>
      fc
        .boolean()
        .map((useQueue) => (useQueue && queueUrls.length > 0 ? { ...o, QueueUrl: queueUrls[Object.keys(o).length % queueUrls.length] } : o)),
    );

/** Query parameter names including malformed, sparse and duplicate indexes. */
const queryKey = fc.oneof(
  fc.constantFrom(...MEMBERS),
  fc
    .tuple(
      fc.constantFrom(
        'Attribute',
        'MessageAttribute',
        'SendMessageBatchRequestEntry',
        'DeleteMessageBatchRequestEntry',
        'Tag',
        'AttributeName',
        'TagKey',
      ),
      fc.constantFrom('0', '1', '2', '10', '11', '100000', '-1', 'x', '', '1.5', '01'),
      fc.constantFrom('', '.Name', '.Value', '.Value.StringValue', '.Value.DataType', '.Id', '.MessageBody', '.Key', '.member.1', '.ReceiptHandle'),
    )
    .map(([a, b, c]) => `${a}.${b}${c}`),
  fc.string({ maxLength: 12 }),
);

/** Percent-encoding that keeps a lone surrogate as invalid UTF-8 (ED A0 80) instead of throwing. */
function pct(s: string): string {
  let out = '';
  for (const ch of s) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      out += '%ED%A0%80';
    }
  }
  return out;
}

export type Wire = (
  | { kind: 'json'; action: string; body: Buffer; contentType: string; target: string | undefined }
  | { kind: 'query'; body: string; method: 'POST' | 'GET'; path: string; contentType: string }
) & {
  /** POST bodies: sent with Transfer-Encoding: chunked in pieces of at most this many bytes (0: Content-Length). */
  chunk?: number;
};

const contentTypes = fc.constantFrom(
  'application/x-amz-json-1.0',
  'application/x-amz-json-1.1',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);

const wire = (queueUrls: string[]): fc.Arbitrary<Wire> =>
  fc
    .tuple(
      wireBody(queueUrls),
      // One request in four is chunked: tiny chunks (1 byte), small ones, or the body in one chunk.
      fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.constantFrom(1, 2, 7, 64, 1000, 1 << 20)),
    )
    .map(([w, chunk]) => (chunk > 0 && !(w.kind === 'query' && w.method === 'GET') ? { ...w, chunk } : w));

const wireBody = (queueUrls: string[]): fc.Arbitrary<Wire> =>
  fc.oneof(
    // JSON: a (mostly) valid target, a generated input, sometimes raw bytes or invalid UTF-8.
    fc
      .tuple(actionName, jsonInput(queueUrls), fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 64 })), contentTypes, fc.nat(9))
      .map(([action, input, raw, ct, k]) => ({
        kind: 'json' as const,
        action,
        body: raw !== undefined ? Buffer.from(raw) : Buffer.from(JSON.stringify(input) ?? 'null'),
        contentType: k < 7 ? 'application/x-amz-json-1.0' : ct,
        target: k === 9 ? undefined : k === 8 ? `Other.${action}` : `AmazonSQS.${action}`,
      })),
    // Query: POST form or GET, at / or a queue path, with generated parameters.
    fc
      .tuple(
        actionName,
        fc.array(fc.tuple(queryKey, fc.oneof(nastyString, nastyNumber.map(String))), { maxLength: 10 }),
        fc.boolean(),
        fc.constantFrom('/', '/000000000000/fuzz-q', '/000000000000/', '/x/y'),
        fc.nat(9),
        contentTypes,
      )
      .map(([action, pairs, get, path, k, ct]) => {
        const params = [`Action=${pct(action)}`, 'Version=2012-11-05'];
        for (const [key, v] of pairs) params.push(`${pct(key)}=${k === 0 ? '%ZZ%' : k === 1 ? pct(v) + '%FF%C3' : pct(v)}`);
        if (queueUrls.length > 0 && k % 2 === 1) params.push(`QueueUrl=${pct(queueUrls[0]!)}`);
        return {
          kind: 'query' as const,
          body: params.join('&'),
          method: get ? ('GET' as const) : ('POST' as const),
          path: get && path === '/x/y' ? '/' : path,
          contentType: k < 8 ? 'application/x-www-form-urlencoded' : ct,
        };
      }),
  );

/** Checks one answer; returns a description of what is wrong, or undefined. */
export function checkAnswer(w: Wire, status: number, contentType: string | null, body: string): string | undefined {
  if (status >= 500) return `status ${status}`;
  // Not SQS at all (an unknown GET path, a method, oversized headers): an empty answer is right.
  if ((status === 404 || status === 405 || status === 431) && body === '') return undefined;
  // The protocol is the server's to choose as SQS does: X-Amz-Target or a JSON content type on a POST
  // make it JSON (a form body sent as application/x-amz-json-1.0 is a malformed JSON request).
  const json =
    (w.kind === 'json' && w.target !== undefined) ||
    ((w.kind === 'json' || w.method === 'POST') && w.contentType.startsWith('application/x-amz-json'));
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return `JSON request answered with unparsable body (${contentType}): ${body.slice(0, 200)}`;
    }
    if (typeof parsed !== 'object' || parsed === null) return 'JSON answer is not an object';
    if (status >= 400 && typeof (parsed as { __type?: unknown }).__type !== 'string') return `JSON error without __type: ${body.slice(0, 200)}`;
    return undefined;
  }
  if (XMLValidator.validate(body) !== true) return `Query answer is not XML (${contentType}): ${body.slice(0, 200)}`;
  if (status >= 400 && !body.includes('<Code>')) return `Query error without <Code>: ${body.slice(0, 200)}`;
  return undefined;
}

/** A body fetch sends with Transfer-Encoding: chunked, one chunk per `size` bytes. */
export function chunked(bytes: Buffer, size: number): { body: ReadableStream<Uint8Array>; duplex: 'half' } {
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(new Uint8Array(bytes.subarray(at, at + size)));
      at += size;
    },
  });
  return { body, duplex: 'half' };
}

async function send(base: string, w: Wire, report: FuzzReport): Promise<Answer> {
  // At most 256 chunks a body: the 1-byte chunks of a generated megabyte would keep this process busy
  // making a million stream reads (the fuzz's own clock then runs out, not the server's).
  const payload = (b: Buffer) => (w.chunk ? chunked(b, Math.max(w.chunk, Math.ceil(b.length / 256))) : { body: b });
  if (w.kind === 'json') {
    const headers: Record<string, string> = { 'Content-Type': w.contentType };
    if (w.target !== undefined) headers['X-Amz-Target'] = w.target;
    return exchange(base, () => ({ method: 'POST', headers, ...payload(w.body) }) as RequestInit, report);
  }
  if (w.method === 'GET') return exchange(`${base}${w.path}?${w.body}`, () => ({}), report);
  return exchange(
    base + w.path,
    () => ({ method: 'POST', headers: { 'Content-Type': w.contentType }, ...payload(Buffer.from(w.body)) }) as RequestInit,
    report,
  );
}

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

/**
 * One request and its whole answer. Sent on node's fetch (kept-alive connections, as clients do); when
 * that fails because the server had closed the kept-alive connection it went out on, it is sent once
 * more on a fresh connection (undici, keep-alive off), and only that answer counts — as the SDKs retry
 * such a socket error. The race is the client's: node's server closes a connection idle for 5 s
 * (saying so in `Keep-Alive: timeout=5`) and undici retires it after 4, but this process's event loop,
 * generating megabytes of input on a loaded machine, stalls for longer (measured: up to 4.2 s, 15
 * stalls over 1 s in a 60 s run), and the next request is written to a connection whose close it has
 * not read yet. Only that failure is resent: a socket error on a connection that had read earlier
 * answers (`bytesRead` > 0). A request the server itself drops fails again on the fresh connection,
 * which had read nothing, and is reported.
 */
async function exchange(url: string, init: () => RequestInit, report: FuzzReport): Promise<Answer> {
  const read = async (r: { status: number; headers: { get(n: string): string | null }; text(): Promise<string> }): Promise<Answer> => ({
    status: r.status,
    contentType: r.headers.get('content-type'),
    body: await r.text(),
  });
  try {
    return await read(await fetch(url, { ...init(), signal: AbortSignal.timeout(REQUEST_DEADLINE_MS) }));
  } catch (e) {
    const cause = (e as { cause?: { code?: string; socket?: { bytesRead?: number } } }).cause;
    if (cause?.code !== 'UND_ERR_SOCKET' || !((cause.socket?.bytesRead ?? 0) > 0)) throw e;
  }
  report.resent++;
  const fresh = new Agent({ pipelining: 0 });
  try {
    const r = await undiciFetch(url, { ...init(), signal: AbortSignal.timeout(REQUEST_DEADLINE_MS), dispatcher: fresh } as Parameters<
      typeof undiciFetch
    >[1]);
    return await read(r);
  } finally {
    await fresh.close();
  }
}

/**
 * What a failed fetch says: its message, undici's code and message, and how much the socket had sent and
 * read — a socket that had read before carried earlier requests (a kept-alive connection).
 */
function noAnswer(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string; socket?: { bytesWritten?: number; bytesRead?: number } } }).cause;
  if (cause === undefined) return (e as Error).message;
  const socket = cause.socket ? `; socket had written ${cause.socket.bytesWritten} and read ${cause.socket.bytesRead} bytes` : '';
  return `${(e as Error).message}: ${cause.code ?? ''} ${cause.message ?? ''}${socket}`;
}

/** Valid traffic between the fuzz: queues exist and hold messages, and stay usable. */
async function validTraffic(base: string, queueUrls: string[], i: number, report: FuzzReport): Promise<string | undefined> {
  const call = async (action: string, input: object) => {
    const r = await exchange(
      base,
      () => ({
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${action}` },
        body: JSON.stringify(input),
      }),
      report,
    );
    return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> };
  };
  // The fuzz may delete these queues at any moment (a generated DeleteQueue of a known URL): a
  // QueueDoesNotExist then is a right answer, not a failure; the next round creates the queue again.
  const gone = (b: Record<string, unknown>) => b.__type === 'com.amazonaws.sqs#QueueDoesNotExist';
  const q = await call('CreateQueue', { QueueName: `fuzz-q${i % 3 === 0 ? '' : i % 3}` });
  if (q.status !== 200) return `valid CreateQueue failed: ${JSON.stringify(q.body)}`;
  const url = q.body.QueueUrl as string;
  if (!queueUrls.includes(url)) queueUrls.push(url);
  const s = await call('SendMessage', { QueueUrl: url, MessageBody: `valid ${i}` });
  if (s.status !== 200 && !gone(s.body)) return `valid SendMessage failed: ${JSON.stringify(s.body)}`;
  const r = await call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 1 });
  if (r.status !== 200 && !gone(r.body)) return `valid ReceiveMessage failed: ${JSON.stringify(r.body)}`;
  const health = await exchange(base + '/health', () => ({}), report);
  if (health.status !== 200) return `/health answered ${health.status}`;
  return undefined;
}

/** Run the fuzzer against `base` (http://127.0.0.1:port) for `seconds`. */
export async function runFuzz(base: string, opts: { seconds: number; seed?: number; concurrency?: number }): Promise<FuzzReport> {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const report: FuzzReport = { inputs: 0, chunkedInputs: 0, failures: [], failureCount: 0, resent: 0, seed };
  const queueUrls: string[] = [];
  const fail = (what: string) => {
    report.failureCount++;
    if (report.failures.length < 20) report.failures.push(what);
  };
  const v = await validTraffic(base, queueUrls, 0, report);
  if (v !== undefined) fail(v);
  const end = Date.now() + opts.seconds * 1000;
  // Generated lazily, 50 at a time, each batch from its own derived seed (reproducible from `seed`).
  const arb = wire(queueUrls);
  let batch = 0;
  let buffer: Wire[] = [];
  const nextInput = (): Wire => {
    if (buffer.length === 0) buffer = fc.sample(arb, { seed: seed + batch++, numRuns: 50 });
    return buffer.pop()!;
  };
  const worker = async (n: number) => {
    let i = 0;
    while (Date.now() < end) {
      const w = nextInput();
      try {
        const a = await send(base, w, report);
        report.inputs++;
        if (w.chunk) report.chunkedInputs++;
        const bad = checkAnswer(w, a.status, a.contentType, a.body);
        if (bad !== undefined) fail(`${bad}\n  sent: ${JSON.stringify(w).slice(0, 400)}`);
      } catch (e) {
        fail(`no answer (${noAnswer(e)}) at ${new Date().toISOString()}\n  sent: ${JSON.stringify(w).slice(0, 400)}`);
      }
      if (++i % 20 === 0) {
        const bad = await validTraffic(base, queueUrls, i + n, report).catch((e: Error) => `valid traffic: ${e.message}`);
        if (bad !== undefined) fail(bad);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, (_, n) => worker(n)));
  return report;
}
