/**
 * Small HTTP helpers of the console routes: security headers, JSON answers and console-API errors,
 * cookies, bounded body reading, the client's address and scheme. No framework: the console shares
 * the SQS listener's port and its lean style (src/http/listener.ts).
 */
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Headers on every /console response (the SPA, its assets, the API and the SQS proxy). The SPA is
 * self-contained (no CDN: Ferry runs air-gapped), so `default-src 'self'` holds; uPlot and Preact set
 * inline styles, hence `style-src 'unsafe-inline'`; charts may use data: images.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
});

/** An error of the console API: HTTP status + `{"error":{"code","message"}}`. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

/** Write a response with the security headers; `body` undefined for no body. */
export function send(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer | undefined,
  head = false,
): void {
  const h: Record<string, string | string[]> = { ...SECURITY_HEADERS, ...headers };
  h['Content-Length'] = String(body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.writeHead(status, h);
  res.end(head ? undefined : body);
}

/** A JSON answer of the console API (never cached: it is live data or session state). */
export function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers }, JSON.stringify(value));
}

export function sendError(res: http.ServerResponse, e: ConsoleError): void {
  sendJson(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
}

/** One header's value (the first, when repeated). */
export function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The value of cookie `name` in the request, if present. */
export function readCookie(req: http.IncomingMessage, name: string): string | undefined {
  const raw = req.headers.cookie;
  if (raw === undefined) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Whether the request reached us over TLS: the socket itself, or — only when the operator said a
 * TLS-terminating proxy sits in front (`trustProxy`) — its `X-Forwarded-Proto: https`.
 */
export function isSecure(req: http.IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  return trustProxy && header(req, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/** The client's address for login throttling: the socket peer, or the proxy's X-Forwarded-For when trusted. */
export function clientAddress(req: http.IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = header(req, 'x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** Thrown by {@link readBody} when the body exceeds the limit (the socket is then closed). */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * Read a request body, refusing (BodyTooLarge) past `limit` bytes while streaming, without buffering
 * the excess (the same rule as the SQS listener).
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = header(req, 'content-length');
    if (declared !== undefined && Number(declared) > limit) {
      req.pause();
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        req.pause();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
  });
}

/** Parse a JSON object body of the console API, or ConsoleError 400. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new ConsoleError(400, 'InvalidRequest', 'The request body is not valid JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConsoleError(400, 'InvalidRequest', 'The request body must be a JSON object.');
  return v as Record<string, unknown>;
}
