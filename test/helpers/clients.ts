/**
 * One calling convention over the two real SQS clients used by the black-box tests:
 *  - `json`:  @aws-sdk/client-sqs (v3), AWS JSON 1.0 protocol;
 *  - `query`: aws-sdk v2 pinned to 2.1490.0, the last version that speaks the AWS Query protocol.
 * Both take the same PascalCase input members (the SQS model's), so a scenario is written once and
 * runs over both wires. Errors are normalised to `{ code, queryCode, status }`.
 */
import * as v3 from '@aws-sdk/client-sqs';
import { createRequire } from 'node:module';
import { after } from 'node:test';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const require = createRequire(import.meta.url);
const AWS2 = require('aws-sdk') as typeof import('aws-sdk');

export type Protocol = 'json' | 'query';

export interface SqsCaller {
  readonly protocol: Protocol;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(action: string, input: Record<string, unknown>): Promise<T>;
  destroy(): void;
}

export interface NormalisedError {
  /** The error's name as a JSON client shows it (QueueDoesNotExist), or the Query code (v2). */
  code: string;
  /** The Query code (AWS.SimpleQueueService.NonExistentQueue) as both SDKs expose it. */
  queryCode: string;
  status: number | undefined;
  message: string;
}

/** The credentials every client signs with unless told otherwise (auth tests pass their own). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDFERRYTEST', secretAccessKey: 'ferry-test-secret' };

export function makeClient(
  protocol: Protocol,
  endpoint: string,
  region = 'us-east-1',
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = TEST_CREDENTIALS,
): SqsCaller {
  if (protocol === 'json') {
    const client = new v3.SQSClient({ endpoint, region, credentials, maxAttempts: 1 });
    return {
      protocol,
      async call(action, input) {
        const Cmd = (v3 as unknown as Record<string, new (i: unknown) => v3.SQSClient extends never ? never : object>)[`${action}Command`];
        if (!Cmd) throw new Error(`no v3 command ${action}`);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const out = (await client.send(new Cmd(input) as any)) as unknown as Record<string, unknown>;
        delete out.$metadata;
        return out as never;
      },
      destroy: () => client.destroy(),
    };
  }
  const sqs = new AWS2.SQS({ endpoint, region, ...credentials, sslEnabled: false, maxRetries: 0 });
  return {
    protocol,
    async call(action, input) {
      const method = action[0]!.toLowerCase() + action.slice(1);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const out = (await (sqs as any)[method](input).promise()) as Record<string, unknown>;
      delete out.ResponseMetadata;
      return out as never;
    },
    destroy: () => undefined,
  };
}

export function normaliseError(e: unknown): NormalisedError {
  const err = e as { name?: string; code?: string; Code?: string; statusCode?: number; $metadata?: { httpStatusCode?: number }; message?: string };
  if (err.$metadata) {
    // v3: `name` is the modeled shape name; query-compatible services also expose the Query code.
    return { code: err.name ?? '', queryCode: err.Code ?? err.name ?? '', status: err.$metadata.httpStatusCode, message: err.message ?? '' };
  }
  return { code: err.code ?? '', queryCode: err.code ?? '', status: err.statusCode, message: err.message ?? '' };
}

/** Await a call that must fail; return the normalised error. */
export async function expectError(p: Promise<unknown>): Promise<NormalisedError> {
  try {
    await p;
  } catch (e) {
    return normaliseError(e);
  }
  throw new Error('expected the call to fail, it succeeded');
}

/**
 * For a `describe` block: `as(who)` is a client signed with `keys[who]`, made on first use against
 * `endpoint()` (read then, so a server started in `before` can be named) and destroyed after the block.
 */
export function clientsByIdentity<Who extends string>(
  protocol: Protocol,
  endpoint: () => string,
  keys: Record<Who, { accessKeyId: string; secretAccessKey: string }>,
): (who: Who) => SqsCaller {
  const clients = new Map<Who, SqsCaller>();
  after(() => {
    for (const c of clients.values()) c.destroy();
  });
  return (who) => {
    let c = clients.get(who);
    if (!c) clients.set(who, (c = makeClient(protocol, endpoint(), 'us-east-1', { ...keys[who] })));
    return c;
  };
}
