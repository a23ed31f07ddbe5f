/**
 * The protocol layer's public face: detect which wire protocol a request speaks, decode it into
 * `{protocol, action, input}` (seam 1), and encode an action's output or an error back in that
 * protocol. No HTTP objects here: the HTTP layer passes plain data in and writes plain data out.
 */

import type { ActionName } from '../actions/types.js';
import { SqsError } from '../errors/catalog.js';
import { RequestDecodeError, type WireProtocol } from './errors.js';
import { JSON_CONTENT_TYPE, decodeJsonRequest, encodeJsonErrorBody, encodeJsonOutput, queryErrorHeader } from './json.js';
import { OPERATIONS } from './model.js';
import { decodeQueryRequest, parseQueryParams } from './query/decode.js';
import { XML_CONTENT_TYPE, encodeQueryError, encodeQueryOutput } from './query/encode.js';

export { RequestDecodeError, isRequestDecodeError, type WireProtocol } from './errors.js';

/** Header values as node:http gives them (names lower-cased). */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** A request as the protocol layer sees it. */
export interface WireRequest {
  method: string;
  /** URL path without the query string, e.g. `/` or `/123456789012/orders`. */
  path: string;
  headers: HeaderMap;
  body: Buffer;
  /** Raw query string without `?` (empty when none). */
  query: string;
}

/** Seam 1: what the action layer receives. */
export interface DecodedRequest {
  protocol: WireProtocol;
  action: ActionName;
  input: unknown;
}

/** A response as the HTTP layer writes it. */
export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function header(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Which protocol a request speaks, from its headers alone (so even a request refused before its body
 * is read — too large, shutting down — is answered in the client's protocol): JSON 1.0 carries
 * `X-Amz-Target` and/or an `application/x-amz-json-1.x` content type; everything else is Query.
 */
export function detectProtocol(headers: HeaderMap): WireProtocol {
  if (headers['x-amz-target'] !== undefined) return 'json';
  const ct = header(headers, 'content-type');
  return ct !== undefined && ct.startsWith('application/x-amz-json') ? 'json' : 'query';
}

/** `/<account>/<queue>` (optionally with a trailing slash): the path of a queue URL. */
const QUEUE_PATH = /^\/([^/]+)\/([^/]+)\/?$/;

/**
 * The queue URL a Query request's path implies. aws-sdk v2 and botocore send queue-scoped calls to the
 * queue URL itself; SQS uses the path when the QueueUrl parameter is absent. The host comes from the
 * request (`Host`), so the URL names the Ferry the client reached.
 */
export function queueUrlFromPath(path: string, host: string | undefined): string | undefined {
  const m = QUEUE_PATH.exec(path);
  if (!m) return undefined;
  // Only a plain host[:port] is echoed into the URL; anything else (a hostile Host header) is replaced:
  // the action layer resolves queues by the URL's path, so the host part is informational.
  const h = host !== undefined && SAFE_HOST.test(host) ? host : 'localhost';
  return `http://${h}/${m[1]}/${m[2]}`;
}

/** A DNS name or IPv4 with optional port, or a bracketed IPv6 literal with optional port. */
const SAFE_HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * Decodes a request in whichever protocol it speaks. Throws {@link RequestDecodeError} (an SqsError
 * with `protocol`) for anything malformed, so the caller can answer in the right protocol.
 */
export function decodeRequest(req: WireRequest): DecodedRequest {
  const protocol = detectProtocol(req.headers);
  if (protocol === 'json') {
    const { action, input } = decodeJsonRequest(header(req.headers, 'x-amz-target'), req.body);
    return { protocol, action, input };
  }
  // Query: a form-encoded POST body and/or the URL query string (GET, or a POST that carries some
  // parameters in the URL). Both feed one parameter map; a parameter given in both must agree.
  const params = parseQueryParams(req.query, req.method === 'GET' ? '' : req.body.toString('utf8'));
  const queueUrl = queueUrlFromPath(req.path, header(req.headers, 'host'));
  const { action, input } = decodeQueryRequest(params, queueUrl === undefined ? {} : { queueUrlFromPath: queueUrl });
  return { protocol, action, input };
}

/** Renders a successful action output. */
export function encodeOutput(protocol: WireProtocol, action: ActionName, output: unknown, requestId: string): EncodedResponse {
  const op = OPERATIONS[action];
  if (protocol === 'json') {
    return {
      status: 200,
      headers: { 'Content-Type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
      body: encodeJsonOutput(op, output),
    };
  }
  return {
    status: 200,
    headers: { 'Content-Type': XML_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body: encodeQueryOutput(op, output, requestId),
  };
}

/**
 * Renders an error. SqsErrors (including RequestDecodeError) keep their code, status and wording;
 * anything else is an internal bug and becomes InternalFailure 500 — its message and stack never
 * reach the client (the HTTP layer logs them).
 *
 * JSON errors carry `x-amzn-query-error: <Query code>;<fault>` (awsQueryCompatible), from which SDKs
 * read the error code.
 */
export function encodeError(protocol: WireProtocol, err: unknown, requestId: string): EncodedResponse {
  const e = err instanceof SqsError ? err : new SqsError('InternalFailure');
  if (protocol === 'json') {
    return {
      status: e.statusFor('json'),
      headers: {
        'Content-Type': JSON_CONTENT_TYPE,
        'x-amzn-RequestId': requestId,
        'x-amzn-query-error': queryErrorHeader(e),
      },
      body: encodeJsonErrorBody(e),
    };
  }
  return {
    status: e.statusFor('query'),
    headers: { 'Content-Type': XML_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body: encodeQueryError(e, requestId),
  };
}

/** The protocol an error must be answered in: its own when it knows, else the request's. */
export function protocolOf(err: unknown, fallback: WireProtocol): WireProtocol {
  return err instanceof RequestDecodeError ? err.protocol : fallback;
}
