/**
 * A small client of the console API (docs/console-api.md) for tests: keeps the session cookie and the
 * CSRF token like the SPA does, and gives raw answers (status, headers, text) for exact comparisons.
 */

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export class ConsoleClient {
  /** `ferry_console=<id>` once a session was issued. */
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(readonly base: string) {}

  async request(method: string, path: string, o: { body?: string; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<RawAnswer> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (this.cookie !== undefined) headers.cookie = this.cookie;
    if ((o.csrf ?? method !== 'GET') && this.csrfToken !== undefined) headers['x-ferry-csrf'] = this.csrfToken;
    const res = await fetch(this.base + path, { method, headers, body: o.body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const v = c.split(';')[0]!;
      this.cookie = /Max-Age=0/i.test(c) ? undefined : v;
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string): Promise<RawAnswer> {
    return this.request('GET', path);
  }

  /** GET /console/api/session, remembering the CSRF token it gives. */
  async session(): Promise<RawAnswer> {
    const r = await this.get('/console/api/session');
    if (r.json?.csrfToken) this.csrfToken = r.json.csrfToken;
    return r;
  }

  async login(accessKeyId: string, secretAccessKey: string): Promise<RawAnswer> {
    const r = await this.request('POST', '/console/api/login', {
      body: JSON.stringify({ accessKeyId, secretAccessKey }),
      headers: { 'content-type': 'application/json' },
      csrf: false,
    });
    if (r.status === 200) this.csrfToken = r.json.csrfToken;
    return r;
  }

  logout(): Promise<RawAnswer> {
    return this.request('POST', '/console/api/logout');
  }

  /** An SQS JSON 1.0 call through POST /console/api/sqs. */
  sqs(action: string, input: unknown, o: { csrf?: boolean } = {}): Promise<RawAnswer> {
    return this.request('POST', '/console/api/sqs', {
      body: JSON.stringify(input),
      headers: { 'x-amz-target': `AmazonSQS.${action}`, 'content-type': 'application/x-amz-json-1.0' },
      csrf: o.csrf ?? true,
    });
  }
}

/** The same SQS JSON 1.0 call sent unsigned straight to the SQS endpoint (auth off), raw. */
export async function sqsDirect(base: string, action: string, input: unknown): Promise<RawAnswer> {
  const res = await fetch(`${base}/`, {
    method: 'POST',
    headers: { 'x-amz-target': `AmazonSQS.${action}`, 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}
