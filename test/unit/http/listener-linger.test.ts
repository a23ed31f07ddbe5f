/**
 * The listener's "lingering close" (src/http/listener.ts LINGER_*): after refusing a body (413, or 503
 * over the memory budget) or a header section node's parser rejected (431, 400), the server answers at
 * once and reads and discards the rest of what the client sends — so the client gets the answer instead
 * of a reset — within bounds: a refused body within its request's time (the request timeout; with none,
 * 2 s without data and 10 s in all), a refused header section 2 s without data and 10 s in all, both
 * 64 MiB. These tests pin each bound on
 * both paths (a refused body, a refused header section) with raw sockets, and what ends the lingering
 * early: the body's end (the connection is reused) or the client's end (the connection is closed).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, test } from 'node:test';
import { listenerLimits } from '../../../src/config/schema.js';
import { createHttpServer, type FerryHttpServer } from '../../../src/http/listener.js';

const servers: FerryHttpServer[] = [];
const clients: net.Socket[] = [];
afterEach(async () => {
  while (clients.length) clients.pop()!.destroy();
  while (servers.length) await servers.pop()!.close();
});

const MAX_BODY = 1024;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The server side's close of each connection, by the client's port: performance.now() when it closed. */
const serverCloses = new Map<number, { at: Promise<number>; done: (t: number) => void; closed: boolean }>();
function serverClose(clientPort: number) {
  let e = serverCloses.get(clientPort);
  if (e === undefined) {
    let done!: (t: number) => void;
    const at = new Promise<number>((r) => (done = r));
    e = { at, done, closed: false };
    serverCloses.set(clientPort, e);
  }
  return e;
}

async function start(requestTimeoutMs = listenerLimits().requestTimeoutMs): Promise<number> {
  const limits = { ...listenerLimits(), maxBodyBytes: MAX_BODY, requestTimeoutMs };
  const s = createHttpServer({ dispatch: async () => ({}), logger: silent, limits });
  servers.push(s);
  s.server.on('connection', (sock: net.Socket) => {
    const e = serverClose(sock.remotePort!);
    sock.once('close', () => {
      e.closed = true;
      e.done(performance.now());
    });
  });
  return (await s.listen(0, '127.0.0.1')).port;
}

interface Conn {
  sock: net.Socket;
  /** Everything the server sent so far, as text. */
  received(): string;
  /**
   * Resolves with performance.now() when the server closes its side of the connection (measured there:
   * after the server's answer and FIN this half-open client learns of it only when it writes again).
   */
  closed: Promise<number>;
  /** The server has closed the connection. */
  serverClosed(): boolean;
  /** performance.now() of the last write. */
  lastWrite(): number;
  write(data: string | Buffer): Promise<void>;
}

async function connect(port: number): Promise<Conn> {
  // Half-open like a client still uploading: the server's FIN after its answer does not end our side.
  const sock = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  clients.push(sock);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  let text = '';
  let last = performance.now();
  sock.on('data', (c: Buffer) => (text += c.toString('latin1')));
  // A write racing the server's cut may fail with EPIPE / ECONNRESET: that is the cut, seen by `closed`.
  sock.on('error', () => undefined);
  const server = serverClose(sock.localPort!);
  return {
    sock,
    received: () => text,
    closed: server.at,
    serverClosed: () => server.closed,
    lastWrite: () => last,
    write: (data) =>
      new Promise<void>((resolve) => {
        last = performance.now();
        if (sock.destroyed) return resolve();
        if (sock.write(data)) resolve();
        else {
          const done = (): void => {
            sock.off('drain', done);
            sock.off('close', done);
            resolve();
          };
          sock.once('drain', done);
          sock.once('close', done);
        }
      }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A POST whose declared body is over the limit (refused from its headers: 413). */
const declaredPost = (length: number) =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`;
/** The start of a request line longer than the header limit (16 KiB): node's parser refuses it, 431. */
const overflowingLine = () => `GET /?q=${'a'.repeat(20 * 1024)}`;

/** Keeps writing 1 MiB chunks (as fast as the server reads) until the server cuts; resolves with the bytes written. */
async function flood(c: Conn, limit: number): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  let written = 0;
  while (!c.sock.destroyed && !c.serverClosed() && written < limit) {
    await c.write(chunk);
    written += chunk.length;
  }
  return written;
}

test('refused body: a client that stops sending is cut when its request time runs out (3 s here), not before', async () => {
  const port = await start(3000);
  const c = await connect(port);
  await c.write(declaredPost(100_000) + 'a'.repeat(10_000));
  const closedAt = await c.closed;
  assert.match(c.received(), /^HTTP\/1\.1 413 /);
  const idle = closedAt - c.lastWrite();
  assert.ok(idle >= 2800 && idle < 9000, `cut ${Math.round(idle)} ms after the last byte`);
});

test('refused body: a client stalled mid-upload for longer than 2 s still gets its 413 and keeps the connection', async () => {
  const port = await start(8000);
  const c = await connect(port);
  await c.write(declaredPost(2 * MAX_BODY) + 'a'.repeat(MAX_BODY));
  await sleep(3000); // e.g. a client process stalled by load: longer than a refused header section may idle
  assert.equal(c.serverClosed(), false);
  await c.write('a'.repeat(MAX_BODY));
  for (let i = 0; i < 100 && !c.received().includes('413'); i++) await sleep(20);
  assert.match(c.received(), /^HTTP\/1\.1 413 /);
  await c.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  for (let i = 0; i < 100 && !c.received().includes('{"status":"ok"}'); i++) await sleep(20);
  assert.match(c.received(), /HTTP\/1\.1 200 OK[\s\S]*\{"status":"ok"\}$/);
  assert.equal(c.serverClosed(), false);
});

test('refused body with no request timeout (0): a silent client is cut after the idle time (2 s)', async () => {
  const port = await start(0);
  const c = await connect(port);
  await c.write(declaredPost(100_000) + 'a'.repeat(10_000));
  const closedAt = await c.closed;
  assert.match(c.received(), /^HTTP\/1\.1 413 /);
  const idle = closedAt - c.lastWrite();
  assert.ok(idle >= 1900 && idle < 9000, `cut ${Math.round(idle)} ms after the last byte`);
});

test('refused body: once the body has ended the lingering stops and the connection is reused', async () => {
  const port = await start();
  const c = await connect(port);
  await c.write(declaredPost(2 * MAX_BODY) + 'a'.repeat(2 * MAX_BODY));
  // Past the idle bound: had its timer not been stopped by the body's end, the socket would be cut.
  await sleep(2600);
  assert.match(c.received(), /^HTTP\/1\.1 413 /);
  assert.equal(c.serverClosed(), false);
  await c.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  for (let i = 0; i < 100 && !c.received().includes('{"status":"ok"}'); i++) await sleep(20);
  assert.match(c.received(), /HTTP\/1\.1 200 OK[\s\S]*\{"status":"ok"\}$/);
});

test('refused body: a client that keeps sending is cut past 64 MiB discarded', async () => {
  const port = await start();
  const c = await connect(port);
  await c.write(declaredPost(1024 * 1024 * 1024));
  const written = await flood(c, 512 * 1024 * 1024);
  await c.closed;
  assert.match(c.received(), /^HTTP\/1\.1 413 /);
  assert.ok(written > 64 * 1024 * 1024 && written < 512 * 1024 * 1024, `cut after ${written} bytes written`);
});

test('refused header section: 431, then a silent client is cut after the idle time (2 s)', async () => {
  const port = await start();
  const c = await connect(port);
  await c.write(overflowingLine());
  const closedAt = await c.closed;
  assert.match(c.received(), /^HTTP\/1\.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n$/);
  const idle = closedAt - c.lastWrite();
  assert.ok(idle >= 1900 && idle < 9000, `cut ${Math.round(idle)} ms after the last byte`);
});

test('refused header section: a client that ends its side is closed at once, with the answer', async () => {
  const port = await start();
  const c = await connect(port);
  await c.write(overflowingLine());
  const ended = performance.now();
  c.sock.end();
  const closedAt = await c.closed;
  assert.match(c.received(), /^HTTP\/1\.1 431 /);
  assert.ok(closedAt - ended < 1500, `closed ${Math.round(closedAt - ended)} ms after the client's end (idle bound: 2 s)`);
});

test('refused header section: a client that keeps sending is cut past 64 MiB discarded', async () => {
  const port = await start();
  const c = await connect(port);
  await c.write(overflowingLine());
  const written = await flood(c, 512 * 1024 * 1024);
  await c.closed;
  assert.match(c.received(), /^HTTP\/1\.1 431 /);
  assert.ok(written > 64 * 1024 * 1024 && written < 512 * 1024 * 1024, `cut after ${written} bytes written`);
});

test('a client trickling bytes (never idle 2 s) is cut at the request timeout (body, 4 s here) or the 10 s total bound (header section)', async () => {
  const bodyPort = await start(4000);
  const headerPort = await start();
  const trickle = async (port: number, first: string): Promise<number> => {
    const c = await connect(port);
    await c.write(first);
    const started = performance.now();
    const timer = setInterval(() => void c.write('a'), 500);
    try {
      const closedAt = await c.closed;
      return closedAt - started;
    } finally {
      clearInterval(timer);
    }
  };
  const [body, header] = await Promise.all([trickle(bodyPort, declaredPost(100_000)), trickle(headerPort, overflowingLine())]);
  assert.ok(body >= 3800 && body < 9000, `refused body: cut after ${Math.round(body)} ms of trickling`);
  assert.ok(header >= 9900 && header < 16_000, `refused header section: cut after ${Math.round(header)} ms of trickling`);
});
