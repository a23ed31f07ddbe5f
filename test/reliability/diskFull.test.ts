/**
 * Disk full on a real tmpfs (campaigns/diskFull.ts): consumers drain a full disk, sends get the
 * retryable ServiceUnavailable, nothing acknowledged is lost, and Ferry recovers by itself — after a
 * drain and after space is freed from outside.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cannotMount, runDiskFullCampaign } from './campaigns/diskFull.js';

it(
  'a full disk: drains keep working, sends are refused retryably, nothing acknowledged is lost, recovery is automatic',
  { skip: cannotMount(), timeout: 120_000 },
  async () => {
    const r = await runDiskFullCampaign({ sizeMiB: 40, reserveMiB: 8 });
    assert.ok(r.acked > 100, `the disk filled after only ${r.acked} sends`);
    assert.equal(r.lost, 0, 'acknowledged sends lost');
    assert.equal(r.drainErrors, 0, 'receives, visibility changes or deletes failed on the full disk');
    assert.ok(r.refusedSends >= 5);
    // 'low' is seen only when a 1 s free-space check falls between two health polls while filling: not asserted.
    assert.equal(r.states[0], 'ok', `health states ${r.states.join(' → ')}`);
    assert.ok(r.states.includes('full'), `health states ${r.states.join(' → ')}`);
    assert.notEqual(r.states[r.states.length - 1], 'full');
    assert.ok(r.recoveredAfterDrainMs >= 0 && r.recoveredAfterFreeMs >= 0);
  },
);
