/**
 * Disk space of the SQLite data directory: the reserve, the low-space warning and the full state.
 *
 * Why a reserve. When the disk fills, SQLite cannot append to its WAL, so *every* write fails —
 * receives (a claim is a write), deletes and visibility changes too — and the queue that filled the
 * disk could not even be emptied to free it. So Ferry keeps a preallocated file, `ferry.reserve`, in the
 * data directory (zeros, really written: a sparse file would reserve nothing). When a commit fails with
 * SQLITE_FULL the engine releases it (unlink) and enters the *full* state: sends are refused up front
 * with the retryable ServiceUnavailable (SDKs retry it), while receives, deletes and visibility changes
 * run in the space the reserve gave back, so consumers drain. Once free space returns — someone freed
 * the disk, or the drained database gave its free pages back (engine.ts runs incremental vacuum while
 * full) — the reserve is made again and sends are accepted: Ferry recovers by itself.
 *
 * The reserve must exceed the WAL's growth between checkpoints (SQLite checkpoints every 1000 pages,
 * ~4 MiB, and a drain checkpoint needs that much room in the database file): the default is 64 MiB.
 *
 * Low space: below `lowBytes` free, one warning is logged, `/health` says so and the
 * `ferry_storage_disk_state` metric turns to `low` — before anything fails.
 */
import { closeSync, fsyncSync, openSync, statSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import type { DiskStatus } from '../engine.js';

export type { DiskStatus };
/** `ok`; `low`: under the warning threshold; `full`: the reserve was used, sends are refused; `read-only`: nothing can be written. */
export type DiskState = DiskStatus['state'];

export interface DiskGuardOptions {
  /** The data directory (the reserve file goes in it). */
  dir: string;
  /** Size of the reserve file; 0: no reserve (full disk then fails drains too). */
  reserveBytes: number;
  /** Warn below this many free bytes. */
  lowBytes: number;
  /** Free bytes of the file system holding `dir` (tests inject it). */
  freeBytes?: (dir: string) => number;
  /** Size of the file system holding `dir` (tests inject it). */
  totalBytes?: (dir: string) => number;
  /** A note for the operator's log (the reserve or the low threshold made smaller for a small file system). */
  warn?: (message: string, detail: Record<string, unknown>) => void;
  /** State changes, for the log: called with the new status and what happened. */
  onChange?: (status: DiskStatus, previous: DiskState) => void;
}

/** The reserve file's name in the data directory. */
export const RESERVE_FILE = 'ferry.reserve';

const CHUNK = 1024 * 1024;

function statfsFree(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

function statfsTotal(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.blocks) * Number(s.bsize);
}

/**
 * A file system too small for the reserve asked for (under four times its size) gets a sixteenth of
 * itself instead, and one smaller than twice the low-space threshold gets a tenth of itself as the
 * threshold: the 64 MiB default reserve could never be made on a 20 MiB volume, which then started
 * full and, needing twice the reserve free to recover, stayed full for good. From 256 MiB (and 2 GiB
 * for the threshold) the defaults apply unchanged.
 */
const RESERVE_SHARE = 16;
const LOW_SHARE = 10;

export class DiskGuard {
  readonly file: string;
  private reserveSize: number;
  private lowBytes: number;
  /** The full state began at start, with no room for the reserve (none was released). */
  private fullAtStart = false;
  /** start() wrote the reserve file (there was none): a refused start removes it again. */
  private madeAtStart = false;
  private readonly measure: (dir: string) => number;
  private readonly onChange: ((status: DiskStatus, previous: DiskState) => void) | undefined;
  private held = 0;
  private free = Number.POSITIVE_INFINITY;
  private full = false;
  private readOnly = false;
  private last: DiskState = 'ok';

  constructor(private readonly o: DiskGuardOptions) {
    this.file = join(o.dir, RESERVE_FILE);
    this.reserveSize = Math.max(0, o.reserveBytes);
    this.lowBytes = Math.max(0, o.lowBytes);
    this.measure = o.freeBytes ?? statfsFree;
    this.onChange = o.onChange;
  }

  /** Sends are refused (the reserve is spent, or nothing can be written). */
  get refusingGrowth(): boolean {
    return this.full || this.readOnly;
  }

  get isReadOnly(): boolean {
    return this.readOnly;
  }

  get isFull(): boolean {
    return this.full;
  }

  /** Full since start: there was no room for the reserve (so none was released). */
  get startedFull(): boolean {
    return this.fullAtStart;
  }

  status(): DiskStatus {
    return { state: this.state(), freeBytes: Number.isFinite(this.free) ? this.free : 0, reserveBytes: this.held, lowBytes: this.lowBytes };
  }

  private state(): DiskState {
    if (this.readOnly) return 'read-only';
    if (this.full) return 'full';
    return this.free < this.lowBytes ? 'low' : 'ok';
  }

  private changed(): void {
    const now = this.state();
    if (now !== this.last) {
      const prev = this.last;
      this.last = now;
      this.onChange?.(this.status(), prev);
    }
  }

  /** At start: take in an existing reserve, or make one; a disk too full to hold it starts full. */
  start(): void {
    this.fitToFileSystem();
    try {
      const st = statSync(this.file);
      if (st.size >= this.reserveSize) this.held = st.size;
    } catch {
      // no reserve yet
    }
    this.measureFree();
    if (this.held === 0 && this.reserveSize > 0) {
      if (this.makeReserve()) this.madeAtStart = true;
      else {
        this.full = true;
        this.fullAtStart = true;
      }
    }
    this.changed();
  }

  /** Remove the reserve file if start() made it (the server then refused to start: leave no trace). */
  discardIfMadeAtStart(): void {
    if (this.madeAtStart) this.releaseReserve();
    this.madeAtStart = false;
  }

  /** A file system too small for the reserve or the low threshold asked for: both in proportion to it (RESERVE_SHARE, LOW_SHARE). */
  private fitToFileSystem(): void {
    let total: number;
    try {
      total = (this.o.totalBytes ?? statfsTotal)(this.o.dir);
    } catch {
      return;
    }
    if (!(total > 0)) return;
    const reserve = this.reserveSize * 4 > total ? Math.floor(total / RESERVE_SHARE) : this.reserveSize;
    const low = this.lowBytes * 2 > total ? Math.floor(total / LOW_SHARE) : this.lowBytes;
    if (reserve === this.reserveSize && low === this.lowBytes) return;
    this.o.warn?.('small file system for the data directory: the disk reserve and the low-space threshold are scaled down to it', {
      dataDir: this.o.dir,
      fileSystemBytes: total,
      reserveBytes: reserve,
      reserveBytesAsked: this.reserveSize,
      lowBytes: low,
      lowBytesAsked: this.lowBytes,
    });
    this.reserveSize = reserve;
    this.lowBytes = low;
  }

  /** The data directory cannot be written (a read-only mount): writes are refused, reads served. */
  markReadOnly(): void {
    this.readOnly = true;
    this.changed();
  }

  /**
   * A commit failed with SQLITE_FULL: release the reserve (its space is what drains run in) and refuse
   * sends. Returns true when a reserve was released now (a retry of the drains can succeed).
   */
  onDiskFull(): boolean {
    const released = this.releaseReserve();
    if (released) this.fullAtStart = false;
    this.full = true;
    this.measureFree();
    this.changed();
    return released;
  }

  /**
   * Periodic check: measure free space; while full, make the reserve again once there is room for it
   * twice over (hysteresis: recovering must not refill the disk at once) and accept sends again.
   */
  refresh(): DiskStatus {
    this.measureFree();
    if (this.full && !this.readOnly && this.free >= 2 * this.reserveSize && (this.reserveSize === 0 || this.makeReserve())) {
      this.full = false;
      this.fullAtStart = false;
      this.measureFree();
    }
    this.changed();
    return this.status();
  }

  /**
   * Run `fn` in the space of the reserve file (the file is removed first), then make the reserve again
   * at the size it had. For a rolled-back import on a full disk (engine.ts storeImport): its pages fill
   * the WAL file, and truncating that needs room to checkpoint into the database file first. The file
   * may be the reserve of a Ferry serving the same data directory: it is there again afterwards.
   */
  withReserveReleased<T>(fn: () => T): T {
    const size = this.held;
    if (size === 0) return fn();
    this.releaseReserve();
    try {
      return fn();
    } finally {
      this.makeReserve(size);
      this.measureFree();
      this.changed();
    }
  }

  private measureFree(): void {
    try {
      this.free = this.measure(this.o.dir);
    } catch {
      // statfs failing (directory gone) leaves the last measurement
    }
  }

  private releaseReserve(): boolean {
    if (this.held === 0) return false;
    try {
      unlinkSync(this.file);
    } catch {
      // already gone
    }
    this.held = 0;
    return true;
  }

  /** Write the reserve (zeros, fsynced); on any failure (ENOSPC) remove what was written. */
  private makeReserve(size = this.reserveSize): boolean {
    if (size === 0) return true;
    let fd: number | undefined;
    try {
      fd = openSync(this.file, 'w');
      const zeros = Buffer.alloc(Math.min(CHUNK, size));
      for (let done = 0; done < size;) {
        const n = writeSync(fd, zeros, 0, Math.min(zeros.length, size - done));
        done += n;
      }
      fsyncSync(fd);
      closeSync(fd);
      this.held = size;
      return true;
    } catch {
      if (fd !== undefined) {
        try {
          closeSync(fd);
        } catch {
          // ignore
        }
      }
      try {
        unlinkSync(this.file);
      } catch {
        // ignore
      }
      this.held = 0;
      return false;
    }
  }
}
