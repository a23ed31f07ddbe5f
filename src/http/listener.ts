/**
 * The one HTTP listener. Routes:
 *
 *   GET  /health                        200 {"status":"ok"} when ready, 503 otherwise
 *   POST /   (any path)                 JSON 1.0 (X-Amz-Target) or Query (form body)
 *   POST /<account>/<queue>             Query sent to a queue URL (aws-sdk v2, botocore): QueueUrl from path
 *   GET  /?Action=…                     Query in the URL
 *   GET  /<account>/<queue>?Action=…    Query in the URL, QueueUrl from the path
 *   anything `opts.extraRoutes` claims  (metrics, console) — consulted first
 *
 * Per request: a request id (UUID) in `x-amzn-RequestId`, node's accurate `Date` header (SDKs correct
 * clock skew from it), a body limit enforced while streaming, a cancellation that fires when the client
 * disconnects or the server shuts down (long polls then answer empty at once), one log line (at warn
 * when slow), and one report to `onRequest` (metrics).
 *
 * Lean on purpose (a benchmark holds us to ≥ 0.85× a bare node:http server): no framework, no URL
 * object, a single-chunk body is used without copying, and the JSON path is JSON.parse + a model walk.
 */

import http from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import type { ActionName } from '../actions/types.js';
import type { ListenerLimits } from '../config/schema.js';
import { parseQueueArn } from '../core/arn.js';
import { fastUuid } from '../core/random.js';
import { Cancellation, type CancelSignal } from '../core/cancel.js';
import { bodyMemoryExhausted, requestBodyTooLarge } from '../errors/messages.js';
import { SqsError } from '../errors/catalog.js';
import { unexpectedCause } from '../errors/map.js';
import { decodeRequest, detectProtocol, encodeError, encodeOutput, protocolOf, type EncodedResponse, type WireProtocol } from '../protocol/index.js';
import { queueNameFromUrl } from '../protocol/shared.js';
import type { SigV4Verifier } from './sigv4.js';
import type { TlsContext } from './tls.js';

/** What the action layer learns about the request besides its typed input. */
export interface RequestMeta {
  /** UUID, also sent as `x-amzn-RequestId` and in Query `<RequestId>`. */
  requestId: string;
  protocol: 'json' | 'query';
  /** `Host` header (for queue URLs when no public base URL is configured). */
  host: string | undefined;
  /** `X-Amzn-Trace-Id` header: becomes AWSTraceHeader when the message has none. */
  traceHeader: string | undefined;
  /** Cancelled when the client disconnects or the server shuts down. */
  signal: CancelSignal;
  /** The access key id that signed the request, when SigV4 verification is on (authorization's caller). */
  accessKeyId?: string;
  /** The request came over TLS (policy condition key aws:SecureTransport). */
  secureTransport: boolean;
  /** The socket's peer address (`aws:SourceIp`). */
  sourceIp?: string;
  /** `User-Agent` header (`aws:UserAgent`). */
  userAgent?: string;
  /**
   * Set by a ReceiveMessage long poll: its wait in ms (the slow-request rule does not count it). The
   * composition root passes a setter into the action context.
   */
  longPollMs?: number;
}

/** Runs one action. Resolves with its output (seam 1) or rejects with an SqsError. */
export type Dispatch = (action: ActionName, input: unknown, meta: RequestMeta) => Promise<unknown>;

/** The pino subset we use (pino's `(obj, msg)` call style). */
export interface HttpLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
  debug?(o: object, msg?: string): void;
  /**
   * Whether a record at `level` would be written (pino's). Absent: always. The per-request access
   * record (info) is not even built when info is off: it is dropped anyway, and building it (the
   * queue and account a request names, the claimed key) was a measurable part of a request's CPU.
   */
  isLevelEnabled?(level: string): boolean;
}

export interface HttpServerOptions {
  dispatch: Dispatch;
  logger: HttpLogger;
  /** Extra routes (metrics, console), tried first; return true when the request was handled. */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** Readiness for `/health` (default: always ready). */
  isReady?: () => boolean;
  /**
   * Extra detail for a ready `/health` (the storage's disk state when it is not `ok`): the answer is then
   * 200 `{"status":"ok"|"degraded", ...detail}` instead of `{"status":"ok"}`. Undefined: all is well.
   */
  healthDetail?: () => { degraded: boolean; detail: Record<string, unknown> } | undefined;
  /** Idle keep-alive timeout (default 5 s, node's default; SDK agents reuse sockets within it). */
  keepAliveTimeoutMs?: number;
  /**
   * Limits that hold against hostile or broken clients, from the config (`listenerLimits(config)` in
   * src/config/schema.ts, whose defaults are the only ones). The timeouts cover *receiving* a request
   * only: a long poll, whose request arrived at once and whose response waits up to 20 s, is not cut.
   */
  limits: HttpLimits;
  /** How long close() waits for in-flight requests before cutting connections (default 10 s). */
  closeTimeoutMs?: number;
  /**
   * Every SQS request once answered: its action (undefined when it could not be decoded), `OK` or the
   * SQS error code it was answered with, and its duration in ms (metrics). Must be cheap and not throw.
   */
  onRequest?: (action: string | undefined, code: string, ms: number) => void;
  /**
   * Requests slower than this (ms) are logged at warn as 'slow request' instead of info 'request'. A long
   * poll's wait (RequestMeta.longPollMs) is subtracted first: a poll that waited its 20 s is not slow, one
   * whose receive then took 2 s more is. 0 or absent: never.
   */
  slowRequestMs?: number;
  /**
   * SigV4 verification (`auth: sigv4`): every SQS request must be signed by a known key. It runs after
   * the body is read (the payload hash covers it) and before decoding; failures are answered in the
   * request's protocol. Absent: any request is accepted (`auth: off`).
   */
  verifier?: SigV4Verifier;
  /**
   * The account a verified access key acts in (with no verifier: called with undefined, the default
   * account). The request log's `account` is the queue's account: the one the request names (its
   * QueueUrl's account segment, QueueOwnerAWSAccountId, a queue ARN's account), else this one, the
   * caller's own; `callerAccount` is added when the two differ (a cross-account call). Absent: only
   * accounts the request names are logged.
   */
  accountOf?: (accessKeyId: string | undefined) => string;
  /**
   * Serve HTTPS instead of HTTP (same routes, same handler), with the context's certificate; the
   * context's reloads reach this server. Absent: plain HTTP.
   */
  tls?: Pick<TlsContext, 'serverOptions' | 'attach'>;
}

/** A running listener. */
export interface FerryHttpServer {
  readonly server: http.Server | https.Server;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<{ port: number }>;
  /**
   * Graceful shutdown: stop accepting connections, abort every request's signal (long polls return
   * empty), wait for in-flight requests to be answered, then close idle keep-alive sockets.
   */
  close(): Promise<void>;
}

/** Resource limits of the listener: the config's settings of the same names (documented, with their defaults, there). */
export type HttpLimits = ListenerLimits;

/**
 * Bodies at least this large (by Content-Length) are read into one buffer of the declared size as they
 * arrive, instead of keeping the socket's chunks and concatenating them at the end: the chunks are then
 * short-lived (freed right away, not pinned for the whole upload) and there is no second, concatenated
 * copy. Smaller bodies keep the zero-copy single-chunk path (the benchmark's hot path).
 */
const PREALLOCATE_FROM_BYTES = 64 * 1024;

/**
 * A refused body (too large, or over the memory budget) is answered at once and the rest of it read and
 * discarded — a "lingering close", as web servers do: a server that stops reading while the client is
 * still writing makes the kernel reset the connection, and the client loses the answer (EPIPE). Reading
 * to throw away costs no memory; these bound what a client that never stops sending can take. A refused
 * body is discarded within the time its request had anyway (`requestTimeoutMs`, from the request's
 * start: a client the load stalls mid-upload still gets its 413, as it would have got an answer to an
 * accepted body); these three apply to a refused header section, and the byte bound to both.
 */
const LINGER_IDLE_MS = 2_000;
const LINGER_MAX_MS = 10_000;
const LINGER_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A request node's parser refused (headers over maxHeaderBytes, malformed HTTP) or a timeout. As node
 * does by default, answer with a bare status and close — but for a parse error, keep reading (and
 * discarding) what the client is still sending, within the linger bounds, before the socket is closed:
 * destroying a socket with unread data resets it, and the client would lose the answer (a 300 KB query
 * string then reads as ECONNRESET rather than 431). A timed-out client is cut at once: it is the slow one.
 */
function onClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const status = timeout ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const answer = `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
  if (timeout) {
    socket.write(answer);
    socket.destroy();
    return;
  }
  // The parser is done with this connection: what arrives now is only counted and dropped. Once the
  // answer is written (it was queued first), the socket is cut.
  const cut = (): void => {
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  lingerDiscarding(socket, cut, LINGER_IDLE_MS, LINGER_MAX_MS);
  // The client has ended its side: nothing more to read, and the answer is on its way.
  socket.once('end', cut);
  socket.end(answer);
}

/**
 * The lingering close of a refused request: drop what `stream` delivers from now on (its other 'data'
 * listeners are removed) and let it flow, calling `cut` when the client goes past a bound — silent for
 * `idleMs`, still sending after `maxMs`, more than LINGER_MAX_BYTES discarded (`cut` may then be called
 * again for each later chunk). The timers stop when the stream closes, or earlier when the caller calls
 * the function returned (what the stream's end means is the caller's to say).
 */
function lingerDiscarding(stream: Readable, cut: () => void, idleMs: number, maxMs: number): () => void {
  stream.removeAllListeners('data');
  let discarded = 0;
  let idle: NodeJS.Timeout | undefined;
  const deadline = setTimeout(cut, maxMs).unref();
  const touch = (): void => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(cut, idleMs).unref();
  };
  const stop = (): void => {
    clearTimeout(deadline);
    if (idle) clearTimeout(idle);
  };
  stream.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_MAX_BYTES) cut();
    else touch();
  });
  stream.once('close', stop);
  touch();
  stream.resume();
  return stop;
}

const HEALTH_OK = '{"status":"ok"}';
const HEALTH_UNAVAILABLE = '{"status":"unavailable"}';

/** Creates the HTTP listener (not yet listening). */
export function createHttpServer(opts: HttpServerOptions): FerryHttpServer {
  const { dispatch, logger } = opts;
  const limits = opts.limits;
  const maxBody = limits.maxBodyBytes;
  const isReady = opts.isReady ?? (() => true);
  const extraRoutes = opts.extraRoutes;
  const verifier = opts.verifier;
  const accountOf = opts.accountOf;
  const onRequest = opts.onRequest;
  const slowMs = opts.slowRequestMs ?? 0;
  // node refuses a headers timeout longer than the request timeout; the request timeout bounds both.
  const requestTimeout = limits.requestTimeoutMs;
  const headersTimeout = requestTimeout > 0 ? Math.min(limits.headersTimeoutMs, requestTimeout) : limits.headersTimeoutMs;
  const nodeOptions: http.ServerOptions = {
    headersTimeout,
    requestTimeout,
    maxHeaderSize: limits.maxHeaderBytes,
    // node checks the two timeouts on this interval (default 30 s, which added up to 30 s to each).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(Math.min(headersTimeout || 4000, requestTimeout || 4000) / 4))),
  };
  /** Bytes of request bodies being read now (maxBufferedBodyBytes). */
  let bufferedBytes = 0;

  /** Controllers of requests not yet answered; close() aborts them and waits for the set to empty. */
  const inFlight = new Set<Cancellation>();
  let drainWaiter: (() => void) | undefined;
  let closing = false;

  const tls = opts.tls;
  const secureTransport = tls !== undefined;
  // node:https (and node:tls under it) only with TLS configured: a plain server never pays the import (issue 14).
  const server =
    tls === undefined
      ? http.createServer(nodeOptions, handle)
      : (createRequire(import.meta.url)('node:https') as typeof https).createServer({ ...tls.serverOptions(), ...nodeOptions }, handle);
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  // One more than the limit, so that a request over it is seen (and refused) rather than truncated.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  if (tls !== undefined) {
    const https = server as https.Server;
    tls.attach(https);
    // A client that fails the handshake (plain HTTP sent to the HTTPS port, an untrusted certificate, a
    // port scanner) is dropped; it never reaches `handle`. One debug line, no error.
    https.on('tlsClientError', (err: Error & { code?: string }, socket) => {
      logger.debug?.({ code: err.code, remote: socket.remoteAddress }, 'TLS handshake failed');
      socket.destroy();
    });
  }
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 5000;
  server.on('clientError', onClientError);

  function finishRequest(ctl: Cancellation): void {
    inFlight.delete(ctl);
    if (inFlight.size === 0 && drainWaiter) drainWaiter();
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.rawHeaders.length > 2 * limits.maxHeaderCount) {
      // As node answers a header section over maxHeaderBytes: 431, and the connection is not reused.
      req.resume();
      res.writeHead(431, { Connection: 'close', 'Content-Length': 0 });
      res.end();
      return;
    }
    if (extraRoutes !== undefined && extraRoutes(req, res)) return;

    const started = performance.now();
    const requestId = fastUuid();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';

    if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
      const ready = isReady() && !closing;
      const extra = ready ? opts.healthDetail?.() : undefined;
      // Still 200 when degraded: a full disk is served (drains work), and a load balancer must keep
      // routing consumers to it.
      const body = !ready
        ? HEALTH_UNAVAILABLE
        : extra === undefined
          ? HEALTH_OK
          : JSON.stringify({ status: extra.degraded ? 'degraded' : 'ok', ...extra.detail });
      res.writeHead(ready ? 200 : 503, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'x-amzn-RequestId': requestId,
      });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }

    if (method !== 'POST' && method !== 'GET') {
      res.writeHead(405, { Allow: 'GET, POST', 'Content-Length': 0, 'x-amzn-RequestId': requestId });
      res.end();
      req.resume();
      return;
    }
    // GET speaks Query only, at `/` or a queue path; other GET paths are not SQS.
    if (method === 'GET' && path !== '/' && !isQueuePath(path)) {
      res.writeHead(404, { 'Content-Length': 0, 'x-amzn-RequestId': requestId });
      res.end();
      return;
    }
    // A GET of a queue URL without a query string names no operation: AWS answers 404
    // `<UnknownOperationException/>` (LocalStack's AWS-validated test_get_without_query_returns_unknown_operation,
    // whose request is presigned: its query string holds only the X-Amz-* signature parameters).
    if (method === 'GET' && path !== '/' && onlySignatureParameters(query)) {
      res.writeHead(404, { 'Content-Type': 'text/xml', 'Content-Length': UNKNOWN_OPERATION.length, 'x-amzn-RequestId': requestId });
      res.end(UNKNOWN_OPERATION);
      return;
    }

    const protocol = detectProtocol(req.headers);
    const ctl = new Cancellation();
    inFlight.add(ctl);
    // `close` fires when the response is done or the socket died; unfinished means the client left.
    res.once('close', () => {
      if (!res.writableFinished) ctl.abort();
      finishRequest(ctl);
    });

    /**
     * Log the unexpected error behind a failure — its cause and stack, with the request id — exactly
     * once per request: this is the only place that does. (The request line that `reply` writes names
     * the error code only.) SqsErrors and DomainErrors are client-visible outcomes, not logged here.
     */
    const logUnexpected = (err: unknown, action: string | undefined, what: string): void => {
      const u = unexpectedCause(err);
      if (u !== undefined) logger.error({ reqId: requestId, action, err: u.cause }, what);
    };

    /** The request's meta once dispatched (its long-poll wait), and the access key it was signed with. */
    let meta: RequestMeta | undefined;
    let accessKeyId: string | undefined;

    /** `input`: the decoded input the request's queue and account are read from (for the log line), else NOT_DECODED. */
    const reply = (r: EncodedResponse, action: string | undefined, input: unknown, err?: unknown): void => {
      if (closing) r.headers['Connection'] = 'close';
      r.headers['Content-Length'] = String(Buffer.byteLength(r.body));
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      const elapsed = performance.now() - started;
      // Failures name their SQS error so logs and metrics can be grepped and counted by code.
      const error = err instanceof SqsError ? err.code : err === undefined ? undefined : 'InternalFailure';
      onRequest?.(action, error ?? 'OK', elapsed);
      const slow = slowMs > 0 && elapsed - (meta?.longPollMs ?? 0) > slowMs;
      if (!slow && logger.isLevelEnabled?.('info') === false) return;
      // One line per request. The access key: the verified one (auth sigv4), else the one the client
      // claims in its Authorization header (auth off: unverified, but it tells clients apart). The
      // account: the queue's (see HttpServerOptions.accountOf), on every request about a queue or a
      // listing; a request refused before its key was verified has no caller account.
      const caller = accountOf !== undefined && (verifier === undefined || accessKeyId !== undefined) ? accountOf(accessKeyId) : undefined;
      const subject = input === NOT_DECODED ? undefined : subjectOf(input);
      const account =
        subject === undefined ? undefined : (subject.owner ?? (subject.queue !== undefined || action === 'ListQueues' ? caller : undefined));
      const line = {
        reqId: requestId,
        action,
        queue: subject?.queue,
        account,
        callerAccount: caller !== undefined && account !== undefined && caller !== account ? caller : undefined,
        accessKeyId: accessKeyId ?? claimedAccessKey(req.headers.authorization),
        status: r.status,
        error,
        ms: Math.round(elapsed * 100) / 100,
      };
      if (slow) logger.warn(line, 'slow request');
      else logger.info(line, 'request');
    };

    if (closing) {
      // A new request on a kept-alive socket during shutdown: SDKs retry 503 ServiceUnavailable.
      req.resume();
      reply(encodeError(protocol, new SqsError('ServiceUnavailable'), requestId), undefined, NOT_DECODED);
      return;
    }

    const run = (body: Buffer): void => {
      let action: ActionName | undefined;
      let input: unknown = NOT_DECODED;
      let proto: WireProtocol = protocol;
      try {
        // Authenticate before decoding: an unsigned request learns nothing about parameter validation.
        accessKeyId = verifier?.verify({ method, path, query, headers: req.headers, rawHeaders: req.rawHeaders, body }).accessKeyId;
        const decoded = decodeRequest({ method, path, headers: req.headers, body, query });
        action = decoded.action;
        proto = decoded.protocol;
        input = decoded.input;
        meta = {
          requestId,
          protocol: proto,
          host: req.headers.host,
          traceHeader: headerString(req.headers['x-amzn-trace-id']),
          signal: ctl,
          secureTransport,
          sourceIp: req.socket.remoteAddress,
          userAgent: headerString(req.headers['user-agent']),
        };
        if (accessKeyId !== undefined) meta.accessKeyId = accessKeyId;
        const a = decoded.action;
        const p = proto;
        const i = input;
        dispatch(a, decoded.input, meta).then(
          (output) => {
            let r: EncodedResponse;
            try {
              r = encodeOutput(p, a, output, requestId);
            } catch (err) {
              logUnexpected(err, a, 'encoding the output failed');
              reply(encodeError(p, err, requestId), a, i, err);
              return;
            }
            reply(r, a, i);
          },
          (err: unknown) => {
            logUnexpected(err, a, 'action failed');
            reply(encodeError(p, err, requestId), a, i, err);
          },
        );
      } catch (err) {
        logUnexpected(err, action, 'request failed before dispatch');
        reply(encodeError(protocolOf(err, proto), err, requestId), action, input, err);
      }
    };

    if (method === 'GET') {
      req.resume(); // a GET body (if any) is ignored, but must be drained for keep-alive
      run(EMPTY);
      return;
    }

    /**
     * Refuse the body: answer now, then discard the rest as it comes (keeping nothing), so the client
     * can finish writing and read the answer; the connection stays usable once the body has ended. A
     * client that keeps sending past the linger bounds (idle, total time, bytes) is cut.
     */
    const refuse = (err: SqsError): void => {
      // The rest of the request's time (node's own request timeout would cut it then too); with no
      // request timeout, the header section's bounds.
      const left = requestTimeout > 0 ? Math.max(0, requestTimeout - (performance.now() - started)) : 0;
      const idleMs = requestTimeout > 0 ? left : LINGER_IDLE_MS;
      const maxMs = requestTimeout > 0 ? left : LINGER_MAX_MS;
      const stop = lingerDiscarding(
        req,
        () => {
          if (!req.complete) req.socket.destroy();
        },
        idleMs,
        maxMs,
      );
      req.once('end', stop);
      reply(encodeError(protocol, err, requestId), undefined, NOT_DECODED, err);
    };
    const tooLarge = (): void => refuse(new SqsError('RequestEntityTooLarge', requestBodyTooLarge(maxBody)));
    const overBudget = (): void => refuse(new SqsError('ServiceUnavailable', bodyMemoryExhausted()));

    const declaredHeader = req.headers['content-length'];
    const declared = declaredHeader === undefined ? undefined : Number(declaredHeader);
    if (declared !== undefined && declared > maxBody) {
      tooLarge();
      return;
    }

    // The memory budget: a declared body reserves its whole size up front, a chunked one as it comes.
    let reserved = 0;
    const reserve = (n: number): boolean => {
      if (bufferedBytes + n > limits.maxBufferedBodyBytes) return false;
      bufferedBytes += n;
      reserved += n;
      return true;
    };
    const release = (): void => {
      bufferedBytes -= reserved;
      reserved = 0;
    };
    res.once('close', release);
    if (declared !== undefined && declared > 0 && !reserve(declared)) {
      overBudget();
      return;
    }

    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    /** The body read in place (declared length ≥ PREALLOCATE_FROM_BYTES), allocated on the first byte. */
    let whole: Buffer | undefined;
    const preallocate = declared !== undefined && declared >= PREALLOCATE_FROM_BYTES;
    let size = 0;
    let overflowed = false;
    req.on('data', (chunk: Buffer) => {
      if (overflowed) return;
      const next = size + chunk.length;
      if (next > maxBody || (declared !== undefined && next > declared)) {
        overflowed = true;
        first = chunks = whole = undefined;
        tooLarge();
        return;
      }
      if (declared === undefined && !reserve(chunk.length)) {
        overflowed = true;
        first = chunks = undefined;
        overBudget();
        return;
      }
      if (preallocate) {
        whole ??= Buffer.allocUnsafeSlow(declared!);
        chunk.copy(whole, size);
      } else if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
      size = next;
    });
    // A connection cut mid-body (a timeout, the client leaving) lets go of what it had sent at once.
    req.once('close', () => {
      if (!req.complete) first = chunks = whole = undefined;
    });
    req.once('end', () => {
      if (overflowed) return;
      if (whole !== undefined) run(size === whole.length ? whole : whole.subarray(0, size));
      else run(chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY));
      first = chunks = whole = undefined;
    });
    // A client that resets mid-body: `res` 'close' aborts and untracks the request; nothing to answer.
    req.once('error', () => undefined);
  }

  return {
    server,
    listen(port: number, host: string): Promise<{ port: number }> {
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Long polls and other waits see the abort and answer (empty) at once.
      for (const ctl of inFlight) ctl.abort();
      if (inFlight.size > 0) {
        await new Promise<void>((resolve) => {
          const deadline = opts.closeTimeoutMs ?? 10_000;
          const timer = setTimeout(() => {
            // Said out loud: these requests may have been accepted, and their clients get a reset.
            logger.warn({ inFlight: inFlight.size, deadlineMs: deadline }, 'shutdown: drain deadline reached, cutting the requests still in flight');
            resolve();
          }, deadline);
          timer.unref();
          drainWaiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      server.closeIdleConnections();
      // Anything still open now (a slow client mid-headers, a request past the drain timeout) is cut.
      const cut = setTimeout(() => server.closeAllConnections(), 1000);
      cut.unref();
      await closed;
      clearTimeout(cut);
    },
  };
}

const EMPTY = Buffer.alloc(0);
/** `reply`'s input for a request answered before it was decoded (its log line names no queue). */
const NOT_DECODED: unique symbol = Symbol('not decoded');

/** The body of a GET of a queue URL that names no operation. */
const UNKNOWN_OPERATION = Buffer.from('<UnknownOperationException/>');

/** True when a query string names nothing but a presigned URL's `X-Amz-*` parameters (or is empty). */
function onlySignatureParameters(query: string): boolean {
  if (query === '') return true;
  return query.split('&').every((pair) => /^x-amz-/i.test(pair));
}

/** `/<account>/<queue>` with non-empty segments. */
function isQueuePath(path: string): boolean {
  const a = path.indexOf('/', 1);
  if (a <= 1 || a === path.length - 1) return false;
  const b = path.indexOf('/', a + 1);
  return b === -1 || b === path.length - 1;
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The access key id a SigV4 `Authorization` header names (`… Credential=<key>/<date>/…`), unverified;
 * undefined when there is none.
 */
export function claimedAccessKey(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const i = authorization.indexOf('Credential=');
  if (i === -1) return undefined;
  const from = i + 11;
  const end = authorization.indexOf('/', from);
  if (end <= from || end - from > 128) return undefined;
  return authorization.slice(from, end);
}

/** What a request is about, for the log line: a queue and the account that owns it, as the request names them. */
interface Subject {
  queue: string | undefined;
  /** The account the request names (undefined: the caller's own, as the actions resolve it). */
  owner: string | undefined;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The queue a request is about: from QueueUrl's last segment (its account from the segment before,
 * when that is an account id — the rule the actions follow, common.ts urlOwner), else QueueName (owner:
 * QueueOwnerAWSAccountId), else a move task's SourceArn. Plain string work: this runs on every request.
 */
function subjectOf(input: unknown): Subject {
  if (typeof input !== 'object' || input === null) return { queue: undefined, owner: undefined };
  const i = input as { QueueUrl?: unknown; QueueName?: unknown; QueueOwnerAWSAccountId?: unknown; SourceArn?: unknown };
  if (typeof i.QueueUrl === 'string') {
    const url = i.QueueUrl.endsWith('/') ? i.QueueUrl.slice(0, -1) : i.QueueUrl;
    const end = url.lastIndexOf('/');
    const segment = end > 0 ? url.slice(url.lastIndexOf('/', end - 1) + 1, end) : '';
    return { queue: queueNameFromUrl(url), owner: ACCOUNT_ID.test(segment) ? segment : undefined };
  }
  if (typeof i.QueueName === 'string') {
    const owner = typeof i.QueueOwnerAWSAccountId === 'string' && i.QueueOwnerAWSAccountId !== '' ? i.QueueOwnerAWSAccountId : undefined;
    return { queue: i.QueueName, owner };
  }
  const arn = typeof i.SourceArn === 'string' ? parseQueueArn(i.SourceArn) : undefined;
  return arn === undefined ? { queue: undefined, owner: undefined } : { queue: arn.name, owner: arn.accountId };
}
