/**
 * Encryption at rest of message bodies, as SQS does it: envelope encryption with per-queue data keys
 * (AES-256, from the injected randomness) wrapped by a master key version of the key ring, reused for
 * the queue's data-key reuse period (injected clock), and the body encrypted with AES-256-GCM under a
 * fresh nonce per message. The action layer encrypts before the engine stores a message and decrypts
 * after the engine hands one back, so engines only ever see ciphertext (and need no change).
 *
 * What is encrypted: the body only. Message attributes, system attributes and the MD5 digests stay
 * plain, as in SQS ("SSE encrypts the body of a message… doesn't encrypt queue metadata, message
 * metadata"): MD5s are answered of the plaintext on send and receive. Also plain therefore: the MD5 of
 * the body, and for FIFO queues with ContentBasedDeduplication the SHA-256 of the body (the
 * deduplication id SQS reports to consumers) — digests that can confirm a guessed body.
 *
 * Errors are SQS's: KmsNotFound (a key or version the ring does not hold — setting such a
 * KmsMasterKeyId is accepted, the send fails), KmsDisabled, and KmsInvalidState for a stored body that
 * does not authenticate (it was altered, or the ring holds a different key under that id) — never
 * garbage plaintext.
 */
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import * as M from '../errors/messages.js';
import type { SqsError } from '../errors/catalog.js';
import { DataKeyCache, LruCache, type ActiveDataKey } from './dataKeys.js';
import {
  bodyAad,
  EnvelopeError,
  isEnvelope,
  openBody,
  parseEnvelope,
  sealBodyWith,
  sealingHeader,
  unwrapDataKey,
  wrapDataKey,
  NONCE_BYTES,
} from './envelope.js';
import type { SseSetting } from './sse.js';
import {
  aliasArn,
  currentVersion,
  KEY_BYTES,
  keyArn,
  MANAGED_ALIAS,
  parseKeyRef,
  validAlias,
  versionOf,
  type KeyRing,
  type KeyScope,
  type RingKey,
} from './keyring.js';
import { sseSettingOf } from './sse.js';

/** What the action layer needs: a queue's id and stored attributes. */
export interface SseQueue {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The two operations the rest of Ferry uses (actions, and the console's message browse). */
export interface BodyCipher {
  /** The body to store for a message sent to `queue`: an envelope when the queue has SSE, else `body` itself. */
  encryptBody(queue: SseQueue, body: string): string;
  /** The plaintext of a stored body (plaintext bodies pass through). Throws an SqsError (Kms*) when it cannot. */
  decryptBody(stored: string): string;
  /**
   * The key a KmsMasterKeyId names, as the next send would find it (the key-ring file re-read first, at
   * most once a second): missing (sends fail with KmsNotFound), disabled (KmsDisabled) or enabled. For
   * the console, which shows it beside a queue's encryption.
   */
  keyStatus(ref: string): KeyStatus;
}

/** What BodyCipher.keyStatus tells of a key. */
export type KeyStatus =
  /**
   * Not in the ring. `creatable`: the alias `ferry keys create` would give a new key so that this
   * KmsMasterKeyId names it (an alias, or an alias ARN of this server's region and account, not one of
   * the reserved `alias/aws/…` and `alias/ferry-managed`); absent for a key id or key ARN (a new key gets
   * a new id) and for an ARN of another region or account.
   */
  | { readonly state: 'missing'; readonly creatable?: string }
  | { readonly state: 'enabled' | 'disabled'; readonly keyId: string; readonly arn: string; readonly aliases: readonly string[] };

export interface MessageCryptoOptions {
  ring: KeyRing;
  /** The id of Ferry's managed key (SqsManagedSseEnabled). */
  managedKeyId: string;
  clock: Clock;
  random: Random;
  /** Region and account of key ARNs. */
  scope: KeyScope;
  /**
   * Re-read the key ring's sources (a file changed by `ferry keys rotate` or another node); true when
   * something was added. Called at most once a second, when a key or version is missing.
   */
  refresh?: () => boolean;
  /** Unwrapped data keys kept for decryption (LRU). Default 4096 (about 0.5 MB). */
  decryptCacheSize?: number;
  /** Encryptions per data key before a new one, whatever the reuse period. */
  maxDataKeyUses?: number;
  /**
   * Bodies this process sealed, kept by their exact envelope until first decrypted: at most this many
   * bytes (estimated). Default 2 MiB; 0: none kept (every decrypt opens the envelope).
   */
  sealedCacheBytes?: number;
}

/** A body this process sealed (MessageCrypto's sealed cache). */
interface SealedBody {
  readonly body: string;
  readonly keyId: string;
  readonly keyVersion: number;
  /** Its estimated memory: envelope and body characters, two bytes each. */
  readonly bytes: number;
}

/** Envelopes longer than this are not kept: V8 hashes a longer string by its length only (collisions). */
const SEALED_MAX_CHARS = 16_000;
/** Sealed bodies are kept only this long after the last decrypt of any envelope (see keepSealedUntil). */
const SEALED_AFTER_READ_MS = 1000;
/** At most this many sealed bodies are kept, whatever their size. */
const SEALED_MAX_ENTRIES = 2_048;

export interface MessageCryptoStats {
  encrypted: number;
  decrypted: number;
  /** Decrypts answered from the sealed cache (bodies this process sealed, read back unchanged). */
  sealedHits: number;
  dataKeysCreated: number;
  dataKeysUnwrapped: number;
}

const REFRESH_INTERVAL_MS = 1000;

export class MessageCrypto implements BodyCipher {
  private readonly ring: KeyRing;
  private readonly encryptKeys: DataKeyCache;
  private readonly decryptKeys: LruCache<string, Buffer>;
  private lastRefresh = -Infinity;
  private noncePool = Buffer.alloc(0);
  private nonceAt = 0;
  private readonly counts: MessageCryptoStats = { encrypted: 0, decrypted: 0, sealedHits: 0, dataKeysCreated: 0, dataKeysUnwrapped: 0 };
  /**
   * The encryption slot last used (queue id, key id → the slot string): a run of sends to one queue
   * reuses the same string, so the cache lookup neither builds nor re-hashes it.
   */
  private slotQueue: string | undefined = undefined;
  private slotKey: string | undefined = undefined;
  private slotName = '';
  /**
   * The envelope header last decrypted (its bytes, decrypt-cache key and body AAD): messages of one
   * queue share a data key, and so a header, for the whole reuse period. Holds no key material.
   */
  private lastHead: Buffer | undefined = undefined;
  private lastCacheKey = '';
  private lastAad: Buffer = Buffer.alloc(0);
  /**
   * Bodies this process sealed, by their exact envelope, until their first decrypt (oldest first, for
   * eviction). Opening an envelope costs a cipher object and four GCM calls per body — most of what a
   * receive pays for SSE — and a message is usually received soon after it was sent, by the process it
   * was sent through. An envelope equal to one this process sealed is authentic by construction (any
   * altered byte makes another string, which misses and is opened and verified in full); the key checks
   * (key present, version present, enabled) still run on every hit, and any doubt falls back to the
   * full path with its errors. The plaintexts stay in process memory until first read or evicted, as
   * they are while a request is handled; stored data (disk, database) holds only envelopes.
   */
  private readonly sealed = new Map<string, SealedBody>();
  private sealedBytes = 0;
  private readonly sealedLimit: number;
  /**
   * Clock time until which sealed bodies are kept: SEALED_AFTER_READ_MS after the last decrypt. A process
   * that only sends (no receive has read an envelope lately) keeps none: holding bodies nobody reads
   * costs garbage collection (they outlive the young generation) and buys nothing.
   */
  private keepSealedUntil = -Infinity;

  constructor(private readonly o: MessageCryptoOptions) {
    this.ring = o.ring;
    this.encryptKeys = new DataKeyCache(10_000, o.maxDataKeyUses);
    this.decryptKeys = new LruCache(o.decryptCacheSize ?? 4096, (k) => k.fill(0));
    this.sealedLimit = o.sealedCacheBytes ?? 2 * 1024 * 1024;
  }

  stats(): MessageCryptoStats {
    return { ...this.counts };
  }

  encryptBody(queue: SseQueue, body: string): string {
    const sse = sseSettingOf(queue.attributes);
    if (sse.mode === 'off') return body;
    const now = this.o.clock.now();
    this.refresh(now);
    let key = this.pick(sse);
    if (!key.enabled) throw M.kmsDisabled(keyArn(this.o.scope, key.id));
    let version = currentVersion(key);
    const slot = this.slot(queue.id, key.id);
    let dk: ActiveDataKey | undefined = this.encryptKeys.take(slot, version.version, sse.reusePeriodMs, now);
    if (dk === undefined) {
      // A new data key (once per reuse period and queue): the moment to notice a rotation made by
      // `ferry keys rotate` since the start, so that its new version wraps this data key.
      if (this.refresh()) {
        key = this.pick(sse);
        if (!key.enabled) throw M.kmsDisabled(keyArn(this.o.scope, key.id));
        version = currentVersion(key);
      }
      const plain = Buffer.from(this.o.random.bytes(KEY_BYTES));
      const wrapped = wrapDataKey(version.material, key.id, version.version, plain, this.nonce());
      dk = { keyId: key.id, keyVersion: version.version, key: plain, wrapped, createdAt: now, uses: 0 };
      this.encryptKeys.put(this.slot(queue.id, key.id), dk);
      // The receive that follows need not unwrap what we just made (a copy: each cache zeroes its own).
      this.decryptKeys.set(cacheKey(key.id, version.version, wrapped), Buffer.from(plain));
      this.counts.dataKeysCreated++;
    }
    this.counts.encrypted++;
    const stored = sealBodyWith(body, (dk.sealing ??= sealingHeader(dk)), dk.key, this.nonce());
    if (this.sealedLimit > 0 && stored.length <= SEALED_MAX_CHARS && now <= this.keepSealedUntil) this.keepSealed(stored, body, dk);
    return stored;
  }

  /** Remember a body just sealed (bounded by bytes and entries; the oldest go first). */
  private keepSealed(stored: string, body: string, dk: ActiveDataKey): void {
    const bytes = 2 * (stored.length + body.length) + 64;
    if (bytes > this.sealedLimit) return;
    this.sealed.set(stored, { body, keyId: dk.keyId, keyVersion: dk.keyVersion, bytes });
    this.sealedBytes += bytes;
    while (this.sealedBytes > this.sealedLimit || this.sealed.size > SEALED_MAX_ENTRIES) {
      const [oldest, entry] = this.sealed.entries().next().value as [string, SealedBody];
      this.sealed.delete(oldest);
      this.sealedBytes -= entry.bytes;
    }
  }

  /** Bodies held by the sealed cache, and their estimated bytes (tests, diagnostics). */
  sealedCacheSize(): { entries: number; bytes: number } {
    return { entries: this.sealed.size, bytes: this.sealedBytes };
  }

  /** The master key a queue's SSE setting names (not 'off'). */
  private pick(sse: SseSetting): RingKey {
    return sse.mode === 'kms' ? this.keyFor(sse.keyRef) : this.managedKey();
  }

  /** The data-key cache slot of (queue, master key): the last one's string again when it is the same. */
  private slot(queueId: string, keyId: string): string {
    if (queueId !== this.slotQueue || keyId !== this.slotKey) {
      this.slotQueue = queueId;
      this.slotKey = keyId;
      this.slotName = `${queueId}\u0000${keyId}`;
    }
    return this.slotName;
  }

  /**
   * A fresh random 96-bit nonce. Drawn from a pool filled 256 nonces at a time: a call into the random
   * source costs about as much as a third of a small body's whole encryption. Nonces are not secret.
   */
  private nonce(): Buffer {
    if (this.noncePool.length - this.nonceAt < NONCE_BYTES) {
      this.noncePool = Buffer.from(this.o.random.bytes(NONCE_BYTES * 256));
      this.nonceAt = 0;
    }
    const n = this.noncePool.subarray(this.nonceAt, this.nonceAt + NONCE_BYTES);
    this.nonceAt += NONCE_BYTES;
    return n;
  }

  decryptBody(stored: string): string {
    if (!isEnvelope(stored)) return stored;
    const now = this.o.clock.now();
    this.refresh(now);
    if (this.sealedLimit > 0) this.keepSealedUntil = now + SEALED_AFTER_READ_MS;
    const kept = this.sealed.get(stored);
    if (kept !== undefined) {
      // Read once, normally: forget it (a redelivery opens the envelope).
      this.sealed.delete(stored);
      this.sealedBytes -= kept.bytes;
      const key = this.ring.get(kept.keyId);
      if (key !== undefined && key.enabled && versionOf(key, kept.keyVersion) !== undefined) {
        this.counts.decrypted++;
        this.counts.sealedHits++;
        return kept.body;
      }
      // The key changed since: the full path below decides (refresh, KmsNotFound, KmsDisabled…).
    }
    let env;
    try {
      env = parseEnvelope(stored);
    } catch (e) {
      throw this.undecryptable(undefined, 0, e);
    }
    let key = this.ring.get(env.keyId);
    if (key === undefined || versionOf(key, env.keyVersion) === undefined) {
      if (this.refresh()) key = this.ring.get(env.keyId);
      if (key === undefined) throw M.kmsKeyNotFound(keyArn(this.o.scope, env.keyId));
    }
    if (!key.enabled) throw M.kmsDisabled(keyArn(this.o.scope, env.keyId));
    // Same header as the last body decrypted: its cache key and AAD again (the bytes are compared whole).
    const head = this.lastHead;
    let ck: string;
    let aad: Buffer;
    if (head !== undefined && env.bodyAt === head.length && env.bytes.compare(head, 0, head.length, 0, env.bodyAt) === 0) {
      ck = this.lastCacheKey;
      aad = this.lastAad;
    } else {
      ck = cacheKey(env.keyId, env.keyVersion, env.wrapped);
      aad = bodyAad(env);
      this.lastHead = Buffer.from(env.bytes.subarray(0, env.bodyAt));
      this.lastCacheKey = ck;
      this.lastAad = aad;
    }
    let dataKey = this.decryptKeys.get(ck);
    if (dataKey === undefined) {
      const v = versionOf(key, env.keyVersion);
      if (v === undefined) throw M.kmsKeyVersionNotFound(keyArn(this.o.scope, env.keyId), env.keyVersion);
      try {
        dataKey = unwrapDataKey(v.material, env.keyId, env.keyVersion, env.wrapped);
      } catch (e) {
        throw this.undecryptable(key, env.keyVersion, e);
      }
      this.decryptKeys.set(ck, dataKey);
      this.counts.dataKeysUnwrapped++;
    }
    try {
      const body = openBody(env, dataKey, aad);
      this.counts.decrypted++;
      return body;
    } catch (e) {
      throw this.undecryptable(key, env.keyVersion, e);
    }
  }

  private managedKey(): RingKey {
    const key = this.ring.get(this.o.managedKeyId);
    if (key === undefined) throw M.kmsKeyNotFound(keyArn(this.o.scope, this.o.managedKeyId));
    return key;
  }

  keyStatus(ref: string): KeyStatus {
    this.refresh();
    const key = this.ring.resolve(ref, this.o.scope);
    if (key === undefined) {
      const r = parseKeyRef(ref);
      const here = r.region === undefined || (r.region === this.o.scope.region && r.accountId === this.o.scope.accountId);
      const reserved = r.kind === 'alias' && (r.alias === MANAGED_ALIAS || r.alias.startsWith('alias/aws/'));
      return r.kind === 'alias' && here && !reserved && validAlias(r.alias) ? { state: 'missing', creatable: r.alias } : { state: 'missing' };
    }
    return { state: key.enabled ? 'enabled' : 'disabled', keyId: key.id, arn: keyArn(this.o.scope, key.id), aliases: [...key.aliases] };
  }

  /** The key a KmsMasterKeyId names; KmsNotFound (with KMS's wording for ids and aliases) when none. */
  private keyFor(ref: string): RingKey {
    let key = this.ring.resolve(ref, this.o.scope);
    if (key === undefined && this.refresh()) key = this.ring.resolve(ref, this.o.scope);
    if (key !== undefined) return key;
    if (ref.startsWith('arn:')) throw parseKeyRef(ref).kind === 'alias' ? M.kmsAliasNotFound(ref) : M.kmsKeyNotFound(ref);
    const r = parseKeyRef(ref);
    throw r.kind === 'alias' ? M.kmsAliasNotFound(aliasArn(this.o.scope, r.alias)) : M.kmsKeyNotFound(keyArn(this.o.scope, r.id));
  }

  /**
   * Take in what changed in the key ring file, at most once a second (a stat of the file; it is read
   * only when it changed); true when keys or versions were added or a key's state changed. Every
   * encrypt and decrypt calls it first, so `ferry keys disable` and `enable` reach sends and receives
   * within a second, as do new keys and versions (a key disabled in memory used to be looked up again
   * only for a new data key or a missing key: enable needed a restart).
   */
  private refresh(now = this.o.clock.now()): boolean {
    if (this.o.refresh === undefined) return false;
    if (now - this.lastRefresh < REFRESH_INTERVAL_MS) return false;
    this.lastRefresh = now;
    return this.o.refresh();
  }

  private undecryptable(key: RingKey | undefined, version: number, e: unknown): SqsError {
    const why =
      e instanceof EnvelopeError
        ? e.reason === 'auth'
          ? 'authentication failed — the stored data was altered, or the key ring holds a different key under this id'
          : `the stored envelope is damaged (${e.message})`
        : String(e);
    return M.kmsUndecryptable(why, key ? { arn: keyArn(this.o.scope, key.id), version } : undefined);
  }
}

/** The decrypt cache's key: master key id, version and the wrapped key's bytes. */
function cacheKey(keyId: string, version: number, wrapped: Buffer): string {
  return `${keyId}\u0000${version}\u0000${wrapped.toString('latin1')}`;
}
