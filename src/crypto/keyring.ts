/**
 * The local key ring: Ferry's stand-in for AWS KMS. A ring holds named master keys; each key has an
 * id, aliases (`alias/orders`) and one or more versions of 256-bit key material. The highest version
 * wraps new data keys; every older version still unwraps the data keys it wrapped (`rotate`).
 *
 * A queue names its key the way SQS's KmsMasterKeyId does — the SQS API reference sends it to KMS's
 * `KeyId` forms: a key id, an alias name (`alias/MyAlias`), a key ARN
 * (`arn:aws:kms:<region>:<account>:key/<id>`) or an alias ARN (`arn:aws:kms:<region>:<account>:alias/<name>`);
 * `resolve` accepts all four. Ferry's managed key (SqsManagedSseEnabled) carries `alias/ferry-managed`
 * and, so that templates written for AWS work unchanged, `alias/aws/sqs` (the alias of the AWS managed
 * KMS key for SQS).
 *
 * Keys come from a key-ring file (keyringFile.ts; read-write) or from the environment
 * (`FERRY_KMS_KEYS`, `parseEnvKeys`; read-only). This module is pure: no I/O, randomness and time are
 * passed in.
 */
import { createHmac } from 'node:crypto';

/** Master keys and data keys are AES-256 keys. */
export const KEY_BYTES = 32;
/** The alias of Ferry's managed key (the key SqsManagedSseEnabled queues use). */
export const MANAGED_ALIAS = 'alias/ferry-managed';
/** AWS's alias for the AWS managed KMS key of SQS; Ferry's managed key answers to it too. */
export const AWS_SQS_ALIAS = 'alias/aws/sqs';

/** A key-ring problem that stops a start or a `ferry keys` command (bad file, unknown key, read-only key…). */
export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

/** Where a key came from: the key-ring file (writable), the environment (read-only) or memory only. */
export type KeySource = 'file' | 'env' | 'memory';

export interface KeyVersion {
  /** 1, 2, 3… in creation order. */
  readonly version: number;
  /** 32 bytes of AES-256 key material. Never logged, never leaves the process except into the file. */
  readonly material: Buffer;
  /** Epoch ms. */
  readonly createdAt: number;
}

export interface RingKey {
  /** Unique in the ring; `[A-Za-z0-9_-]`, 1–128 characters (Ferry creates UUIDs, as KMS does). */
  readonly id: string;
  readonly aliases: readonly string[];
  /** Ascending by version; never empty. The last one is current. */
  readonly versions: readonly KeyVersion[];
  /** A disabled key neither encrypts nor decrypts (SQS answers KmsDisabled). */
  readonly enabled: boolean;
  /** Ferry's managed key (SqsManagedSseEnabled). At most one per ring. */
  readonly managed: boolean;
  readonly description?: string;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly source: KeySource;
}

/** What may be shown about a key: everything but the material (a check value identifies it). */
export interface KeyInfo {
  id: string;
  arn: string;
  aliases: string[];
  enabled: boolean;
  managed: boolean;
  description?: string;
  source: KeySource;
  createdAt: number;
  currentVersion: number;
  versions: Array<{ version: number; createdAt: number; check: string }>;
}

/** The region and account a key ARN must name to be one of this server's keys. */
export interface KeyScope {
  region: string;
  accountId: string;
}

const KEY_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;
/** KMS's alias names: `alias/` then letters, digits, `/`, `_`, `-` (256 characters in all). */
const ALIAS_RE = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const KMS_ARN_RE = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

/**
 * A key check value: the first 8 bytes (hex) of HMAC-SHA256(material, "ferry key check v1"). It tells
 * two keys apart (`ferry keys list`, the store's record of its managed key) and reveals nothing usable
 * about the material.
 */
export function keyCheck(material: Buffer): string {
  return createHmac('sha256', material).update('ferry key check v1').digest().subarray(0, 8).toString('hex');
}

export function keyArn(scope: KeyScope, id: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${id}`;
}

export function aliasArn(scope: KeyScope, alias: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:${alias}`;
}

/** A KmsMasterKeyId taken apart: a key id or an alias, and the ARN's region/account when it was one. */
export type KeyRef =
  { kind: 'id'; id: string; region?: string; accountId?: string } | { kind: 'alias'; alias: string; region?: string; accountId?: string };

/** Parse any of KMS's four KeyId forms. Anything that is not an ARN or an alias is taken as a key id. */
export function parseKeyRef(ref: string): KeyRef {
  const m = KMS_ARN_RE.exec(ref);
  if (m) {
    const [, region, accountId, kind, rest] = m;
    return kind === 'key' ? { kind: 'id', id: rest!, region, accountId } : { kind: 'alias', alias: `alias/${rest!}`, region, accountId };
  }
  if (ref.startsWith('alias/')) return { kind: 'alias', alias: ref };
  return { kind: 'id', id: ref };
}

export function validKeyId(id: string): boolean {
  return KEY_ID_RE.test(id);
}

export function validAlias(alias: string): boolean {
  return ALIAS_RE.test(alias);
}

/** The current (highest) version of a key. */
export function currentVersion(key: RingKey): KeyVersion {
  return key.versions[key.versions.length - 1]!;
}

export function versionOf(key: RingKey, version: number): KeyVersion | undefined {
  // Versions are 1..n in order, so the index is known; the search covers hand-edited files with gaps.
  const direct = key.versions[version - 1];
  return direct?.version === version ? direct : key.versions.find((v) => v.version === version);
}

/** Options of `KeyRing.create`. */
export interface NewKeyOptions {
  /** Default: a fresh UUID. */
  id?: string;
  aliases?: readonly string[];
  managed?: boolean;
  description?: string;
  source: KeySource;
}

/**
 * The keys of one server. Lookups are Map reads (they sit on the send and receive paths). Keys are
 * immutable records; `rotate` and `setEnabled` replace a key's record.
 */
export class KeyRing {
  private readonly byId = new Map<string, RingKey>();
  private readonly byAlias = new Map<string, string>();

  constructor(keys: Iterable<RingKey> = []) {
    for (const k of keys) this.add(k);
  }

  get size(): number {
    return this.byId.size;
  }

  keys(): RingKey[] {
    return [...this.byId.values()];
  }

  get(id: string): RingKey | undefined {
    return this.byId.get(id);
  }

  /**
   * The key a KmsMasterKeyId names (id, alias, key ARN or alias ARN), or undefined. An ARN must name
   * this server's region and account when `scope` is given (KMS: a key of another region is not found).
   */
  resolve(ref: string, scope?: KeyScope): RingKey | undefined {
    const r = parseKeyRef(ref);
    if (scope && r.region !== undefined && (r.region !== scope.region || r.accountId !== scope.accountId)) return undefined;
    if (r.kind === 'id') return this.byId.get(r.id);
    const id = this.byAlias.get(r.alias);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Ferry's managed key: the one flagged `managed`, else the one carrying `alias/ferry-managed`. */
  managedKey(): RingKey | undefined {
    for (const k of this.byId.values()) if (k.managed) return k;
    return this.resolve(MANAGED_ALIAS);
  }

  /** Add a key; its id and aliases must be new to the ring. */
  add(key: RingKey): void {
    checkKey(key);
    if (this.byId.has(key.id)) throw new KeyRingError(`key ${key.id} is defined twice`);
    for (const a of key.aliases) {
      const owner = this.byAlias.get(a);
      if (owner !== undefined) throw new KeyRingError(`alias ${a} names two keys (${owner} and ${key.id})`);
    }
    if (key.managed && [...this.byId.values()].some((k) => k.managed))
      throw new KeyRingError(`two keys are marked managed (${key.id} is the second)`);
    this.byId.set(key.id, key);
    for (const a of key.aliases) this.byAlias.set(a, key.id);
  }

  /** Create a key with one version of fresh material from `randomBytes`. */
  create(opts: NewKeyOptions, randomBytes: (n: number) => Buffer, now: number, uuid: () => string): RingKey {
    const key: RingKey = {
      id: opts.id ?? uuid(),
      aliases: [...(opts.aliases ?? [])],
      versions: [{ version: 1, material: freshMaterial(randomBytes), createdAt: now }],
      enabled: true,
      managed: opts.managed ?? false,
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      createdAt: now,
      source: opts.source,
    };
    this.add(key);
    return key;
  }

  /**
   * Add a version to the key `ref` names; it wraps every data key made from now on, while the older
   * versions keep unwrapping theirs. Keys from the environment are read-only (their material lives in
   * the variable, so a new version must be added there).
   */
  rotate(ref: string, randomBytes: (n: number) => Buffer, now: number, scope?: KeyScope): KeyVersion {
    const key = this.mustResolve(ref, scope);
    if (key.source === 'env') {
      throw new KeyRingError(`key ${key.id} comes from FERRY_KMS_KEYS and is read-only: add a version to the variable instead`);
    }
    const v: KeyVersion = { version: currentVersion(key).version + 1, material: freshMaterial(randomBytes), createdAt: now };
    this.byId.set(key.id, { ...key, versions: [...key.versions, v] });
    return v;
  }

  /** Enable or disable a key (a disabled key answers KmsDisabled on send and receive, as in SQS). */
  setEnabled(ref: string, enabled: boolean, scope?: KeyScope): RingKey {
    const key = this.mustResolve(ref, scope);
    if (key.source === 'env') throw new KeyRingError(`key ${key.id} comes from FERRY_KMS_KEYS and is read-only`);
    // As AWS managed keys, Ferry's managed key cannot be disabled: every SqsManagedSseEnabled queue would stop.
    if (key.managed && !enabled) throw new KeyRingError(`key ${key.id} is Ferry's managed key, which cannot be disabled`);
    const next = { ...key, enabled };
    this.byId.set(key.id, next);
    return next;
  }

  /**
   * Take in what another load of the same sources holds (a key-ring file changed by `ferry keys
   * rotate` while the server runs): new keys, and new versions of known keys. Nothing is ever dropped
   * or replaced — a version whose material differs from the one in memory is a conflict, reported and
   * ignored, so a swapped file cannot make stored messages unreadable while the process runs.
   */
  merge(other: KeyRing): { added: string[]; conflicts: string[] } {
    const added: string[] = [];
    const conflicts: string[] = [];
    for (const k of other.keys()) {
      const mine = this.byId.get(k.id);
      if (!mine) {
        try {
          this.add(k);
          added.push(k.id);
        } catch (e) {
          conflicts.push((e as Error).message);
        }
        continue;
      }
      const extra: KeyVersion[] = [];
      for (const v of k.versions) {
        const have = versionOf(mine, v.version);
        if (!have) extra.push(v);
        else if (!have.material.equals(v.material)) conflicts.push(`key ${k.id} version ${v.version} changed its material`);
      }
      const enabledChanged = k.enabled !== mine.enabled;
      if (extra.length > 0 || enabledChanged) {
        const versions = [...mine.versions, ...extra].sort((a, b) => a.version - b.version);
        this.byId.set(k.id, { ...mine, versions, enabled: k.enabled });
        added.push(...extra.map((v) => `${k.id} v${v.version}`));
        if (enabledChanged) added.push(`${k.id} ${k.enabled ? 'enabled' : 'disabled'}`);
      }
    }
    return { added, conflicts };
  }

  /** Every key, without material, for `ferry keys list` and logs. */
  info(scope: KeyScope): KeyInfo[] {
    return this.keys().map((k) => ({
      id: k.id,
      arn: keyArn(scope, k.id),
      aliases: [...k.aliases],
      enabled: k.enabled,
      managed: k.managed,
      ...(k.description !== undefined ? { description: k.description } : {}),
      source: k.source,
      createdAt: k.createdAt,
      currentVersion: currentVersion(k).version,
      versions: k.versions.map((v) => ({ version: v.version, createdAt: v.createdAt, check: keyCheck(v.material) })),
    }));
  }

  private mustResolve(ref: string, scope?: KeyScope): RingKey {
    const key = this.resolve(ref, scope);
    if (!key) throw new KeyRingError(`no key ${ref} in the key ring (known: ${this.names().join(', ') || 'none'})`);
    return key;
  }

  private names(): string[] {
    return this.keys().map((k) => (k.aliases.length > 0 ? `${k.id} (${k.aliases.join(', ')})` : k.id));
  }
}

function freshMaterial(randomBytes: (n: number) => Buffer): Buffer {
  const m = randomBytes(KEY_BYTES);
  if (m.length !== KEY_BYTES) throw new KeyRingError(`the random source gave ${m.length} bytes, not ${KEY_BYTES}`);
  return Buffer.from(m);
}

/** The invariants every key satisfies, wherever it came from. */
function checkKey(k: RingKey): void {
  if (!validKeyId(k.id)) throw new KeyRingError(`key id ${JSON.stringify(k.id)} is not 1–128 of A-Z a-z 0-9 _ -`);
  for (const a of k.aliases) {
    if (!validAlias(a)) throw new KeyRingError(`key ${k.id}: alias ${JSON.stringify(a)} is not alias/ followed by A-Z a-z 0-9 / _ -`);
    // KMS reserves alias/aws/ for AWS managed keys; Ferry's managed key is the only one that may use it.
    if (a.startsWith('alias/aws/') && !k.managed) throw new KeyRingError(`key ${k.id}: alias ${a} is reserved for Ferry's managed key`);
  }
  if (k.versions.length === 0) throw new KeyRingError(`key ${k.id} has no versions`);
  const seen = new Set<number>();
  for (const v of k.versions) {
    if (!Number.isSafeInteger(v.version) || v.version < 1) throw new KeyRingError(`key ${k.id}: version ${v.version} is not a positive integer`);
    if (seen.has(v.version)) throw new KeyRingError(`key ${k.id}: version ${v.version} appears twice`);
    seen.add(v.version);
    if (v.material.length !== KEY_BYTES)
      throw new KeyRingError(`key ${k.id} version ${v.version}: key material must be ${KEY_BYTES} bytes, not ${v.material.length}`);
  }
  for (let i = 1; i < k.versions.length; i++) {
    if (k.versions[i]!.version <= k.versions[i - 1]!.version) throw new KeyRingError(`key ${k.id}: versions must be in ascending order`);
  }
}
