/**
 * `POST /console/api/sqs`: the SQS JSON 1.0 protocol itself, for the console. The request goes through
 * the very path of the SQS endpoint — the protocol layer's decodeRequest, the listener's dispatch
 * function (the same action context: engine, events, queue URLs from the request's Host) and the same
 * encoders — so the answer (status, body, `__type` errors, x-amzn-query-error) is byte for byte what
 * the SQS endpoint answers. Only the authentication differs: the console session (its CSRF token
 * already checked by the router) instead of a SigV4 signature, and the session's access key id is the
 * identity in the action context, so a future policy applies to the console as to that key's API calls.
 *
 * Read-only mode (`--console read-only`) refuses every action that changes anything with the SQS error
 * AccessDenied (403), in the SQS protocol, before decoding anything further.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';

import type { ActionName } from '../actions/types.js';
import { Cancellation } from '../core/cancel.js';
import { SqsError } from '../errors/catalog.js';
import { unexpectedCause } from '../errors/map.js';
import { requestBodyTooLarge } from '../errors/messages.js';
import type { Dispatch, HttpLogger, RequestMeta } from '../http/listener.js';
import { decodeRequest, detectProtocol, encodeError, encodeOutput, protocolOf, type EncodedResponse } from '../protocol/index.js';
import { BodyTooLarge, ConsoleError, SECURITY_HEADERS, header, isSecure, readBody } from './http.js';

/** The actions read-only mode lets through: they read and change nothing. */
export const READ_ONLY_ACTIONS: ReadonlySet<ActionName> = new Set<ActionName>([
  'GetQueueUrl',
  'ListQueues',
  'GetQueueAttributes',
  'ListQueueTags',
  'ListDeadLetterSourceQueues',
  'ListMessageMoveTasks',
]);

export interface SqsProxyOptions {
  dispatch: Dispatch;
  logger: HttpLogger;
  maxBodyBytes: number;
  readOnly: boolean;
}

/** In-flight proxied requests: cancelled (long polls answer empty) when the console closes. */
export class SqsProxy {
  private readonly inFlight = new Set<Cancellation>();
  private closed = false;

  constructor(private readonly opts: SqsProxyOptions) {}

  /** Abort every in-flight request (server shutdown): long polls answer empty at once. */
  close(): void {
    this.closed = true;
    for (const c of this.inFlight) c.abort();
  }

  /** Handle one request; `accessKeyId` is the session's identity. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, accessKeyId: string | undefined): Promise<void> {
    if (detectProtocol(req.headers) !== 'json') {
      req.resume();
      throw new ConsoleError(
        415,
        'UnsupportedProtocol',
        'The console SQS endpoint speaks the SQS JSON 1.0 protocol only (X-Amz-Target and Content-Type: application/x-amz-json-1.0).',
      );
    }
    const started = performance.now();
    const requestId = randomUUID();
    const ctl = new Cancellation();
    this.inFlight.add(ctl);
    res.once('close', () => {
      if (!res.writableFinished) ctl.abort();
      this.inFlight.delete(ctl);
    });
    if (this.closed) ctl.abort();

    let action: ActionName | undefined;
    const reply = (r: EncodedResponse, err?: unknown): void => {
      r.headers['Content-Length'] = String(Buffer.byteLength(r.body));
      res.writeHead(r.status, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store', ...r.headers });
      res.end(r.body);
      const error = err instanceof SqsError ? err.code : err === undefined ? undefined : 'InternalFailure';
      this.opts.logger.info(
        { reqId: requestId, action, console: true, accessKeyId, status: r.status, error, ms: Math.round((performance.now() - started) * 100) / 100 },
        'request',
      );
    };
    const fail = (err: unknown, what: string): void => {
      const u = unexpectedCause(err);
      if (u !== undefined) this.opts.logger.error({ reqId: requestId, action, err: u.cause }, what);
      reply(encodeError(protocolOf(err, 'json'), err, requestId), err);
    };

    if (this.closed) {
      req.resume();
      reply(encodeError('json', new SqsError('ServiceUnavailable'), requestId), new SqsError('ServiceUnavailable'));
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, this.opts.maxBodyBytes);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      const err = new SqsError('RequestEntityTooLarge', requestBodyTooLarge(this.opts.maxBodyBytes));
      const r = encodeError('json', err, requestId);
      r.headers['Connection'] = 'close';
      reply(r, err);
      return;
    }

    let input: unknown;
    try {
      const decoded = decodeRequest({ method: 'POST', path: '/', headers: req.headers, body, query: '' });
      action = decoded.action;
      input = decoded.input;
    } catch (err) {
      fail(err, 'request failed before dispatch');
      return;
    }
    if (this.opts.readOnly && !READ_ONLY_ACTIONS.has(action)) {
      const err = new SqsError('AccessDenied', `The Ferry console is read-only (--console read-only): ${action} is not allowed.`);
      reply(encodeError('json', err, requestId), err);
      return;
    }
    const meta: RequestMeta = {
      requestId,
      protocol: 'json',
      host: req.headers.host,
      traceHeader: header(req, 'x-amzn-trace-id'),
      signal: ctl,
      secureTransport: isSecure(req, false),
      sourceIp: req.socket.remoteAddress,
      userAgent: header(req, 'user-agent'),
    };
    if (accessKeyId !== undefined) meta.accessKeyId = accessKeyId;
    const a = action;
    let output: unknown;
    try {
      output = await this.opts.dispatch(a, input, meta);
    } catch (err) {
      fail(err, 'action failed');
      return;
    }
    let r: EncodedResponse;
    try {
      r = encodeOutput('json', a, output, requestId);
    } catch (err) {
      fail(err, 'encoding the output failed');
      return;
    }
    reply(r);
  }
}
