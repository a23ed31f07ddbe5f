/**
 * `ferry import` is all or nothing, on real processes: the import is killed with SIGKILL while it writes
 * (after its first progress line, so tens of thousands of messages are already written inside its
 * transaction) on SQLite and on PostgreSQL. The store must then hold nothing of the import (killed long
 * before its commit, "all of it" cannot have happened) — compared through `ferry export`, queue by queue
 * and message count, the pre-existing queue's messages by body — and running the same import again must
 * succeed completely.
 *
 * The file: a queue that exists already with the same configuration (its messages are appended, so a
 * rollback must also take appended rows back), a new standard queue and a new FIFO queue with sequence
 * numbers and dedup entries.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';

import { MAIN, freshSchema } from '../helpers/process.js';
import { exportFile, ferry } from './importFile.js';

const DB = process.env.FERRY_TEST_DATABASE_URL;
/** Messages of the new standard queue, of the new FIFO queue, and appended to the existing queue. */
const STANDARD = 40_000;
const FIFO = 20_000;
const APPENDED = 1_000;
const SEED = 3;

/** What the store holds, through `ferry export`: per queue, its message count; the seed queue's bodies. */
async function contents(work: string, flags: string[]): Promise<{ counts: Record<string, number>; keep: string[] }> {
  const file = join(work, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
  const r = await ferry('export', file, '--decrypt', ...flags);
  assert.equal(r.code, 0, r.err);
  const counts: Record<string, number> = {};
  const keep: string[] = [];
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const o = JSON.parse(line) as { type?: string; name?: string; queue?: string; body?: string };
    if (o.type === 'queue') counts[o.name!] = 0;
    if (o.type === 'message') {
      counts[o.queue!]!++;
      if (o.queue === 'keep') keep.push(o.body!.split(' ')[0]!);
    }
  }
  rmSync(file);
  return { counts, keep };
}

/** Start `ferry import`, SIGKILL it once it reports its first 10 000 messages written; `probe` runs just before the kill. */
function importKilledMidway(
  file: string,
  flags: string[],
  probe: () => void,
): Promise<{ err: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [MAIN, 'import', file, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let killed = false;
    p.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (!killed && /messages written so far/.test(err)) {
        killed = true;
        try {
          probe();
        } catch (e) {
          rej(e as Error);
        }
        p.kill('SIGKILL');
      }
    });
    p.stdout.resume();
    p.once('exit', (code, signal) => res({ err, signal, code }));
  });
}

const engines: Array<{ name: string; skip: string | false }> = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: DB === undefined && process.env.CI !== 'true' ? 'needs FERRY_TEST_DATABASE_URL (npm test sets it)' : false },
];

describe('ferry import killed with SIGKILL mid-import leaves nothing of it; the re-run imports everything', () => {
  for (const engine of engines) {
    it(engine.name, { timeout: 300_000, skip: engine.skip }, async () => {
      const work = mkdtempSync(join(tmpdir(), 'ferry-import-crash-'));
      const dataDir = join(work, 'data');
      const flags =
        engine.name === 'sqlite'
          ? ['--data-dir', dataDir]
          : ['--storage', 'postgres', '--database-url', DB!, '--database-schema', freshSchema(), '--data-dir', dataDir];
      try {
        // The store before: a queue `keep` with three messages (itself imported).
        const seed = join(work, 'seed.jsonl');
        exportFile(seed, [{ name: 'keep', messages: SEED, prefix: 'k' }]);
        const seeded = await ferry('import', seed, ...flags);
        assert.equal(seeded.code, 0, seeded.err);
        const before = await contents(work, flags);
        assert.deepEqual(before, { counts: { keep: SEED }, keep: ['k0', 'k1', 'k2'] });

        const big = join(work, 'big.jsonl');
        exportFile(big, [
          { name: 'keep', messages: APPENDED, prefix: 'n' },
          { name: 'big', messages: STANDARD, prefix: 's' },
          { name: 'big.fifo', messages: FIFO, prefix: 'f' },
        ]);
        let writeLock = 'not probed';
        const killed = await importKilledMidway(big, flags, () => {
          if (engine.name !== 'sqlite') return;
          // The import holds the store's write lock (one BEGIN IMMEDIATE): another writer is refused.
          const db = new Database(join(dataDir, 'ferry.db'), { timeout: 0 });
          try {
            db.exec('BEGIN IMMEDIATE');
            db.exec('ROLLBACK');
            writeLock = 'free';
          } catch (e) {
            writeLock = (e as { code?: string }).code ?? String(e);
          } finally {
            db.close();
          }
        });
        // It was killed while writing (not finished first): the kill is what the store had to survive.
        assert.equal(killed.signal, 'SIGKILL', `import exited by itself (code ${killed.code}):\n${killed.err}`);
        assert.match(killed.err, /ferry import: 10000 messages written so far \(committed together at the end\)/);
        assert.doesNotMatch(killed.err, /imported/);
        // SQLite: killed inside its write transaction (the lock it holds until the commit).
        if (engine.name === 'sqlite') assert.equal(writeLock, 'SQLITE_BUSY');

        // Nothing of the import (all of it would be the only other allowed outcome, but the kill came
        // at 10 000 of 61 000 messages, long before the commit): not one appended, created or FIFO row.
        assert.deepEqual(await contents(work, flags), before);

        // The same import again: complete.
        const again = await ferry('import', big, ...flags);
        assert.equal(again.code, 0, again.err);
        assert.equal(again.out, `imported 3 queues, ${APPENDED + STANDARD + FIFO} messages and 5 deduplication entries from ${big}\n`);
        assert.match(again.err, /ferry import: 60000 messages written so far/);
        const final = await contents(work, flags);
        assert.deepEqual(final.counts, { big: STANDARD, 'big.fifo': FIFO, keep: SEED + APPENDED });
        assert.deepEqual(final.keep.slice(0, SEED), ['k0', 'k1', 'k2']);
        assert.equal(new Set(final.keep).size, SEED + APPENDED);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
