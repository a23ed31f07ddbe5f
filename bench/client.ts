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

export class SqsClient {
  readonly pool: Pool;
  private readonly host: string;
  private readonly signer: Signer;

  constructor(
    readonly url: string,
    opts: ClientOptions,
  ) {
    const u = new URL(url);
    this.host = u.host;
    this.signer = opts.signer ?? new Signer(BENCH_CREDENTIALS, BENCH_REGION);
    this.pool = new Pool(u.origin, {
      connections: opts.connections,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      // Long polls hold a request up to 20 s; the default timeouts (300 s) are fine, but a hung server
      // must not hang the harness forever.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      connectTimeout: 30_000,
    });
  }

  /** Send one action; resolves with the parsed JSON answer, rejects with SqsCallError on a non-200. */
  async call<T = Record<string, unknown>>(action: string, input: object): Promise<T> {
    const body = JSON.stringify(input);
    const target = `AmazonSQS.${action}`;
    const res = await this.pool.request({
      path: '/',
      method: 'POST',
      headers: this.signer.signJson(this.host, target, body),
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
    await this.pool.destroy().catch(() => undefined);
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
