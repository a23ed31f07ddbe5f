/**
 * The benchmark's SQS client: AWS JSON 1.0 protocol over an undici keep-alive Pool, every request
 * SigV4-signed (bench/sigv4.ts). Deliberately thin: one JSON.stringify, one signature, one request, one
 * JSON.parse — so that on a 2-core machine the load generator costs the server as little CPU as possible.
 */
import { Pool } from 'undici';
import { Signer, type Credentials } from './sigv4.js';

/** Credentials the harness signs with (override with BENCH_ACCESS_KEY_ID / BENCH_SECRET_ACCESS_KEY). */
export const BENCH_CREDENTIALS: Credentials = {
  accessKeyId: process.env.BENCH_ACCESS_KEY_ID ?? 'AKIDFERRYBENCH',
  secretAccessKey: process.env.BENCH_SECRET_ACCESS_KEY ?? 'ferry-bench-secret',
};
export const BENCH_REGION = process.env.BENCH_REGION ?? 'us-east-1';

/** A non-2xx answer, or a body that is not JSON. */
export class SqsCallError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${action}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface ClientOptions {
  /** Keep-alive connections in the pool. */
  connections: number;
  signer?: Signer;
}

/**
 * A multi-origin client when given several URLs (the nodes of one service, e.g. Ferry processes on one
 * PostgreSQL): each request goes to the next node, round-robin. Each node's pool may open up to
 * `connections` sockets, so the total concurrency stays what the callers issue (one request per worker)
 * and a long poll parked on one node never queues a request behind it.
 */
export class SqsClient {
  /** The first node's pool. */
  readonly pool: Pool;
  readonly pools: Pool[];
  private readonly hosts: string[];
  private readonly signer: Signer;
  private next = 0;

  constructor(url: string | readonly string[], opts: ClientOptions) {
    const urls = typeof url === 'string' ? [url] : [...url];
    if (urls.length === 0) throw new Error('SqsClient: no URL');
    this.signer = opts.signer ?? new Signer(BENCH_CREDENTIALS, BENCH_REGION);
    this.hosts = urls.map((x) => new URL(x).host);
    this.pools = urls.map(
      (x) =>
        new Pool(new URL(x).origin, {
          connections: opts.connections,
          pipelining: 1,
          keepAliveTimeout: 4_000,
          // Long polls hold a request up to 20 s; the default timeouts (300 s) are fine, but a hung server
          // must not hang the harness forever.
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
          connectTimeout: 30_000,
        }),
    );
    this.pool = this.pools[0]!;
  }

  /** Open connections over all nodes. */
  get connected(): number {
    return this.pools.reduce((a, p) => a + p.stats.connected, 0);
  }

  /** Send one action; resolves with the parsed JSON answer, rejects with SqsCallError on a non-200. */
  async call<T = Record<string, unknown>>(action: string, input: object): Promise<T> {
    const body = JSON.stringify(input);
    const target = `AmazonSQS.${action}`;
    let i = 0;
    if (this.pools.length > 1) {
      i = this.next;
      this.next = (i + 1) % this.pools.length;
    }
    const res = await this.pools[i]!.request({
      path: '/',
      method: 'POST',
      headers: this.signer.signJson(this.hosts[i]!, target, body),
      body,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new SqsCallError(action, res.statusCode, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new SqsCallError(action, res.statusCode, `not JSON: ${text}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.destroy().catch(() => undefined)));
  }
}

export interface SqsMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
}

export interface ReceiveOutput {
  Messages?: SqsMessage[];
}

export interface BatchOutput {
  Successful?: { Id: string }[];
  Failed?: { Id: string; Code?: string; Message?: string }[];
}
