/**
 * TLS for the listener: the certificate and key (from `--tls-cert`/`--tls-key`, or a self-signed pair
 * under the data dir), validated before use, and a context that reloads them on demand (SIGHUP) into
 * every server attached to it — the SQS port today, a separate metrics port later — keeping the old
 * pair when the new one is unreadable, invalid or does not match.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';
import { generateSelfSigned } from './selfSigned.js';

/** A certificate and key known to work together. */
export interface TlsMaterial {
  /** PEM: the leaf certificate first, then any intermediates. */
  readonly cert: string;
  /** PEM private key of the leaf. */
  readonly key: string;
  /** SHA-256 fingerprint of the leaf, `AA:BB:…` (as browsers and `openssl x509 -fingerprint -sha256` show it). */
  readonly fingerprint256: string;
  readonly subject: string;
  readonly subjectAltName: string | undefined;
  /** ISO time the leaf expires. */
  readonly validTo: string;
  /** Where the certificate lives on disk (absent: generated in memory). */
  readonly certFile?: string;
  readonly selfSigned: boolean;
}

/** A TLS file or key problem, with a message naming the file and what is wrong. */
export class TlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsError';
  }
}

/** Where the TLS material comes from; `load` reads (or makes) it afresh and validates it, or throws TlsError. */
export interface TlsSource {
  load(): TlsMaterial;
}

/** The live TLS material of one or more servers. */
export interface TlsContext {
  /** The material in use. */
  readonly current: TlsMaterial;
  /** Options for `https.createServer` / `tls.createServer`. */
  serverOptions(): SecureContextOptions;
  /** Reloads go to this server too (`server.setSecureContext`). */
  attach(server: TlsServer): void;
  /**
   * Load the source again and, when it is valid, switch every attached server to it (new connections
   * get it; open ones keep theirs). On an error nothing changes and the error is returned.
   */
  reload(): { ok: true; material: TlsMaterial; changed: boolean } | { ok: false; error: string };
}

export function createTlsContext(source: TlsSource): TlsContext {
  let current = source.load();
  const servers = new Set<TlsServer>();
  return {
    get current() {
      return current;
    },
    serverOptions: () => ({ cert: current.cert, key: current.key }),
    attach(server) {
      servers.add(server);
      server.once('close', () => servers.delete(server));
    },
    reload() {
      let next: TlsMaterial;
      try {
        next = source.load();
      } catch (e) {
        return { ok: false, error: e instanceof TlsError ? e.message : String(e) };
      }
      const changed = next.fingerprint256 !== current.fingerprint256 || next.key !== current.key;
      current = next;
      for (const s of servers) s.setSecureContext({ cert: next.cert, key: next.key });
      return { ok: true, material: next, changed };
    },
  };
}

/** `--tls-cert` / `--tls-key`: read both files on every load. */
export function fileSource(certFile: string, keyFile: string): TlsSource {
  return {
    load: () => ({ ...checkPair(readPem(certFile, 'certificate'), readPem(keyFile, 'private key'), certFile, keyFile), certFile }),
  };
}

/**
 * Parse and cross-check a certificate (chain) and key: the leaf parses as X.509, the key parses, it is
 * the leaf's key, and OpenSSL accepts the pair as a secure context. Throws TlsError naming the files.
 */
export function checkPair(cert: string, key: string, certFile = 'certificate', keyFile = 'key'): Omit<TlsMaterial, 'certFile'> {
  if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new TlsError(`${certFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (e) {
    throw new TlsError(`${certFile} is not a valid PEM certificate: ${(e as Error).message}`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    throw new TlsError(`${keyFile} is not a valid PEM private key (an encrypted key is not supported): ${(e as Error).message}`);
  }
  if (!leaf.checkPrivateKey(privateKey)) throw new TlsError(`${keyFile} is not the private key of the certificate in ${certFile}`);
  try {
    // node:tls loaded here, with TLS configured: a server without it never pays the import (issue 14).
    (createRequire(import.meta.url)('node:tls') as typeof import('node:tls')).createSecureContext({ cert, key });
  } catch (e) {
    throw new TlsError(`${certFile} and ${keyFile} cannot be used for TLS: ${(e as Error).message}`);
  }
  return {
    cert,
    key,
    fingerprint256: leaf.fingerprint256,
    subject: leaf.subject,
    subjectAltName: leaf.subjectAltName,
    validTo: new Date(leaf.validTo).toISOString(),
    selfSigned: false,
  };
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new TlsError(`cannot read the TLS ${what} file ${file}: ${(e as Error).message}`);
  }
}

/** A self-signed certificate older than this many days before its expiry is replaced at start. */
const RENEW_DAYS = 30;

/**
 * `--tls-self-signed`: a certificate for `names`, kept in `dir` (`self-signed-cert.pem`, and the key in
 * `self-signed-key.pem`, mode 0600) so clients that trust it keep trusting it across restarts. It is
 * made anew when missing, unreadable, not matching its key, within 30 days of expiry, or not covering
 * every name (the configured host changed). `dir` undefined (storage memory): made in memory each start.
 */
export function selfSignedSource(names: readonly string[], dir: string | undefined, now: () => number = Date.now): TlsSource {
  const certFile = dir === undefined ? undefined : join(dir, 'self-signed-cert.pem');
  const keyFile = dir === undefined ? undefined : join(dir, 'self-signed-key.pem');
  let inMemory: TlsMaterial | undefined;
  const fresh = (): TlsMaterial => {
    const { cert, key } = generateSelfSigned({ names });
    return { ...checkPair(cert, key), selfSigned: true, certFile };
  };
  return {
    load() {
      if (certFile === undefined || keyFile === undefined) return (inMemory ??= fresh());
      try {
        const m = checkPair(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), certFile, keyFile);
        if (covers(m, names) && Date.parse(m.validTo) - now() > RENEW_DAYS * 86_400_000) return { ...m, selfSigned: true, certFile };
      } catch {
        /* missing or unusable: make a new one */
      }
      const m = fresh();
      try {
        mkdirSync(dir!, { recursive: true, mode: 0o700 });
        // Key first, then certificate, each by rename, so a reader never sees half a file.
        writeFileSync(`${keyFile}.tmp`, m.key, { mode: 0o600 });
        chmodSync(`${keyFile}.tmp`, 0o600);
        renameSync(`${keyFile}.tmp`, keyFile);
        writeFileSync(`${certFile}.tmp`, m.cert, { mode: 0o644 });
        renameSync(`${certFile}.tmp`, certFile);
      } catch (e) {
        throw new TlsError(`cannot write the self-signed certificate to ${dir}: ${(e as Error).message}`);
      }
      return m;
    },
  };
}

/** Whether the certificate names every one of `names` (DNS names and IP addresses in its SAN). */
function covers(m: Pick<TlsMaterial, 'cert'>, names: readonly string[]): boolean {
  const x = new X509Certificate(m.cert);
  return names.every((n) => (isIP(n) ? x.checkIP(n) !== undefined : x.checkHost(n, { wildcards: false }) !== undefined));
}

/**
 * The names a self-signed certificate carries: the loopback names, the listen address (the machine's
 * host name when listening on every interface) and the public base URL's host.
 */
export function selfSignedNames(host: string, publicBaseUrl?: string): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  const add = (n: string | undefined) => {
    const v = n?.replace(/^\[|\]$/g, '').toLowerCase();
    if (v && !names.includes(v)) names.push(v);
  };
  add(host === '0.0.0.0' || host === '::' ? hostname() : host);
  if (publicBaseUrl !== undefined) add(new URL(publicBaseUrl).hostname);
  return names;
}
