/**
 * Power loss, simulated at the file level: the crash loop's mixed load on SQLite, run by an entry
 * (test/reliability/powerLoss/server.ts) whose WAL syncs record the bytes of `ferry.db` and
 * `ferry.db-wal` each sync made durable. After every kill -9 the data directory is put back to the
 * last such image — everything written after the last sync Ferry waited for is dropped, as a power cut
 * at that moment would — and on every other round a torn write (random bytes where SQLite's next WAL
 * frame would have started, as a half-written unsynced frame would leave) is added. `ferry.db-shm` is removed (it lives in memory
 * pages SQLite never syncs). Then Ferry starts on it (the start-up check runs quick_check) and the
 * crash loop's oracles apply: every acknowledged send present, no acknowledged delete back, FIFO order.
 */
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCrashLoop } from '../reliability/campaigns/crashLoop.js';

/**
 * Where SQLite would write the WAL's next frame: after the last frame carrying the header's salt (a
 * reused WAL keeps older frames, with older salts, beyond it). WAL format: 32-byte header (page size at
 * 8, salts at 16..23), frames of a 24-byte header (salts at 8..15) and one page.
 */
function nextFrameOffset(wal: Buffer): number {
  if (wal.length < 32) return wal.length;
  const pageSize = wal.readUInt32BE(8);
  const salt = wal.subarray(16, 24);
  let off = 32;
  while (off + 24 + pageSize <= wal.length && wal.subarray(off + 8, off + 16).equals(salt)) off += 24 + pageSize;
  return off;
}

/** Bytes that differ between two files (the longer one's extra bytes count too). */
function bytesDiffering(a: Buffer, b: Buffer): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

const SERVER = resolve(dirname(fileURLToPath(import.meta.url)), '../reliability/powerLoss/server.js');

it('power loss after the last sync Ferry waited for loses nothing acknowledged', { timeout: 150_000 }, async () => {
  const snapDir = mkdtempSync(join(tmpdir(), 'ferry-powerloss-'));
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  /** Rounds whose files at the kill held bytes the last sync had not made durable (dropped here). */
  let dropped = 0;
  const restores: string[] = [];
  try {
    const r = await runCrashLoop({
      storage: 'sqlite',
      kills: 4,
      loadMs: 1500,
      main: SERVER,
      env: { FERRY_POWERLOSS_DIR: snapDir },
      log: (l) => process.stderr.write(`# ${l}\n`),
      afterKill(dataDir, kill) {
        const image = readlinkSync(join(snapDir, 'current'));
        const db = join(dataDir, 'ferry.db');
        const [nowDb, nowWal] = [readFileSync(db), readFileSync(`${db}-wal`)];
        const [imgDb, imgWal] = [readFileSync(join(image, 'ferry.db')), readFileSync(join(image, 'ferry.db-wal'))];
        const differs = !nowDb.equals(imgDb) || !nowWal.equals(imgWal);
        if (differs) dropped++;
        copyFileSync(join(image, 'ferry.db'), db);
        copyFileSync(join(image, 'ferry.db-wal'), `${db}-wal`);
        rmSync(`${db}-shm`, { force: true });
        let torn = '';
        if (kill % 2 === 0) {
          // A torn write of the frames that would have come next: random bytes where they would start.
          const len = 1 + (rand() % 65536);
          const at = nextFrameOffset(imgWal);
          const fd = openSync(`${db}-wal`, 'r+');
          writeSync(fd, Buffer.from(Array.from({ length: len }, () => rand() & 0xff)), 0, len, at);
          closeSync(fd);
          torn = `, ${len} random bytes written at WAL offset ${at}`;
        }
        restores.push(
          `kill ${kill}: dropped ${bytesDiffering(nowWal, imgWal)} WAL bytes and ${bytesDiffering(nowDb, imgDb)} database bytes ` +
            `written after the last sync (WAL ${nowWal.length} → ${imgWal.length} bytes, db ${nowDb.length} → ${imgDb.length})${torn}`,
        );
      },
    });
    for (const l of restores) process.stderr.write(`# ${l}\n`);
    assert.deepEqual(r.errors, []);
    assert.equal(r.kills, 4);
    assert.ok(r.ackedSends > 50 && r.ackedDeletes > 10, `load too small: ${r.ackedSends} sends, ${r.ackedDeletes} deletes`);
    // The simulation must have dropped something, or it showed nothing beyond kill -9.
    assert.ok(dropped > 0, 'no kill found written-but-unsynced bytes to drop');
    assert.deepEqual(r.lost, [], `${r.lost.length} acknowledged sends lost`);
    assert.deepEqual(r.resurrected, [], `${r.resurrected.length} acknowledged deletes resurrected`);
    assert.deepEqual(r.fifoViolations, []);
    assert.ok(r.receivesChecked > 0, 'no receive was checked against the visibility windows');
    assert.deepEqual(r.visibilityViolations, [], 'received again inside a visibility window');
    assert.ok(r.receivesChecked > 0, 'no receive was checked against the visibility windows');
    assert.deepEqual(r.visibilityViolations, [], 'received again inside a visibility window');
  } finally {
    rmSync(snapDir, { recursive: true, force: true });
  }
});
