/**
 * The disk guard's sizing on small file systems (sizes injected; the reserve file is really written in a
 * temp directory): a reserve that a volume could never hold, twice over, is scaled down to it instead of
 * starting (and staying) full; sizes that fit are kept as asked.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { DiskGuard, RESERVE_FILE } from '../../../src/storage/sqlite/diskSpace.js';

const MiB = 1 << 20;

function guard(o: { total: number; free: number; reserve: number; low: number; dir?: string }) {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'ferry-disk-'));
  const warnings: Array<Record<string, unknown>> = [];
  const g = new DiskGuard({
    dir,
    reserveBytes: o.reserve,
    lowBytes: o.low,
    freeBytes: () => o.free,
    totalBytes: () => o.total,
    warn: (_m, detail) => warnings.push(detail),
  });
  return { g, dir, warnings };
}

test('a 20 MiB volume with the default 64 MiB reserve and 1 GiB threshold: scaled down, not full', () => {
  const { g, dir, warnings } = guard({ total: 20 * MiB, free: 19 * MiB, reserve: 64 * MiB, low: 1024 * MiB });
  try {
    g.start();
    const st = g.status();
    assert.equal(st.state, 'ok');
    assert.equal(st.reserveBytes, Math.floor((20 * MiB) / 16));
    assert.equal(st.lowBytes, 2 * MiB);
    assert.equal(statSync(join(dir, RESERVE_FILE)).size, Math.floor((20 * MiB) / 16));
    assert.equal(g.refusingGrowth, false);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.reserveBytesAsked, 64 * MiB);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sizes the volume can hold are kept as asked, with no warning', () => {
  const { g, dir, warnings } = guard({ total: 48 * MiB, free: 40 * MiB, reserve: 8 * MiB, low: 24 * MiB });
  try {
    g.start();
    assert.deepEqual({ ...g.status(), freeBytes: 0 }, { state: 'ok', freeBytes: 0, reserveBytes: 8 * MiB, lowBytes: 24 * MiB });
    assert.equal(warnings.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no room for the reserve at start: full, and said to be full since start (no reserve was released)', () => {
  const parent = mkdtempSync(join(tmpdir(), 'ferry-disk-'));
  // The reserve cannot be written into a directory that does not exist: as when the disk has no room.
  const { g } = guard({ total: 1024 * MiB, free: 1024 * MiB, reserve: MiB, low: 0, dir: join(parent, 'missing') });
  try {
    g.start();
    assert.equal(g.status().state, 'full');
    assert.equal(g.startedFull, true);
    assert.equal(g.onDiskFull(), false, 'there was no reserve to release');
    assert.equal(g.startedFull, true);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('a refused start removes the reserve it made, and only that one', () => {
  const made = guard({ total: 1024 * MiB, free: 1000 * MiB, reserve: MiB, low: 0 });
  const kept = guard({ total: 1024 * MiB, free: 1000 * MiB, reserve: MiB, low: 0 });
  try {
    made.g.start();
    assert.ok(existsSync(join(made.dir, RESERVE_FILE)));
    made.g.discardIfMadeAtStart();
    assert.ok(!existsSync(join(made.dir, RESERVE_FILE)), 'made by this start: removed');
    writeFileSync(join(kept.dir, RESERVE_FILE), Buffer.alloc(MiB));
    kept.g.start();
    kept.g.discardIfMadeAtStart();
    assert.equal(statSync(join(kept.dir, RESERVE_FILE)).size, MiB, 'there before: kept');
  } finally {
    rmSync(made.dir, { recursive: true, force: true });
    rmSync(kept.dir, { recursive: true, force: true });
  }
});
