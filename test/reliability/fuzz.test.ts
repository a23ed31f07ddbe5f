/**
 * A seconds-long run of the fuzzer (fuzz.ts) against a real process: no 5xx, no hang, no dropped
 * connection, every answer a well-formed SQS answer in its protocol, /health throughout, and the
 * process still alive. Longer runs: `npm run fuzz -- --seconds N` (FERRY_FUZZ_SECONDS here).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { checkAnswer, runFuzz } from './fuzz.js';

/** Write `raw` to a fresh connection; resolve with everything read until the server closes it or 5 s pass. */
function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = connect(port, '127.0.0.1', () => s.write(raw));
    const done = () => {
      clearTimeout(t);
      s.destroy();
      resolve(got);
    };
    const t = setTimeout(done, 5000);
    s.on('data', (b) => {
      got += b.toString('latin1');
      // One complete answer is enough (a keep-alive connection stays open after it).
      if (/\r\n\r\n/.test(got) && (/content-length: 0\r\n/i.test(got) || /\}$|>$/.test(got))) done();
    });
    s.on('close', done);
    s.on('error', done);
  });
}

describe('fuzz [black-box]', () => {
  let f: FerryProcess;
  before(async () => {
    f = await startFerryProcess({ storage: 'sqlite', args: ['--skip-cooldowns'] });
  });
  after(async () => {
    await f.stop();
    f.cleanup();
  });

  it('generated hostile requests in both protocols get well-formed SQS answers, never a 5xx', async () => {
    const seconds = Number(process.env.FERRY_FUZZ_SECONDS ?? 8);
    const r = await runFuzz(f.url, { seconds, seed: process.env.FERRY_FUZZ_SEED ? Number(process.env.FERRY_FUZZ_SEED) : undefined });
    assert.ok(r.inputs > 20, `only ${r.inputs} inputs tried`);
    assert.ok(r.chunkedInputs > 0, 'no chunked body was tried');
    assert.equal(r.failureCount, 0, `seed ${r.seed}:\n${r.failures.join('\n')}`);
    assert.equal(f.proc.exitCode, null, 'the process exited');
    assert.equal((await fetch(f.url + '/health')).status, 200);
  });

  it('hostile chunked framing over a raw socket: a 400 or a closed connection, never a 5xx, and the server keeps serving', async () => {
    const head = (extra: string) =>
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues\r\n${extra}`;
    const cases: Record<string, string> = {
      'chunk size not hex': head('Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'),
      'chunk size larger than the data, then a new request': head('Transfer-Encoding: chunked\r\n\r\nffff\r\n{}\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n'),
      'chunk size overflowing 64 bits': head('Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n'),
      'both Content-Length and chunked (smuggling)': head('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'),
      'chunked twice': head('Transfer-Encoding: chunked, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'),
      'unknown transfer coding': head('Transfer-Encoding: gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n'),
      'chunk extension and trailer': head('Transfer-Encoding: chunked\r\n\r\n2;name=value\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n'),
      'missing CRLF after the data': head('Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n'),
    };
    const seen: string[] = [];
    for (const [name, raw] of Object.entries(cases)) {
      const answer = await rawExchange(f.port, raw);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      seen.push(`${name}: ${status || 'closed'}`);
      // 200 only where the framing is valid (extension and trailer); else 400 (Node's parser) or a close.
      assert.ok(status === 0 || status === 400 || (status === 200 && name === 'chunk extension and trailer'), `${name}: ${answer.slice(0, 200)}`);
      assert.equal((await fetch(f.url + '/health')).status, 200, `after ${name}`);
    }
    process.stderr.write(`# ${seen.join('; ')}\n`);
  });

  it('the property itself fails on a 5xx, a JSON error without __type and XML that does not parse', () => {
    const json = {
      kind: 'json' as const,
      action: 'ListQueues',
      body: Buffer.from('{}'),
      contentType: 'application/x-amz-json-1.0',
      target: 'AmazonSQS.ListQueues',
    };
    const query = {
      kind: 'query' as const,
      body: 'Action=ListQueues',
      method: 'POST' as const,
      path: '/',
      contentType: 'application/x-www-form-urlencoded',
    };
    assert.ok(checkAnswer(json, 500, null, '{"__type":"x"}'));
    assert.ok(checkAnswer(json, 400, null, '{"message":"x"}'));
    assert.ok(checkAnswer(query, 400, null, '<ErrorResponse><Error><Code>x</Code>'));
    assert.equal(checkAnswer(json, 400, null, '{"__type":"com.amazonaws.sqs#QueueDoesNotExist"}'), undefined);
    assert.equal(checkAnswer(query, 400, null, '<ErrorResponse><Error><Code>x</Code></Error></ErrorResponse>'), undefined);
  });
});
