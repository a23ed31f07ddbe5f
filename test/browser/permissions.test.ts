/**
 * The console under --auth sigv4 with IAM-like users, in real Chromium: it offers what the signed-in
 * key may do and says what it may not, as the same requests would be decided —
 *  - "Create queue" is disabled, with the reason, for a key whose policies allow no CreateQueue (and
 *    offered to one allowed `team-*` only); the create page says so instead of a form;
 *  - a producer allowed SendMessage/ReceiveMessage but not GetQueueAttributes (nor GetQueueUrl) opens
 *    the queue and the Send/receive page, sends and polls; what it can't read shows "Not permitted";
 *  - a queue with SSE-KMS naming a key Ferry's key ring lacks says so where its encryption is shown,
 *    with what the operator can do (`ferry keys create …`); a queue whose key is in the ring doesn't.
 * Each page also passes the accessibility checks (audit.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { a11yProblems, horizontalOverflow } from './audit.js';
import { browserSkip, LAPTOP, launch, NARROW, newPage, pageFetch, queueUrl, snap, startConsoleFerry, until, type ConsoleFerry } from './harness.js';

const ACCT = '000000000000';
const ADMIN = { accessKeyId: 'AKIAPERMADMIN', secretAccessKey: 'perm-admin-secret' };
const VIEWER = { accessKeyId: 'AKIAPERMVIEWER', secretAccessKey: 'perm-viewer-secret' };
const TEAM = { accessKeyId: 'AKIAPERMTEAM', secretAccessKey: 'perm-team-secret' };
const PRODUCER = { accessKeyId: 'AKIAPERMPRODUCER', secretAccessKey: 'perm-producer-secret' };
const GROWER = { accessKeyId: 'AKIAPERMGROWER', secretAccessKey: 'perm-grower-secret' };

const user = (key: { accessKeyId: string; secretAccessKey: string }, statements: Record<string, unknown>[]) => ({
  admin: false,
  // A copy: the SDK client tags the credential objects it is given (`$source`), which a config file refuses.
  accessKeys: [{ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }],
  policies: [],
  inlinePolicies: { p: { Version: '2012-10-17', Statement: statements } },
});

async function signIn(browser: Browser, ferry: ConsoleFerry, key: { accessKeyId: string; secretAccessKey: string }) {
  const opened = await newPage(browser);
  const { page } = opened;
  await page.goto(`${ferry.url}/console`);
  await page.getByLabel('Access key ID').fill(key.accessKeyId);
  await page.getByLabel('Secret access key').fill(key.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Queues/, level: 1 }).waitFor();
  return opened;
}

/** The accessible description of an element (its aria-describedby texts). */
async function description(page: Page, name: string): Promise<string> {
  return page
    .getByRole('button', { name, exact: true })
    .first()
    .evaluate((el: unknown) => {
      const e = el as {
        getAttribute(n: string): string | null;
        ownerDocument: { getElementById(id: string): { textContent: string | null } | null };
      };
      return (e.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => e.ownerDocument.getElementById(id)?.textContent ?? '')
        .join(' ');
    });
}

async function noProblems(page: Page, name: string): Promise<void> {
  assert.deepEqual(await a11yProblems(page), [], `${name}: accessibility`);
  await page.setViewportSize(NARROW);
  await page.waitForTimeout(200);
  assert.equal(await horizontalOverflow(page), 0, `${name}: no sideways scroll at ${NARROW.width} px`);
  await page.setViewportSize(LAPTOP);
  await snap(page, name);
}

/** The config's accounts; `growerMayCreate`: the GROWER key may also create queues (changed by a reload). */
function accounts(growerMayCreate: boolean) {
  return {
    [ACCT]: {
      users: {
        admin: {
          admin: true,
          accessKeys: [{ accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }],
          policies: [],
          inlinePolicies: {},
        },
        viewer: user(VIEWER, [
          { Effect: 'Allow', Action: ['sqs:ListQueues', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], Resource: '*' },
        ]),
        team: user(TEAM, [
          { Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
          { Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:*:${ACCT}:team-*` },
        ]),
        producer: user(PRODUCER, [
          { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'], Resource: `arn:aws:sqs:*:${ACCT}:orders` },
        ]),
        grower: user(GROWER, [
          { Effect: 'Allow', Action: ['sqs:ListQueues', 'sqs:GetQueueAttributes'], Resource: '*' },
          ...(growerMayCreate ? [{ Effect: 'Allow', Action: 'sqs:CreateQueue', Resource: '*' }] : []),
        ]),
      },
    },
  };
}

describe('console permissions and key-ring hints (auth sigv4) in Chromium', { skip: browserSkip(), timeout: 180_000 }, () => {
  let ferry: ConsoleFerry;
  let browser: Browser;
  let dir: string;
  let configFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-perm-'));
    configFile = join(dir, 'ferry.json');
    writeFileSync(configFile, JSON.stringify({ accounts: accounts(false) }));
    ferry = await startConsoleFerry(
      {
        auth: 'sigv4',
        configFile,
        accounts: accounts(false),
      },
      ADMIN,
    );
    await ferry.sqs.call('CreateQueue', { QueueName: 'orders' });
    await ferry.sqs.call('CreateQueue', { QueueName: 'vault', Attributes: { KmsMasterKeyId: 'alias/payments-key' } });
    await ferry.sqs.call('CreateQueue', { QueueName: 'sealed', Attributes: { KmsMasterKeyId: 'alias/aws/sqs' } });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await ferry?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a policy changed by a reload shows without reloading the page: re-read every 15 s and when the tab comes back', async () => {
    const { context, page, errors } = await newPage(browser);
    try {
      // The page's timers under Playwright's clock, so the 15 s re-read can be run at once.
      await page.clock.install();
      await page.goto(`${ferry.url}/console`);
      await page.getByLabel('Access key ID').fill(GROWER.accessKeyId);
      await page.getByLabel('Secret access key').fill(GROWER.secretAccessKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'orders', exact: true }).waitFor();
      const button = page.getByRole('button', { name: 'Create queue' });
      await until('Create queue disabled', () => button.isDisabled());

      // The operator allows CreateQueue and reloads (what SIGHUP does).
      writeFileSync(configFile, JSON.stringify({ accounts: accounts(true) }));
      ferry.server.reloadIdentities({});
      await page.waitForTimeout(300);
      assert.equal(await button.isDisabled(), true, 'not before the next read');
      await page.clock.runFor(16_000);
      await until('Create queue enabled after the periodic re-read', async () => !(await button.isDisabled()));

      // Taken away again: the tab coming back into view reads at once.
      writeFileSync(configFile, JSON.stringify({ accounts: accounts(false) }));
      ferry.server.reloadIdentities({});
      await page.evaluate(() =>
        (globalThis as unknown as { document: { dispatchEvent(e: unknown): void } }).document.dispatchEvent(new Event('visibilitychange')),
      );
      await until('Create queue disabled after the tab came back', () => button.isDisabled());
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Create queue is disabled, with the reason, for a key that may create no queue; offered to one allowed team-* only', async () => {
    const { context, page, errors } = await signIn(browser, ferry, VIEWER);
    try {
      await page.getByRole('link', { name: 'orders', exact: true }).waitFor();
      const button = page.getByRole('button', { name: 'Create queue' });
      await until('Create queue disabled', () => button.isDisabled());
      assert.match(await description(page, 'Create queue'), /can’t create queues.*AKIAPERMVIEWER.*sqs:CreateQueue/);
      await noProblems(page, 'permissions-create-denied');
      // The create page, opened by its address: the reason instead of a form.
      await page.goto(`${ferry.url}/console/create-queue`);
      await page.getByText('You can’t create queues').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Create queue' }).count(), 0, 'no form to submit');
      assert.match(await page.getByRole('status').filter({ hasText: 'sqs:CreateQueue' }).innerText(), /AKIAPERMVIEWER/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }

    const team = await signIn(browser, ferry, TEAM);
    try {
      // The header's button (the empty list offers one too: this key may read no queue yet).
      const button = team.page.getByRole('button', { name: 'Create queue' }).first();
      await button.waitFor();
      // Give the permissions time to arrive: the button must stay enabled.
      await team.page.waitForTimeout(500);
      assert.equal(await button.isDisabled(), false);
      const perms = await pageFetch(team.page, '/console/api/permissions');
      assert.deepEqual(perms.body, { account: { CreateQueue: true, ListQueues: true } });
      await button.click();
      await team.page.getByLabel('Name').fill('team-jobs');
      await team.page.getByRole('button', { name: 'Create queue' }).click();
      await team.page.getByRole('heading', { name: 'team-jobs', level: 1 }).waitFor();
      assert.deepEqual(team.errors, []);
    } finally {
      await team.context.close();
    }
  });

  test('a producer without GetQueueAttributes sends and polls from the Send/receive page; what it can’t read is “Not permitted”', async () => {
    const { context, page, errors } = await signIn(browser, ferry, PRODUCER);
    try {
      // Its queue page: the reason the details are hidden, and the way to send.
      await page.goto(`${ferry.url}/console/queues/orders`);
      await page.getByText('You can’t see this queue’s details').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Purge' }).isDisabled(), true);
      assert.match(await description(page, 'Purge'), /sqs:PurgeQueue/);
      await noProblems(page, 'permissions-queue-no-attributes');
      await page.getByRole('button', { name: 'Send and receive messages' }).click();

      await page.getByRole('heading', { name: 'Send and receive messages', level: 1 }).waitFor();
      await page.getByLabel('Message body').fill('{"order": 7}');
      await page.getByRole('button', { name: 'Send message' }).click();
      await page.getByRole('status').filter({ hasText: 'Your message has been sent' }).waitFor();
      const url = await queueUrl(ferry.sqs, 'orders');
      const count = async () =>
        (
          await ferry.sqs.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          })
        ).Attributes;
      assert.deepEqual(await count(), { ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' });
      const counts = page.locator('.receive-counts');
      assert.match(await counts.innerText(), /Messages available:\s*Not permitted/);
      assert.match(await counts.innerText(), /In flight:\s*Not permitted/);
      assert.match(await page.getByRole('status').filter({ hasText: 'sqs:GetQueueAttributes' }).innerText(), /AKIAPERMPRODUCER/);

      await page.getByLabel('Polling duration').fill('2');
      await page.getByRole('button', { name: 'Poll for messages' }).click();
      await page
        .getByRole('button', { name: /^Message / })
        .first()
        .waitFor();
      assert.match(await page.locator('.table--messages').innerText(), /"order": 7/);
      assert.equal((await count()).ApproximateNumberOfMessagesNotVisible, '1', 'a real receive');
      await page.getByRole('button', { name: 'Poll for messages' }).waitFor();
      await noProblems(page, 'permissions-send-receive-no-attributes');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('SSE-KMS with a key the key ring lacks: a hint where the encryption is shown, and what to do', async () => {
    const { context, page, errors } = await signIn(browser, ferry, ADMIN);
    try {
      await page.goto(`${ferry.url}/console/queues/vault`);
      const details = page.locator('#details-body');
      await details.getByText('Key not in Ferry’s key ring: sends fail').waitFor();
      await details.getByRole('link', { name: 'What to do' }).click();
      const hint = page.getByRole('status').filter({ hasText: 'The key alias/payments-key is not in Ferry’s key ring' });
      await hint.waitFor();
      const text = await hint.innerText();
      assert.match(text, /KmsNotFound/);
      assert.match(text, /ferry keys create payments-key/);
      assert.match(text, /ferry keys list/);
      assert.match(await page.getByRole('tabpanel').innerText(), /Key in Ferry’s key ring\s*Not found/);
      // True: a send is refused as the hint says.
      await assert.rejects(
        ferry.sqs.call('SendMessage', { QueueUrl: await queueUrl(ferry.sqs, 'vault'), MessageBody: 'x' }),
        /KmsNotFound|KMS\.NotFoundException|does not exist/,
      );
      await noProblems(page, 'encryption-key-missing');

      // A key the ring has: no warning.
      await page.goto(`${ferry.url}/console/queues/sealed?tab=encryption`);
      await page
        .getByRole('tabpanel')
        .getByText(/Key in Ferry’s key ring\s*Enabled/)
        .waitFor();
      assert.equal(await page.getByText('not in Ferry’s key ring').count(), 0);
      assert.equal(await page.getByText('Key not in Ferry’s key ring').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
