/**
 * Opening the key ring at start, and binding it to the store.
 *
 * 1. Keys are read from the key-ring file (when there is one) and from `FERRY_KMS_KEYS`.
 * 2. The store remembers which managed key its encrypted messages need: a metadata record
 *    `sse-managed-key` = `{"id":…,"check":…}` (the key's id and the check value of its first version,
 *    keyring.ts `keyCheck` — nothing secret). When the record exists, the ring must hold that very key,
 *    or the start is refused with a message saying what is missing — and nothing is changed: no file is
 *    written, no record either. This is what stops a server started without its key ring (or with
 *    another node's, on a shared PostgreSQL) from running on, unable to read what it stored.
 * 3. When the store has no record yet (a new store), Ferry's managed key is taken from the ring, or
 *    created in it on this first start — written to the file atomically (keyringFile.ts) before the
 *    record, with a loud log line naming the file and saying that losing it loses the encrypted
 *    messages — and the record is written.
 *
 * The record is read with `metaGetOrCreate` and a `create` that refuses (a read that changes nothing),
 * so no engine needed a new operation.
 */
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { AWS_SQS_ALIAS, keyCheck, KeyRing, KeyRingError, MANAGED_ALIAS, type KeyScope, type RingKey } from './keyring.js';
import { parseEnvKeys } from './keyringDocument.js';
import { keyRingFileStamp, readKeyRingFile, sameStamp, updateKeyRingFile, type FileStamp } from './keyringFile.js';
import { MessageCrypto } from './messageCrypto.js';

/** The store's metadata (StorageEngine has this operation; nothing else of the engine is needed). */
export interface MetaStore {
  metaGetOrCreate(key: string, create: () => string): Promise<string>;
}

/** Where the start's messages go (the loud line is a `warn`). */
export interface KeyRingLog {
  warn(detail: Record<string, unknown>, msg: string): void;
  info(detail: Record<string, unknown>, msg: string): void;
}

export interface KeyRingSetupOptions {
  /** The key-ring file. Undefined: keys live in memory only (for `--storage memory`, whose messages die with the process too). */
  file?: string;
  /** The text of FERRY_KMS_KEYS (keyringDocument.ts `parseEnvKeys`), if any. */
  envKeys?: string;
  store: MetaStore;
  clock: Clock;
  random: Random;
  scope: KeyScope;
  log: KeyRingLog;
}

export interface OpenedKeyRing {
  ring: KeyRing;
  managedKey: RingKey;
  file?: string;
  /** Take in keys and versions added to the file since (e.g. by `ferry keys rotate`); true when any were. */
  refresh(): boolean;
}

/** The store's metadata key of its managed-key record. */
export const MANAGED_KEY_RECORD = 'sse-managed-key';

interface ManagedKeyRecord {
  id: string;
  check: string;
}

export async function openKeyRing(o: KeyRingSetupOptions): Promise<OpenedKeyRing> {
  const now = o.clock.now();
  const envKeys = parseEnvKeys(o.envKeys ?? '', now);
  let { ring, stamp } = load(o.file, envKeys, o.log);
  const where = describeSources(o.file, o.envKeys);

  const recorded = await readRecord(o.store);
  let managed: RingKey;
  if (recorded !== undefined) {
    let key = ring.get(recorded.id);
    if (key === undefined && o.file !== undefined) {
      // Processes starting together on a new store and a new shared key ring: another one may have
      // created the key and recorded it between our reading the file and reading the record.
      ({ ring, stamp } = load(o.file, envKeys, o.log));
      key = ring.get(recorded.id);
    }
    if (key === undefined) {
      throw new KeyRingError(
        `this store holds messages encrypted with Ferry's managed key ${recorded.id} (key check ${recorded.check}), ` +
          `but ${where} does not hold that key. Start Ferry with the key ring this store was used with ` +
          `(--kms-key-ring <file> or FERRY_KMS_KEYS). Nothing was changed; without that key the encrypted messages cannot be read.`,
      );
    }
    const check = keyCheck(key.versions[0]!.material);
    if (check !== recorded.check) {
      throw new KeyRingError(
        `this store holds messages encrypted with Ferry's managed key ${recorded.id} (key check ${recorded.check}), ` +
          `but ${where} holds a different key under that id (key check ${check}). Start Ferry with the key ring this store was ` +
          `used with. Nothing was changed.`,
      );
    }
    managed = key;
  } else {
    let existing = ring.managedKey();
    if (existing === undefined) {
      existing = createManagedKey(o, envKeys);
      ({ ring, stamp } = o.file !== undefined ? load(o.file, envKeys, o.log) : { ring: withKey(ring, existing), stamp });
      existing = ring.get(existing.id)!;
    }
    const record: ManagedKeyRecord = { id: existing.id, check: keyCheck(existing.versions[0]!.material) };
    const stored = parseRecord(await o.store.metaGetOrCreate(MANAGED_KEY_RECORD, () => JSON.stringify(record)));
    if (stored.id !== record.id || stored.check !== record.check) {
      // Another process bound the store to its own key at the same moment.
      throw new KeyRingError(
        `this store was just bound to Ferry's managed key ${stored.id} (key check ${stored.check}) by another process, ` +
          `and ${where} does not hold it. Give every Ferry process sharing this store the same key ring.`,
      );
    }
    managed = existing;
  }

  const file = o.file;
  return {
    ring,
    managedKey: managed,
    ...(file !== undefined ? { file } : {}),
    refresh() {
      if (file === undefined) return false;
      const now = keyRingFileStamp(file);
      if (now === undefined || sameStamp(now, stamp)) return false;
      try {
        const c = readKeyRingFile(file);
        if (c === undefined) return false;
        stamp = c.stamp;
        const { added, conflicts } = ring.merge(new KeyRing(c.keys));
        for (const c of conflicts) o.log.warn({ keyRing: file }, `key ring change ignored: ${c}`);
        if (added.length > 0) o.log.info({ keyRing: file, added }, 'key ring reloaded');
        return added.length > 0;
      } catch (e) {
        o.log.warn({ keyRing: file, err: (e as Error).message }, 'key ring changed but cannot be read; keeping the keys in memory');
        return false;
      }
    },
  };
}

/** The MessageCrypto for an opened ring (the action layer's `BodyCipher`). */
export function messageCryptoFor(opened: OpenedKeyRing, o: Pick<KeyRingSetupOptions, 'clock' | 'random' | 'scope'>): MessageCrypto {
  return new MessageCrypto({
    ring: opened.ring,
    managedKeyId: opened.managedKey.id,
    clock: o.clock,
    random: o.random,
    scope: o.scope,
    refresh: opened.refresh,
  });
}

function load(file: string | undefined, envKeys: RingKey[], log: KeyRingLog): { ring: KeyRing; stamp: FileStamp | undefined } {
  const contents = file !== undefined ? readKeyRingFile(file) : undefined;
  for (const w of contents?.warnings ?? []) log.warn({ keyRing: file }, w);
  const ring = new KeyRing(contents?.keys ?? []);
  for (const k of envKeys) {
    try {
      ring.add(k);
    } catch (e) {
      throw new KeyRingError(`FERRY_KMS_KEYS: ${(e as Error).message}${file !== undefined ? ` (with the keys of ${file})` : ''}`);
    }
  }
  return { ring, stamp: contents?.stamp };
}

/** Create the managed key: in the file (under its lock, unless another process just did), or in memory. */
function createManagedKey(o: KeyRingSetupOptions, envKeys: RingKey[]): RingKey {
  const now = o.clock.now();
  const spec = {
    aliases: [MANAGED_ALIAS, AWS_SQS_ALIAS],
    managed: true,
    description: "Ferry's managed key: encrypts the messages of queues with SqsManagedSseEnabled",
  };
  if (o.file === undefined) {
    const key = new KeyRing().create(
      { ...spec, source: 'memory' },
      (n) => o.random.bytes(n),
      now,
      () => o.random.uuid(),
    );
    o.log.info({ keyId: key.id }, "created Ferry's managed encryption key in memory (storage memory: it is lost on exit, with the messages)");
    return key;
  }
  const file = o.file;
  const { result } = updateKeyRingFile(file, (keys) => {
    const r = new KeyRing([...keys, ...envKeys]);
    const found = r.managedKey();
    if (found !== undefined) return { result: { key: found, created: false } };
    const key = r.create(
      { ...spec, source: 'file' },
      (n) => o.random.bytes(n),
      now,
      () => o.random.uuid(),
    );
    return { keys: [...keys, key], result: { key, created: true } };
  });
  if (result.created) {
    o.log.warn(
      { keyId: result.key.id, keyRing: file },
      `created Ferry's managed encryption key ${result.key.id} in the key ring ${file}. Messages of queues with SSE are encrypted ` +
        `with it: back this file up, and keep the copy apart from backups of the data. LOSING THIS FILE LOSES EVERY ENCRYPTED MESSAGE.`,
    );
  }
  return result.key;
}

function withKey(ring: KeyRing, key: RingKey): KeyRing {
  if (ring.get(key.id) === undefined) ring.add(key);
  return ring;
}

/** Read the store's record without creating it: a `create` that refuses leaves the store unchanged. */
async function readRecord(store: MetaStore): Promise<ManagedKeyRecord | undefined> {
  let absent = false;
  try {
    return parseRecord(
      await store.metaGetOrCreate(MANAGED_KEY_RECORD, () => {
        absent = true;
        throw new Error('probe: no record');
      }),
    );
  } catch (e) {
    if (absent) return undefined;
    throw e;
  }
}

function parseRecord(text: string): ManagedKeyRecord {
  try {
    const r = JSON.parse(text) as Partial<ManagedKeyRecord>;
    if (typeof r.id === 'string' && typeof r.check === 'string') return { id: r.id, check: r.check };
  } catch {
    // fall through
  }
  throw new KeyRingError(`the store's ${MANAGED_KEY_RECORD} record is damaged: ${JSON.stringify(text)}`);
}

function describeSources(file: string | undefined, env: string | undefined): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(`the key ring ${file}`);
  if (env !== undefined && env.trim() !== '') parts.push('FERRY_KMS_KEYS');
  return parts.length > 0 ? parts.join(' with ') : 'the in-memory key ring';
}
