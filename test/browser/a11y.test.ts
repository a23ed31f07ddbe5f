/**
 * "Every page works with the keyboard and has proper labels, roles and headings", checked in real
 * Chromium on every page of the console: the queue list, the create-queue form, a queue page with each
 * of its tabs, send and receive, a message's journey, the redrive form, the purge and delete
 * confirmations, and the login page under auth sigv4. On each: one h1 and no skipped heading level,
 * an accessible name on every control, no serious or critical axe-core violation, and no sideways
 * scrolling at 390 px. Then the main flows with the keyboard only — skip link, create a queue, send,
 * poll, peek and open a journey, purge and delete through their dialogs, sign in — with a visible
 * focus ring at each step and the focus back where it was when a dialog closes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { a11yProblems, focusedDescription, focusIndicatorProblem, focusInside, horizontalOverflow, tabTo } from './audit.js';
import {
  attributes,
  browserSkip,
  isFocused,
  LAPTOP,
  launch,
  NARROW,
  newPage,
  queueUrl,
  snap,
  startConsoleFerry,
  until,
  type ConsoleFerry,
} from './harness.js';

const KEY = { accessKeyId: 'AKIDA11YCONSOLE', secretAccessKey: 'a11y-console-secret' };

/** The page as it is: no accessibility problem, and no sideways scroll at phone width; then screenshots. */
async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(200);
  assert.deepEqual(await a11yProblems(page), [], `${name}: accessibility`);
  const size = page.viewportSize() ?? LAPTOP;
  await page.setViewportSize(NARROW);
  await page.waitForTimeout(200);
  assert.equal(await horizontalOverflow(page), 0, `${name}: no sideways scroll at ${NARROW.width} px`);
  await page.setViewportSize(size);
  await snap(page, `a11y-${name}`);
}

/** Press a key on what has the focus (which must be `target`), then expect a visible focus ring wherever the focus lands. */
async function press(page: Page, target: Locator, key: string): Promise<void> {
  assert.equal(await isFocused(target), true, `${target.toString()} has the focus before ${key}`);
  assert.equal(await focusIndicatorProblem(page), '', `the focus ring on ${target.toString()}`);
  await page.keyboard.press(key);
}

describe('console accessibility (auth off) in Chromium', { skip: browserSkip(), timeout: 240_000 }, () => {
  let ferry: ConsoleFerry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    ferry = await startConsoleFerry();
    const { sqs } = ferry;
    await sqs.call('CreateQueue', { QueueName: 'orders-dlq' });
    const dlqArn = (await attributes(sqs, 'orders-dlq')).QueueArn!;
    await sqs.call('CreateQueue', {
      QueueName: 'orders',
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
      tags: { team: 'checkout' },
    });
    await sqs.call('CreateQueue', { QueueName: 'events.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } });
    const orders = await queueUrl(sqs, 'orders');
    for (let i = 0; i < 3; i++) {
      await sqs.call('SendMessage', {
        QueueUrl: orders,
        MessageBody: JSON.stringify({ orderId: i }),
        MessageAttributes: { channel: { DataType: 'String', StringValue: 'web' } },
      });
    }
    const dlq = await queueUrl(sqs, 'orders-dlq');
    for (let i = 0; i < 20; i++) await sqs.call('SendMessage', { QueueUrl: dlq, MessageBody: `poison-${i}` });
    browser = await launch();
    ({ context, page, errors } = await newPage(browser));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await ferry?.close();
  });

  test('every page and tab: one h1, ordered headings, named controls, no serious axe violation, no sideways scroll', async () => {
    await page.goto(`${ferry.url}/console`);
    await page.getByRole('link', { name: 'orders', exact: true }).waitFor();
    await checkPage(page, 'queues');

    await page.goto(`${ferry.url}/console/create-queue`);
    await page.getByRole('heading', { name: 'Create queue', level: 1 }).waitFor();
    await checkPage(page, 'create-queue');
    // With the validation messages showing.
    await page.getByRole('textbox', { name: 'Name' }).fill('bad name!');
    await page.getByRole('button', { name: 'Create queue' }).click();
    await page.locator('.field__error').first().waitFor();
    await checkPage(page, 'create-queue-invalid');

    await page.goto(`${ferry.url}/console/queues/orders/edit`);
    await page.getByRole('heading', { name: 'Edit orders', level: 1 }).waitFor();
    await checkPage(page, 'edit-queue');

    await page.goto(`${ferry.url}/console/queues/orders`);
    await page.getByRole('heading', { name: 'orders', level: 1 }).waitFor();
    const tabs: [string, string, () => Promise<void>][] = [
      ['Browse messages', 'browse', () => page.getByRole('table', { name: 'Messages' }).waitFor()],
      ['Monitoring', 'monitoring', () => page.locator('figure.chart').first().waitFor()],
      ['Dead-letter queue', 'dlq', () => page.getByRole('heading', { name: 'Dead-letter queue' }).first().waitFor()],
      ['Tagging', 'tagging', () => page.getByText('checkout').first().waitFor()],
      ['Access policy', 'policy', () => page.getByRole('tabpanel').getByRole('heading').first().waitFor()],
      ['Encryption', 'encryption', () => page.getByRole('tabpanel').getByRole('heading').first().waitFor()],
    ];
    for (const [label, id, ready] of tabs) {
      await page.getByRole('tab', { name: label }).click();
      await page.getByRole('tab', { name: label, selected: true }).waitFor();
      await ready();
      await checkPage(page, `queue-${id}`);
    }

    // A message opened in Browse messages, and its journey (a dialog).
    await page.getByRole('tab', { name: 'Browse messages' }).click();
    await page
      .getByRole('table', { name: 'Messages' })
      .getByRole('button', { name: /^Message / })
      .first()
      .click();
    await page.getByRole('button', { name: 'View journey' }).waitFor();
    await checkPage(page, 'browse-detail');
    await page.getByRole('button', { name: 'View journey' }).click();
    await page.getByRole('dialog', { name: 'Message journey' }).getByRole('list', { name: 'Events' }).waitFor();
    await checkPage(page, 'journey');
    await page.keyboard.press('Escape');

    // The dead-letter queue's redrive form and its task list.
    await page.goto(`${ferry.url}/console/queues/orders-dlq?tab=dlq`);
    await page.getByRole('button', { name: 'Start DLQ redrive' }).waitFor();
    await page.getByRole('radio', { name: 'Custom max velocity' }).check();
    await page.getByLabel('Maximum messages per second').fill('1');
    await checkPage(page, 'redrive-form');
    await page.getByRole('button', { name: 'Start DLQ redrive' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: /RUNNING|COMPLETED|FAILED/ })
      .waitFor();
    await checkPage(page, 'redrive-task');

    // Purge and delete confirmations.
    await page.goto(`${ferry.url}/console/queues/events.fifo`);
    await page.getByRole('button', { name: 'Purge', exact: true }).click();
    await page.getByRole('dialog', { name: 'Purge queue: events.fifo' }).waitFor();
    await checkPage(page, 'purge-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete queue: events.fifo' }).waitFor();
    await checkPage(page, 'delete-dialog');
    await page.keyboard.press('Escape');

    // Send and receive, with a received message open.
    await page.goto(`${ferry.url}/console/queues/events.fifo/send-receive`);
    await page.getByRole('textbox', { name: 'Message body' }).waitFor();
    await checkPage(page, 'send-receive');
    await page.getByRole('textbox', { name: 'Message body' }).fill('{"a":1}');
    await page.getByRole('textbox', { name: /Message group ID/ }).fill('g1');
    await page.getByRole('button', { name: 'Send message' }).click();
    await until('the send', async () => (await attributes(ferry.sqs, 'events.fifo')).ApproximateNumberOfMessages === '1');
    await page.getByRole('button', { name: 'Poll for messages' }).click();
    await page
      .getByRole('button', { name: /^Message / })
      .first()
      .click();
    await page.getByRole('button', { name: /^Delete message / }).waitFor();
    await checkPage(page, 'send-receive-polled');

    await page.goto(`${ferry.url}/console/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
    await checkPage(page, 'not-found');
    assert.deepEqual(errors, []);
  });

  test('keyboard only: skip link, create a queue, send, poll, peek and a journey, purge and delete', async () => {
    await page.goto(`${ferry.url}/console`);
    await page.getByRole('link', { name: 'orders', exact: true }).waitFor();
    // The first Tab reaches the skip link, shown on screen; Enter moves to the content.
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await tabTo(page, skip, { max: 1 });
    assert.ok(await skip.isVisible());
    const box = await skip.boundingBox();
    assert.ok(box && box.y >= 0, 'the focused skip link is on screen');
    await press(page, skip, 'Enter');
    assert.equal(await isFocused(page.locator('#main')), true, 'the skip link moves the focus to the content');

    // Create a queue: Create queue (Enter), the Name field, then submit with Enter.
    const create = page.getByRole('button', { name: 'Create queue' });
    await tabTo(page, create);
    await press(page, create, 'Enter');
    await page.getByRole('heading', { name: 'Create queue', level: 1 }).waitFor();
    const name = page.getByRole('textbox', { name: 'Name' });
    await tabTo(page, name);
    await page.keyboard.type('keyboard-made');
    // The policy editor: Tab passes through it; once you type, Tab indents, and Escape then Tab moves on.
    const policy = page.getByRole('textbox', { name: 'Policy document (JSON)' });
    await tabTo(page, policy);
    await page.keyboard.press('Tab');
    assert.equal(await isFocused(policy), false, 'Tab leaves the untouched editor');
    await tabTo(page, policy, { back: true, max: 3 });
    await page.keyboard.type('{');
    await page.keyboard.press('Tab');
    assert.equal(await policy.inputValue(), '{  ', 'Tab indents while typing');
    assert.equal(await isFocused(policy), true);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await isFocused(policy), false, 'Escape, then Tab, leaves the editor');
    const submit = page.getByRole('button', { name: 'Create queue' });
    await tabTo(page, submit);
    await press(page, submit, 'Enter');
    await page.getByRole('heading', { name: 'keyboard-made', level: 1 }).waitFor();
    assert.equal((await attributes(ferry.sqs, 'keyboard-made')).FifoQueue, undefined, 'a standard queue');

    // Send and receive: Space on the button, type a body, Enter on Send message, then Poll for messages.
    const sendReceive = page
      .getByRole('link', { name: 'Send and receive messages' })
      .or(page.getByRole('button', { name: 'Send and receive messages' }));
    await tabTo(page, sendReceive);
    await press(page, sendReceive, 'Enter');
    const body = page.getByRole('textbox', { name: 'Message body' });
    await tabTo(page, body);
    await page.keyboard.type('typed with the keyboard');
    const send = page.getByRole('button', { name: 'Send message' });
    await tabTo(page, send);
    await press(page, send, 'Enter');
    await until('the message sent', async () => (await attributes(ferry.sqs, 'keyboard-made')).ApproximateNumberOfMessages === '1');
    const poll = page.getByRole('button', { name: 'Poll for messages' });
    await tabTo(page, poll);
    await press(page, poll, 'Space');
    const received = page.getByRole('button', { name: /^Message / }).first();
    await received.waitFor();
    await tabTo(page, received);
    await press(page, received, 'Enter');
    await until('the message open', async () => (await received.getAttribute('aria-expanded')) === 'true');
    // Delete it from the keyboard.
    const del = page.getByRole('button', { name: /^Delete message / });
    await tabTo(page, del);
    await press(page, del, 'Enter');
    await until(
      'the message deleted',
      async () => {
        const a = await attributes(ferry.sqs, 'keyboard-made');
        return a.ApproximateNumberOfMessages === '0' && a.ApproximateNumberOfMessagesNotVisible === '0';
      },
      15_000,
    );

    // Browse messages on orders: open a message and its journey; Escape closes it and the focus returns.
    await page.goto(`${ferry.url}/console/queues/orders`);
    const first = page
      .getByRole('table', { name: 'Messages' })
      .getByRole('button', { name: /^Message / })
      .first();
    await first.waitFor();
    await tabTo(page, first);
    await press(page, first, 'Enter');
    const journey = page.getByRole('button', { name: 'View journey' });
    await tabTo(page, journey);
    await press(page, journey, 'Enter');
    const dialog = page.getByRole('dialog', { name: 'Message journey' });
    await dialog.getByRole('list', { name: 'Events' }).waitFor();
    assert.equal(await focusInside(dialog), true, 'the focus moves into the journey');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await isFocused(journey), true, 'the focus returns to View journey');

    // Tabs with the arrow keys: from Browse messages to Monitoring, then Home back.
    const browse = page.getByRole('tab', { name: 'Browse messages' });
    await tabTo(page, browse, { back: true });
    await press(page, browse, 'ArrowRight');
    await page.getByRole('tab', { name: 'Monitoring', selected: true }).waitFor();
    assert.equal(await isFocused(page.getByRole('tab', { name: 'Monitoring' })), true);
    await page.keyboard.press('Home');
    await page.getByRole('tab', { name: 'Browse messages', selected: true }).waitFor();

    // Purge: open with Enter, Escape closes and the focus returns; again, type the word, Tab, Space.
    await page.goto(`${ferry.url}/console/queues/orders`);
    await page.getByRole('heading', { name: 'orders', level: 1 }).waitFor();
    const purge = page.getByRole('button', { name: 'Purge', exact: true });
    await tabTo(page, purge);
    await press(page, purge, 'Enter');
    const purgeDialog = page.getByRole('dialog', { name: 'Purge queue: orders' });
    await purgeDialog.waitFor();
    assert.equal(await isFocused(purgeDialog.getByRole('textbox')), true, 'the focus moves into the dialog');
    await page.keyboard.press('Escape');
    await purgeDialog.waitFor({ state: 'detached' });
    assert.equal(await isFocused(purge), true, `the focus returns to Purge, not ${await focusedDescription(page)}`);
    await press(page, purge, 'Space');
    await purgeDialog.waitFor();
    await page.keyboard.type('purge');
    const confirmPurge = purgeDialog.getByRole('button', { name: 'Purge', exact: true });
    await tabTo(page, confirmPurge, { max: 4 });
    await press(page, confirmPurge, 'Space');
    await purgeDialog.waitFor({ state: 'detached' });
    await until('orders purged', async () => (await attributes(ferry.sqs, 'orders')).ApproximateNumberOfMessages === '0');

    // Delete: Tab stays inside the open dialog; type the name, Enter.
    const deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
    await tabTo(page, deleteButton);
    await press(page, deleteButton, 'Enter');
    const deleteDialog = page.getByRole('dialog', { name: 'Delete queue: orders' });
    await deleteDialog.waitFor();
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      assert.equal(await focusInside(deleteDialog), true, 'Tab stays in the modal dialog');
    }
    await tabTo(page, deleteDialog.getByRole('textbox'));
    await page.keyboard.type('orders');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Queues/, level: 1 }).waitFor();
    await assert.rejects(ferry.sqs.call('GetQueueUrl', { QueueName: 'orders' }), /does not exist/);
    assert.deepEqual(errors, []);
  });
});

describe('console accessibility (auth sigv4): the login page', { skip: browserSkip(), timeout: 120_000 }, () => {
  let ferry: ConsoleFerry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    ferry = await startConsoleFerry({ auth: 'sigv4', ...KEY }, KEY);
    browser = await launch();
    ({ context, page, errors } = await newPage(browser));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await ferry?.close();
  });

  test('the login page passes the checks, its errors too, and signing in and out works from the keyboard', async () => {
    await page.goto(`${ferry.url}/console`);
    await page.getByRole('heading', { name: 'Sign in to the console', level: 1 }).waitFor();
    await checkPage(page, 'login');

    const keyField = page.getByRole('textbox', { name: 'Access key ID' });
    await tabTo(page, keyField);
    assert.equal(await focusIndicatorProblem(page), '');
    await page.keyboard.type(KEY.accessKeyId);
    await page.keyboard.press('Tab');
    await page.keyboard.type('a wrong secret');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await checkPage(page, 'login-refused');

    const secret = page.getByLabel('Secret access key');
    await secret.focus();
    await page.keyboard.type(KEY.secretAccessKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Queues/, level: 1 }).waitFor();
    await checkPage(page, 'queues-signed-in');

    const signOut = page.getByRole('button', { name: 'Sign out' });
    await tabTo(page, signOut);
    await press(page, signOut, 'Enter');
    await page.getByRole('heading', { name: 'Sign in to the console', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
  });
});
