/**
 * Disk-full campaign: a real Ferry process (SQLite) on a small tmpfs of its own.
 *
 *  1. Fill: producers send 60 KB messages until the disk is full. On the way `/health` warns (`low`);
 *     once full, sends get the retryable ServiceUnavailable and `/health` says `degraded` / `full`.
 *  2. Drain on the full disk: every ReceiveMessage, ChangeMessageVisibility and DeleteMessage succeeds
 *     (the reserve file's space), and every acknowledged send is received — nothing acknowledged lost.
 *  3. Recovery by draining: the freed pages go back to the file system (incremental vacuum), the reserve
 *     is made again and sends are accepted — without a restart.
 *  4. Recovery when space returns: a filler file fills the disk from outside, sends are refused, the
 *     filler is removed, sends are accepted again; the message sent before is still there.
 *
 * Needs root (mount -t tmpfs). `node dist/test/reliability/campaigns/diskFull.js` runs it alone and
 * prints its result; `runDiskFullCampaign()` is what a campaign runner calls.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClient, normaliseError } from '../../helpers/clients.js';
import { startFerryProcess } from '../../helpers/process.js';

export interface DiskFullOptions {
  /** Size of the tmpfs, MiB (default 48). */
  sizeMiB?: number;
  /** Ferry's --disk-reserve-bytes, MiB (default 8). */
  reserveMiB?: number;
  log?: (line: string) => void;
}

export interface DiskFullResult {
  /** Sends acknowledged before the disk filled. */
  acked: number;
  /** Of those, how many the drain did not find (must be 0). */
  lost: number;
  /** Receives, visibility changes and deletes answered with an error while full (must be 0). */
  drainErrors: number;
  /** Sends refused with ServiceUnavailable while full. */
  refusedSends: number;
  /** Health states seen, in order of first appearance (ok → low → full → ok). */
  states: string[];
  /** Milliseconds from the end of the drain until sends were accepted again. */
  recoveredAfterDrainMs: number;
  /** Milliseconds from removing the filler file until sends were accepted again. */
  recoveredAfterFreeMs: number;
}

/** Can this process mount a tmpfs (root, and mount(8) present)? A reason string when not. */
export function cannotMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'mount(8) not found';
  }
  return undefined;
}

/**
 * Unmount a test's tmpfs and remove its mount point, retrying the unmount for up to `tries` × 100 ms
 * (a process that just exited may still hold a file there for a moment).
 */
export async function unmountTmpfs(mnt: string, tries = 20): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
      break;
    } catch {
      await sleep(100);
    }
  }
  rmSync(mnt, { recursive: true, force: true });
}

async function health(url: string): Promise<{ status: string; storage?: { disk?: { state: string } } }> {
  const r = await fetch(`${url}/health`);
  return (await r.json()) as { status: string; storage?: { disk?: { state: string } } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDiskFullCampaign(o: DiskFullOptions = {}): Promise<DiskFullResult> {
  const log = o.log ?? (() => undefined);
  const sizeMiB = o.sizeMiB ?? 48;
  const reserveMiB = o.reserveMiB ?? 8;
  const mnt = mkdtempSync(join(tmpdir(), 'ferry-diskfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', mnt]);
  let ferry: Awaited<ReturnType<typeof startFerryProcess>> | undefined;
  try {
    ferry = await startFerryProcess({
      storage: 'sqlite',
      dataDir: mnt,
      args: ['--disk-reserve-bytes', String(reserveMiB << 20), '--disk-low-bytes', String((sizeMiB >> 1) << 20), '--metrics', 'off'],
    });
    const c = makeClient('json', ferry.url);
    const states: string[] = [];
    const seeState = async () => {
      const h = await health(ferry!.url);
      const s = h.storage?.disk?.state ?? 'ok';
      if (states[states.length - 1] !== s) states.push(s);
      return { status: h.status, state: s };
    };
    await seeState();
    const { QueueUrl } = await c.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'fill', Attributes: { VisibilityTimeout: '60' } });
    const body = (id: number) => `${id}:`.padEnd(60_000, 'x');

    // 1. Fill.
    const acked = new Set<number>();
    let next = 0;
    let refusedSends = 0;
    for (;;) {
      const ids = Array.from({ length: 10 }, () => next++);
      try {
        await c.call('SendMessageBatch', { QueueUrl, Entries: ids.map((id, i) => ({ Id: `e${i}`, MessageBody: body(id) })) });
        for (const id of ids) acked.add(id);
      } catch (e) {
        const err = normaliseError(e);
        if (err.status !== 503 || !/ServiceUnavailable/.test(err.code + err.queryCode))
          throw new Error(`a send on a full disk failed with ${err.code} ${err.status}: ${err.message}`, { cause: e });
        refusedSends++;
        break;
      }
      if (next % 100 === 0) await seeState();
      if (next > sizeMiB * 40) throw new Error('the disk never filled');
    }
    const full = await seeState();
    if (full.state !== 'full' || full.status !== 'degraded') throw new Error(`/health after the disk filled: ${JSON.stringify(full)}`);
    log(`filled after ${acked.size} acknowledged sends; states ${states.join(' → ')}`);
    // Sends stay refused while full.
    for (let i = 0; i < 3; i++) {
      try {
        await c.call('SendMessage', { QueueUrl, MessageBody: 'more' });
        throw new Error('a send was accepted on a full disk before anything was drained');
      } catch (e) {
        if (normaliseError(e).status !== 503) throw e;
        refusedSends++;
      }
    }

    // 2. Drain on the full disk.
    const seen = new Set<number>();
    let drainErrors = 0;
    let empties = 0;
    while (empties < 2) {
      let r: { Messages?: Array<{ Body: string; ReceiptHandle: string }> };
      try {
        r = await c.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
      } catch (e) {
        drainErrors++;
        log(`receive failed while full: ${normaliseError(e).code}`);
        if (drainErrors > 20) break;
        continue;
      }
      if (!r.Messages?.length) {
        empties++;
        continue;
      }
      for (const [i, m] of r.Messages.entries()) {
        seen.add(Number(m.Body.slice(0, m.Body.indexOf(':'))));
        try {
          if (i === 0) await c.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 120 });
          await c.call('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
        } catch (e) {
          drainErrors++;
          log(`delete/visibility failed while full: ${normaliseError(e).code}`);
        }
      }
    }
    const lost = [...acked].filter((id) => !seen.has(id)).length;
    log(`drained ${seen.size} messages, ${drainErrors} drain errors, ${lost} acknowledged sends missing`);

    // 3. Recovery by draining (incremental vacuum gives the pages back; the reserve is made again).
    const drained = Date.now();
    let recoveredAfterDrainMs = -1;
    while (Date.now() - drained < 30_000) {
      const h = await seeState();
      if (h.state === 'ok' || h.state === 'low') {
        recoveredAfterDrainMs = Date.now() - drained;
        break;
      }
      await sleep(200);
    }
    if (recoveredAfterDrainMs < 0) throw new Error(`no recovery within 30 s of the drain: states ${states.join(' → ')}`);
    // The recovery is logged as such, into the low state too (README: "`disk space back: …` is logged on recovery").
    for (let i = 0; i < 20 && !ferry.output().includes('disk space back'); i++) await sleep(100);
    if (!ferry.output().includes('disk space back'))
      throw new Error(`the recovery was not logged as "disk space back": states ${states.join(' → ')}`);
    await c.call('SendMessage', { QueueUrl, MessageBody: 'after-drain' });

    // 4. The disk filled from outside, then freed.
    const filler = join(mnt, 'filler');
    const fd = openSync(filler, 'w');
    try {
      const mb = Buffer.alloc(1 << 20, 1);
      for (;;) writeSync(fd, mb);
    } catch {
      // ENOSPC: the disk is full
    } finally {
      closeSync(fd);
    }
    let refusedNow = false;
    const lateAcked = new Set<number>();
    for (let i = 0; i < 10 && !refusedNow; i++) {
      try {
        const ids = Array.from({ length: 10 }, (_, j) => 1e6 + i * 10 + j);
        await c.call('SendMessageBatch', { QueueUrl, Entries: ids.map((id, j) => ({ Id: `e${j}`, MessageBody: body(id) })) });
        for (const id of ids) lateAcked.add(id);
      } catch (e) {
        if (normaliseError(e).status !== 503) throw e;
        refusedNow = true;
        refusedSends++;
      }
    }
    if (!refusedNow) throw new Error('sends were still accepted with the disk filled by another file');
    // Drains work here too.
    const r = await c.call<{ Messages?: Array<{ Body: string; ReceiptHandle: string }> }>('ReceiveMessage', {
      QueueUrl,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: 1,
    });
    if (!r.Messages?.length) throw new Error('the message sent after the drain was not received on the full disk');
    await c.call('ChangeMessageVisibility', { QueueUrl, ReceiptHandle: r.Messages[0]!.ReceiptHandle, VisibilityTimeout: 0 });
    unlinkSync(filler);
    const freed = Date.now();
    let recoveredAfterFreeMs = -1;
    while (Date.now() - freed < 30_000) {
      try {
        await c.call('SendMessage', { QueueUrl, MessageBody: 'after-free' });
        recoveredAfterFreeMs = Date.now() - freed;
        break;
      } catch (e) {
        if (normaliseError(e).status !== 503) throw e;
        await sleep(200);
      }
    }
    if (recoveredAfterFreeMs < 0) throw new Error('sends were not accepted within 30 s of freeing the disk');
    await seeState();
    // Everything acknowledged since the drain is there: the late batches, 'after-drain', 'after-free'.
    const rest = new Set<string>();
    for (let empty = 0; empty < 2;) {
      const m = await c.call<{ Messages?: Array<{ Body: string }> }>('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 });
      if (!m.Messages?.length) empty++;
      for (const x of m.Messages ?? []) rest.add(x.Body.includes(':') ? x.Body.slice(0, x.Body.indexOf(':')) : x.Body);
    }
    const lostLate =
      [...lateAcked].filter((id) => !rest.has(String(id))).length + (rest.has('after-drain') ? 0 : 1) + (rest.has('after-free') ? 0 : 1);
    c.destroy();
    const code = await ferry.stop();
    if (code !== 0) throw new Error(`ferry exited with ${code}:\n${ferry.output().slice(-2000)}`);
    return {
      acked: acked.size + lateAcked.size + 2,
      lost: lost + lostLate,
      drainErrors,
      refusedSends,
      states,
      recoveredAfterDrainMs,
      recoveredAfterFreeMs,
    };
  } finally {
    if (ferry && ferry.proc.exitCode === null && ferry.proc.signalCode === null) await ferry.kill9();
    await unmountTmpfs(mnt);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const why = cannotMount();
  if (why) {
    process.stderr.write(`disk-full campaign: ${why}\n`);
    process.exit(2);
  }
  runDiskFullCampaign({ log: (l) => process.stderr.write(`${l}\n`) }).then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
