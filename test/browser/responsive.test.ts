/**
 * The console on a phone (390×844) and a laptop (1366×768) in real Chromium: the top bar shows the
 * region and account and every one of its controls inside the viewport — with auth off, and with auth
 * sigv4 in read-only mode, where it also carries the read-only badge, the signed-in key and Sign out —
 * and neither the queue list nor a queue page scrolls sideways. On a phone, a table wider than the
 * screen (the redrive tasks) says it scrolls sideways, and polled messages keep their body preview.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { horizontalOverflow, outsideViewport } from './audit.js';
import { browserSkip, LAPTOP, launch, NARROW, newPage, queueUrl, snap, startConsoleFerry, until, type ConsoleFerry } from './harness.js';

const KEY = { accessKeyId: 'AKIDRESPONSIVECONSOLE', secretAccessKey: 'responsive-secret' };
const ACCOUNT = '000000000000';

/** Every problem with the top bar and the page's width at the current viewport size ([] when all is well). */
async function layoutProblems(page: Page, expected: RegExp[]): Promise<string[]> {
  const problems: string[] = [];
  const banner = page.getByRole('banner');
  const region = banner.getByText(`us-east-1 · ${ACCOUNT}`, { exact: true });
  const where = await outsideViewport(page, region);
  if (where) problems.push(`region and account: ${where}`);
  const text = await banner.innerText();
  for (const e of expected) if (!e.test(text)) problems.push(`the top bar lacks ${e}`);
  const controls = banner.locator('a, button, .badge, .topbar__key');
  const n = await controls.count();
  for (let i = 0; i < n; i++) {
    const c = controls.nth(i);
    const why = await outsideViewport(page, c);
    if (why) problems.push(`top-bar item "${(await c.innerText()).trim()}": ${why}`);
  }
  // The key may be shortened with an ellipsis; its whole value stays in its title.
  const key = banner.locator('.topbar__key');
  if ((await key.count()) > 0 && !((await key.getAttribute('title')) ?? '').includes(KEY.accessKeyId))
    problems.push('the key’s title lacks its full value');
  const overflow = await horizontalOverflow(page);
  if (overflow > 0) problems.push(`the page scrolls sideways by ${overflow}px`);
  return problems;
}

async function checkBothSizes(page: Page, expected: RegExp[], name: string): Promise<void> {
  for (const size of [NARROW, LAPTOP]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    assert.deepEqual(await layoutProblems(page, expected), [], `${name} at ${size.width}×${size.height}`);
  }
  await snap(page, name);
}

describe('the console’s layout on a phone and a laptop, in Chromium', { skip: browserSkip(), timeout: 120_000 }, () => {
  let open: ConsoleFerry;
  let guarded: ConsoleFerry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    open = await startConsoleFerry();
    guarded = await startConsoleFerry({ auth: 'sigv4', console: 'read-only', ...KEY }, KEY);
    for (const f of [open, guarded]) {
      await f.sqs.call('CreateQueue', { QueueName: 'customer-notifications-with-a-long-name' });
      await f.sqs.call('CreateQueue', { QueueName: 'orders.fifo', Attributes: { FifoQueue: 'true' } });
    }
    browser = await launch();
    ({ context, page, errors } = await newPage(browser));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await open?.close();
    await guarded?.close();
  });

  test('auth off: the region, the account and the navigation stay on screen; no sideways scroll', async () => {
    await page.setViewportSize(NARROW);
    await page.goto(`${open.url}/console`);
    await page.getByRole('link', { name: 'customer-notifications-with-a-long-name' }).waitFor();
    await checkBothSizes(page, [/Queues/], 'layout-queues');
    await page.setViewportSize(NARROW);
    await page.goto(`${open.url}/console/queues/customer-notifications-with-a-long-name`);
    await page.getByRole('heading', { name: 'customer-notifications-with-a-long-name', level: 1 }).waitFor();
    await checkBothSizes(page, [/Queues/], 'layout-queue');
    // A queue opened on its last tab, on a phone: the tab strip shows the selected tab whole.
    await page.setViewportSize(NARROW);
    await page.goto(`${open.url}/console/queues/customer-notifications-with-a-long-name?tab=encryption`);
    const selectedTab = page.getByRole('tab', { name: 'Encryption', selected: true });
    await selectedTab.waitFor();
    const within = await page.getByRole('tablist').evaluate((list: unknown) => {
      const l = (list as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
      const t = (list as { querySelector(s: string): { getBoundingClientRect(): { left: number; right: number } } })
        .querySelector('[aria-selected=true]')
        .getBoundingClientRect();
      return t.left >= l.left - 0.5 && t.right <= l.right + 0.5;
    });
    assert.equal(within, true, 'the selected tab is inside the visible strip');
    await snap(page, 'layout-queue-last-tab');
    assert.deepEqual(errors, []);
  });

  test('auth sigv4, read-only: the badge, the signed-in key and Sign out too', async () => {
    await page.setViewportSize(NARROW);
    await page.goto(`${guarded.url}/console`);
    await page.getByLabel('Access key ID').fill(KEY.accessKeyId);
    await page.getByLabel('Secret access key').fill(KEY.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'orders.fifo' }).waitFor();
    const expected = [/Read-only/, /Sign out/, /Queues/];
    await checkBothSizes(page, expected, 'layout-queues-signed-in');
    await page.setViewportSize(NARROW);
    await page.getByRole('link', { name: 'orders.fifo' }).click();
    await page.getByRole('heading', { name: 'orders.fifo', level: 1 }).waitFor();
    await checkBothSizes(page, expected, 'layout-queue-signed-in');
    // Sign out works from the phone layout.
    await page.setViewportSize(NARROW);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    assert.deepEqual(errors, []);
  });

  test('on a phone: the redrive tasks table shows it scrolls sideways; polled messages keep their body preview', async () => {
    const sqs = open.sqs;
    const dlq = (await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'returns-dlq' })).QueueUrl;
    const dlqArn = (await sqs.call<{ Attributes: { QueueArn: string } }>('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] }))
      .Attributes.QueueArn;
    const source = (
      await sqs.call<{ QueueUrl: string }>('CreateQueue', {
        QueueName: 'returns',
        Attributes: { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      })
    ).QueueUrl;
    await sqs.call('SendMessage', { QueueUrl: source, MessageBody: 'poison' });
    // Received once, then moved to the DLQ by the next receive; a redrive moves it back.
    for (let i = 0; i < 3; i++) await sqs.call('ReceiveMessage', { QueueUrl: source });
    await sqs.call('StartMessageMoveTask', { SourceArn: dlqArn });

    await page.setViewportSize(NARROW);
    await page.goto(`${open.url}/console/queues/returns-dlq?tab=dlq`);
    const region = page.getByRole('region', { name: /Redrive tasks, scrolls sideways/ });
    await region.waitFor();
    const hint = page.getByText('Scroll sideways for more columns');
    await hint.waitFor();
    assert.equal(await horizontalOverflow(page), 0, 'the table scrolls inside its frame, not the page');
    // Scrolled to its last column, the hint goes (and comes back on a way back).
    await region.evaluate((el: unknown) => {
      const e = el as { scrollLeft: number; scrollWidth: number };
      e.scrollLeft = e.scrollWidth;
    });
    await until('the hint gone at the end', async () => (await hint.count()) === 0);
    await region.evaluate((el: unknown) => {
      (el as { scrollLeft: number }).scrollLeft = 0;
    });
    await hint.waitFor();
    await snap(page, 'layout-redrive-tasks');

    const body = '{"orderId": 7, "status": "returned", "reason": "damaged in transit"}';
    await sqs.call('SendMessage', { QueueUrl: await queueUrl(sqs, 'returns'), MessageBody: body });
    await page.setViewportSize(NARROW);
    await page.goto(`${open.url}/console/queues/returns/send-receive`);
    await page.getByLabel('Polling duration').fill('2');
    await page.getByRole('button', { name: 'Poll for messages' }).click();
    const preview = page.locator('.table--messages .body-preview').filter({ hasText: 'orderId' });
    await preview.waitFor();
    await until('a body preview on screen', () => preview.isVisible());
    assert.match(await preview.innerText(), /"orderId": 7/);
    const box = await preview.boundingBox();
    assert.ok(box && box.width > 200 && box.x >= 0 && box.x + box.width <= NARROW.width, `the preview is on screen: ${JSON.stringify(box)}`);
    await page.getByRole('button', { name: 'Poll for messages' }).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await snap(page, 'layout-polled-messages');
    assert.deepEqual(errors, []);
  });
});
