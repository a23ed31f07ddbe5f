/**
 * Crash loop on SQLite (the seconds-long version of the campaign's step): kill -9 a real Ferry process
 * five times in a row under mixed load — standard and FIFO queues, batches, visibility changes, a DLQ
 * with a redrive (StartMessageMoveTask) each round — and after every restart: no acknowledged send
 * lost, no acknowledged delete resurrected, no FIFO group delivered out of order
 * (test/reliability/campaigns/crashLoop.ts). `npm run reliability -- --only crash` runs 30 kills, and
 * three processes on PostgreSQL with PostgreSQL killed too.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runCrashLoop } from '../reliability/campaigns/crashLoop.js';

it(
  'five kill -9 in a row under mixed load: nothing acknowledged lost or resurrected, FIFO order kept, no receive inside a visibility window',
  { timeout: 150_000 },
  async () => {
    const r = await runCrashLoop({ storage: 'sqlite', kills: 5, loadMs: 1500, log: (l) => process.stderr.write(`# ${l}\n`) });
    assert.deepEqual(r.errors, []);
    assert.equal(r.kills, 5);
    // The load must mean something: sends and deletes acknowledged in every round.
    assert.ok(r.ackedSends > 100, `only ${r.ackedSends} sends acknowledged`);
    assert.ok(r.ackedDeletes > 20, `only ${r.ackedDeletes} deletes acknowledged`);
    assert.ok(
      r.moves > 0 && r.visibilityChanges > 0 && r.dlqPeak > 0,
      `redrives ${r.moves}, visibility changes ${r.visibilityChanges}, DLQ peak ${r.dlqPeak}`,
    );
    assert.deepEqual(r.lost, [], `${r.lost.length} acknowledged sends lost`);
    assert.deepEqual(r.resurrected, [], `${r.resurrected.length} acknowledged deletes resurrected`);
    assert.deepEqual(r.fifoViolations, []);
    assert.ok(r.receivesChecked > 0, 'no receive was checked against the visibility windows');
    assert.deepEqual(r.visibilityViolations, [], 'received again inside a visibility window');
  },
);
