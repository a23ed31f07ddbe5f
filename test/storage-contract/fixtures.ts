/** Small builders the engine-specific storage tests share. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { systemClock } from '../../src/core/clock.js';
import type { Random } from '../../src/core/random.js';
import { isDomainError } from '../../src/errors/domain.js';
import type { SendMessageParams, StorageEngine } from '../../src/storage/engine.js';
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

/**
 * What the accounts migration (SQLite 3, PostgreSQL 3) must leave of the schema-1 fixture store of
 * test/helpers/sqlite.ts (queues `std`, `q.fifo`, `grp.fifo`; `std` with one visible and one in-flight
 * message; a tombstone `gone`): every queue and tombstone in account `111111111111`, and the same names
 * free in another account.
 */
export async function assertAccountsMigrated(e: StorageEngine, stdId: string): Promise<void> {
  const std = (await e.queueGetByName('111111111111', 'std'))!;
  assert.equal(std.id, stdId);
  assert.equal(std.accountId, '111111111111');
  assert.equal(await e.queueGetByName('000000000000', 'std'), undefined);
  assert.deepEqual(await e.queueStats(std.id), { visible: 1, inflight: 1, delayed: 0 });
  assert.deepEqual(
    (await e.queueList({ accountId: '111111111111' })).map((q) => q.name),
    ['grp.fifo', 'q.fifo', 'std'],
  );
  // The tombstone moved with its account: the name waits there, and is free in another account.
  await assert.rejects(
    e.queueCreate({ accountId: '111111111111', name: 'gone', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 60_000 }),
    (err: unknown) => isDomainError(err, 'QueueDeletedRecently'),
  );
  const other = await e.queueCreate({ accountId: '222222222222', name: 'gone', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 60_000 });
  assert.equal(other.created, true);
  // The same name in another account is another queue.
  const std2 = await e.queueCreate({ accountId: '222222222222', name: 'std', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
  assert.equal(std2.created, true);
  assert.notEqual(std2.queue.id, std.id);
}
