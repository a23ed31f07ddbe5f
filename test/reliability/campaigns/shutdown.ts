/**
 * Graceful shutdown under load (issue 13 §5): a real `ferry serve` gets SIGTERM while ~1,000 requests
 * are in flight — SendMessage, ReceiveMessage long polls and DeleteMessage, half over the JSON protocol,
 * half over Query, each worker on a keep-alive connection. What every request must get:
 *  - an answer (200), or a retryable refusal: a 503 ServiceUnavailable answer, or a connection refused
 *    or reset before the server accepted the request. "Before accepted" is checked, not assumed: the
 *    server logs one line per answer it writes, and the answers the clients received must be exactly
 *    those (a request the server answered but whose answer was cut would count on one side only); and
 *    the server must not have cut requests still in flight at its drain deadline (it logs that).
 *  - the process exits 0;
 *  - restarted on the same data, every acknowledged send is there unless a delete of it was attempted,
 *    and no message whose delete was acknowledged is.
 * Used by test/reliability/shutdown.test.ts (SQLite, PostgreSQL) and the campaign.
 */
import http from 'node:http';

import { startFerryProcess, type FerryProcess, type StartOptions } from '../../helpers/process.js';
import { peekAll } from './crashLoop.js';

export interface ShutdownResult {
  exitCode: number | null;
  /** Requests outstanding (written, not answered) on the client side when SIGTERM was sent. */
  inFlightAtSigterm: number;
  /** ms from SIGTERM to the process's exit. */
  exitMs: number;
  /** Outcomes of the requests that had not been answered at SIGTERM or were sent after it. */
  outcomes: Record<string, number>;
  /** Requests answered with something other than 200 or 503 ServiceUnavailable, or failing otherwise. */
  bad: string[];
  /** Answers the client received vs request lines the server logged (must be equal). */
  answeredClient: number;
  answeredServer: number;
  /** Server log lines at error level, and the drain-deadline warning, if any. */
  serverErrors: string[];
  ackedSends: number;
  ackedDeletes: number;
  lost: string[];
  resurrected: string[];
  calls: number;
  /** Connections reset under load before the SIGTERM (keep-alive races), not counted as failures. */
  keepAliveResets: number;
  /** 503 ServiceUnavailable answers under load before the SIGTERM (retryable), not counted as failures. */
  overloadRefusals: number;
}

type Protocol = 'json' | 'query';
interface Answer {
  status: number;
  code: string;
  text: string;
  failure: string;
}

const QUEUE = 'shutdown-load';

/** One SQS call over a keep-alive agent; never rejects. */
function call(agent: http.Agent, port: number, protocol: Protocol, action: string, params: Record<string, string | number>): Promise<Answer> {
  const body =
    protocol === 'json'
      ? JSON.stringify(params)
      : new URLSearchParams({
          Action: action,
          Version: '2012-11-05',
          ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
        }).toString();
  const headers: Record<string, string> =
    protocol === 'json'
      ? { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${action}` }
      : { 'Content-Type': 'application/x-www-form-urlencoded' };
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e: Error & { code?: string }) => resolve({ status: 0, code: '', text: '', failure: e.code ?? e.message }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const code = protocol === 'json' ? (/"__type":"[^"]*#([^"]+)"/.exec(text)?.[1] ?? '') : (/<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '');
        resolve({ status: res.statusCode ?? 0, code, text, failure: '' });
      });
    });
    req.on('error', (e: Error & { code?: string }) => resolve({ status: 0, code: '', text: '', failure: e.code ?? e.message }));
    req.end(body);
  });
}

/** The messages of a ReceiveMessage answer: [body, receipt handle]. */
function received(protocol: Protocol, text: string): Array<[string, string]> {
  if (protocol === 'json') {
    const j = JSON.parse(text) as { Messages?: Array<{ Body: string; ReceiptHandle: string }> };
    return (j.Messages ?? []).map((m) => [m.Body, m.ReceiptHandle]);
  }
  const out: Array<[string, string]> = [];
  for (const m of text.matchAll(/<Message>([\s\S]*?)<\/Message>/g)) {
    const b = /<Body>([^<]*)<\/Body>/.exec(m[1]!)?.[1];
    const r = /<ReceiptHandle>([^<]*)<\/ReceiptHandle>/.exec(m[1]!)?.[1];
    if (b !== undefined && r !== undefined) out.push([b, r]);
  }
  return out;
}

const isRetryableRefusal = (a: Answer) => a.status === 503 && (a.code === 'ServiceUnavailable' || a.code === 'ServiceUnavailableException');
const RESET = new Set(['ECONNRESET', 'EPIPE', 'socket hang up']);

export async function runShutdownUnderLoad(o: {
  storage: 'sqlite' | 'postgres';
  databaseUrl?: string;
  workers?: number;
  loadMs?: number;
}): Promise<ShutdownResult> {
  const workers = o.workers ?? 1000;
  const start: StartOptions = { storage: o.storage, databaseUrl: o.databaseUrl, openFiles: true };
  const first = await startFerryProcess(start);
  let f: FerryProcess = first;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const acked = new Set<string>();
  const deleteAttempted = new Set<string>();
  const deleteAcked = new Set<string>();
  const bad: string[] = [];
  const outcomes: Record<string, number> = {};
  let answeredClient = 0;
  let keepAliveResets = 0;
  let overloadRefusals = 0;
  let calls = 0;
  let inFlight = 0;
  /** Set at SIGTERM: from then on (and for requests outstanding then) outcomes are tallied. */
  let sigtermAt = 0;
  let serverGone = false;
  try {
    const created = await call(agent, f.port, 'json', 'CreateQueue', { QueueName: QUEUE });
    if (created.status !== 200) throw new Error(`CreateQueue: ${created.status} ${created.text}`);
    answeredClient++;
    const queueUrl = (JSON.parse(created.text) as { QueueUrl: string }).QueueUrl;

    const tracked = async (protocol: Protocol, action: string, params: Record<string, string | number>): Promise<Answer> => {
      const sentBefore = sigtermAt === 0;
      calls++;
      inFlight++;
      const a = await call(agent, f.port, protocol, action, params);
      inFlight--;
      if (a.status > 0) answeredClient++;
      if (a.status === 0 && a.failure === 'ECONNREFUSED' && sigtermAt > 0) serverGone = true;
      if (sigtermAt > 0 || !sentBefore) {
        const kind =
          a.status === 200
            ? 'answered 200'
            : isRetryableRefusal(a)
              ? '503 ServiceUnavailable'
              : a.status > 0
                ? `HTTP ${a.status} ${a.code}`
                : a.failure;
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;
        if (a.status > 0 ? a.status !== 200 && !isRetryableRefusal(a) : a.failure !== 'ECONNREFUSED' && !RESET.has(a.failure))
          bad.push(`${protocol} ${action}: ${a.status} ${a.code || a.failure} ${a.text.slice(0, 200)}`);
      } else if (a.status === 0 && RESET.has(a.failure)) {
        // Under load, before any SIGTERM: a kept-alive connection the server closed after its idle
        // timeout just as the client reused it (the race every HTTP/1.1 client retries).
        keepAliveResets++;
      } else if (isRetryableRefusal(a)) {
        // Under load, before any SIGTERM: shed as overloaded (PostgreSQL: no pool connection in time).
        overloadRefusals++;
      } else if (a.status !== 200) {
        bad.push(`before SIGTERM, ${protocol} ${action}: ${a.status} ${a.code || a.failure} ${a.text.slice(0, 200)}`);
      }
      // Refused after SIGTERM: back off a little, as an SDK would, instead of spinning.
      if (a.status !== 200 && sigtermAt > 0) await new Promise((res) => setTimeout(res, 50));
      return a;
    };

    let n = 0;
    const worker = async (w: number): Promise<void> => {
      const protocol: Protocol = w % 2 === 0 ? 'json' : 'query';
      const role = w % 5; // 0, 1: send; 2, 3: long-poll receive and delete; 4: send, short poll, delete
      while (!serverGone) {
        if (role !== 2 && role !== 3) {
          const body = `m-${w}-${n++}`;
          const a = await tracked(protocol, 'SendMessage', { QueueUrl: queueUrl, MessageBody: body });
          if (a.status === 200) acked.add(body);
          if (role !== 4) continue;
        }
        const r = await tracked(protocol, 'ReceiveMessage', {
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: role === 4 ? 0 : 1 + (w % 10),
        });
        if (r.status !== 200) continue;
        for (const [body, handle] of received(protocol, r.text)) {
          deleteAttempted.add(body);
          const d = await tracked(protocol, 'DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: handle });
          if (d.status === 200) deleteAcked.add(body);
        }
      }
    };
    const running = Array.from({ length: workers }, (_, w) => worker(w));
    // Load for loadMs, and at least until deletes are being acknowledged (a busy machine is slow to
    // get every worker going), at most 60 s.
    const loadEnd = performance.now() + (o.loadMs ?? 4000);
    for (let waited = 0; waited < 60_000 && (performance.now() < loadEnd || deleteAcked.size < 50); waited += 100)
      await new Promise((r) => setTimeout(r, 100));

    const inFlightAtSigterm = inFlight;
    sigtermAt = performance.now();
    const exitCode = await f.stop();
    const exitMs = performance.now() - sigtermAt;
    serverGone = true;
    await Promise.all(running);

    const out = f.output();
    const answeredServer = out.split('\n').filter((l) => /"msg":"(slow )?request"/.test(l)).length;
    const serverErrors = out.split('\n').filter((l) => /"level":(50|60)/.test(l) || l.includes('drain deadline'));

    // Restart on the same data and read every message, in every state, without changing anything.
    f = await startFerryProcess({ ...start, dataDir: f.dataDir, databaseSchema: f.databaseSchema });
    const present = new Set(await peekAll(f.url, QUEUE));
    const lost = [...acked].filter((b) => !present.has(b) && !deleteAttempted.has(b));
    const resurrected = [...deleteAcked].filter((b) => present.has(b));
    return {
      exitCode,
      inFlightAtSigterm,
      exitMs,
      outcomes,
      bad,
      answeredClient,
      answeredServer,
      serverErrors,
      ackedSends: acked.size,
      ackedDeletes: deleteAcked.size,
      lost,
      resurrected,
      calls,
      keepAliveResets,
      overloadRefusals,
    };
  } finally {
    serverGone = true;
    agent.destroy();
    await f.stop();
    first.cleanup();
  }
}
