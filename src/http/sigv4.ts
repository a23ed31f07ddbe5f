/**
 * AWS Signature Version 4 verification, as SQS does it (service `sqs`), for the two ways a request
 * can carry a signature:
 *
 *  - header auth: `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sqs/aws4_request,
 *    SignedHeaders=host;x-amz-date, Signature=<64 hex>` with the time in `X-Amz-Date` (or `Date`);
 *  - presigned (query-string) auth: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
 *    `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature` in the URL (a GET Query request).
 *
 * The server recomputes the signature the way the spec defines it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 *
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
 *   StringToSign     = "AWS4-HMAC-SHA256" \n RequestDate \n Scope \n hex(SHA256(CanonicalRequest))
 *   SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")
 *   Signature        = hex(HMAC(SigningKey, StringToSign))
 *
 * Hot path: the signing key depends only on (secret, date, region, service), so it is derived once per
 * credential and day and cached (two slots per credential, so requests signed either side of midnight
 * UTC do not thrash it). A steady-state request costs one SHA-256 over the body (skipped for an empty
 * body), one SHA-256 over the canonical request and one HMAC — never the four-HMAC key derivation.
 * The common requests (JSON and Query POSTs to `/` or a queue path, no query string) take no
 * allocation-heavy path: no URL objects, no header maps, no sorting.
 *
 * What is verified is documented in the README ("Authentication"); what is not: IAM and queue policies
 * (any known key may call any action), and session tokens (`X-Amz-Security-Token` is accepted when the
 * access key is known, not checked against an STS).
 */
import * as nodeCrypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';
import { hmacSha256, type HmacSha256 } from '../core/hmac.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import {
  algorithmUnsupported,
  authorizationHeaderIncomplete,
  authorizationPairInvalid,
  credentialDateMismatch,
  credentialMalformed,
  credentialWrongRegion,
  credentialWrongService,
  credentialWrongTerminator,
  headersNotSigned,
  hostNotSigned,
  invalidClientTokenId,
  missingAuthenticationToken,
  payloadHashMismatch,
  presignExpiresInvalid,
  presignedParametersIncomplete,
  presignedRequestExpired,
  requestDateMalformed,
  signatureExpired,
  signatureMismatch,
  signatureNotYetCurrent,
} from '../errors/messages.js';

/** One access key Ferry accepts. */
export interface SigV4Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4Options {
  /** The server's region: the credential scope must name it. */
  region: string;
  /** Known access keys (at least one). */
  credentials: readonly SigV4Credential[];
  /** Signing name in the scope. `sqs` for SQS; the AWS test suite uses `service`. */
  service?: string;
  /** Injected for tests (clock skew, presign expiry) — never sleep. */
  clock?: Clock;
}

/** A request as the verifier needs it: plain data, the HTTP layer passes its parts in. */
export interface SigV4Request {
  method: string;
  /** The path exactly as sent (still percent-encoded), without the query string. */
  path: string;
  /** Raw query string without `?` (empty when none). */
  query: string;
  /** node:http's header map (lower-cased names; duplicates joined with ", " or dropped). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * node:http's `rawHeaders` (name, value, name, value…). Consulted only for a signed header whose
   * merged value contains a comma, to rebuild AWS's join of repeated headers (values joined by ",").
   */
  rawHeaders?: readonly string[];
  body: Buffer;
}

/** Who signed the request. */
export interface SigV4Identity {
  accessKeyId: string;
  /** `X-Amz-Security-Token` when present: accepted, not validated (no STS here). */
  sessionToken: string | undefined;
  /** True for query-string (presigned) authentication. */
  presigned: boolean;
}

export interface SigV4Verifier {
  /** Verifies the request; returns the signer or throws an SqsError from the catalog. */
  verify(req: SigV4Request): SigV4Identity;
  /** Replace the known keys (identities reloaded). */
  setCredentials(creds: readonly SigV4Credential[]): void;
  /** Counters for tests and metrics: how many signing keys were derived (cache misses). */
  readonly stats: { readonly keyDerivations: number };
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
/** SQS rejects a request whose X-Amz-Date is more than 15 minutes off the server's clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most 7 days (the signing key is only valid that long). */
const MAX_PRESIGN_EXPIRES_S = 604_800;
/** SHA-256 of the empty string: the payload hash of every GET. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** ISO-8601 basic format, the only form X-Amz-Date takes: 20150830T123600Z. */
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** A cached signing key for one day (region and service are fixed per verifier). */
interface KeySlot {
  date: string;
  key: Buffer | undefined;
  /** HMAC-SHA256 keyed with `key` (pads precomputed: the per-request HMAC allocates no Hmac object). */
  mac: HmacSha256 | undefined;
}

interface CredentialEntry {
  accessKeyId: string;
  /** "AWS4" + secret, the first HMAC key of the derivation. Never logged, never in a message. */
  kSecret: Buffer;
  slots: [KeySlot, KeySlot];
  /** The slot the next miss overwrites. */
  victim: 0 | 1;
}

/** The pieces of a signature, from the Authorization header or the X-Amz-* query parameters. */
interface SignatureParts {
  credential: string;
  signedHeaders: string;
  signature: string;
  /** ISO basic request time (X-Amz-Date, or the Date header converted). */
  requestDate: string;
  presigned: boolean;
  /** X-Amz-Expires (presigned only). */
  expires: string | undefined;
  sessionToken: string | undefined;
}

export function createSigV4Verifier(opts: SigV4Options): SigV4Verifier {
  const region = opts.region;
  const service = opts.service ?? 'sqs';
  const clock = opts.clock ?? systemClock;
  if (opts.credentials.length === 0) throw new Error('SigV4 verification needs at least one credential');
  let byKeyId = new Map<string, CredentialEntry>();
  const entryOf = (c: SigV4Credential): CredentialEntry => ({
    accessKeyId: c.accessKeyId,
    kSecret: Buffer.from('AWS4' + c.secretAccessKey, 'utf8'),
    slots: [
      { date: '', key: undefined, mac: undefined },
      { date: '', key: undefined, mac: undefined },
    ],
    victim: 0,
  });
  for (const c of opts.credentials) byKeyId.set(c.accessKeyId, entryOf(c));

  /** Swap the known keys at once (SIGHUP); a key whose secret is unchanged keeps its cached signing keys. */
  function setCredentials(creds: readonly SigV4Credential[]): void {
    const next = new Map<string, CredentialEntry>();
    for (const c of creds) {
      const old = byKeyId.get(c.accessKeyId);
      const kSecret = Buffer.from('AWS4' + c.secretAccessKey, 'utf8');
      next.set(c.accessKeyId, old && old.kSecret.equals(kSecret) ? old : entryOf(c));
    }
    byKeyId = next;
  }
  const stats = { keyDerivations: 0 };

  /** The signing key for (credential, date): cached; derived (4 HMACs) on a miss. */
  function signingMac(entry: CredentialEntry, date: string): HmacSha256 {
    const [a, b] = entry.slots;
    if (a.date === date && a.mac) return a.mac;
    if (b.date === date && b.mac) return b.mac;
    stats.keyDerivations++;
    const kDate = createHmac('sha256', entry.kSecret).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    const key = createHmac('sha256', kService).update(TERMINATOR).digest();
    const slot = entry.slots[entry.victim];
    slot.date = date;
    slot.key = key;
    slot.mac = hmacSha256(key);
    entry.victim = entry.victim === 0 ? 1 : 0;
    return slot.mac;
  }

  function verify(req: SigV4Request): SigV4Identity {
    const authHeader = headerValue(req.headers, 'authorization');
    // Query parameters are parsed only when there is a query string (JSON and Query POSTs have none).
    const params = req.query.length > 0 ? parseQuery(req.query) : undefined;
    let parts: SignatureParts;
    if (authHeader !== undefined) {
      parts = fromAuthorizationHeader(authHeader, req.headers);
    } else if (params !== undefined && hasPresignParams(params)) {
      parts = fromQuery(params);
    } else {
      // No signature at all (an unsigned curl, or a SigV2 `Signature=` query that SQS no longer takes).
      throw missingAuthenticationToken();
    }

    // Credential = AKID/date/region/service/aws4_request (the key id itself cannot contain '/').
    const scope = parts.credential.split('/');
    if (scope.length !== 5 || scope[0] === '') throw credentialMalformed(parts.credential);
    const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scope as [string, string, string, string, string];
    const entry = byKeyId.get(accessKeyId);
    if (entry === undefined) throw invalidClientTokenId();

    // Time: a header-signed request must be within 15 minutes of now, either way; a presigned one is
    // valid from X-Amz-Date (give or take the same skew) until X-Amz-Date + X-Amz-Expires.
    const m = ISO_BASIC.exec(parts.requestDate);
    if (!m) throw requestDateMalformed(parts.requestDate);
    const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    if (!Number.isFinite(signedAt)) throw requestDateMalformed(parts.requestDate);
    const now = clock.now();
    if (signedAt > now + MAX_SKEW_MS) {
      throw signatureNotYetCurrent(parts.requestDate, isoBasic(now + MAX_SKEW_MS), isoBasic(now));
    }
    if (parts.presigned && parts.expires !== undefined) {
      if (!/^\d{1,7}$/.test(parts.expires) || +parts.expires > MAX_PRESIGN_EXPIRES_S || +parts.expires < 1) {
        throw presignExpiresInvalid(parts.expires);
      }
      if (now > signedAt + +parts.expires * 1000) throw presignedRequestExpired();
    } else if (signedAt < now - MAX_SKEW_MS) {
      throw signatureExpired(parts.requestDate, isoBasic(now - MAX_SKEW_MS), isoBasic(now));
    }

    // Scope: it must name this day, this region and this service, and end in aws4_request.
    if (terminator !== TERMINATOR) throw credentialWrongTerminator(terminator);
    if (scopeService !== service) throw credentialWrongService(service);
    if (scopeRegion !== region) throw credentialWrongRegion(scopeRegion);
    if (scopeDate !== parts.requestDate.slice(0, 8)) throw credentialDateMismatch(scopeDate, parts.requestDate);

    // The signature must cover the Host header (it binds the request to this endpoint).
    const signedList = parts.signedHeaders.split(';');
    if (!signedList.includes('host')) throw hostNotSigned();
    // Every header that selects or shapes the request must be covered too, as the SDKs always do:
    // otherwise a captured request can be replayed with another X-Amz-Target (a signed
    // GetQueueAttributes re-aimed as PurgeQueue).
    const unsigned = unsignedShapingHeaders(req, signedList);
    if (unsigned.length > 0) throw headersNotSigned(unsigned);

    // Payload hash: SHA-256 of the body. A client may also send it in x-amz-content-sha256 (S3 style);
    // then the canonical request uses that header as sent, and it must match the body, otherwise the
    // signature would not cover what we execute (UNSIGNED-PAYLOAD and streaming modes are S3-only).
    const bodyHash = req.body.length === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
    let payloadHash = bodyHash;
    const declared = headerValue(req.headers, 'x-amz-content-sha256');
    if (declared !== undefined) {
      if (declared.toLowerCase() !== bodyHash) throw payloadHashMismatch();
      payloadHash = declared;
    }

    const canonicalRequest =
      req.method +
      '\n' +
      canonicalUri(req.path) +
      '\n' +
      (params === undefined ? '' : canonicalQuery(params, parts.presigned)) +
      '\n' +
      canonicalHeaders(signedList, req) +
      '\n' +
      parts.signedHeaders +
      '\n' +
      payloadHash;
    const credentialScope = scopeDate + '/' + region + '/' + service + '/' + TERMINATOR;
    const stringToSign = ALGORITHM + '\n' + parts.requestDate + '\n' + credentialScope + '\n' + sha256Hex(canonicalRequest);
    const expected = signingMac(entry, scopeDate)(stringToSign, 'hex');
    if (!constantTimeEqualHex(expected, parts.signature)) throw signatureMismatch(canonicalRequest, stringToSign);
    return { accessKeyId, sessionToken: parts.sessionToken, presigned: parts.presigned };
  }

  return { verify, stats, setCredentials };
}

/**
 * Headers present on the request that must be signed but are not: `x-amz-target` and every other
 * `x-amz-*` header (as S3 requires; botocore, aws-sdk v2 and v3 sign every x-amz-* header they send),
 * and `content-type` of a JSON request (the JSON SDKs sign it). `x-amz-content-sha256` is exempt: its
 * value must equal the body's hash anyway. A Query request's content-type may go unsigned: aws-sdk v2
 * never signs it (its signer lists it as unsignable), and on a Query request it chooses nothing — the
 * action is in the signed body, and a JSON content-type there only turns the request into an error.
 * The same rules hold for a presigned URL (x-amz-* headers sent beside it must be signed).
 */
export function unsignedShapingHeaders(req: Pick<SigV4Request, 'headers'>, signed: readonly string[]): string[] {
  const out: string[] = [];
  let json = false;
  let contentTypeUnsigned = false;
  for (const key of Object.keys(req.headers)) {
    const value = req.headers[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    if (name === 'x-amz-target') json = true;
    if (name === 'content-type') {
      if (String(value).toLowerCase().startsWith('application/x-amz-json')) json = true;
      contentTypeUnsigned = !signed.includes(name);
      continue;
    }
    if (name.startsWith('x-amz-') && name !== 'x-amz-content-sha256' && !signed.includes(name)) out.push(name);
  }
  if (json && contentTypeUnsigned) out.push('content-type');
  return out;
}

// ---- parsing the signature ---------------------------------------------------------------------

/**
 * `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. AWS reports every missing part at once
 * (IncompleteSignature); anything that is not the SigV4 algorithm (SigV2 "AWS …", "Basic …", a bearer
 * token) has none of the parts, so it gets the same answer.
 */
function fromAuthorizationHeader(header: string, headers: SigV4Request['headers']): SignatureParts {
  const sp = header.indexOf(' ');
  const algorithm = sp === -1 ? header : header.slice(0, sp);
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  if (algorithm === ALGORITHM) {
    for (const raw of header.slice(sp + 1).split(',')) {
      const part = raw.trim();
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq === -1) throw authorizationPairInvalid(part, header);
      const k = part.slice(0, eq);
      const v = part.slice(eq + 1);
      if (k === 'Credential') credential = v;
      else if (k === 'SignedHeaders') signedHeaders = v;
      else if (k === 'Signature') signature = v;
    }
  }
  const amzDate = headerValue(headers, 'x-amz-date');
  const date = amzDate ?? headerValue(headers, 'date');
  const missing: string[] = [];
  if (!credential) missing.push('Credential');
  if (!signature) missing.push('Signature');
  if (!signedHeaders) missing.push('SignedHeaders');
  if (date === undefined) missing.push('Date');
  if (missing.length > 0) throw authorizationHeaderIncomplete(missing, header);
  return {
    credential: credential!,
    signedHeaders: signedHeaders!,
    signature: signature!,
    // The Date header (RFC 1123) counts when X-Amz-Date is absent; the string to sign uses its ISO form.
    requestDate: amzDate ?? httpDateToIsoBasic(date!),
    presigned: false,
    expires: undefined,
    sessionToken: headerValue(headers, 'x-amz-security-token'),
  };
}

const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'] as const;

function hasPresignParams(params: QueryPair[]): boolean {
  for (const p of params) if (p.key === 'X-Amz-Signature' || p.key === 'X-Amz-Credential' || p.key === 'X-Amz-Algorithm') return true;
  return false;
}

function fromQuery(params: QueryPair[]): SignatureParts {
  const get = (k: string): string | undefined => params.find((p) => p.key === k)?.value;
  const missing = PRESIGN_PARAMS.filter((k) => !get(k));
  if (missing.length > 0) throw presignedParametersIncomplete(missing);
  const algorithm = get('X-Amz-Algorithm')!;
  if (algorithm !== ALGORITHM) throw algorithmUnsupported(algorithm);
  return {
    credential: get('X-Amz-Credential')!,
    signedHeaders: get('X-Amz-SignedHeaders')!,
    signature: get('X-Amz-Signature')!,
    requestDate: get('X-Amz-Date')!,
    presigned: true,
    expires: get('X-Amz-Expires'),
    sessionToken: get('X-Amz-Security-Token'),
  };
}

// ---- canonical request -------------------------------------------------------------------------

/**
 * Canonical URI for every service but S3: normalise the path (drop empty and `.` segments, resolve
 * `..`, keep a trailing slash), then URI-encode it — on top of the percent-encoding it already has
 * on the wire, which is AWS's "encode twice" rule for non-S3 services. `/` and the usual SQS paths
 * (`/000000000000/orders`) come back unchanged without allocating.
 */
export function canonicalUri(path: string): string {
  if (path === '/' || path === '') return '/';
  if (SIMPLE_PATH.test(path)) return path;
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const normalized = '/' + segments.join('/') + (segments.length > 0 && path.endsWith('/') ? '/' : '');
  return uriEncode(normalized, false);
}
/** Already canonical: slash-separated unreserved segments, none empty, `.` or `..`. */
const SIMPLE_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-_.~]+)+\/?$/;

interface QueryPair {
  key: string;
  value: string;
  /** Encoded forms, computed when canonicalising. */
  ek?: string;
  ev?: string;
}

/**
 * Splits a raw query string into decoded pairs, decoding as the Query decoder does (URLSearchParams:
 * `+` is a space, bad escapes stay literal) so the signature covers exactly what will be executed.
 */
function parseQuery(query: string): QueryPair[] {
  const out: QueryPair[] = [];
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    out.push(eq === -1 ? { key: formDecode(piece), value: '' } : { key: formDecode(piece.slice(0, eq)), value: formDecode(piece.slice(eq + 1)) });
  }
  return out;
}

function formDecode(s: string): string {
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s;
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Malformed escapes: decode what decodes, keep the rest literal (URLSearchParams' behaviour).
    return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/**
 * Canonical query: every parameter (X-Amz-Signature excluded when presigned) URI-encoded (unreserved
 * characters only, spaces as %20), sorted by encoded name then encoded value, `k=v` joined by `&`.
 */
function canonicalQuery(params: QueryPair[], presigned: boolean): string {
  const list: QueryPair[] = [];
  for (const p of params) {
    if (presigned && p.key === 'X-Amz-Signature') continue;
    p.ek = uriEncode(p.key, true);
    p.ev = uriEncode(p.value, true);
    list.push(p);
  }
  list.sort((a, b) => (a.ek! < b.ek! ? -1 : a.ek! > b.ek! ? 1 : a.ev! < b.ev! ? -1 : a.ev! > b.ev! ? 1 : 0));
  let s = '';
  for (let i = 0; i < list.length; i++) s += (i === 0 ? '' : '&') + list[i]!.ek + '=' + list[i]!.ev;
  return s;
}

/**
 * Canonical headers, in the order of SignedHeaders: `name:value\n`, the value trimmed with inner runs of
 * whitespace collapsed to one space, repeated headers joined by ",". node merges repeated headers with
 * ", ", so a value with a comma is rebuilt from rawHeaders (rare: SDKs send no repeated headers).
 */
function canonicalHeaders(signed: readonly string[], req: SigV4Request): string {
  let s = '';
  for (const name of signed) {
    const lower = name.toLowerCase();
    const v = req.headers[lower];
    let value: string;
    if (v === undefined) value = '';
    else if (Array.isArray(v)) value = v.map(trimAll).join(',');
    else if (v.indexOf(',') !== -1 && req.rawHeaders !== undefined) value = joinRaw(req.rawHeaders, lower);
    else value = trimAll(v);
    s += lower + ':' + value + '\n';
  }
  return s;
}

function joinRaw(raw: readonly string[], lower: string): string {
  let out: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length !== lower.length || raw[i]!.toLowerCase() !== lower) continue;
    const v = trimAll(raw[i + 1]!);
    out = out === undefined ? v : out + ',' + v;
  }
  return out ?? '';
}

const NEEDS_TRIM = /^\s|\s$|\s\s|[\t\r\n]/;
function trimAll(v: string): string {
  return NEEDS_TRIM.test(v) ? v.trim().replace(/\s+/g, ' ') : v;
}

// ---- helpers -----------------------------------------------------------------------------------

/**
 * Hex SHA-256. node's one-shot `crypto.hash` (20.12+) is ~3x faster than createHash().update().digest()
 * for request-sized inputs (measured 0.9 µs vs 3.1 µs for a 330-byte body): it allocates no Hash object.
 */
const sha256Hex: (data: string | Buffer) => string =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/**
 * SigV4's URI encoding: every byte except the unreserved `A-Z a-z 0-9 - _ . ~` as %XX (upper-case hex);
 * `/` too when `encodeSlash` (query names and values), kept in paths.
 */
function uriEncode(s: string, encodeSlash: boolean): string {
  // encodeURIComponent leaves ! ' ( ) * unescaped; SigV4 escapes them.
  const e = encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return encodeSlash ? e : e.replace(/%2F/g, '/');
}

function headerValue(headers: SigV4Request['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** RFC 1123 (`Sun, 30 Aug 2015 12:36:00 GMT`) → ISO basic; unparseable dates pass through to fail the format check. */
function httpDateToIsoBasic(date: string): string {
  const t = Date.parse(date);
  return Number.isNaN(t) ? date : isoBasic(t);
}

/** Milliseconds → `20150830T123600Z`. */
export function isoBasic(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2015-08-30T12:36:00.000Z
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
}

/**
 * Compares the expected signature (64 lower-case hex) with the provided one in time independent of
 * where they differ, so the response time leaks nothing about the right signature. Lengths are public.
 */
function constantTimeEqualHex(expected: string, provided: string): boolean {
  if (provided.length !== expected.length || !HEX64.test(provided)) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ provided.charCodeAt(i);
  return diff === 0;
}
