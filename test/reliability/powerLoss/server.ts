/**
 * `node dist/test/reliability/powerLoss/server.js serve <ferry serve flags>`: `ferry serve` on SQLite
 * whose WAL syncs record what each one made durable, for the power-loss test (powerLoss.ts).
 *
 * Ferry answers a write only after an fdatasync of the WAL that started after the write committed
 * (walSync.ts); the database file itself is written only by checkpoints, which SQLite syncs before they
 * complete (synchronous=NORMAL). All of SQLite's writes happen on the event loop, so at the moment a
 * sync is started nothing else writes: the bytes of `ferry.db` and `ferry.db-wal` read then are exactly
 * what that sync makes durable. When the sync completes — before any answer it releases is sent — the
 * image is published as `<FERRY_POWERLOSS_DIR>/current` (written to a new directory, then an atomic
 * symlink swap). After a kill -9, restoring that image and dropping everything else is the disk as a
 * power cut right after that sync would leave it.
 *
 * The release log: every answer to a request carrying an `x-ferry-op` header (the crash loop numbers
 * its calls) is appended to `<FERRY_POWERLOSS_DIR>/released.log` as it is sent — one JSON line
 * `{ image, op, status, body }`, `image` naming the newest published image at that moment — and every
 * publication as `{ image, op: null }` (before the symlink swap, so `current` always names a logged
 * image). A write is answered in the event-loop turn of the sync completion that settled it (the settle
 * callbacks resolve promises whose continuations encode and send the answer; only the next sync's
 * capture runs in between), so `image` is the sync that released it. An answer that waited for no sync
 * (an empty receive) is logged with the newest image too, which only makes the check stricter. Lines are
 * written with synchronous appends, so they survive the kill. The power-loss test checks every logged
 * operation against the state restored from the image.
 */
import { appendFileSync, fdatasync, fdatasyncSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createServer } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load.js';
import { SETTINGS } from '../../../src/config/schema.js';
import { createLogger } from '../../../src/core/log.js';

const snapDir = process.env.FERRY_POWERLOSS_DIR;
if (!snapDir) throw new Error('FERRY_POWERLOSS_DIR must name the directory the synced images go to');
const options: ParseArgsConfig['options'] = {};
for (const s of SETTINGS) options[s.flag] = { type: s.kind === 'bool' ? 'boolean' : 'string' };
const { values, positionals } = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true, strict: true });
if (positionals[0] !== 'serve') throw new Error('usage: server.js serve <flags>');
const flags: Record<string, unknown> = {};
for (const s of SETTINGS) if (values[s.flag] !== undefined) flags[s.key] = values[s.flag];
const config = loadConfig({ flags, env: process.env });
if (config.storage !== 'sqlite') throw new Error('the power-loss server runs on SQLite');
const db = join(resolve(config.dataDir), 'ferry.db');

const releaseLog = join(snapDir, 'released.log');
let generation = 0;
let published: string | undefined;
/** The files as they are now: what a sync started now makes durable. */
const capture = () => ({ db: readFileSync(db), wal: readFileSync(`${db}-wal`) });
/** The sync completed: its image is the newest durable state. */
function publish(img: { db: Buffer; wal: Buffer }): void {
  const dir = join(snapDir!, `${process.pid}-g${++generation}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'ferry.db'), img.db);
  writeFileSync(join(dir, 'ferry.db-wal'), img.wal);
  // Logged before the swap: every image `current` can name is in the log.
  appendFileSync(releaseLog, JSON.stringify({ image: dir, op: null }) + '\n');
  const link = join(snapDir!, 'current.tmp');
  rmSync(link, { force: true });
  symlinkSync(dir, link);
  renameSync(link, join(snapDir!, 'current'));
  // The previous image goes on the next turn, after the answers this sync releases are sent.
  const old = published;
  if (old !== undefined) setImmediate(() => rmSync(old, { recursive: true, force: true }));
  published = dir;
}

// The release log (see the header). Ferry answers with `res.end(body)` once per request.
const end = ServerResponse.prototype.end;
ServerResponse.prototype.end = function (this: ServerResponse, ...args: unknown[]) {
  const op = this.req?.headers['x-ferry-op'];
  if (typeof op === 'string') {
    const body = args[0];
    const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
    appendFileSync(releaseLog, JSON.stringify({ image: published ?? null, op, status: this.statusCode, body: text }) + '\n');
  }
  return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
} as typeof ServerResponse.prototype.end;

const logger = createLogger(config.logLevel, { pretty: false });
const server = await createServer(config, {
  logger,
  walSync: {
    syncWal(fd, done) {
      const img = capture();
      fdatasync(fd, (err) => {
        if (!err) publish(img);
        done(err);
      });
    },
    syncWalInline(fd) {
      const img = capture();
      fdatasyncSync(fd);
      publish(img);
    },
  },
});
await server.listen();
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
