/** Small builders the engine-specific storage tests share. */
import { createHash } from 'node:crypto';

import { systemClock } from '../../src/core/clock.js';
import type { Random } from '../../src/core/random.js';
import type { SendMessageParams } from '../../src/storage/engine.js';
import { PostgresEngine, type PostgresEngineOptions } from '../../src/storage/postgres/index.js';
import { dropSchema } from '../helpers/postgres.js';

/** One message to send: id `id-<body>`, its body MD5, no attributes, no delay. */
export function msg(body: string, extra: Partial<SendMessageParams> = {}): SendMessageParams {
  return {
    messageId: `id-${body}`,
    body,
    md5OfBody: createHash('md5').update(body).digest('hex'),
    messageAttributes: {},
    systemAttributes: {},
    delayMs: 0,
    senderId: 'AID',
    ...extra,
  };
}

/**
 * `count` PostgreSQL engines ("nodes") on one schema, on the database clock; all closed and the schema
 * dropped after `fn`. `random(i)` gives node i's randomness.
 */
export async function withPostgresNodes(
  url: string,
  schema: string,
  count: number,
  opts: Partial<PostgresEngineOptions>,
  random: (i: number) => Random,
  fn: (nodes: PostgresEngine[], schema: string) => Promise<void>,
): Promise<void> {
  const nodes = Array.from(
    { length: count },
    (_, i) => new PostgresEngine({ url, schema, poolSize: 4, clock: systemClock, random: random(i), ...opts }),
  );
  try {
    await Promise.all(nodes.map((e) => e.init()));
    await fn(nodes, schema);
  } finally {
    await Promise.all(nodes.map((e) => e.close()));
    await dropSchema(url, schema);
  }
}
