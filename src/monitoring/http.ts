/**
 * `GET /metrics` (and HEAD): the Prometheus text format of the server's registry. Mounted on the API
 * listener through its `extraRoutes` seam, or on a listener of its own (`--metrics-port`, bound to
 * `--metrics-host`). With a token (`--metrics-token`), a request must carry `Authorization: Bearer
 * <token>` (compared in constant time); otherwise 401 with `WWW-Authenticate: Bearer`.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';

import { CONTENT_TYPE } from './exposition.js';

export const METRICS_PATH = '/metrics';

/** A route for the HTTP listener: true when it handled the request. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** The /metrics route serving `text()`. `onError` hears of a scrape that failed (answered 500). */
export function metricsRoute(text: () => Promise<string>, token: string | undefined, onError: (err: unknown) => void = () => undefined): Route {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== METRICS_PATH) return false;
    req.resume();
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 });
      res.end();
      return true;
    }
    if (expected !== undefined && !authorized(req.headers.authorization, expected)) {
      const body = 'Unauthorized: /metrics needs the bearer token (--metrics-token)\n';
      res.writeHead(401, {
        'WWW-Authenticate': 'Bearer realm="ferry-metrics"',
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(body);
      return true;
    }
    text().then(
      (body) => {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
        res.end(method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        onError(err);
        const body = 'metrics collection failed\n';
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      },
    );
    return true;
  };
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** A listener that serves only `route` (404 for anything else). */
export interface RouteListener {
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** The server's TLS certificate (http/tls.ts TlsContext), shared so a reload reaches this listener too. */
export interface ListenerTls {
  serverOptions(): SecureContextOptions;
  attach(server: TlsServer): void;
}

/** A listener of its own for `route`: HTTPS with the API's certificate when `tls` is given. */
export function routeListener(route: Route, tls?: ListenerTls): RouteListener {
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (route(req, res)) return;
    req.resume();
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  };
  let server: http.Server;
  if (tls === undefined) server = http.createServer(handle);
  else {
    // node:https only with TLS configured (issue 14: a plain server never pays the import).
    const secure = (createRequire(import.meta.url)('node:https') as typeof https).createServer(tls.serverOptions(), handle);
    tls.attach(secure);
    // A client that fails the handshake is its own problem; never the process's.
    secure.on('tlsClientError', (_err, socket) => socket.destroy());
    server = secure;
  }
  server.keepAliveTimeout = 5_000;
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
