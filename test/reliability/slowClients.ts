/**
 * Hostile-client probes shared by the reliability tests and the campaign (`npm run reliability`): raw
 * sockets that trickle headers or bodies, hold many connections, or park long polls. Each probe reports
 * what it measured instead of asserting, so the tests assert and the campaign tabulates.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';

/** Open a raw TCP connection to 127.0.0.1:port. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** What a trickling client saw: how long the server let it hold the connection, and the status line. */
export interface Held {
  heldMs: number;
  /** The first line the server wrote (e.g. `HTTP/1.1 408 Request Timeout`), or '' when it only closed. */
  statusLine: string;
  /** The client gave up first (the server never cut it within `giveUpMs`). */
  gaveUp: boolean;
}

/**
 * Send `head` (and, once it is sent, `body`) one byte every `everyMs`, until the server closes the
 * connection or `giveUpMs` passes.
 */
export async function trickle(port: number, head: string, bodyBytes: number, everyMs: number, giveUpMs: number): Promise<Held> {
  const s = await connect(port);
  const started = Date.now();
  let received = '';
  s.on('data', (b: Buffer) => (received += b.toString('latin1')));
  s.on('error', () => undefined);
  const payload = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(bodyBytes, 0x61)]);
  return new Promise<Held>((resolve) => {
    let i = 0;
    const finish = (gaveUp: boolean): void => {
      clearInterval(timer);
      clearTimeout(giveUp);
      s.destroy();
      resolve({ heldMs: Date.now() - started, statusLine: received.split('\r\n')[0] ?? '', gaveUp });
    };
    const timer = setInterval(() => {
      if (i < payload.length && !s.destroyed) s.write(payload.subarray(i, ++i));
    }, everyMs);
    const giveUp = setTimeout(() => finish(true), giveUpMs);
    s.once('close', () => finish(false));
  });
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * Open `count` connections that each declare a `declared`-byte JSON body, send `send` bytes of it and
 * stall. Resolves once every connection has sent its part (or been answered and closed); returns the
 * sockets and, per connection, the first status line answered so far (refusals come back at once).
 */
export async function stallBodies(
  port: number,
  count: number,
  declared: number,
  send: number,
): Promise<{ sockets: net.Socket[]; answers: string[] }> {
  const sockets: net.Socket[] = [];
  const answers: string[] = new Array<string>(count).fill('');
  const head =
    'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n' +
    `X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: ${declared}\r\n\r\n`;
  const chunk = Buffer.alloc(send, 0x20);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const s = await connect(port);
      sockets.push(s);
      s.on('error', () => undefined);
      s.on('data', (b: Buffer) => {
        if (answers[i] === '') answers[i] = b.toString('latin1').split('\r\n')[0] ?? '';
      });
      await new Promise<void>((resolve) => {
        s.write(head);
        s.write(chunk, () => resolve());
        s.once('close', () => resolve());
      });
    }),
  );
  return { sockets, answers };
}

/** Wait until `check` is true (polled every 50 ms) or `ms` passes; returns whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** A JSON-protocol SQS call with fetch; resolves with status and parsed body. */
export async function sqsJson(base: string, action: string, input: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(base, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${action}` },
    body: JSON.stringify(input),
  });
  const text = await r.text();
  return { status: r.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** What one raw HTTP/1.1 request got: its status (0: none), body, and ms from write to answer (or failure). */
export interface RawAnswer {
  status: number;
  body: string;
  ms: number;
  /** The socket error or `closed` when the connection ended without a whole answer; '' otherwise. */
  failure: string;
}

/**
 * One POST on a fresh raw connection (a few hundred bytes of client state, so one process can hold
 * thousands): resolves with the first whole answer (Content-Length framed; Ferry always sets it), then
 * closes the connection. `connected` resolves once the TCP connection is up (or failed); the request is
 * written then, or — with `hold` — only when `send()` is called, so a test can open thousands of
 * connections first and then put their requests to the server in one burst.
 */
export function rawPost(
  port: number,
  headers: Record<string, string>,
  body: string,
  hold = false,
): { connected: Promise<void>; send(): void; answer: Promise<RawAnswer> } {
  const s = net.connect(port, '127.0.0.1');
  let started = 0;
  let connected!: () => void;
  const connectedP = new Promise<void>((r) => (connected = r));
  const lines = Object.entries({ Host: `127.0.0.1:${port}`, ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  const request = `POST / HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
  let up = false;
  let wanted = !hold;
  const send = (): void => {
    wanted = true;
    if (!up || started !== 0 || s.destroyed) return;
    started = performance.now();
    s.write(request);
  };
  const answer = new Promise<RawAnswer>((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    let done = false;
    const finish = (a: Omit<RawAnswer, 'ms'>): void => {
      if (done) return;
      done = true;
      connected();
      s.destroy();
      resolve({ ...a, ms: started === 0 ? 0 : performance.now() - started });
    };
    s.on('data', (b: Buffer) => {
      buf = buf.length === 0 ? b : Buffer.concat([buf, b]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      finish({ status: Number(head.slice(9, 12)), body: buf.subarray(end + 4, end + 4 + length).toString('utf8'), failure: '' });
    });
    s.on('error', (e: Error & { code?: string }) => finish({ status: 0, body: '', failure: e.code ?? e.message }));
    s.on('close', () => finish({ status: 0, body: '', failure: 'closed' }));
    s.once('connect', () => {
      up = true;
      connected();
      if (wanted) send();
    });
  });
  return { connected: connectedP, send, answer };
}

/** This process's soft limit on open files (Linux /proc), for tests that hold thousands of sockets. */
export function openFilesLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m === null ? NaN : m[1] === 'unlimited' ? Infinity : Number(m[1]);
}
