/**
 * The key-ring file on disk. Writes are atomic and durable: the new document goes to a temporary file
 * in the same directory (created with mode 0600), is fsync'ed, renamed over the old file, and the
 * directory is fsync'ed — so a crash leaves either the old ring or the new one, never a torn file, and
 * a key that was reported created is on stable storage. Read-modify-write (`updateKeyRingFile`) holds a
 * lock file (`<file>.lock`, created exclusively) so that `ferry keys rotate` and a server creating its
 * managed key cannot lose each other's change.
 *
 * Reads warn when the file is readable by group or others (like ssh with a private key, but a warning
 * rather than a refusal: the fix is one chmod).
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KeyRingError, type RingKey } from './keyring.js';
import { fromDocument, parseSecretJson, toDocument } from './keyringDocument.js';

/** What identifies a version of the file on disk (to notice a change without reading it). */
export interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

export interface KeyRingFileContents {
  keys: RingKey[];
  stamp: FileStamp;
  /** Problems worth a warning (loose permissions). */
  warnings: string[];
}

/** Read and validate the file; undefined when it does not exist. Throws KeyRingError when it is bad. */
export function readKeyRingFile(path: string): KeyRingFileContents | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyRingError(`cannot read the key ring ${path}: ${(e as Error).message}`);
  }
  let text: string;
  let st: ReturnType<typeof fstatSync>;
  try {
    st = fstatSync(fd);
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const doc = parseSecretJson(text, `the key ring ${path}`);
  const warnings: string[] = [];
  if ((st.mode & 0o077) !== 0) {
    warnings.push(`the key ring ${path} is readable by other users (mode ${(st.mode & 0o777).toString(8)}): chmod 600 ${path}`);
  }
  return { keys: fromDocument(doc, 'file', `key ring ${path}`), stamp: stampOf(st), warnings };
}

/** The file's current stamp, or undefined when it does not exist. */
export function keyRingFileStamp(path: string): FileStamp | undefined {
  try {
    return stampOf(statSync(path));
  } catch {
    return undefined;
  }
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/**
 * Replace the file with these keys, atomically and durably (see the header). The directory is created
 * (mode 0700) when missing. Only keys whose source is not `env` are written.
 */
export function writeKeyRingFile(path: string, keys: readonly RingKey[]): FileStamp {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const text = JSON.stringify(toDocument(keys.filter((k) => k.source !== 'env')), null, 2);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    // The umask can only remove bits from 0600, but a restrictive mode must not depend on it.
    chmodSync(tmp, 0o600);
    writeSync(fd, text + '\n');
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new KeyRingError(`cannot write the key ring ${path}: ${(e as Error).message}`);
  }
  syncDir(dir);
  return stampOf(statSync(path));
}

/** How long a lock file may sit before it is taken to belong to a dead process. */
const STALE_LOCK_MS = 30_000;

/**
 * Read the file, let `change` modify its keys, write the result — under the lock file. `change` returns
 * the keys to write, or undefined to write nothing. Returns what `change` produced and the file's stamp.
 */
export function updateKeyRingFile<T>(
  path: string,
  change: (keys: RingKey[]) => { keys: RingKey[]; result: T } | { keys?: undefined; result: T },
  opts: { lockTimeoutMs?: number } = {},
): {
  result: T;
  stamp: FileStamp | undefined;
} {
  const release = lock(path, opts.lockTimeoutMs ?? 10_000);
  try {
    const current = readKeyRingFile(path);
    const out = change(current?.keys ?? []);
    if (out.keys === undefined) return { result: out.result, stamp: current?.stamp };
    return { result: out.result, stamp: writeKeyRingFile(path, out.keys) };
  } finally {
    release();
  }
}

function lock(path: string, timeoutMs: number): () => void {
  const lockPath = `${path}.lock`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx', 0o600));
      return () => rmSync(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new KeyRingError(`cannot lock the key ring ${path}: ${(e as Error).message}`);
    }
    try {
      if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) unlinkSync(lockPath);
    } catch {
      // Released or removed meanwhile: try again.
    }
    if (Date.now() > deadline)
      throw new KeyRingError(`the key ring ${path} is locked (${lockPath} exists); remove it if no ferry command is running`);
    // A short synchronous pause: key-ring updates are rare, short, and happen outside request handling.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function stampOf(st: { mtimeMs: number; size: number; ino: number }): FileStamp {
  return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
}
