/**
 * The two textual forms of key-ring keys, both strictly validated (a typo must stop the start, not
 * leave a key out):
 *
 *  - The key-ring file, a JSON document:
 *    ```json
 *    { "format": "ferry-keyring", "version": 1,
 *      "keys": [ { "id": "2f0c…", "aliases": ["alias/orders"], "enabled": true, "managed": false,
 *                  "description": "…", "createdAt": "2026-01-01T00:00:00.000Z",
 *                  "versions": [ { "version": 1, "key": "<base64 of 32 bytes>", "createdAt": "…" } ] } ] }
 *    ```
 *  - `FERRY_KMS_KEYS`: either that same JSON document, or the compact form
 *    `<key id>[+<alias>…]=<base64 v1>[,<base64 v2>…]`, entries separated by `;` or newlines, e.g.
 *    `orders+alias/orders=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=` — the last version listed is the
 *    current one. The id and aliases are everything before the first `=` (they cannot contain `+`, `=`
 *    or `,`); base64 contains no `;` or `,`, and its `+` and `=` only come after that first `=`.
 */
import { KeyRingError, KEY_BYTES, type KeySource, type KeyVersion, type RingKey } from './keyring.js';

export const KEYRING_FORMAT = 'ferry-keyring';
export const KEYRING_VERSION = 1;

export interface KeyVersionDocument {
  version: number;
  /** Standard base64 of the 32-byte key material. */
  key: string;
  createdAt?: string;
}

export interface KeyDocument {
  id: string;
  aliases?: string[];
  enabled?: boolean;
  managed?: boolean;
  description?: string;
  createdAt?: string;
  versions: KeyVersionDocument[];
}

export interface KeyRingDocument {
  format: typeof KEYRING_FORMAT;
  version: typeof KEYRING_VERSION;
  keys: KeyDocument[];
}

/** The document for some keys (the file holds the `file` and `memory` ones; env keys stay in the env). */
export function toDocument(keys: readonly RingKey[]): KeyRingDocument {
  return {
    format: KEYRING_FORMAT,
    version: KEYRING_VERSION,
    keys: keys.map((k): KeyDocument => ({
      id: k.id,
      ...(k.aliases.length > 0 ? { aliases: [...k.aliases] } : {}),
      enabled: k.enabled,
      ...(k.managed ? { managed: true } : {}),
      ...(k.description !== undefined ? { description: k.description } : {}),
      createdAt: new Date(k.createdAt).toISOString(),
      versions: k.versions.map((v) => ({ version: v.version, key: v.material.toString('base64'), createdAt: new Date(v.createdAt).toISOString() })),
    })),
  };
}

/** Parse and check a key-ring document (`where` names its origin in errors). */
export function fromDocument(doc: unknown, source: KeySource, where: string): RingKey[] {
  const top = record(doc, where);
  onlyKeys(top, ['format', 'version', 'keys'], where);
  if (top.format !== KEYRING_FORMAT) throw new KeyRingError(`${where}: "format" must be "${KEYRING_FORMAT}"`);
  if (top.version !== KEYRING_VERSION)
    throw new KeyRingError(`${where}: "version" must be ${KEYRING_VERSION} (this Ferry reads version ${KEYRING_VERSION})`);
  if (!Array.isArray(top.keys)) throw new KeyRingError(`${where}: "keys" must be a list`);
  return top.keys.map((raw, i) => {
    const at = `${where}: keys[${i}]`;
    const k = record(raw, at);
    onlyKeys(k, ['id', 'aliases', 'enabled', 'managed', 'description', 'createdAt', 'versions'], at);
    if (typeof k.id !== 'string') throw new KeyRingError(`${at}: "id" must be a string`);
    const aliases = k.aliases === undefined ? [] : k.aliases;
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string')) throw new KeyRingError(`${at}: "aliases" must be a list of strings`);
    for (const f of ['enabled', 'managed'] as const) {
      if (k[f] !== undefined && typeof k[f] !== 'boolean') throw new KeyRingError(`${at}: "${f}" must be true or false`);
    }
    if (k.description !== undefined && typeof k.description !== 'string') throw new KeyRingError(`${at}: "description" must be a string`);
    if (!Array.isArray(k.versions) || k.versions.length === 0) throw new KeyRingError(`${at}: "versions" must be a non-empty list`);
    const versions: KeyVersion[] = k.versions.map((rv, j) => {
      const vat = `${at}.versions[${j}]`;
      const v = record(rv, vat);
      onlyKeys(v, ['version', 'key', 'createdAt'], vat);
      if (typeof v.version !== 'number' || !Number.isSafeInteger(v.version) || v.version < 1)
        throw new KeyRingError(`${vat}: "version" must be a positive integer`);
      if (typeof v.key !== 'string') throw new KeyRingError(`${vat}: "key" must be base64 text`);
      return { version: v.version, material: decodeKey(v.key, vat), createdAt: time(v.createdAt, vat) };
    });
    versions.sort((a, b) => a.version - b.version);
    return {
      id: k.id,
      aliases: aliases as string[],
      versions,
      enabled: (k.enabled as boolean | undefined) ?? true,
      managed: (k.managed as boolean | undefined) ?? false,
      ...(k.description !== undefined ? { description: k.description } : {}),
      createdAt: time(k.createdAt, at),
      source,
    };
  });
}

/** Keys from `FERRY_KMS_KEYS` (JSON document or compact form); `now` dates them. Read-only (`env`). */
export function parseEnvKeys(text: string, now: number, where = 'FERRY_KMS_KEYS'): RingKey[] {
  const t = text.trim();
  if (t === '') return [];
  if (t.startsWith('{')) {
    return fromDocument(parseSecretJson(t, where), 'env', where);
  }
  const out: RingKey[] = [];
  const entries = t
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  entries.forEach((entry, i) => {
    const at = `${where} entry ${i + 1}`;
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new KeyRingError(`${at}: expected <key id>[+<alias>…]=<base64 key>[,<base64 key>…]`);
    const names = entry
      .slice(0, eq)
      .split('+')
      .map((s) => s.trim());
    const materials = entry
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim());
    if (names.some((n) => n === '') || materials.some((m) => m === '')) throw new KeyRingError(`${at}: empty key id, alias or key`);
    const [id, ...aliases] = names;
    out.push({
      id: id!,
      aliases,
      versions: materials.map((m, j) => ({ version: j + 1, material: decodeKey(m, `${at} (key ${id!} version ${j + 1})`), createdAt: now })),
      enabled: true,
      managed: aliases.includes('alias/ferry-managed'),
      createdAt: now,
      source: 'env',
    });
  });
  return out;
}

/**
 * JSON.parse for text that holds key material: V8's syntax errors quote the text around the mistake,
 * which must not reach a log, so the error names the position only.
 */
export function parseSecretJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new KeyRingError(`${where} is not valid JSON${at !== undefined ? ` (at character ${at})` : ''}`);
  }
}

/** Strict base64 of exactly 32 bytes (Node's decoder skips junk silently; a typo must not become a key). */
function decodeKey(b64: string, where: string): Buffer {
  const buf = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || buf.toString('base64') !== b64) throw new KeyRingError(`${where}: the key is not canonical base64`);
  if (buf.length !== KEY_BYTES) throw new KeyRingError(`${where}: the key must be ${KEY_BYTES} bytes (44 base64 characters), it is ${buf.length}`);
  return buf;
}

function time(v: unknown, where: string): number {
  if (v === undefined) return 0;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) throw new KeyRingError(`${where}: "createdAt" must be an ISO 8601 time`);
  return t;
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new KeyRingError(`${where} must be a JSON object`);
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new KeyRingError(`${where}: unknown field "${k}" (known: ${allowed.join(', ')})`);
}
