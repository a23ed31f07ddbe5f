/**
 * `ferry export <file>` / `ferry import <file>`: a store's queues and messages as JSON lines — a backup
 * that any engine reads back, and the way to move a store between engines (SQLite ⇄ PostgreSQL ⇄ memory).
 *
 * The file (format 1), one JSON object per line:
 *   {"ferry":"export","format":1,"version":"…","at":<ms>,"exportedAt":"<ISO>","storage":"sqlite"}
 *   {"type":"queue","account":"…","name":"…","fifo":…,"attributes":{…},"tags":{…},"createdAt":…,"lastModifiedAt":…,"dedupScope":"queue"}
 *   {"type":"message","account":"…","queue":"…","messageId":"…","body":"…","md5OfBody":"…","messageAttributes":{…},
 *    "md5OfMessageAttributes":"…","systemAttributes":{…},"md5OfMessageSystemAttributes":"…","senderId":"…","sentAt":…,
 *    "state":"visible|inflight|delayed","visibleAt":…,"receiveCount":…,"firstReceivedAt":…,"groupId":"…","dedupId":"…",
 *    "sequenceNumber":"…","deadLetterSourceArn":"…"}
 *   {"type":"dedup","account":"…","queue":"…","key":"…","messageId":"…","sequenceNumber":"…","expiresAt":…}
 *   {"type":"end","queues":n,"messages":n,"dedup":n}
 * Times are epoch ms of the exporting store's clock; attribute values are AWS's JSON form (binary as
 * base64). A queue's lines follow it; a file without its `end` line (cut short) is refused by import.
 *
 * Decisions (README "Export and import"):
 *  - Snapshot: the engine reads one consistent snapshot while Ferry serves (StorageEngine.storeExport).
 *  - In-flight messages are exported with their state and deadline, and imported deliverable at once
 *    (semantics/transfer.ts: the old store's receipts cannot reach the new one). Delays still running
 *    are kept. Receive counts, first-receive times, sequence numbers and dedup entries are kept.
 *  - Encryption at rest: stored bodies of SSE queues are envelopes only this store's key ring opens.
 *    Export decrypts them with that ring and writes plaintext — only when `--decrypt` says the operator
 *    wants that (otherwise it stops at the first encrypted body, removes its partial file and says
 *    so); the file is created mode 0600. Import encrypts each body again as a send would: under the
 *    target queue's SSE setting and the target's key ring. MD5s are of the plaintext, as stored.
 *  - Message move tasks (StartMessageMoveTask) are not exported: one still running or cancelling gets a
 *    warning line on stderr (source and destination), since its unmoved messages are exported where they
 *    are and nothing resumes it after an import.
 *  - Import is all or nothing (StorageEngine.storeImport): one transaction for the whole file, so a
 *    refused line, a conflict or a killed process leaves nothing of the import. On SQLite that
 *    transaction holds the store's write lock until the import ends (a serving Ferry's writes wait,
 *    then fail with ServiceUnavailable after its busy timeout); on PostgreSQL the other nodes serve on.
 *  - Import and existing queues: a queue that does not exist is created as exported (attributes,
 *    tags, created/modified times, creation-time dedup scope). One that exists with the same kind,
 *    attributes and tags gets the messages appended. One that differs is refused before anything is
 *    changed (a first pass reads the whole file), unless `--replace` (delete it with its messages and
 *    create it as exported) or `--skip-existing` (leave it and import none of its messages).
 */
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { makeEngine, openSse } from '../app.js';
import { ConfigError, type FerryConfig } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/log.js';
import { systemRandom } from '../core/random.js';
import { VERSION } from '../core/version.js';
import { isEnvelope, type BodyCipher } from '../crypto/index.js';
import { attributesJson } from '../core/attributes.js';
import type { AttributeMap, DedupRecord, ExportItem, ImportedMessage, MoveTaskRecord, QueueRecord, StorageEngine } from '../storage/engine.js';
import { parseCommandArgs } from './args.js';

export const FORMAT = 1;
/** Messages (and dedup entries) per messageImport call of the import's transaction. */
const IMPORT_BATCH = 500;
/** A progress line on stderr every so many messages written (a long import is seen to be working). */
export const PROGRESS_EVERY = 10_000;

export const EXPORT_USAGE = [
  'Usage: ferry export <file> [--decrypt] [--storage …] [--data-dir <dir>] [--database-url <url>]',
  '  Every queue (attributes, tags, policies), message (with its state) and FIFO deduplication entry of the',
  '  store, as JSON lines, from one consistent snapshot taken while Ferry serves. Import with `ferry import`,',
  '  into any engine. --decrypt: write the bodies of encrypted (SSE) messages in plaintext (without it, an',
  '  encrypted body stops the export). The file is created with mode 0600; an existing file is not overwritten.',
  '  Message move tasks are not exported: each one running or cancelling is named in a warning on stderr.',
].join('\n');

export const IMPORT_USAGE = [
  'Usage: ferry import <file> [--replace | --skip-existing] [--storage …] [--data-dir <dir>] [--database-url <url>]',
  '  Create the queues of a `ferry export` file and store their messages (and dedup entries) with their state;',
  "  in-flight messages become visible. Bodies are encrypted again under each queue's SSE setting with this",
  "  store's key ring. A queue that exists with the same attributes and tags gets the messages appended; one",
  '  that differs is refused (nothing changed) unless --replace (delete it and its messages first) or',
  '  --skip-existing (leave it as it is, import none of its messages).',
  '  All or nothing: the whole file is imported in one transaction, so a failure (a refused line, a conflict,',
  '  the process killed) leaves nothing of it. On SQLite the store is locked for writes until it ends.',
].join('\n');

type Out = (line: string) => void;
const stdout: Out = (l) => process.stdout.write(l + '\n');
const stderr: Out = (l) => process.stderr.write(l + '\n');

function attrsIn(o: unknown): AttributeMap {
  const out: AttributeMap = {};
  for (const [k, v] of Object.entries((o ?? {}) as Record<string, Record<string, unknown>>)) {
    out[k] = { DataType: String(v.DataType) };
    if (typeof v.StringValue === 'string') out[k].StringValue = v.StringValue;
    if (typeof v.BinaryValue === 'string') out[k].BinaryValue = Buffer.from(v.BinaryValue, 'base64');
    if (Array.isArray(v.StringListValues)) out[k].StringListValues = v.StringListValues.map(String);
    if (Array.isArray(v.BinaryListValues)) out[k].BinaryListValues = v.BinaryListValues.map((b) => Buffer.from(String(b), 'base64'));
  }
  return out;
}

/**
 * The store and key ring the flags name, opened as `ferry serve` opens them — except the disk reserve
 * (storage/sqlite/diskSpace.ts): the reserve file belongs to `ferry serve`, which may be serving this
 * data directory now, so export and import neither make one nor warn about low space (reserve and
 * warning threshold 0). An existing reserve is only used by an import that fills the disk, to give the
 * space of its rolled-back pages back, and is made again at once (SqliteEngine.storeImport).
 */
async function openStore(config: FerryConfig): Promise<{ engine: StorageEngine; cipher: BodyCipher }> {
  const logger = createLogger('warn', { pretty: false, destination: process.stderr });
  const engine = await makeEngine({ ...config, diskReserveBytes: 0, diskLowBytes: 0 }, systemClock, systemRandom, logger);
  await engine.init();
  const cipher = await openSse(config, engine, systemClock, systemRandom, logger);
  return { engine, cipher };
}

/**
 * The warning for a message move task (StartMessageMoveTask) still running or cancelling: tasks are not
 * part of an export, so the messages it has not moved yet are exported where they are, and an import
 * does not resume it.
 */
export function moveTaskWarning(t: MoveTaskRecord): string {
  const to = t.destinationArn ?? "each message's original source queue";
  return (
    `ferry export: warning: the message move task from ${t.sourceArn} to ${to} is ${t.status} (${t.moved} of ${t.toMove} moved); ` +
    'move tasks are not exported: messages not moved yet are exported in the source queue, and the import does not resume the task'
  );
}

/** Run `ferry export <file>`. `warn` gets one line per move task running or cancelling (stderr). */
export async function exportCommand(args: string[], out: Out = stdout, env = process.env, warn: Out = stderr): Promise<void> {
  const cli = parseCommandArgs(args, EXPORT_USAGE, { decrypt: { type: 'boolean' } });
  if (cli.positionals.length !== 1) throw new ConfigError(`ferry export needs one file name\n\n${EXPORT_USAGE}`);
  const config = cli.config(env);
  const decrypt = cli.values.decrypt === true;
  const target = resolve(cli.positionals[0]!);
  if (existsSync(target)) throw new ConfigError(`${target} exists: Ferry does not overwrite an export`);
  const tmp = `${target}.tmp`;
  const { engine, cipher } = await openStore(config);
  const fd = openSync(tmp, 'w', 0o600);
  let pending: string[] = [];
  const write = (o: object): void => {
    pending.push(JSON.stringify(o));
    if (pending.length >= 256) flush();
  };
  const flush = (): void => {
    if (pending.length) writeSync(fd, pending.join('\n') + '\n');
    pending = [];
  };
  const counts = { queues: 0, messages: 0, dedup: 0, decrypted: 0 };
  const queues = new Map<string, QueueRecord>();
  let activeTasks: MoveTaskRecord[];
  try {
    // Read right before the snapshot: what the user should know a task was doing when it was taken.
    activeTasks = (await engine.moveTaskActive()).filter((t) => t.status === 'RUNNING' || t.status === 'CANCELLING');
    await engine.storeExport((item: ExportItem) => {
      switch (item.kind) {
        case 'begin':
          write({
            ferry: 'export',
            format: FORMAT,
            version: VERSION,
            at: item.at,
            exportedAt: new Date(item.at).toISOString(),
            storage: engine.kind,
          });
          return;
        case 'queue': {
          const q = item.queue;
          queues.set(q.id, q);
          counts.queues++;
          write({
            type: 'queue',
            account: q.accountId,
            name: q.name,
            fifo: q.fifo,
            attributes: q.attributes,
            tags: q.tags,
            createdAt: q.createdAt,
            lastModifiedAt: q.lastModifiedAt,
            dedupScope: q.dedupScope,
          });
          return;
        }
        case 'message': {
          const q = queues.get(item.queueId)!;
          const m = item.message;
          let body = m.body;
          if (isEnvelope(body)) {
            if (!decrypt) {
              throw new ConfigError(
                `queue ${q.name} (account ${q.accountId}) holds messages encrypted at rest (SSE): the export would hold their bodies in plaintext. ` +
                  'Run again with --decrypt to write them decrypted (and protect the file), or purge those messages first. Nothing was written.',
              );
            }
            body = cipher.decryptBody(body);
            counts.decrypted++;
          }
          counts.messages++;
          write({
            type: 'message',
            account: q.accountId,
            queue: q.name,
            ...m,
            body,
            messageAttributes: attributesJson(m.messageAttributes),
            systemAttributes: attributesJson(m.systemAttributes),
          });
          return;
        }
        case 'dedup': {
          const q = queues.get(item.queueId)!;
          counts.dedup++;
          write({ type: 'dedup', account: q.accountId, queue: q.name, ...item.entry });
          return;
        }
      }
    });
    write({ type: 'end', queues: counts.queues, messages: counts.messages, dedup: counts.dedup });
    flush();
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    await engine.close();
  }
  for (const t of activeTasks) warn(moveTaskWarning(t));
  out(
    `exported ${counts.queues} queues, ${counts.messages} messages and ${counts.dedup} deduplication entries to ${target}` +
      (counts.decrypted ? ` (${counts.decrypted} bodies encrypted at rest written decrypted: protect the file)` : ''),
  );
}

interface QueueLine {
  type: 'queue';
  account: string;
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
  lastModifiedAt: number;
  dedupScope: 'queue' | 'messageGroup';
}

type Line = { type: string; account: string; queue: string; [k: string]: unknown };

/** Each parsed line of the file, with its number; a line that is not a JSON object is a ConfigError. */
async function* lines(file: string): AsyncGenerator<{ n: number; o: Record<string, unknown> }> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text === '') continue;
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${file}:${n}: not JSON (${(e as Error).message}). Nothing was changed by this line.`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ConfigError(`${file}:${n}: not a JSON object`);
    yield { n, o: o as Record<string, unknown> };
  }
}

const sameRecord = (a: Record<string, string>, b: Readonly<Record<string, string>>): boolean => {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
};

type Action = 'create' | 'append' | 'replace' | 'skip';

/** What the import does with a queue line, given the queue of that name now (ConfigError: a conflict nobody said how to settle). */
function decide(q: QueueLine, existing: QueueRecord | undefined, file: string, replace: boolean, skip: boolean): Action {
  if (existing === undefined) return 'create';
  if (existing.fifo === q.fifo && sameRecord(q.attributes, existing.attributes) && sameRecord(q.tags, existing.tags))
    return replace ? 'replace' : skip ? 'skip' : 'append';
  if (replace) return 'replace';
  if (skip) return 'skip';
  throw new ConfigError(
    `queue ${q.name} (account ${q.account}) exists with other ${existing.fifo !== q.fifo ? 'type' : sameRecord(q.attributes, existing.attributes) ? 'tags' : 'attributes'} than in ${file}. ` +
      'Use --replace (delete it and its messages, then import it) or --skip-existing (leave it). Nothing was changed.',
  );
}

/** Run `ferry import <file>`. `progress` gets a line every PROGRESS_EVERY messages written (stderr). */
export async function importCommand(args: string[], out: Out = stdout, env = process.env, progress: Out = stderr): Promise<void> {
  const cli = parseCommandArgs(args, IMPORT_USAGE, { replace: { type: 'boolean' }, 'skip-existing': { type: 'boolean' } });
  if (cli.positionals.length !== 1) throw new ConfigError(`ferry import needs one file name\n\n${IMPORT_USAGE}`);
  const replace = cli.values.replace === true;
  const skip = cli.values['skip-existing'] === true;
  if (replace && skip) throw new ConfigError('--replace and --skip-existing exclude each other');
  const config = cli.config(env);
  const file = resolve(cli.positionals[0]!);
  if (!existsSync(file)) throw new ConfigError(`no export at ${file}`);
  const { engine, cipher } = await openStore(config);
  try {
    // Pass 1, outside the transaction (the SQLite write lock is not held while the file is checked): the
    // whole file is well-formed and ends, and no queue conflicts unless told what to do.
    const plan = new Map<string, Action>();
    let header = false;
    let ended = false;
    for await (const { n, o } of lines(file)) {
      if (!header) {
        if (o.ferry !== 'export' || o.format !== FORMAT)
          throw new ConfigError(`${file} is not a Ferry export of format ${FORMAT} (first line: ${JSON.stringify(o).slice(0, 120)})`);
        header = true;
        continue;
      }
      if (ended) throw new ConfigError(`${file}:${n}: a line after the end line`);
      if (o.type === 'end') {
        ended = true;
        continue;
      }
      if (o.type === 'queue') {
        const q = o as unknown as QueueLine;
        plan.set(`${q.account}/${q.name}`, decide(q, await engine.queueGetByName(q.account, q.name), file, replace, skip));
      } else if (o.type === 'message' || o.type === 'dedup') {
        if (!plan.has(`${String(o.account)}/${String(o.queue)}`)) throw new ConfigError(`${file}:${n}: a ${o.type} line before its queue's line`);
      } else throw new ConfigError(`${file}:${n}: unknown line type ${JSON.stringify(o.type)}`);
    }
    if (!header) throw new ConfigError(`${file} is empty`);
    if (!ended) throw new ConfigError(`${file} has no end line: the export was cut short. Nothing was changed.`);

    // Pass 2: the import, all or nothing (StorageEngine.storeImport): any failure — a refused message,
    // a queue changed since pass 1, the process killed — leaves nothing of it in the store.
    const counts = await engine.storeImport(async (tx) => {
      const counts = { queues: 0, messages: 0, dedup: 0, skipped: 0 };
      let target: QueueRecord | undefined;
      let action: Action = 'create';
      let batch: ImportedMessage[] = [];
      let dedup: DedupRecord[] = [];
      let reported = 0;
      const flushBatch = async (): Promise<void> => {
        if (target !== undefined && (batch.length || dedup.length)) {
          await tx.messageImport(dedup.length ? { queueId: target.id, messages: batch, dedup } : { queueId: target.id, messages: batch });
        }
        counts.messages += batch.length;
        counts.dedup += dedup.length;
        batch = [];
        dedup = [];
        if (counts.messages - reported >= PROGRESS_EVERY) {
          reported = counts.messages;
          progress(`ferry import: ${counts.messages} messages written so far (committed together at the end)`);
        }
      };
      for await (const { o } of lines(file)) {
        if (o.ferry === 'export' || o.type === 'end') continue;
        if (o.type === 'queue') {
          await flushBatch();
          const q = o as unknown as QueueLine;
          action = plan.get(`${q.account}/${q.name}`)!;
          target = await tx.queueGetByName(q.account, q.name);
          // Pass 1 decided without a lock: decide again inside the transaction.
          if (decide(q, target, file, replace, skip) !== action)
            throw new ConfigError(
              `queue ${q.name} (account ${q.account}) changed while the file was read. Nothing was changed: run the import again.`,
            );
          if (action === 'skip') {
            counts.skipped++;
            continue;
          }
          if (action === 'replace' && target !== undefined) await tx.queueDelete(target.id);
          if (action !== 'append') {
            const r = await tx.queueCreate({
              accountId: q.account,
              name: q.name,
              fifo: q.fifo,
              attributes: q.attributes,
              tags: q.tags,
              reuseDelayMs: 0,
              restore: { createdAt: q.createdAt, lastModifiedAt: q.lastModifiedAt, dedupScope: q.dedupScope },
            });
            target = r.queue;
          }
          counts.queues++;
          continue;
        }
        if (action === 'skip') continue;
        const l = o as Line;
        if (l.type === 'message') {
          const m: ImportedMessage = {
            messageId: String(l.messageId),
            body: cipher.encryptBody(target!, String(l.body)),
            md5OfBody: String(l.md5OfBody),
            messageAttributes: attrsIn(l.messageAttributes),
            systemAttributes: attrsIn(l.systemAttributes),
            senderId: String(l.senderId),
            sentAt: Number(l.sentAt),
            visibleAt: Number(l.visibleAt),
            receiveCount: Number(l.receiveCount),
          };
          for (const k of [
            'md5OfMessageAttributes',
            'md5OfMessageSystemAttributes',
            'groupId',
            'dedupId',
            'sequenceNumber',
            'deadLetterSourceArn',
          ] as const)
            if (typeof l[k] === 'string') m[k] = l[k];
          if (typeof l.firstReceivedAt === 'number') m.firstReceivedAt = l.firstReceivedAt;
          batch.push(m);
        } else if (l.type === 'dedup') {
          // Stored with (after) the batch's messages, in the same call.
          const entry: DedupRecord = { key: String(l.key), messageId: String(l.messageId), expiresAt: Number(l.expiresAt) };
          if (typeof l.sequenceNumber === 'string') entry.sequenceNumber = l.sequenceNumber;
          dedup.push(entry);
        }
        if (batch.length + dedup.length >= IMPORT_BATCH) await flushBatch();
      }
      await flushBatch();
      return counts;
    });
    out(
      `imported ${counts.queues} queues, ${counts.messages} messages and ${counts.dedup} deduplication entries from ${file}` +
        (counts.skipped ? ` (${counts.skipped} existing queues skipped)` : ''),
    );
  } finally {
    await engine.close();
  }
}
