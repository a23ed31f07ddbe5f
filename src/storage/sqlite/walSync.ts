/**
 * The off-loop WAL sync of the group commit (pipelined group commit).
 *
 * SQLite commits with synchronous=NORMAL (the WAL frames are written to the OS, not synced), and the
 * engine then fdatasyncs the WAL file on libuv's thread pool before it resolves any promise of that
 * batch. Meanwhile the event loop keeps decoding requests and committing later batches; one fdatasync
 * covers every batch committed before it started. A promise therefore still resolves only once its
 * change is on stable storage — the guarantee synchronous=FULL gives — without the event loop sitting
 * in fsync. (NORMAL alone still syncs the WAL before each checkpoint and the WAL header on reuse, so
 * the database stays consistent whatever happens between the two syncs.)
 *
 * One sync is in flight at a time; batches committed meanwhile share the next one. A lone write on a
 * quiet engine syncs inline, one event-loop turn later (see {@link WalSync.afterDurable}).
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';

/** The asynchronous sync (node's `fdatasync` signature). */
export type SyncWal = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
/** The inline sync (node's `fdatasyncSync` signature). */
export type SyncWalInline = (fd: number) => void;

/** What the sync needs from the engine's write queue. */
export interface WalSyncHost {
  /** Commit the writes queued now (before an inline sync, so it covers them too). */
  flushPending(): void;
  /** A sync finished with no batch waiting for another: let writes gathered meanwhile commit. */
  resumeWrites(): void;
}

/**
 * Opens the WAL file read-only for fdatasync (Linux syncs the file, whatever the descriptor's mode).
 * SQLite keeps `<db>-wal` while a connection is open and only truncates or rewrites it in place, so
 * one descriptor serves the engine's life.
 */
export function openWal(dbPath: string): number {
  const fd = openSync(`${dbPath}-wal`, 'r');
  const a = fstatSync(fd);
  const b = statSync(`${dbPath}-wal`);
  if (a.ino !== b.ino || a.dev !== b.dev) {
    closeSync(fd);
    throw new Error('the WAL file changed while it was opened');
  }
  return fd;
}

export class WalSync {
  /** Read-only descriptor of the WAL file (undefined: not durable / not WAL: COMMIT itself synced). */
  fd: number | undefined;
  /** The WAL sync in flight, if any (close() waits for it; writes gather while it runs). */
  syncing: Promise<void> | undefined;
  /** An inline sync is scheduled for the next event-loop turn (see afterDurable). */
  inlineDue = false;
  /** Number of syncs run (tests: a woken receive shares its sender's sync). */
  syncs = 0;
  /** Committed batches waiting for the next WAL sync to start. */
  private queue: Array<(err?: unknown) => void> = [];

  constructor(
    private readonly host: WalSyncHost,
    private readonly syncWal: SyncWal,
    private readonly syncWalInline: SyncWalInline,
  ) {}

  /** Every commit so far is on stable storage and no sync is due: nothing to wait for. */
  get idle(): boolean {
    return this.queue.length === 0 && this.syncing === undefined && !this.inlineDue;
  }

  /**
   * Run `settle` once everything committed so far is on stable storage: at once when the engine is
   * not durable (or not in WAL mode, where COMMIT itself synced), else after an fdatasync of the WAL
   * that starts after this call — inline for a lone write on a quiet engine (`alone`), otherwise on
   * the thread pool. One sync in flight at a time; batches committed meanwhile share the next one.
   */
  afterDurable(alone: boolean, settle: (err?: unknown) => void): void {
    if (this.fd === undefined) {
      settle();
      return;
    }
    this.queue.push(settle);
    // A sync running or due covers this batch: the one after the running sync, or the inline one.
    if (this.syncing !== undefined || this.inlineDue) return;
    if (alone && this.queue.length === 1) {
      // A lone write on a quiet engine syncs on the event loop: handing the sync to the thread pool
      // and the completion back costs two thread wake-ups (~0.4 ms each on an idle VM, measured with
      // the longpoll-wake scenario), and there is nothing else for the event loop to do meanwhile.
      // One turn later, though: the long poll this write may have woken commits its receive first,
      // and one sync then answers both (measured: longpoll-wake on SQLite p50 2.56 → see BENCHMARKS.md).
      this.inlineDue = true;
      setImmediate(() => this.syncInline());
      return;
    }
    this.startSync();
  }

  /** The inline sync scheduled by afterDurable (or run at once by close()). */
  syncInline(): void {
    if (!this.inlineDue) return;
    // Writes queued since the lone commit (typically the receive of a long poll it woke) commit now;
    // their afterDurable joins the queue this sync settles.
    this.host.flushPending();
    this.inlineDue = false;
    const waiting = this.queue;
    this.queue = [];
    let err: unknown;
    if (this.fd !== undefined) {
      try {
        this.syncWalInline(this.fd);
        this.syncs++;
      } catch (e) {
        err = e;
      }
    }
    for (const s of waiting) s(err);
  }

  private startSync(): void {
    const fd = this.fd;
    const waiting = this.queue;
    this.queue = [];
    if (fd === undefined) {
      for (const s of waiting) s();
      return;
    }
    this.syncing = new Promise<void>((resolve) => {
      this.syncWal(fd, (err) => {
        this.syncing = undefined;
        this.syncs++;
        for (const s of waiting) s(err ?? undefined);
        if (this.queue.length > 0) this.startSync();
        else this.host.resumeWrites();
        resolve();
      });
    });
  }

  /** Run a due inline sync, wait for the one in flight, then release the descriptor. */
  async close(): Promise<void> {
    if (this.inlineDue) this.syncInline();
    // Answer the batches whose WAL sync is still running before the file goes away.
    while (this.syncing) await this.syncing;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed: nothing to release.
      }
      this.fd = undefined;
    }
  }
}
