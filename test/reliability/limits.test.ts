/**
 * Limits under abuse, on a real `ferry serve` process with small configured limits (so each test is
 * bounded to seconds): slow headers and slow bodies are cut by the timeouts while a long poll is not;
 * oversized and over-numerous headers get 431; an oversized body gets its 413, in its protocol, even
 * while still being sent; the connection cap holds; stalled uploads cannot grow memory past the body
 * budget (and the memory comes back); parked long polls are capped with a
 * retryable RequestThrottled. Each measured "before" is in README "Limits under abuse".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { chunked } from './fuzz.js';
import { connect, rssOf, sqsJson, stallBodies, trickle, until } from './slowClients.js';

const MiB = 1024 * 1024;

describe('limits under abuse [black-box]', () => {
  let f: FerryProcess;
  before(async () => {
    f = await startFerryProcess({
      storage: 'memory',
      args: [
        '--headers-timeout-ms',
        '1000',
        '--request-timeout-ms',
        '2000',
        '--max-header-count',
        '40',
        '--max-header-bytes',
        '4096',
        '--max-buffered-body-bytes',
        String(8 * MiB),
        '--max-long-polls-per-queue',
        '2',
        '--max-long-polls',
        '3',
      ],
    });
  });
  after(async () => {
    await f.stop();
    f.cleanup();
  });

  it('a client trickling its headers is cut by the headers timeout (408)', async () => {
    const held = await trickle(f.port, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ' + 'a'.repeat(200), 0, 100, 15_000);
    assert.equal(held.gaveUp, false, 'the server never cut the connection');
    assert.ok(held.heldMs < 4000, `held ${held.heldMs} ms (headers timeout 1000 ms)`);
    assert.match(held.statusLine, /^HTTP\/1\.1 408/);
  });

  it('a client trickling a declared body is cut by the request timeout (408)', async () => {
    const head =
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n' +
      'X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 1000000\r\n\r\n';
    // The headers go out at once (a write per byte every 1 ms), then the body a byte every 1 ms.
    const held = await trickle(f.port, head, 100_000, 1, 15_000);
    assert.equal(held.gaveUp, false, 'the server never cut the connection');
    assert.ok(held.heldMs < 5000, `held ${held.heldMs} ms (request timeout 2000 ms)`);
    assert.match(held.statusLine, /^HTTP\/1\.1 408/);
  });

  it('a long poll longer than the request timeout is not cut', async () => {
    const q = await sqsJson(f.url, 'CreateQueue', { QueueName: 'poll-not-cut' });
    const started = Date.now();
    const r = await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: q.body.QueueUrl, WaitTimeSeconds: 3 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {});
    assert.ok(Date.now() - started >= 2900, 'the poll waited its 3 s');
  });

  it('too many headers, or too large a header section: 431', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 60; i++) many[`x-extra-${i}`] = 'v';
    const r1 = await fetch(f.url + '/health', { headers: many });
    assert.equal(r1.status, 431);
    const r2 = await fetch(f.url + '/health', { headers: { 'x-big': 'b'.repeat(8000) } });
    assert.equal(r2.status, 431);
    assert.equal((await fetch(f.url + '/health')).status, 200);
  });

  it('stalled uploads are held to the body budget: refused with a retryable 503, memory comes back', async () => {
    const base = rssOf(f.proc.pid!);
    // 4 uploads of 2 MiB fit in the 8 MiB budget, the other 8 are refused.
    const { sockets, answers } = await stallBodies(f.port, 12, 2 * MiB, 2_000_000);
    await until(() => answers.filter((a) => a !== '').length >= 8, 8000);
    const refused = answers.filter((a) => a.startsWith('HTTP/1.1 503'));
    assert.ok(refused.length >= 8, `refused: ${JSON.stringify(answers)}`);
    // A refusal is a well-formed, retryable SQS error.
    const r = await fetch(f.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ListQueues' },
      body: Buffer.alloc(2 * MiB, 0x20),
    });
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { __type: string }).__type, 'com.amazon.coral.service#ServiceUnavailableException');
    const peak = rssOf(f.proc.pid!);
    assert.ok(peak - base < 64 * MiB, `RSS grew ${(peak - base) / MiB} MiB for an 8 MiB budget`);
    // The stalled ones are cut by the request timeout, and the budget is free again.
    assert.ok(await until(() => sockets.every((s) => s.destroyed || s.readyState === 'closed'), 12_000), 'stalled uploads still open');
    for (const s of sockets) s.destroy();
    const ok = await sqsJson(f.url, 'ListQueues', {});
    assert.equal(ok.status, 200);
  });

  it('parked long polls are capped per queue and in total: beyond, RequestThrottled (retryable)', async () => {
    const a = (await sqsJson(f.url, 'CreateQueue', { QueueName: 'capped-a' })).body.QueueUrl as string;
    const b = (await sqsJson(f.url, 'CreateQueue', { QueueName: 'capped-b' })).body.QueueUrl as string;
    const parked = [a, a, b].map((u) => sqsJson(f.url, 'ReceiveMessage', { QueueUrl: u, WaitTimeSeconds: 2 }));
    await new Promise((r) => setTimeout(r, 300));
    const perQueue = await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: a, WaitTimeSeconds: 2 });
    assert.ok(perQueue.status >= 400 && perQueue.status < 500, String(perQueue.status));
    assert.equal(perQueue.body.__type, 'com.amazonaws.sqs#RequestThrottled');
    const total = await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: b, WaitTimeSeconds: 2 });
    assert.equal(total.body.__type, 'com.amazonaws.sqs#RequestThrottled');
    // A short poll is never refused, and a message sent now still reaches a parked poll.
    assert.equal((await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: a })).status, 200);
    await sqsJson(f.url, 'SendMessage', { QueueUrl: a, MessageBody: 'hello' });
    const got = await Promise.all(parked);
    assert.equal(got.filter((g) => Array.isArray(g.body.Messages)).length, 1);
    // Once they answered, polls are admitted again.
    const again = await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: a, WaitTimeSeconds: 1 });
    assert.equal(again.status, 200);
  });

  it('/health answers after all of it', async () => {
    assert.equal((await fetch(f.url + '/health')).status, 200);
  });
});

describe('connection cap [black-box]', () => {
  let f: FerryProcess;
  before(async () => {
    f = await startFerryProcess({ storage: 'memory', args: ['--max-connections', '5'] });
  });
  after(async () => {
    await f.stop();
    f.cleanup();
  });

  it('connections beyond the cap are closed at once; freed slots are usable again', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(f.port)));
    for (const s of held) s.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const extra = await connect(f.port);
    extra.on('error', () => undefined);
    const closed = await until(() => extra.destroyed || extra.readyState !== 'open', 2000);
    assert.ok(closed, 'the 6th connection was kept open');
    extra.destroy();
    for (const s of held) s.destroy();
    assert.ok(await until(async () => (await fetch(f.url + '/health').catch(() => undefined))?.status === 200, 3000));
  });
});

describe('oversized bodies [black-box]', () => {
  // Its own process with the default timeouts: under the 2 s request timeout of the suite above, a
  // loaded machine uploading 5.6 MiB bodies is cut by that timeout (measured: EPIPE on 3-6 of 18
  // sends at load average 17), which is not what this test is about.
  let f: FerryProcess;
  before(async () => {
    f = await startFerryProcess({ storage: 'memory', args: ['--max-buffered-body-bytes', String(8 * MiB)] });
  });
  after(async () => {
    await f.stop();
    f.cleanup();
  });

  it('a body over the limit is answered 413 in its protocol while the client still writes, and the rest is read, not reset', async () => {
    // Bodies over the 2 MiB limit in both protocols, declared (Content-Length: the 413 goes out from the
    // headers) and chunked (refused once 2 MiB have arrived) — while the client is still sending. Were
    // the rest left unread, closing would reset the connection and the client would see EPIPE instead of
    // the answer: `npm run fuzz` met this with generated JSON bodies of 4.4–5.8 MB (CreateQueue,
    // ListMessageMoveTasks, CancelMessageMoveTask; seed 1170648910 on the fuzzer of 2ee82c2), and this
    // test, run three times against that refusal (the request paused, the answer sent with
    // Connection: close, the socket destroyed a second later), saw 7, 7 and 9 of its 18 sends fail.
    const json = { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.CreateQueue' };
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const jsonBody = (n: number) => Buffer.from(JSON.stringify({ QueueName: 'x'.repeat(n) }));
    const formBody = (n: number) => Buffer.from('Action=CreateQueue&Version=2012-11-05&QueueName=' + 'x'.repeat(n));
    const shapes = [
      { name: 'JSON, Content-Length', headers: json, body: jsonBody, chunked: false },
      { name: 'Query, Content-Length', headers: form, body: formBody, chunked: false },
      { name: 'JSON, chunked', headers: json, body: jsonBody, chunked: true },
      { name: 'Query, chunked', headers: form, body: formBody, chunked: true },
    ];
    const answers: string[] = [];
    for (let round = 0; round < 3; round++) {
      // Per round: two declared bodies of each protocol and one chunked (two chunked ones at a time
      // reserve at most 4 MiB of the 8 MiB body budget, so none is refused for memory instead).
      const sends = [...shapes, shapes[0]!, shapes[1]!].map((s, i) => {
        const bytes = s.body((i + round) % 2 === 0 ? 3 * MiB : Math.round(5.6 * MiB));
        const init = { method: 'POST', headers: s.headers, ...(s.chunked ? chunked(bytes, 64 * 1024) : { body: bytes }) };
        return fetch(f.url, init as RequestInit).then(
          async (r) => {
            const text = await r.text();
            const code = s.headers === json ? (JSON.parse(text) as { __type: string }).__type : /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
            return `${s.name}: ${r.status} ${code}`;
          },
          (e: Error & { cause?: { code?: string } }) => `${s.name}: failed: ${e.cause?.code ?? e.message}`,
        );
      });
      answers.push(...(await Promise.all(sends)));
    }
    const tally: Record<string, number> = {};
    for (const a of answers) tally[a] = (tally[a] ?? 0) + 1;
    assert.deepEqual(tally, {
      'JSON, Content-Length: 413 com.amazon.coral.service#RequestEntityTooLargeException': 6,
      'Query, Content-Length: 413 RequestEntityTooLarge': 6,
      'JSON, chunked: 413 com.amazon.coral.service#RequestEntityTooLargeException': 3,
      'Query, chunked: 413 RequestEntityTooLarge': 3,
    });
    assert.equal((await fetch(f.url + '/health')).status, 200);
  });
});
