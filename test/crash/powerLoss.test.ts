/**
 * Power loss, simulated at the file level: the crash loop's mixed load on SQLite, run by an entry
 * (test/reliability/powerLoss/server.ts) whose WAL syncs record the bytes of `ferry.db` and
 * `ferry.db-wal` each sync made durable. After every kill -9 the data directory is put back to the
 * last such image — everything written after the last sync Ferry waited for is dropped, as a power cut
 * at that moment would — and on every other round a torn write (random bytes where SQLite's next WAL
 * frame would have started, as a half-written unsynced frame would leave) is added. `ferry.db-shm` is removed (it lives in memory
 * pages SQLite never syncs). Then Ferry starts on it (the start-up check runs quick_check) and the
 * crash loop's oracles apply: every acknowledged send present, no acknowledged delete back, FIFO order.
 *
 * The release-log oracle (tighter than the load generator's acknowledgements): the entry logs every
 * answer it sends with the image of the sync that released it, and every image it publishes
 * (server.ts); every call of the load carries its op id. After each restore, every operation released
 * by a sync at or before the restored image must be in the restored state — a released send's body
 * present unless a delete of it was sent, a released delete's body absent, a message a released
 * receive returned (if still stored under its id) counted in its receive count — no answer may have
 * been released by a sync newer than the image, and the image must be the last sync that released an
 * answer or the one right after it (killed before its answers went out). Unlike the load generator's
 * oracles it covers receives and answers the kill cut before the load generator read them. Each kill
 * waits (up to 300 ms) for a moment when the WAL holds bytes written after the newest image, so that
 * the restore drops something.
 */
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCrashLoop, type CrashLoopView } from '../reliability/campaigns/crashLoop.js';

/** One line of the entry's release log (server.ts). */
interface Released {
  image: string | null;
  /** null: the line records the publication of `image` (a sync completed). */
  op: string | null;
  status?: number;
  body?: string;
}

/** The last path component (an image directory's name, `<pid>-g<n>`). */
const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** What `checkReleased` found. */
interface ReleaseCheck {
  violations: string[];
  summary: string;
  /** The restored image was the last sync that released an answer, and that released a send or delete. */
  lastSyncChecked: boolean;
}

/**
 * The release-log oracle, after a restore of `image` (see the header): every send or delete released
 * by a sync at or before `image` is in `view.present` (sends present unless a delete of the body was
 * sent, deletes absent); no answer was released by a sync newer than `image`; and `image` is the last
 * sync that released an answer or the one right after it (a kill between a sync's completion and its
 * answers: the entry publishes before Ferry sends them, and the next sync's capture, reading both files,
 * runs in between).
 */
function checkReleased(log: Released[], image: string, view: CrashLoopView): ReleaseCheck {
  const violations: string[] = [];
  // Every sync's image, in the order they were published (the log's lines are in time order).
  const order = new Map<string, number>();
  for (const l of log) if (l.op === null && l.image !== null) order.set(l.image, order.size);
  const at = order.get(image);
  if (at === undefined) return { violations: [`restored image ${base(image)} is not in the release log`], summary: '', lastSyncChecked: false };
  // Receipt handle → body, from the receives the server answered.
  const handles = new Map<string, string>();
  for (const l of log) {
    if (l.op === null || l.status !== 200 || view.ops.get(l.op)?.action !== 'ReceiveMessage') continue;
    const msgs = (JSON.parse(l.body!) as { Messages?: Array<{ Body: string; ReceiptHandle: string }> }).Messages ?? [];
    for (const x of msgs) handles.set(x.ReceiptHandle, x.Body);
  }
  /** Per message id: the receives released so far that returned it (its receive count is at least that). */
  const receivedTimes = new Map<string, number>();
  const total = { sends: 0, deletes: 0, receives: 0, other: 0 };
  const releasing = new Set<string>();
  let last: string | undefined;
  let lastSync = { ...total };
  for (const l of log) {
    const op = l.op === null ? undefined : view.ops.get(l.op);
    if (op === undefined || l.status !== 200) continue;
    const sent: string[] = [];
    const deleted: string[] = [];
    const body = JSON.parse(l.body!) as { Successful?: Array<{ Id: string }> };
    const entries = (op.input.Entries as Array<{ Id: string; MessageBody?: string; ReceiptHandle?: string }> | undefined) ?? [];
    const entry = (id: string) => entries.find((e) => e.Id === id)!;
    const bodyOf = (h: string | undefined) => {
      const b = handles.get(h!);
      if (b === undefined) violations.push(`${l.op} ${op.action}: a receipt handle no answered receive returned`);
      else deleted.push(b);
    };
    if (op.action === 'SendMessage') sent.push(op.input.MessageBody as string);
    else if (op.action === 'SendMessageBatch') for (const s of body.Successful ?? []) sent.push(entry(s.Id).MessageBody!);
    else if (op.action === 'DeleteMessage') bodyOf(op.input.ReceiptHandle as string);
    else if (op.action === 'DeleteMessageBatch') for (const s of body.Successful ?? []) bodyOf(entry(s.Id).ReceiptHandle);
    const kind = op.action === 'ReceiveMessage' ? 'receives' : sent.length + deleted.length === 0 ? 'other' : undefined;
    const n = l.image === null ? undefined : order.get(l.image);
    if (n === undefined) {
      if (kind !== 'receives' && kind !== 'other') violations.push(`${l.op} ${op.action}: answered before any sync completed`);
      continue;
    }
    if (n > at) {
      violations.push(`${l.op} ${op.action}: released by sync ${base(l.image!)}, newer than the restored image ${base(image)}`);
      continue;
    }
    releasing.add(l.image!);
    if (l.image !== last) [last, lastSync] = [l.image!, { sends: 0, deletes: 0, receives: 0, other: 0 }];
    for (const t of [total, lastSync]) {
      t.sends += sent.length;
      t.deletes += deleted.length;
      if (kind !== undefined) t[kind]++;
    }
    for (const b of sent)
      if (!view.present.has(b) && !view.attemptedDeletes.has(b)) violations.push(`${b}: send released by ${base(l.image!)} (${l.op}) lost`);
    for (const b of deleted) if (view.present.has(b)) violations.push(`${b}: delete released by ${base(l.image!)} (${l.op}) resurrected`);
    if (kind === 'receives') {
      // A receive counts in its message's receive count. The message may be gone since (deleted, or
      // moved by a redrive, which makes a new message) but if it is there, the count includes it (a move
      // to the DLQ keeps id and count).
      for (const x of (body as { Messages?: Array<{ MessageId: string; Body: string }> }).Messages ?? []) {
        const n = (receivedTimes.get(x.MessageId) ?? 0) + 1;
        receivedTimes.set(x.MessageId, n);
        const now = view.stored.get(x.MessageId);
        if (now !== undefined && now.receiveCount < n) {
          violations.push(
            `${x.Body}: receive released by ${base(l.image!)} (${l.op}) undone (receive count ${now.receiveCount}, ${n} receives released)`,
          );
        }
      }
    }
  }
  const ahead = last === undefined ? at + 1 : at - order.get(last)!;
  if (ahead > 1)
    violations.push(
      `restored image ${base(image)} is ${ahead} syncs newer than the last that released an answer (${last === undefined ? 'none' : base(last)})`,
    );
  const c = (t: typeof total) => `${t.sends} sends, ${t.deletes} deletes, ${t.receives} receives, ${t.other} other`;
  return {
    violations,
    lastSyncChecked: ahead === 0 && lastSync.sends + lastSync.deletes > 0,
    summary:
      `release log: ${order.size} syncs, ${releasing.size} released answers (${c(total)}), checked; restored image ${base(image)}, ` +
      (last === undefined ? 'no sync released an answer' : `last releasing sync ${base(last)} (${c(lastSync)})`),
  };
}

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
  /** The image each restore put back (full path), by kill. */
  const restored = new Map<number, string>();
  const releaseViolations: string[] = [];
  /** Restores whose image was the last releasing sync and released a send or delete checked. */
  let lastSyncChecked = 0;
  try {
    const r = await runCrashLoop({
      storage: 'sqlite',
      kills: 4,
      loadMs: 1500,
      main: SERVER,
      env: { FERRY_POWERLOSS_DIR: snapDir },
      log: (l) => process.stderr.write(`# ${l}\n`),
      async beforeKill(dataDir) {
        // Kill while the WAL holds bytes written after the newest image was published (bytes no
        // completed sync covered), when that happens within 300 ms: a kill in an idle moment (every
        // answer out, nothing written since) drops nothing and shows no more than kill -9 does.
        const wal = join(dataDir, 'ferry.db-wal');
        for (let i = 0; i < 150; i++) {
          try {
            if (statSync(wal).mtimeMs > statSync(join(snapDir, 'current', 'ferry.db-wal')).mtimeMs) return;
          } catch {
            // `current` swapped while being read: look again.
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      },
      afterKill(dataDir, kill) {
        const image = readlinkSync(join(snapDir, 'current'));
        restored.set(kill, image);
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
          `kill ${kill} (image ${image.slice(image.lastIndexOf('/') + 1)}): dropped ${bytesDiffering(nowWal, imgWal)} WAL bytes and ${bytesDiffering(nowDb, imgDb)} database bytes ` +
            `written after the last sync (WAL ${nowWal.length} → ${imgWal.length} bytes, db ${nowDb.length} → ${imgDb.length})${torn}`,
        );
      },
      afterCheck(kill, view) {
        const log = readFileSync(join(snapDir, 'released.log'), 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Released);
        const c = checkReleased(log, restored.get(kill)!, view);
        if (c.lastSyncChecked) lastSyncChecked++;
        // Violations accumulate (a lost send stays lost): count the ones this restore added.
        const fresh = c.violations.filter((v) => !releaseViolations.includes(v));
        restores.push(`kill ${kill}: ${c.summary}; ${fresh.length} new violations`);
        for (const v of fresh.slice(0, 10)) restores.push(`  ${v}`);
        releaseViolations.push(...fresh);
      },
    });
    for (const l of restores) process.stderr.write(`# ${l}\n`);
    process.stderr.write(
      `# release-log oracle: ${releaseViolations.length} violations; load generator's oracles: ${r.lost.length} lost, ` +
        `${r.resurrected.length} resurrected, ${r.visibilityViolations.length} visibility-window violations; ` +
        `${lastSyncChecked}/${r.kills} restores put back the last releasing sync with a send or delete to check\n`,
    );
    assert.deepEqual(r.errors, []);
    assert.equal(r.kills, 4);
    assert.ok(r.ackedSends > 50 && r.ackedDeletes > 10, `load too small: ${r.ackedSends} sends, ${r.ackedDeletes} deletes`);
    // The simulation must have dropped something, or it showed nothing beyond kill -9.
    assert.ok(dropped > 0, 'no kill found written-but-unsynced bytes to drop');
    // The release-log oracle must have had something to bite on: a restore of the last sync that
    // released an answer, with a send or delete among them (a sync late, that restore shows it).
    assert.ok(lastSyncChecked > 0, 'no restore put back a sync that released a send or delete');
    assert.deepEqual(releaseViolations, [], `${releaseViolations.length} released operations not in the restored state`);
    assert.deepEqual(r.lost, [], `${r.lost.length} acknowledged sends lost`);
    assert.deepEqual(r.resurrected, [], `${r.resurrected.length} acknowledged deletes resurrected`);
    assert.deepEqual(r.fifoViolations, []);
    assert.ok(r.receivesChecked > 0, 'no receive was checked against the visibility windows');
    assert.deepEqual(r.visibilityViolations, [], 'received again inside a visibility window');
  } finally {
    rmSync(snapDir, { recursive: true, force: true });
  }
});
