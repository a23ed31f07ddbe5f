/**
 * A minimal X.509 v3 certificate builder for `--tls-self-signed`: node:crypto makes the key pair and
 * signs, this file writes the DER. Node 20 has no certificate generator and we do not want a dependency
 * (or to require the `openssl` binary) for one self-signed certificate, whose structure is fixed:
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] version v3, serialNumber, signature, issuer, validity, subject,
 *                                 subjectPublicKeyInfo, [3] extensions }                 (RFC 5280 §4.1)
 *
 * Key: ECDSA P-256, signature ecdsa-with-SHA256 — small, fast to generate, accepted by every TLS stack
 * (OpenSSL, BoringSSL, Go, Java, browsers). Extensions, chosen so strict verifiers accept it as its own
 * trust anchor (OpenSSL's X509_STRICT, which Python 3.13 turns on by default):
 *   basicConstraints (critical, CA:FALSE) — an end-entity certificate; Firefox refuses a CA certificate
 *     used as a server certificate (MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY);
 *   no keyUsage: OpenSSL counts a certificate as self-signed (its own trust anchor) only when a keyUsage,
 *     if present, allows keyCertSign, which an end-entity must not assert (RFC 5280 §4.2.1.3; strict
 *     mode refuses it) — so none, meaning any use; extKeyUsage serverAuth;
 *   subjectAltName — the names clients check (the subject CN is ignored by modern clients);
 *   subjectKeyIdentifier and authorityKeyIdentifier (the same: it is self-signed).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

export interface SelfSignedOptions {
  /** DNS names and IP addresses (v4 or v6) for subjectAltName; the first is also the subject CN. */
  names: readonly string[];
  /** Validity start (default now, minus an hour for clients with a slow clock). */
  notBefore?: Date;
  /** Validity in days (default 397: the longest lifetime Apple's clients accept for a server certificate). */
  days?: number;
}

export interface SelfSigned {
  /** PEM `CERTIFICATE`. */
  cert: string;
  /** PEM PKCS#8 `PRIVATE KEY`. */
  key: string;
}

/** Generate a key pair and a self-signed certificate for `names`. */
export function generateSelfSigned(o: SelfSignedOptions): SelfSigned {
  if (o.names.length === 0) throw new Error('a certificate needs at least one name');
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = buildCertificate(o, publicKey, privateKey);
  return { cert: pem('CERTIFICATE', der), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

function buildCertificate(o: SelfSignedOptions, publicKey: KeyObject, privateKey: KeyObject): Buffer {
  const notBefore = o.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = new Date(notBefore.getTime() + (o.days ?? 397) * 86_400_000);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // positive (RFC 5280: at most 20 octets, non-negative)
  serial[0]! |= 0x40; // and no leading zero octet to strip
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(`Ferry self-signed (${o.names[0]})`)))));
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const extensions = [
    extension('2.5.29.19', true, seq()), // basicConstraints: CA FALSE (the default, so an empty SEQUENCE)
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, seq(...o.names.map(generalName))), // subjectAltName
    extension('2.5.29.14', false, tlv(0x04, keyId)), // subjectKeyIdentifier
    extension('2.5.29.35', false, seq(tlv(0x80, keyId))), // authorityKeyIdentifier [0] keyIdentifier
  ];
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))), // [0] EXPLICIT version v3
    int(serial),
    ecdsaWithSha256,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
    tlv(0xa3, seq(...extensions)), // [3] EXPLICIT extensions
  );
  const signature = sign('sha256', tbs, privateKey); // ECDSA signatures come DER-encoded (Ecdsa-Sig-Value)
  return seq(tbs, ecdsaWithSha256, bitString(signature));
}

/** GeneralName: iPAddress [7] (4 or 16 octets) or dNSName [2] (IA5String). */
function generalName(n: string): Buffer {
  const family = isIP(n);
  if (family === 4) return tlv(0x87, Buffer.from(n.split('.').map(Number)));
  if (family === 6) return tlv(0x87, ipv6Bytes(n));
  if (!/^[\x21-\x7e]+$/.test(n)) throw new Error(`not a DNS name or IP address: ${JSON.stringify(n)}`);
  return tlv(0x82, Buffer.from(n, 'ascii'));
}

/** The 16 octets of an IPv6 address (`::` compression and a trailing dotted IPv4 part allowed). */
function ipv6Bytes(addr: string): Buffer {
  // A trailing IPv4 part (::ffff:1.2.3.4) becomes two hex groups first.
  const s = addr.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    [((+a << 8) | +b).toString(16), ((+c << 8) | +d).toString(16)].join(':'),
  );
  const parse = (p: string): number[] => (p === '' ? [] : p.split(':').map((x) => parseInt(x, 16)));
  const gap = s.indexOf('::');
  const head = parse(gap === -1 ? s : s.slice(0, gap));
  const tail = gap === -1 ? [] : parse(s.slice(gap + 2));
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), tlv(0x01, Buffer.from([0xff])), tlv(0x04, value)) : seq(oid(id), tlv(0x04, value));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // 2026-12-05T08:01:37.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z'; // 20261205080137Z
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

function int(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const b = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) b.unshift((v & 0x7f) | 0x80);
    out.push(...b);
  }
  return tlv(0x06, Buffer.from(out));
}

function seq(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}

function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}

/** DER tag-length-value with a definite length (short form under 128 octets, else long form). */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: number[];
  if (n < 0x80) len = [n];
  else {
    len = [];
    for (let v = n; v > 0; v >>>= 8) len.unshift(v & 0xff);
    len.unshift(0x80 | len.length);
  }
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}
