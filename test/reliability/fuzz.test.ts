/**
 * A seconds-long run of the fuzzer (fuzz.ts) against a real process: no 5xx, no hang, no dropped
 * connection, every answer a well-formed SQS answer in its protocol, /health throughout, and the
 * process still alive. Longer runs: `npm run fuzz -- --seconds N` (FERRY_FUZZ_SECONDS here).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { checkAnswer, runFuzz } from './fuzz.js';

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
    assert.equal(r.failureCount, 0, `seed ${r.seed}:\n${r.failures.join('\n')}`);
    assert.equal(f.proc.exitCode, null, 'the process exited');
    assert.equal((await fetch(f.url + '/health')).status, 200);
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
