/**
 * The wire itself, with raw HTTP against a real process: error shapes of both protocols, headers,
 * XML escaping, and hostile input that must get an AWS-style 4xx — never a 500, a crash or a hang.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

let ferry: FerryProcess;
const JSON_CT = 'application/x-amz-json-1.0';

async function json(target: string, body: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(ferry.url + '/', {
    method: 'POST',
    headers: { 'content-type': JSON_CT, 'x-amz-target': `AmazonSQS.${target}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function query(params: string, path = '/') {
  const res = await fetch(ferry.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('wire protocols (raw HTTP)', () => {
  before(async () => {
    ferry = await startFerryProcess({ storage: 'sqlite', args: ['--skip-cooldowns'] });
  });
  after(async () => {
    await ferry.stop();
    ferry.cleanup();
  });

  it('JSON errors carry __type, message and x-amzn-query-error', async () => {
    const r = await json('GetQueueUrl', { QueueName: 'nope' });
    assert.equal(r.status, 400);
    const b = JSON.parse(r.text);
    assert.equal(b.__type, 'com.amazonaws.sqs#QueueDoesNotExist');
    assert.equal(typeof b.message, 'string');
    assert.equal(r.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    assert.ok(r.headers.get('x-amzn-requestid'));
    assert.ok(r.headers.get('date'));
    assert.equal(r.headers.get('content-type'), JSON_CT);
  });

  it('Query errors are ErrorResponse XML with the Query wording', async () => {
    const r = await query('Action=GetQueueUrl&QueueName=nope&Version=2012-11-05');
    assert.equal(r.status, 400);
    assert.match(r.text, /<ErrorResponse[^>]*>\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code>/);
    assert.match(r.text, /does not exist for this wsdl version/);
    assert.match(r.text, /<RequestId>[^<]+<\/RequestId>/);
  });

  it('Query works by GET and by POST to the queue URL path; XML escapes CR', async () => {
    const c = await query('Action=CreateQueue&QueueName=wire-q&Version=2012-11-05');
    assert.equal(c.status, 200, c.text);
    assert.match(c.text, /<CreateQueueResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/">/);
    const g = await fetch(`${ferry.url}/?Action=GetQueueUrl&QueueName=wire-q&Version=2012-11-05`);
    assert.equal(g.status, 200);
    assert.match(await g.text(), /<QueueUrl>http:\/\/[^<]+\/000000000000\/wire-q<\/QueueUrl>/);
    const s = await json('SendMessage', { QueueUrl: `${ferry.url}/000000000000/wire-q`, MessageBody: 'a\rb<&>"' });
    assert.equal(s.status, 200, s.text);
    const r = await query('Action=ReceiveMessage&Version=2012-11-05', '/000000000000/wire-q');
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<Body>a&#xD;b&lt;&amp;&gt;(&quot;|")<\/Body>/);
  });

  it('PurgeQueueInProgress is 403 on both protocols', async () => {
    // This process skips cool-downs, so start one that keeps them.
    const strict = await startFerryProcess({ storage: 'memory' });
    try {
      const url = `${strict.url}/000000000000/p`;
      await fetch(strict.url + '/', {
        method: 'POST',
        headers: { 'content-type': JSON_CT, 'x-amz-target': 'AmazonSQS.CreateQueue' },
        body: '{"QueueName":"p"}',
      });
      const first = await fetch(strict.url + '/', {
        method: 'POST',
        headers: { 'content-type': JSON_CT, 'x-amz-target': 'AmazonSQS.PurgeQueue' },
        body: JSON.stringify({ QueueUrl: url }),
      });
      assert.equal(first.status, 200);
      const second = await fetch(strict.url + '/', {
        method: 'POST',
        headers: { 'content-type': JSON_CT, 'x-amz-target': 'AmazonSQS.PurgeQueue' },
        body: JSON.stringify({ QueueUrl: url }),
      });
      assert.equal(second.status, 403);
      assert.equal(second.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.PurgeQueueInProgress;Sender');
      const q = await fetch(strict.url + '/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Action=PurgeQueue&QueueUrl=${encodeURIComponent(url)}`,
      });
      assert.equal(q.status, 403);
      assert.match(await q.text(), /AWS\.SimpleQueueService\.PurgeQueueInProgress/);
      // Deleting then recreating the name inside 60 s is QueueDeletedRecently.
      await fetch(strict.url + '/', {
        method: 'POST',
        headers: { 'content-type': JSON_CT, 'x-amz-target': 'AmazonSQS.DeleteQueue' },
        body: JSON.stringify({ QueueUrl: url }),
      });
      const again = await fetch(strict.url + '/', {
        method: 'POST',
        headers: { 'content-type': JSON_CT, 'x-amz-target': 'AmazonSQS.CreateQueue' },
        body: '{"QueueName":"p"}',
      });
      assert.equal(again.status, 400);
      assert.equal(again.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.QueueDeletedRecently;Sender');
    } finally {
      await strict.stop();
      strict.cleanup();
    }
  });

  it('answers hostile input with 4xx and stays up', async () => {
    const cases: Array<Promise<{ status: number; text: string }>> = [
      json('ListQueues', '{not json'),
      json('ListQueues', '['.repeat(100_000) + ']'.repeat(100_000)),
      json('NoSuchAction', {}),
      json('SendMessage', { QueueUrl: 5, MessageBody: ['x'] }),
      json('ReceiveMessage', { QueueUrl: 'http://x/000000000000/wire-q', MaxNumberOfMessages: 'ten' }),
      json('CreateQueue', {}),
      query('Action=Bogus&Version=2012-11-05'),
      query(
        'Action=SendMessage&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fwire-q&MessageBody=x&MessageAttribute.4294967295.Name=a&MessageAttribute.4294967295.Value.DataType=String&MessageAttribute.4294967295.Value.StringValue=v',
      ),
      query('Action=SendMessage&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fwire-q&MessageBody=x&MessageAttribute.0.Name=a'),
      query('Action=SendMessage&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fwire-q&MessageBody=x&MessageBody=y'),
      query('Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fwire-q&MaxNumberOfMessages=1e1'),
      query('Action=SendMessageBatch&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fwire-q&SendMessageBatchRequestEntry.99999999999999999999.Id=a'),
      query('%%%&&&==='),
    ];
    for (const [i, p] of cases.entries()) {
      const r = await p;
      assert.ok(r.status >= 400 && r.status < 500, `case ${i}: status ${r.status}: ${r.text.slice(0, 300)}`);
    }
    const h = await fetch(ferry.url + '/health');
    assert.equal(h.status, 200);
  });

  it('refuses an oversized body while it is still streaming', async () => {
    // Once with a Content-Length that announces too much, once chunked (the size is only known by
    // counting): both must be answered with 413 after at most a few MiB, without the rest of the body.
    for (const chunked of [false, true]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const { port } = new URL(ferry.url);
        const sock = connect(Number(port), '127.0.0.1');
        let got = '';
        const timer = setTimeout(() => reject(new Error(`no answer while streaming (chunked=${chunked})`)), 10_000);
        sock.on('data', (b) => {
          got += b.toString('latin1');
          if (got.includes('\r\n\r\n')) {
            clearTimeout(timer);
            resolve(got);
            sock.destroy();
          }
        });
        sock.on('error', () => undefined); // EPIPE/ECONNRESET once the server stops reading: expected
        sock.on('close', () => (got ? resolve(got) : undefined));
        sock.write(
          'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n' +
            (chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : `Content-Length: ${64 * 1024 * 1024}\r\n\r\n`),
        );
        // Paced like a real client that reads while it sends: stop as soon as an answer arrives.
        const chunk = Buffer.alloc(64 * 1024, 'a');
        void (async () => {
          // With a declared length the answer comes from the headers alone: give it a moment to arrive
          // before any body is sent (a server closing while a client still writes makes the kernel
          // reset the connection and drop the unread answer).
          if (!chunked) await new Promise((r) => setTimeout(r, 200));
          for (let sent = 0; sent < 8 * 1024 * 1024 && !got && !sock.destroyed; sent += chunk.length) {
            if (chunked) sock.write(`${chunk.length.toString(16)}\r\n`);
            sock.write(chunk);
            if (chunked) sock.write('\r\n');
            await new Promise((r) => setTimeout(r, 2));
          }
        })();
      });
      assert.match(answer, /^HTTP\/1\.1 413 /, answer.slice(0, 200));
    }
    const h = await fetch(ferry.url + '/health');
    assert.equal(h.status, 200);
  });
});
