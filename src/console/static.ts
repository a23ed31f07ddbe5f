/**
 * Serving the built single-page app (dist/console/, built by `npm run build` from console/ at the
 * repository root). Everything is local: Ferry runs air-gapped, so no CDN is ever referenced.
 *
 *  - `/console/assets/<file>`: Vite's content-hashed build files, cached for a year (`immutable`);
 *    a missing asset is a 404 (never index.html: a script tag must not receive HTML).
 *  - `/console/<file>` where `<file>` exists at the top of the build (favicon, robots.txt…): that file.
 *  - anything else under `/console` (`/console`, `/console/`, `/console/queues/orders`): index.html, so
 *    client-side routes survive a reload; it is revalidated on every load (`no-cache`) so a new build
 *    is picked up at once.
 *  - When index.html is missing (the SPA was not built, e.g. a `tsc`-only build) a short page says so
 *    (503); nothing crashes.
 *
 * Files are read per request (they are small and the console is not a hot path), so a rebuild needs
 * no restart.
 */
import { createReadStream, promises as fs } from 'node:fs';
import type http from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SECURITY_HEADERS, send } from './http.js';

/** dist/src/console/static.js → dist/console/ (next to dist/src, where `npm run build` puts the SPA). */
export const DEFAULT_STATIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../console');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry console not built</title></head>
<body><h1>The Ferry console is not built</h1>
<p>This Ferry serves its API, but the console's files (<code>dist/console/index.html</code>) are missing.
Build them with <code>npm run build</code>, or use the published package, which includes them.</p></body></html>
`;

/** One path segment as Vite and Ferry name files: no traversal, no hidden files, no odd characters. */
const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export class StaticFiles {
  readonly dir: string;

  constructor(dir: string = DEFAULT_STATIC_DIR) {
    this.dir = resolve(dir);
  }

  /**
   * Answer a GET/HEAD for `rest` = the path after `/console` ('' or starting with '/'), already known
   * not to be under /console/api/.
   */
  async serve(req: http.IncomingMessage, res: http.ServerResponse, rest: string): Promise<void> {
    const head = req.method === 'HEAD';
    if (rest.startsWith('/assets/')) {
      const file = this.resolveFile(rest.slice(1));
      if (file === undefined || !(await this.sendFile(res, file, 'public, max-age=31536000, immutable', head))) {
        send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, 'Not found\n', head);
      }
      return;
    }
    const top = rest.length > 1 && rest.indexOf('/', 1) === -1 ? this.resolveFile(rest.slice(1)) : undefined;
    if (top !== undefined && !top.endsWith(`${sep}index.html`) && (await this.sendFile(res, top, 'no-cache', head))) return;
    if (await this.sendFile(res, join(this.dir, 'index.html'), 'no-cache', head)) return;
    send(res, 503, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, NOT_BUILT, head);
  }

  /** The file a relative URL path names inside the build directory, or undefined when it is not a safe name. */
  private resolveFile(rel: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rel);
    } catch {
      return undefined;
    }
    const parts = decoded.split('/');
    if (parts.length === 0 || !parts.every((p) => SAFE_SEGMENT.test(p))) return undefined;
    const file = resolve(this.dir, ...parts);
    return file.startsWith(this.dir + sep) ? file : undefined;
  }

  /** Stream a regular file; false when there is no such file. */
  private async sendFile(res: http.ServerResponse, file: string, cacheControl: string, head: boolean): Promise<boolean> {
    let size: number;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) return false;
      size = st.size;
    } catch {
      return false;
    }
    const headers = {
      ...SECURITY_HEADERS,
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': cacheControl,
      'Content-Length': String(size),
    };
    if (head || size === 0) {
      res.writeHead(200, headers);
      res.end();
      return true;
    }
    const stream = createReadStream(file);
    await new Promise<void>((done) => {
      stream.once('open', () => {
        res.writeHead(200, headers);
        stream.pipe(res);
        done();
      });
      stream.once('error', () => {
        // Vanished between stat and open (a rebuild): answer 404 unless we already started.
        if (!res.headersSent) send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found\n');
        else res.destroy();
        done();
      });
    });
    return true;
  }
}
