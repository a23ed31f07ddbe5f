/**
 * A batch entry that fails for an unexpected reason (a bug, not an SQS or storage-domain error) is
 * answered as an InternalFailure entry (SenderFault false) while the rest of the batch goes on — and
 * its cause reaches `ctx.reportUnexpected` once, so the composition root can log it with the request id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { harness, type Harness } from './harness.js';

describe('batch entries: unexpected errors are reported, not swallowed', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  it('DeleteMessageBatch: a failing receipt decoder → InternalFailure entry, cause reported once', async () => {
    await h.call('CreateQueue', { QueueName: 'q' });
    const reported: unknown[] = [];
    const bug = new TypeError('receipt codec bug');
    const services = Object.create(h.services) as typeof h.services;
    services.decodeReceipt = function brokenDecode() {
      throw bug;
    };
    const out = await h.call(
      'DeleteMessageBatch',
      { QueueUrl: h.url('q'), Entries: [{ Id: 'a', ReceiptHandle: 'whatever' }] },
      { services, reportUnexpected: (e) => reported.push(e) },
    );
    assert.deepEqual(out.Successful, []);
    assert.equal(out.Failed.length, 1);
    assert.equal(out.Failed[0]!.Code, 'InternalFailure');
    assert.equal(out.Failed[0]!.SenderFault, false);
    assert.ok(!out.Failed[0]!.Message?.includes('codec bug'), 'the cause does not reach the client');
    assert.deepEqual(reported, [bug]);
  });

  it('an ordinary entry error (ReceiptHandleIsInvalid) reports nothing', async () => {
    const reported: unknown[] = [];
    const out = await h.call(
      'DeleteMessageBatch',
      { QueueUrl: h.url('q'), Entries: [{ Id: 'a', ReceiptHandle: 'not-a-receipt' }] },
      { reportUnexpected: (e) => reported.push(e) },
    );
    assert.equal(out.Failed[0]!.Code, 'ReceiptHandleIsInvalid');
    assert.deepEqual(reported, []);
  });
});
