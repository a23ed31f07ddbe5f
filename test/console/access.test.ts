/**
 * Console access, black-box on real `ferry serve` processes: `--auth sigv4` (login with a configured
 * key, 401 without a session, CSRF, logout, the session's key as the identity of its SQS calls),
 * `--console read-only` (reads work, every change is refused) and `--console off` (404). Access does
 * not depend on the storage engine; these run on SQLite, the default.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { TEST_CREDENTIALS, makeClient, type SqsCaller } from '../helpers/clients.js';
import { ConsoleClient } from '../helpers/console.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const KEY = TEST_CREDENTIALS;
const OTHER = { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret' };

describe('console with --auth sigv4', () => {
  let ferry: FerryProcess;
  let sdk: SqsCaller;
  let configDir: string;
  before(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'ferry-console-auth-'));
    writeFileSync(
      join(configDir, 'ferry.yaml'),
      `credentials:\n  - accessKeyId: ${OTHER.accessKeyId}\n    secretAccessKey: ${OTHER.secretAccessKey}\n`,
    );
    ferry = await startFerryProcess({
      args: [
        '--auth',
        'sigv4',
        '--access-key-id',
        KEY.accessKeyId,
        '--secret-access-key',
        KEY.secretAccessKey,
        '--config',
        join(configDir, 'ferry.yaml'),
      ],
    });
    sdk = makeClient('json', ferry.url);
  });
  after(async () => {
    sdk?.destroy();
    await ferry?.stop();
    ferry?.cleanup();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('answers 401 NotAuthenticated without a session, except for session and login', async () => {
    const c = new ConsoleClient(ferry.url);
    const s = await c.session();
    assert.equal(s.status, 200);
    assert.deepEqual([s.json.auth, s.json.authenticated, s.json.csrfToken], ['sigv4', false, undefined]);
    for (const path of [
      '/console/api/overview',
      '/console/api/queues/x/messages',
      '/console/api/queues/x/history',
      '/console/api/queues/x/messages/y/journey',
    ]) {
      const r = await c.get(path);
      assert.deepEqual([r.status, r.json.error.code], [401, 'NotAuthenticated'], path);
    }
    const sqs = await c.sqs('ListQueues', {});
    assert.deepEqual([sqs.status, sqs.json.error.code], [401, 'NotAuthenticated']);
    // The SPA itself loads without a session (it shows the login form).
    assert.notEqual((await c.get('/console/')).status, 401);
  });

  it('refuses a wrong secret and an unknown key alike, and logs in with either configured key', async () => {
    const c = new ConsoleClient(ferry.url);
    const wrongSecret = await c.login(KEY.accessKeyId, 'not-the-secret');
    const unknownKey = await c.login('AKIDUNKNOWN', KEY.secretAccessKey);
    assert.equal(wrongSecret.status, 401);
    assert.deepEqual(wrongSecret.json, unknownKey.json);
    assert.equal(wrongSecret.json.error.code, 'InvalidCredentials');
    assert.equal(c.cookie, undefined);
    for (const k of [KEY, OTHER]) {
      const ok = await new ConsoleClient(ferry.url).login(k.accessKeyId, k.secretAccessKey);
      assert.equal(ok.status, 200);
      assert.deepEqual([ok.json.authenticated, ok.json.accessKeyId, typeof ok.json.csrfToken], [true, k.accessKeyId, 'string']);
      assert.match(ok.headers.getSetCookie()[0]!, /^ferry_console=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\/console$/);
    }
  });

  it('acts as the logged-in key, refuses changes without the CSRF token, and logs out', async () => {
    const c = new ConsoleClient(ferry.url);
    await c.login(OTHER.accessKeyId, OTHER.secretAccessKey);
    const me = await c.session();
    assert.deepEqual([me.json.authenticated, me.json.accessKeyId], [true, OTHER.accessKeyId]);

    const created = await c.sqs('CreateQueue', { QueueName: `auth-${process.pid}` });
    assert.equal(created.status, 200);
    const QueueUrl = created.json.QueueUrl;
    const noToken = await c.sqs('SendMessage', { QueueUrl, MessageBody: 'x' }, { csrf: false });
    assert.deepEqual([noToken.status, noToken.json.error.code], [403, 'CsrfTokenMissing']);
    const token = c.csrfToken;
    c.csrfToken = 'forged';
    assert.deepEqual((await c.sqs('SendMessage', { QueueUrl, MessageBody: 'x' })).json.error.code, 'CsrfTokenInvalid');
    c.csrfToken = token;

    // The journey names the identities: the console session's key, and the SDK's signing key.
    const viaConsole = await c.sqs('SendMessage', { QueueUrl, MessageBody: 'from the console' });
    assert.equal(viaConsole.status, 200);
    const viaSdk = await sdk.call('SendMessage', { QueueUrl, MessageBody: 'from the sdk' });
    const keyOf = async (id: string) => (await c.get(`/console/api/queues/auth-${process.pid}/messages/${id}/journey`)).json.events[0].accessKeyId;
    assert.equal(await keyOf(viaConsole.json.MessageId), OTHER.accessKeyId);
    assert.equal(await keyOf(viaSdk.MessageId), KEY.accessKeyId);

    const page = await c.get(`/console/api/queues/auth-${process.pid}/messages`);
    assert.deepEqual(
      page.json.messages.map((m: { body: string }) => m.body),
      ['from the console', 'from the sdk'],
    );

    const out = await c.logout();
    assert.equal(out.status, 204);
    const after = await c.session();
    assert.equal(after.json.authenticated, false);
    assert.equal((await c.get('/console/api/overview')).status, 401);
  });

  // Last: its failures come from 127.0.0.1 like every other login here (a success clears the address).
  it('slows down repeated failures', async () => {
    const c = new ConsoleClient(ferry.url);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await c.login('AKIDBRUTE', `guess-${i}`)).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[6], 429);
  });
});

describe('console with --console read-only', () => {
  let ferry: FerryProcess;
  let sdk: SqsCaller;
  before(async () => {
    ferry = await startFerryProcess({ storage: 'memory', args: ['--console', 'read-only'] });
    sdk = makeClient('json', ferry.url);
  });
  after(async () => {
    sdk?.destroy();
    await ferry?.stop();
    ferry?.cleanup();
  });

  it('shows everything and changes nothing', async () => {
    const { QueueUrl } = await sdk.call('CreateQueue', { QueueName: 'ro' });
    await sdk.call('SendMessage', { QueueUrl, MessageBody: 'kept' });
    const c = new ConsoleClient(ferry.url);
    assert.equal((await c.session()).json.readOnly, true);
    for (const [action, input] of [
      ['ListQueues', {}],
      ['GetQueueUrl', { QueueName: 'ro' }],
      ['GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] }],
      ['ListQueueTags', { QueueUrl }],
      ['ListDeadLetterSourceQueues', { QueueUrl }],
    ] as const) {
      assert.equal((await c.sqs(action, input)).status, 200, action);
    }
    for (const [action, input] of [
      ['SendMessage', { QueueUrl, MessageBody: 'x' }],
      ['ReceiveMessage', { QueueUrl }],
      ['PurgeQueue', { QueueUrl }],
      ['DeleteQueue', { QueueUrl }],
      ['SetQueueAttributes', { QueueUrl, Attributes: { DelaySeconds: '1' } }],
      ['CreateQueue', { QueueName: 'ro2' }],
    ] as const) {
      const r = await c.sqs(action, input);
      assert.equal(r.status, 403, action);
      assert.match(r.json.__type, /AccessDenied/);
      assert.match(r.json.message, /read-only/);
    }
    assert.deepEqual(
      (await c.get('/console/api/queues/ro/messages')).json.messages.map((m: { body: string }) => m.body),
      ['kept'],
    );
    const attrs = await sdk.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] });
    assert.equal(attrs.Attributes.ApproximateNumberOfMessages, '1');
  });
});

describe('console with --console off', () => {
  let ferry: FerryProcess;
  before(async () => {
    ferry = await startFerryProcess({ storage: 'memory', args: ['--console', 'off'] });
  });
  after(async () => {
    await ferry?.stop();
    ferry?.cleanup();
  });

  it('is 404 under /console; the SQS API is unaffected', async () => {
    const c = new ConsoleClient(ferry.url);
    for (const path of ['/console', '/console/', '/console/queues/x', '/console/assets/index.js', '/console/api/session', '/console/api/overview']) {
      assert.equal((await c.get(path)).status, 404, path);
    }
    assert.equal((await c.sqs('ListQueues', {})).status, 404);
    const sdk = makeClient('json', ferry.url);
    try {
      assert.deepEqual((await sdk.call('ListQueues', {})).QueueUrls ?? [], []);
    } finally {
      sdk.destroy();
    }
  });
});
