/**
 * The differential harness: what a case is, how it runs against a real Ferry through a real client,
 * and how its observation is compared with AWS's recorded response.
 *
 * A case is data — its name, the AWS recording it reproduces (file, snapshot key, recorded date), a
 * human-readable description of the request(s), and the recorded response's important fields — plus a
 * small `run` function that issues the same requests through the real client and returns the same
 * fields. The comparison is exact: error code (the Query code, which both SDKs expose and which the
 * recordings name `Code`), exact message, and every other field the case lists.
 */
import { isDeepStrictEqual } from 'node:util';
import { normaliseError, type Protocol, type SqsCaller } from '../helpers/clients.js';

/** Where the recorded AWS behaviour comes from. */
export interface Source {
  /** e.g. `localstack tests/aws/services/sqs/test_sqs.snapshot.json`. */
  file: string;
  /** Snapshot key or test name (and the recorded entry inside it). */
  key: string;
  /** When the recording was last validated against AWS (YYYY-MM-DD), or a note why none is given. */
  recorded: string;
}

/** An observation: named fields, each compared exactly. An error is `{ error: { code, message } }`. */
export type Observation = Record<string, unknown>;

export interface CaseContext {
  readonly protocol: Protocol;
  readonly client: SqsCaller;
  /** Base URL of the Ferry under test (for raw Query requests). */
  readonly endpoint: string;
  /** A queue name unique to this case run (`.fifo` kept at the end). */
  name(base: string): string;
  /** CreateQueue with a unique name; returns the queue URL. */
  queue(base: string, attributes?: Record<string, string>): Promise<string>;
  /** GetQueueAttributes QueueArn. */
  arn(queueUrl: string): Promise<string>;
  sleep(ms: number): Promise<void>;
  /** Run a call; resolve with its result, or with `{ error: { code, message } }` when it fails. */
  attempt<T = Record<string, unknown>>(p: Promise<T>): Promise<T | { error: { code: string; message: string } }>;
  /** Values the expected messages refer to as `<name>` (e.g. `<receipt-handle>`, `<queue-name>`). */
  vars: Record<string, string>;
  /** POST a raw Query request (form body) to the queue URL or endpoint; returns status and XML. */
  rawQuery(params: Array<[string, string]>, url?: string): Promise<{ status: number; body: string }>;
  /** POST a raw JSON 1.0 request to the endpoint; returns status and the parsed body (what the SDKs hide: members present but empty). */
  rawJson(action: string, input: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** A known difference whose fix belongs outside the action/protocol layers (see docs "Open: storage rules"). */
export interface OpenGap {
  layer: 'storage';
  /** What Ferry does instead, and what rule must change. */
  note: string;
}

export interface DiffCase {
  /** Unique id: `<recording name>/<entry>`. */
  id: string;
  source: Source;
  /** Wires the recording covers (most LocalStack tests record both `[sqs]` and `[sqs_query]`). */
  protocols: readonly Protocol[];
  /** The request(s), as a reader of the table should see them. */
  request: string;
  /** AWS's recorded response fields. */
  aws: Observation;
  /** Fields that differ on the Query wire (merged over `aws`). */
  awsQuery?: Observation;
  /** Known-open gap: the test fails if this case starts matching, so the list stays true. */
  open?: OpenGap;
  /** Cases that wait for visibility timeouts say so; they run concurrently with the rest. */
  slow?: boolean;
  run(ctx: CaseContext): Promise<Observation>;
}

export const LS = 'localstack tests/aws/services/sqs/test_sqs.snapshot.json';
export const LS_PY = 'localstack tests/aws/services/sqs/test_sqs.py (aws.validated assertions)';
export const LS_MOVE = 'localstack tests/aws/services/sqs/test_sqs_move_task.snapshot.json';
export const MOTO = 'moto tests/test_sqs/test_sqs.py (aws_verified)';
export const BOTH: readonly Protocol[] = ['json', 'query'];
export const JSON_ONLY: readonly Protocol[] = ['json'];
export const QUERY_ONLY: readonly Protocol[] = ['query'];

/** Error observation helper for expectations. */
export const err = (code: string, message: string): Observation => ({ error: { code, message } });

/** The expected observation for a protocol, with `<var>` placeholders filled in. */
export function expectedFor(c: DiffCase, protocol: Protocol, vars: Record<string, string>): Observation {
  const base = protocol === 'query' && c.awsQuery ? { ...c.aws, ...c.awsQuery } : c.aws;
  return substitute(base, vars) as Observation;
}

function substitute(v: unknown, vars: Record<string, string>): unknown {
  if (typeof v === 'string') return v.replace(/<([a-z-]+)>/g, (m, k: string) => vars[k] ?? m);
  if (Array.isArray(v)) return v.map((x) => substitute(x, vars));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, vars)]));
  return v;
}

export interface Outcome {
  case: DiffCase;
  protocol: Protocol;
  expected: Observation;
  observed: Observation;
  match: boolean;
  /** Keys whose values differ. */
  differing: string[];
}

export function compare(expected: Observation, observed: Observation): string[] {
  const keys = new Set([...Object.keys(expected), ...Object.keys(observed)]);
  return [...keys].filter((k) => !isDeepStrictEqual(expected[k], observed[k]));
}

let counter = 0;

/** Run one case over one protocol. A thrown (unexpected) error becomes an `unexpected` field. */
export async function runCase(c: DiffCase, protocol: Protocol, client: SqsCaller, endpoint: string): Promise<Outcome> {
  const vars: Record<string, string> = {};
  const ctx: CaseContext = {
    protocol,
    client,
    endpoint,
    vars,
    name(base) {
      const fifo = base.endsWith('.fifo');
      const stem = fifo ? base.slice(0, -5) : base;
      return `${stem}-${protocol[0]}${process.pid}-${++counter}${fifo ? '.fifo' : ''}`;
    },
    async queue(base, attributes) {
      const name = this.name(base);
      const input: Record<string, unknown> = { QueueName: name };
      if (attributes) input.Attributes = attributes;
      const out = await client.call<{ QueueUrl: string }>('CreateQueue', input);
      return out.QueueUrl;
    },
    async arn(queueUrl) {
      const out = await client.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
        QueueUrl: queueUrl,
        AttributeNames: ['QueueArn'],
      });
      return out.Attributes.QueueArn!;
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    async attempt(p) {
      try {
        return await p;
      } catch (e) {
        const n = normaliseError(e);
        return { error: { code: n.queryCode, message: n.message } };
      }
    },
    async rawQuery(params, url) {
      const body = new URLSearchParams([['Version', '2012-11-05'], ...params]).toString();
      const res = await fetch(url ?? endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return { status: res.status, body: await res.text() };
    },
    async rawJson(action, input) {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
        body: JSON.stringify(input),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
  let observed: Observation;
  try {
    observed = await c.run(ctx);
  } catch (e) {
    const n = normaliseError(e);
    observed = { unexpected: n.code ? { code: n.queryCode, message: n.message } : String(e) };
  }
  const expected = expectedFor(c, protocol, vars);
  const differing = compare(expected, observed);
  return { case: c, protocol, expected, observed, match: differing.length === 0, differing };
}

/** Small XML helpers for raw Query answers. */
export function xmlField(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m?.[1];
}
