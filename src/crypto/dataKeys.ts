/**
 * Data-key caches, as SQS keeps them:
 *
 *  - Encryption: one data key per queue and master key, reused for the queue's
 *    KmsDataKeyReusePeriodSeconds (60–86,400 s, default 300) measured on the injected clock, then
 *    replaced by a fresh one. A rotation of the master key retires the cached data key at once (the new
 *    version wraps the next one). A data key also retires after `maxUses` encryptions, whatever the
 *    period: bodies use random 96-bit GCM nonces, and NIST SP 800-38D bounds random-nonce use of one key
 *    to 2^32 messages; Ferry stays far below (2^26 by default, a collision chance under 2^-44).
 *  - Decryption: unwrapped data keys in a bounded LRU keyed by the wrapped key, so a receive only
 *    unwraps a data key the first time it meets it.
 *
 * Evicted key material is overwritten with zeros (Buffers outside this cache may still hold copies
 * until collected; this narrows, not closes, the window).
 */
import type { SealingHeader } from './envelope.js';

/** A bounded least-recently-used map (insertion order of a Map is the recency order). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  /** The most recently used key (the map's last), whose lookup need not move it to the end again. */
  private newest: K | undefined = undefined;

  constructor(
    readonly max: number,
    private readonly onEvict?: (value: V) => void,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('LRU size must be a positive integer');
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    if (key !== this.newest) {
      this.map.delete(key);
      this.map.set(key, v);
      this.newest = key;
    }
    return v;
  }

  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      if (old !== value) this.onEvict?.(old);
    }
    this.map.set(key, value);
    this.newest = key;
    while (this.map.size > this.max) {
      const [k, v] = this.map.entries().next().value as [K, V];
      this.map.delete(k);
      this.onEvict?.(v);
    }
  }

  delete(key: K): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    this.map.delete(key);
    if (key === this.newest) this.newest = undefined;
    this.onEvict?.(v);
  }

  clear(): void {
    for (const v of this.map.values()) this.onEvict?.(v);
    this.map.clear();
    this.newest = undefined;
  }
}

/** A data key in use for encryption. */
export interface ActiveDataKey {
  readonly keyId: string;
  readonly keyVersion: number;
  /** The plaintext data key (32 bytes). */
  readonly key: Buffer;
  /** The data key wrapped by the master key version (stored in every envelope). */
  readonly wrapped: Buffer;
  /** Epoch ms (injected clock) when it was generated. */
  readonly createdAt: number;
  /** Encryptions done with it so far. */
  uses: number;
  /** Its envelope header and body AAD, built on first use (envelope.ts `sealingHeader`). */
  sealing?: SealingHeader;
}

export const DEFAULT_MAX_DATA_KEY_USES = 2 ** 26;

/** The encryption side: the current data key of each (queue, master key). */
export class DataKeyCache {
  private readonly slots: LruCache<string, ActiveDataKey>;

  /**
   * `maxSlots` bounds memory with many queues (an evicted queue simply gets a new data key). A retired
   * data key's material is zeroed, so the decrypt cache must hold its own copy.
   */
  constructor(
    maxSlots = 10_000,
    readonly maxUses = DEFAULT_MAX_DATA_KEY_USES,
  ) {
    this.slots = new LruCache(maxSlots, (dk) => dk.key.fill(0));
  }

  /**
   * The data key to use now for `slot` (queue id + master key id), if the cached one is still valid:
   * made under `keyVersion` (the master key's current version), less than `reuseMs` old at `now`, and
   * used fewer than `maxUses` times. Counts the use.
   */
  take(slot: string, keyVersion: number, reuseMs: number, now: number): ActiveDataKey | undefined {
    const dk = this.slots.get(slot);
    if (dk === undefined) return undefined;
    if (dk.keyVersion !== keyVersion || now - dk.createdAt >= reuseMs || now < dk.createdAt || dk.uses >= this.maxUses) {
      this.slots.delete(slot);
      return undefined;
    }
    dk.uses++;
    return dk;
  }

  /** Remember a fresh data key for `slot` (its first use counted). */
  put(slot: string, dk: ActiveDataKey): void {
    dk.uses = Math.max(dk.uses, 1);
    this.slots.set(slot, dk);
  }

  get size(): number {
    return this.slots.size;
  }
}
