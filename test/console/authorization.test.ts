/**
 * The console acts as the logged-in identity: its SQS calls and its own read routes (overview, history,
 * peek, journey) go through the same authorization as the SQS API. Black-box on a real `ferry serve`
 * (SQLite; the decision does not depend on the engine).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeClient, type SqsCaller } from '../helpers/clients.js';
import { ConsoleClient } from '../helpers/console.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const ACCT = '000000000000';
const OPS = { accessKeyId: 'AKCOPS', secretAccessKey: 'ops-secret' };
const VIEWER = { accessKeyId: 'AKCVIEW', secretAccessKey: 'view-secret' };

describe('console authorization', () => {
  let ferry: FerryProcess;
  let dir: string;
  let ops: SqsCaller;
  let visible: string;
  let hidden: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-console-authz-'));
    const file = join(dir, 'ferry.json');
    writeFileSync(
      file,
      JSON.stringify({
        accounts: {
          [ACCT]: {
            users: {
              ops: { admin: true, accessKeys: [OPS] },
              viewer: {
                accessKeys: [VIEWER],
                inlinePolicies: {
                  view: {
                    Version: '2012-10-17',
                    Statement: [
                      { Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
                      { Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], Resource: `arn:aws:sqs:*:${ACCT}:visible-*` },
                    ],
                  },
                },
              },
            },
          },
        },
      }),
    );
    ferry = await startFerryProcess({ args: ['--auth', 'sigv4', '--config', file] });
    ops = makeClient('json', ferry.url, 'us-east-1', { ...OPS });
    visible = `visible-${process.pid}`;
    hidden = `hidden-${process.pid}`;
    for (const q of [visible, hidden]) {
      const { QueueUrl } = await ops.call('CreateQueue', { QueueName: q });
      await ops.call('SendMessage', { QueueUrl: QueueUrl!, MessageBody: `in ${q}` });
    }
  });
  after(async () => {
    ops?.destroy();
    await ferry?.stop();
    ferry?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the overview lists only the queues the identity may read; an administrator sees all', async () => {
    const viewer = new ConsoleClient(ferry.url);
    assert.equal((await viewer.login(VIEWER.accessKeyId, VIEWER.secretAccessKey)).status, 200);
    const names = ((await viewer.get('/console/api/overview')).json.queues as Array<{ name: string }>).map((q) => q.name);
    assert.ok(names.includes(visible));
    assert.ok(!names.includes(hidden));
    const admin = new ConsoleClient(ferry.url);
    await admin.login(OPS.accessKeyId, OPS.secretAccessKey);
    const all = ((await admin.get('/console/api/overview')).json.queues as Array<{ name: string }>).map((q) => q.name);
    assert.ok(all.includes(visible) && all.includes(hidden));
  });

  it('peek and history need ReceiveMessage / GetQueueAttributes on the queue (403 AccessDenied otherwise)', async () => {
    const viewer = new ConsoleClient(ferry.url);
    await viewer.login(VIEWER.accessKeyId, VIEWER.secretAccessKey);
    const ok = await viewer.get(`/console/api/queues/${visible}/messages`);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.messages[0].body, `in ${visible}`);
    const peek = await viewer.get(`/console/api/queues/${hidden}/messages`);
    assert.equal(peek.status, 403);
    assert.equal(peek.json.error.code, 'AccessDenied');
    assert.match(
      peek.json.error.message,
      /user\/viewer is not authorized to perform: sqs:receivemessage on resource: arn:aws:sqs:us-east-1:000000000000:hidden-/,
    );
    assert.equal((await viewer.get(`/console/api/queues/${hidden}/history`)).status, 403);
    assert.equal((await viewer.get(`/console/api/queues/${hidden}/messages/some-id/journey`)).status, 403);
  });

  it("the console's SQS calls act as the session's identity", async () => {
    const viewer = new ConsoleClient(ferry.url);
    await viewer.login(VIEWER.accessKeyId, VIEWER.secretAccessKey);
    const url = `${ferry.url}/${ACCT}/${visible}`;
    assert.equal((await viewer.sqs('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).status, 200);
    const send = await viewer.sqs('SendMessage', { QueueUrl: url, MessageBody: 'x' });
    assert.equal(send.status, 403);
    assert.match(send.text, /AccessDenied/);
  });
});
