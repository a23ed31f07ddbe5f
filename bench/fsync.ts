#!/usr/bin/env node
/**
 * What one durable flush costs this process in CPU, on the disk under a directory:
 *
 *   node dist/bench/fsync.js [directory (default: the current one)] [flushes per round (default 2000)]
 *
 * Each flush is a 4 KiB write at the end of a scratch file and an `fdatasync`, as a SQLite batch's WAL
 * append and sync are. Two ways, alternating for 2 rounds each: on the calling thread (`fdatasyncSync`),
 * and through libuv's thread pool (`fs.fdatasync`, how the SQLite engine syncs off the event loop:
 * src/storage/sqlite/walSync.ts). CPU is `process.cpuUsage()` — every thread of the process, so the pool
 * thread's system time counts — per flush, with the wall time per flush beside it. The difference between
 * the two is what the thread hop costs (waking a pool thread, then the event loop). Prints one JSON line
 * per round. The scratch file is removed at the end.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

async function main(dir: string, n: number): Promise<void> {
  const file = join(dir, `ferry-fsync-bench-${process.pid}.bin`);
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096, 1);
  let pos = 0;
  try {
    for (const mode of ['thread', 'pool', 'pool', 'thread'] as const) {
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        writeSync(fd, page, 0, page.length, pos);
        pos += page.length;
        if (mode === 'thread') fdatasyncSync(fd);
        else await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
      }
      const cpu = process.cpuUsage(cpu0);
      const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
      const per = (us: number): number => Math.round((us / n) * 10) / 10;
      process.stdout.write(
        JSON.stringify({
          mode,
          flushes: n,
          cpuUsPerFlush: per(cpu.user + cpu.system),
          userUs: per(cpu.user),
          systemUs: per(cpu.system),
          wallUsPerFlush: per(wallUs),
        }) + '\n',
      );
    }
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
}

const n = Number(process.argv[3] ?? 2000);
if (!Number.isInteger(n) || n <= 0) {
  process.stderr.write('flushes per round must be a positive integer\n');
  process.exit(2);
}
await main(process.argv[2] ?? process.cwd(), n);
