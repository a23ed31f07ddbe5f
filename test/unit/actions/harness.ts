/**
 * Test harness for action-level tests: a real engine (MemoryEngine), a ManualClock, seeded
 * randomness, real ActionServices and a `call` helper that goes through dispatchAction.
 */
import { NEVER_CANCELLED } from '../../../src/core/cancel.js';
import assert from 'node:assert/strict';

import { createActionServices, type ActionServicesImpl } from '../../../src/runtime/index.js';
import { dispatchAction } from '../../../src/actions/registry.js';
import type { ActionContext, ActionInput, ActionName, ActionOutput } from '../../../src/actions/types.js';
import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';
import { SqsError } from '../../../src/errors/catalog.js';
import { MemoryEngine } from '../../../src/storage/memory/index.js';
import { SqliteEngine } from '../../../src/storage/sqlite/index.js';
import type { StorageEngine } from '../../../src/storage/engine.js';

export const BASE = 'http://localhost:9324';
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

export interface Harness {
  engine: StorageEngine;
  clock: ManualClock;
  services: ActionServicesImpl;
  ctx(extra?: Partial<ActionContext>): ActionContext;
  call<A extends ActionName>(action: A, input: ActionInput<A>, extra?: Partial<ActionContext>): Promise<ActionOutput<A>>;
  fails(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<SqsError>;
  url(name: string): string;
  arn(name: string): string;
  close(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const clock = new ManualClock();
  const random = new SeededRandom('actions-test');
  // FERRY_TEST_ENGINE=sqlite runs the same action tests on an in-memory SQLite database.
  const engine: StorageEngine =
    process.env.FERRY_TEST_ENGINE === 'sqlite' ? new SqliteEngine({ path: ':memory:', clock, random }) : new MemoryEngine({ clock, random });
  await engine.init();
  const services = await createActionServices({ engine, clock, random });
  const ctx = (extra: Partial<ActionContext> = {}): ActionContext => ({
    engine,
    clock,
    random,
    settings: { region: REGION, accountId: ACCOUNT, purgeIntervalMs: 60_000, queueReuseDelayMs: 60_000 },
    requestId: 'req-1',
    queueUrlBase: BASE,
    signal: NEVER_CANCELLED,
    services,
    ...extra,
  });
  return {
    engine,
    clock,
    services,
    ctx,
    call: (action, input, extra) => dispatchAction(action, input, ctx(extra)),
    async fails(p, code, message) {
      try {
        await p;
      } catch (e) {
        assert.ok(e instanceof SqsError, `expected SqsError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        if (typeof message === 'string') assert.equal(e.message, message);
        else if (message) assert.match(e.message, message);
        return e;
      }
      assert.fail(`expected ${code}`);
    },
    url: (name) => `${BASE}/${ACCOUNT}/${name}`,
    arn: (name) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    async close() {
      await services.close();
      await engine.close();
    },
  };
}
