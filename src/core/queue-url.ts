/**
 * Queue URLs. AWS: `https://sqs.<region>.amazonaws.com/<account-id>/<queue-name>`; Ferry answers
 * `${queueUrlBase}/${accountId}/${name}`. Incoming QueueUrls are accepted whatever host they name
 * (clients configured with AWS-style URLs, a proxy in front, a changed port): only the path counts.
 */

/** The queue URL Ferry hands out. */
export function queueUrl(base: string, accountId: string, name: string): string {
  return `${base}/${accountId}/${name}`;
}

export interface ParsedQueueUrl {
  /** The account path segment when present (the segment before the name). */
  accountId?: string;
  name: string;
}

/**
 * A bare queue name: 1–80 of `A-Za-z0-9_-`, or up to 75 of them and `.fifo` (the CreateQueue rule).
 * AWS takes one as a QueueUrl, naming the caller's own queue of that name (LocalStack's AWS-validated
 * test_set_empty_redrive_policy, on both protocols, validated 2024-08-20; test_posting_to_queue_via_queue_name).
 */
const BARE_NAME = /^(?:[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$/;

/**
 * Parse a QueueUrl: an absolute URL (`http://host:port/000000000000/q`), a bare path
 * (`/000000000000/q`) or a bare queue name (`q`, with no account: the caller's). Returns undefined
 * when it is none of them (AWS: InvalidAddress "The address X is not valid for this endpoint."), or
 * when it names no queue (see namesNoQueue). A
 * trailing slash is tolerated; the name is the last segment.
 */
export function parseQueueUrl(raw: string): ParsedQueueUrl | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return undefined;
    }
    path = u.pathname;
  } else if (raw.startsWith('/')) {
    path = raw.split(/[?#]/, 1)[0]!;
  } else {
    return BARE_NAME.test(raw) ? { name: raw } : undefined;
  }
  const segs = path.split('/').filter((s) => s.length > 0);
  if (segs.length === 0) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(segs[segs.length - 1]!);
  } catch {
    return undefined;
  }
  const account = segs.length >= 2 ? segs[segs.length - 2] : undefined;
  return account !== undefined ? { accountId: account, name } : { name };
}

/**
 * An absolute URL whose path names no queue (`http://host`, `http://host/`). AWS answers it
 * QueueDoesNotExist (400), not InvalidAddress: moto's aws_verified test_get_queue_url_error_not_exists
 * (`Queue("http://whatever-incorrect-queue-address").load()`, both protocols; moto PR #3657).
 */
export function namesNoQueue(raw: string): boolean {
  if (typeof raw !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return false;
  try {
    return new URL(raw).pathname.split('/').every((s) => s.length === 0);
  } catch {
    return false;
  }
}

/**
 * Parsed QueueUrls, shared: clients send the same few URLs on every request, and parsing one (a
 * `new URL()`, splits, decoding) is ~1 µs. Bounded in entries (cleared when full) and in the length of
 * a URL it keeps (a real queue URL is well under it: an 80-character name, a 12-digit account, a host),
 * so that clients sending huge or ever-new values cannot make it hold much memory. The results are
 * shared between callers and must not be changed.
 */
const parsedUrls = new Map<string, Readonly<ParsedQueueUrl> | undefined>();
const PARSED_URLS_MAX = 1024;
const PARSED_URL_MAX_LENGTH = 512;

/** `parseQueueUrl` through a small cache (see above); the result is shared, read-only. */
export function parseQueueUrlCached(raw: string): Readonly<ParsedQueueUrl> | undefined {
  let p = parsedUrls.get(raw);
  if (p === undefined && !parsedUrls.has(raw)) {
    p = parseQueueUrl(raw);
    if (typeof raw === 'string' && raw.length <= PARSED_URL_MAX_LENGTH) {
      if (parsedUrls.size >= PARSED_URLS_MAX) parsedUrls.clear();
      parsedUrls.set(raw, p === undefined ? undefined : Object.freeze(p));
    }
  }
  return p;
}
