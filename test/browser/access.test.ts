/**
 * Console access in real Chromium: with --auth sigv4 the login page (a wrong secret refused, the right
 * key signed in), the session cookie (HttpOnly, SameSite=Strict), CSRF refusals, 401 without a
 * session, logout; and --console read-only, which shows everything and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launch, newPage, pageFetch, queueUrl, snap, startConsoleFerry, until, type ConsoleFerry } from './harness.js';

const KEY = { accessKeyId: 'AKIDCONSOLEADMIN', secretAccessKey: 'console-admin-secret' };
const SQS_HEADERS = { 'Content-Type': 'application/x-amz-json-1.0' };

function errorCode(body: Record<string, unknown>): string | undefined {
  const e = body.error as { code?: string } | undefined;
  return e?.code ?? (typeof body.__type === 'string' ? body.__type.slice(body.__type.lastIndexOf('#') + 1) : undefined);
}

describe('console access (auth sigv4, read-only) in Chromium', { skip: browserSkip(), timeout: 120_000 }, () => {
  let ferry: ConsoleFerry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    ferry = await startConsoleFerry({ auth: 'sigv4', ...KEY }, KEY);
    browser = await launch();
    ({ context, page, errors } = await newPage(browser));
    await ferry.sqs.call('CreateQueue', { QueueName: 'payments' });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await ferry?.close();
  });

  test('the login page refuses a wrong secret and signs in with the right key', async () => {
    await page.goto(`${ferry.url}/console/queues/payments`);
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    await page.getByLabel('Access key ID').fill(KEY.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The access key ID or the secret access key is not valid.' }).waitFor();
    assert.equal(await page.getByLabel('Secret access key').inputValue(), '', 'the refused secret is cleared');
    await snap(page, 'login');

    await page.getByLabel('Secret access key').fill(KEY.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Straight to the page the URL named, as that key.
    await page.getByRole('heading', { name: 'payments', level: 1 }).waitFor();
    assert.match(await page.getByRole('banner').innerText(), new RegExp(KEY.accessKeyId));
    const cookie = (await context.cookies()).find((c) => c.name === 'ferry_console');
    assert.ok(cookie, 'a session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/console');
  });

  test('changes need the session’s CSRF token; the console acts as the signed-in key', async () => {
    const listQueues = { ...SQS_HEADERS, 'X-Amz-Target': 'AmazonSQS.ListQueues' };
    const missing = await pageFetch(page, '/console/api/sqs', { method: 'POST', headers: listQueues, body: '{}' });
    assert.equal(missing.status, 403);
    assert.equal(errorCode(missing.body), 'CsrfTokenMissing');
    const wrong = await pageFetch(page, '/console/api/sqs', { method: 'POST', headers: { ...listQueues, 'X-Ferry-Csrf': 'forged' }, body: '{}' });
    assert.equal(wrong.status, 403);
    assert.equal(errorCode(wrong.body), 'CsrfTokenInvalid');
    const session = await pageFetch(page, '/console/api/session');
    assert.equal(session.body.authenticated, true);
    const ok = await pageFetch(page, '/console/api/sqs', {
      method: 'POST',
      headers: { ...listQueues, 'X-Ferry-Csrf': String(session.body.csrfToken) },
      body: '{}',
    });
    assert.equal(ok.status, 200);
    assert.equal((ok.body.QueueUrls as string[]).length, 1);

    // Through the UI: sending works, as that key (the journey names it).
    await page.getByRole('button', { name: 'Send and receive messages' }).click();
    await page.getByLabel('Message body').fill('signed in');
    await page.getByRole('button', { name: 'Send message' }).click();
    const sent = page.getByRole('status').filter({ hasText: 'Your message has been sent' });
    await sent.waitFor();
    const id = /Message ID: (\S+)/.exec(await sent.innerText())![1]!;
    const journey = await pageFetch(page, `/console/api/queues/payments/messages/${id}/journey`);
    assert.equal(journey.status, 200);
    assert.equal((journey.body.events as { accessKeyId?: string }[])[0]?.accessKeyId, KEY.accessKeyId);

    // Another browser without the cookie: nothing but the session and login routes.
    const { context: other, page: stranger } = await newPage(browser);
    try {
      await stranger.goto(`${ferry.url}/console`);
      await stranger.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
      const overview = await pageFetch(stranger, '/console/api/overview');
      assert.equal(overview.status, 401);
      assert.equal(errorCode(overview.body), 'NotAuthenticated');
      const sqs = await pageFetch(stranger, '/console/api/sqs', { method: 'POST', headers: listQueues, body: '{}' });
      assert.equal(sqs.status, 401);
    } finally {
      await other.close();
    }
  });

  test('Sign out ends the session on the server', async () => {
    await page.goto(`${ferry.url}/console`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    const overview = await pageFetch(page, '/console/api/overview');
    assert.equal(overview.status, 401);
    assert.deepEqual(errors, []);
  });

  test('--console read-only shows queues and messages but offers and allows no change', async () => {
    const ro = await startConsoleFerry({ console: 'read-only' });
    const { context: roContext, page: roPage, errors: roErrors } = await newPage(browser);
    try {
      await ro.sqs.call('CreateQueue', { QueueName: 'audit' });
      const url = await queueUrl(ro.sqs, 'audit');
      for (let i = 0; i < 3; i++) await ro.sqs.call('SendMessage', { QueueUrl: url, MessageBody: `entry ${i}` });

      await roPage.goto(`${ro.url}/console`);
      await roPage.getByRole('note').filter({ hasText: 'Read-only console.' }).waitFor();
      await roPage.getByRole('link', { name: 'audit', exact: true }).waitFor();
      assert.equal(await roPage.getByRole('button', { name: 'Create queue' }).count(), 0);

      await roPage.getByRole('link', { name: 'audit', exact: true }).click();
      await roPage.getByRole('heading', { name: 'audit', level: 1 }).waitFor();
      for (const name of ['Edit', 'Purge', 'Delete', 'Send and receive messages']) {
        assert.equal(await roPage.getByRole('button', { name, exact: true }).count(), 0, `no ${name} button`);
      }
      // Browsing is a read: it works.
      await until(
        'three messages browsed',
        async () =>
          (await roPage
            .getByRole('table', { name: 'Messages' })
            .getByRole('button', { name: /^Message / })
            .count()) === 3,
      );
      await snap(roPage, 'read-only');

      // The pages that change things say so, and the API refuses changes even with a valid token.
      await roPage.goto(`${ro.url}/console/create-queue`);
      await roPage.getByText('This console is read-only').waitFor();
      const session = await pageFetch(roPage, '/console/api/session');
      assert.equal(session.body.readOnly, true);
      const headers = { ...SQS_HEADERS, 'X-Ferry-Csrf': String(session.body.csrfToken) };
      const send = await pageFetch(roPage, '/console/api/sqs', {
        method: 'POST',
        headers: { ...headers, 'X-Amz-Target': 'AmazonSQS.SendMessage' },
        body: JSON.stringify({ QueueUrl: url, MessageBody: 'nope' }),
      });
      assert.equal(send.status, 403);
      assert.match(errorCode(send.body) ?? '', /^AccessDenied(Exception)?$/);
      assert.match(String(send.body.message ?? send.body.Message), /read-only/i);
      const list = await pageFetch(roPage, '/console/api/sqs', {
        method: 'POST',
        headers: { ...headers, 'X-Amz-Target': 'AmazonSQS.GetQueueAttributes' },
        body: JSON.stringify({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      });
      assert.equal(list.status, 200);
      // Browsing received nothing.
      assert.deepEqual(list.body.Attributes, { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '0' });
      assert.deepEqual(roErrors, []);
    } finally {
      await roContext.close();
      await ro.close();
    }
  });
});
