import { NEVER_CANCELLED } from '../../../src/core/cancel.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createActionServices } from '../../../src/runtime/index.js';
import { ManualClock } from '../../../src/core/clock.js';
import { SeededRandom } from '../../../src/core/random.js';
import { MemoryEngine } from '../../../src/storage/memory/index.js';

async function setup() {
  const clock = new ManualClock();
  const random = new SeededRandom('svc');
  const engine = new MemoryEngine({ clock, random });
  await engine.init();
  return { clock, random, engine };
}

test('receipt key is stored once per store: two service instances agree', async () => {
  const d = await setup();
  const a = await createActionServices(d);
  const b = await createActionServices(d);
  const h = a.encodeReceipt('q1', 'r', 't');
  assert.deepEqual(b.decodeReceipt(h), { queueId: 'q1', ref: 'r', receiptToken: 't' });
  const other = await createActionServices({ ...d, secret: 'different' });
  assert.equal(other.decodeReceipt(h), undefined);
  await Promise.all([a.close(), b.close(), other.close()]);
});

test('waiters: woken by engine wake-ups, not lost between attempt and wait, released on close', async () => {
  const d = await setup();
  const s = await createActionServices(d);
  const { queue } = await d.engine.queueCreate({ accountId: '000000000000', name: 'q', fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 });
  const never = NEVER_CANCELLED;
  const far = d.clock.now() + 20_000;

  const woken = s.waitForMessages(queue.id, far, never);
  await d.engine.messageSend({
    queueId: queue.id,
    dedupWindowMs: 300_000,
    messages: [{ messageId: 'm', body: 'b', md5OfBody: '', messageAttributes: {}, systemAttributes: {}, delayMs: 0, senderId: 'x' }],
  });
  assert.equal(await woken, true);

  // A wake that happened after the caller read wakeSeq resolves at once.
  const seq = s.wakeSeq!(queue.id) - 1;
  assert.equal(await s.waitForMessages(queue.id, far, never, seq), true);

  // Deadline already passed: false without waiting.
  assert.equal(await s.waitForMessages(queue.id, d.clock.now(), never), false);

  const pending = s.waitForMessages(queue.id, far, never);
  await s.close();
  assert.equal(await pending, false);
});
