/**
 * A small AWS Signature Version 4 signer for the benchmark's JSON-protocol requests.
 *
 * Why not @smithy/signature-v4 on every request: the load generator shares two cores with the server
 * under test, so every microsecond the client spends is taken from the server. This signer produces the
 * same Authorization header a real SDK does (the smoke test checks it against @smithy/signature-v4), but
 * caches what a long-lived SDK client caches anyway: the derived signing key (one per day) and the
 * x-amz-date string (one per second). Per request it costs one SHA-256 of the body, one SHA-256 of the
 * canonical request and one HMAC.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Headers of one signed JSON-protocol POST / request. */
export type SignedHeaders = Record<string, string>;

const SIGNED_HEADER_NAMES = 'content-type;host;x-amz-date;x-amz-target';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** `20240102T030405Z` from a Date. */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export class Signer {
  private keyDay = '';
  private key: Buffer = Buffer.alloc(0);
  private dateSecond = -1;
  private dateString = '';

  constructor(
    private readonly creds: Credentials,
    private readonly region: string,
    private readonly service = 'sqs',
  ) {}

  /** The SigV4 signing key for a `YYYYMMDD` day, derived once per day. */
  private signingKey(day: string): Buffer {
    if (day !== this.keyDay) {
      const kDate = hmac(`AWS4${this.creds.secretAccessKey}`, day);
      const kRegion = hmac(kDate, this.region);
      const kService = hmac(kRegion, this.service);
      this.key = hmac(kService, 'aws4_request');
      this.keyDay = day;
    }
    return this.key;
  }

  private currentAmzDate(nowMs: number): string {
    const sec = Math.floor(nowMs / 1000);
    if (sec !== this.dateSecond) {
      this.dateSecond = sec;
      this.dateString = amzDate(new Date(sec * 1000));
    }
    return this.dateString;
  }

  /**
   * Sign `POST /` with the JSON protocol headers. `host` is the Host header value (`127.0.0.1:9324`).
   * Returns every header the request must carry (content-type, host, x-amz-date, x-amz-target,
   * authorization).
   */
  signJson(host: string, target: string, body: string, nowMs = Date.now()): SignedHeaders {
    const date = this.currentAmzDate(nowMs);
    const day = date.slice(0, 8);
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const canonical =
      'POST\n/\n\n' +
      `content-type:${JSON_CONTENT_TYPE}\nhost:${host}\nx-amz-date:${date}\nx-amz-target:${target}\n\n` +
      `${SIGNED_HEADER_NAMES}\n${sha256Hex(body)}`;
    const toSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonical)}`;
    const signature = createHmac('sha256', this.signingKey(day)).update(toSign).digest('hex');
    return {
      'content-type': JSON_CONTENT_TYPE,
      host,
      'x-amz-date': date,
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.creds.accessKeyId}/${scope}, SignedHeaders=${SIGNED_HEADER_NAMES}, Signature=${signature}`,
    };
  }
}
