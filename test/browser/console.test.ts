/**
 * The web console in real Chromium against a real Ferry (auth off): the queue list, creating standard
 * and FIFO queues through the form (a value refused beside its field, a refusal by the server), send
 * and poll, browsing without side effects (checked through the SQS API), search, a message's journey,
 * a DLQ redrive started and cancelled, purge and delete, keyboard use. Screenshots of each page go to
 * test-output/screenshots at laptop and narrow size.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  attributes,
  browserSkip,
  fieldError,
  isFocused,
  launch,
  newPage,
  pageFetch,
  queueUrl,
  snap,
  snapView,
  startConsoleFerry,
  until,
  startBusyFerry,
  type ConsoleFerry,
} from './harness.js';

describe('console (auth off) in Chromium', { skip: browserSkip(), timeout: 120_000 }, () => {
  let ferry: ConsoleFerry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let dlqArn: string;

  before(async () => {
    ferry = await startConsoleFerry();
    browser = await launch();
    ({ context, page, errors } = await newPage(browser));
    const { sqs } = ferry;
    const dlq = (await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'orders-dlq' })).QueueUrl;
    dlqArn = (await attributes(sqs, 'orders-dlq')).QueueArn!;
    await sqs.call('CreateQueue', {
      QueueName: 'orders',
      Attributes: { VisibilityTimeout: '60', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
    });
    await sqs.call('CreateQueue', { QueueName: 'billing' });
    await sqs.call('CreateQueue', { QueueName: 'events.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } });
    const orders = await queueUrl(sqs, 'orders');
    for (let i = 0; i < 12; i++) {
      await sqs.call('SendMessage', {
        QueueUrl: orders,
        MessageBody: JSON.stringify({ orderId: 1000 + i, customer: `customer-${i}`, total: 20 + i }),
        MessageAttributes: { channel: { DataType: 'String', StringValue: i % 2 ? 'web' : 'mobile' } },
      });
    }
    await sqs.call('SendMessage', { QueueUrl: dlq, MessageBody: 'poison' });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await ferry?.close();
  });

  test('the queue list shows every queue with its counts, filters by prefix and sorts', async () => {
    await page.goto(`${ferry.url}/console`);
    await page.getByRole('heading', { name: /^Queues/ }).waitFor();
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'orders', exact: true }).waitFor();
    for (const name of ['orders-dlq', 'billing', 'events.fifo']) await table.getByRole('link', { name, exact: true }).waitFor();
    const ordersRow = table.getByRole('row').filter({ has: page.getByRole('link', { name: 'orders', exact: true }) });
    assert.match((await ordersRow.innerText()).replace(/\s+/g, ' '), /orders Standard 12 0 0/);
    assert.match(await table.getByRole('row').filter({ hasText: 'events.fifo' }).innerText(), /FIFO/);

    // Sort by available messages, highest first: orders comes first.
    await page.getByRole('button', { name: 'Messages available' }).click();
    const header = page.getByRole('columnheader', { name: 'Messages available' });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    assert.match(await table.getByRole('row').nth(1).innerText(), /^orders\s/);

    // Live refresh: a message sent through the API shows up without a reload.
    await page.getByLabel('Refresh interval').selectOption({ label: '2 seconds' });
    await ferry.sqs.call('SendMessage', { QueueUrl: await queueUrl(ferry.sqs, 'billing'), MessageBody: 'invoice' });
    await until('billing to show 1 available', async () =>
      /billing\s+Standard\s+1\s/.test(await table.getByRole('row').filter({ hasText: 'billing' }).innerText()),
    );
    // Paused, it stops refreshing.
    await page.getByRole('button', { name: 'Pause' }).click();
    assert.equal(await page.getByRole('button', { name: 'Pause' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: 'Pause' }).click();

    await page.getByLabel('Filter by name prefix').fill('ord');
    await until('the filter to apply', async () => (await table.getByRole('link').count()) === 2);
    assert.deepEqual((await table.getByRole('link').allInnerTexts()).sort(), ['orders', 'orders-dlq']);
    assert.match(page.url(), /prefix=ord/);
    await page.getByLabel('Filter by name prefix').fill('');
    await until('all queues again', async () => (await table.getByRole('link').count()) === 4);
    await snap(page, 'queues');
  });

  test('Create queue: a standard queue, with a refused value shown beside its field before submitting', async () => {
    await page.getByRole('button', { name: 'Create queue' }).click();
    await page.getByRole('heading', { name: 'Create queue', level: 1 }).waitFor();
    assert.equal(await page.getByRole('radio', { name: 'Standard' }).isChecked(), true);
    await page.getByLabel('Name', { exact: true }).fill('web-orders');

    const visibility = page.getByLabel('Visibility timeout', { exact: true });
    await visibility.fill('13');
    await page.getByLabel('Visibility timeout unit').selectOption('hours');
    assert.equal(await fieldError(visibility), 'Should be between 0 seconds and 12 hours.');
    assert.equal(await visibility.getAttribute('aria-invalid'), 'true');
    const size = page.getByLabel('Maximum message size');
    await size.fill('2048');
    assert.equal(await fieldError(size), 'Should be between 1 KiB and 1,024 KiB.');
    await page.getByLabel('Policy document (JSON)').fill('{"Version": "2012-10-17",');
    assert.match(await fieldError(page.getByLabel('Policy document (JSON)')), /not valid JSON/);
    await snap(page, 'create-queue-validation');

    // Submitting does nothing but move focus to the first refused field.
    await page.getByRole('button', { name: 'Create queue' }).click();
    await until('focus on the refused field', () => isFocused(visibility));
    assert.equal(page.url().endsWith('/console/create-queue'), true);

    await visibility.fill('45');
    await page.getByLabel('Visibility timeout unit').selectOption('seconds');
    assert.equal(await fieldError(visibility), '');
    await size.fill('256');
    await page.getByLabel('Policy document (JSON)').fill('');
    await page.getByLabel('Delivery delay', { exact: true }).fill('5');
    await page.getByLabel('Receive message wait time').fill('10');
    // Dead-letter queue: orders-dlq after 4 receives.
    await page.getByRole('group', { name: 'Dead-letter queue' }).getByRole('radio', { name: 'Enabled' }).check();
    await page.getByLabel('Choose queue').selectOption({ label: 'orders-dlq' });
    await page.getByLabel('Maximum receives').fill('4');
    await page.getByRole('button', { name: 'Add new tag' }).click();
    await page.getByLabel('Tag 1 key').fill('team');
    await page.getByLabel('Tag 1 value').fill('payments');
    await page.getByRole('button', { name: 'Create queue' }).click();

    await page.getByRole('heading', { name: 'web-orders', level: 1 }).waitFor();
    const a = await attributes(ferry.sqs, 'web-orders');
    assert.equal(a.VisibilityTimeout, '45');
    assert.equal(a.MaximumMessageSize, String(256 * 1024));
    assert.equal(a.DelaySeconds, '5');
    assert.equal(a.ReceiveMessageWaitTimeSeconds, '10');
    assert.deepEqual(JSON.parse(a.RedrivePolicy!), { deadLetterTargetArn: dlqArn, maxReceiveCount: 4 });
    const tags = await ferry.sqs.call<{ Tags: Record<string, string> }>('ListQueueTags', { QueueUrl: await queueUrl(ferry.sqs, 'web-orders') });
    assert.deepEqual(tags.Tags, { team: 'payments' });
  });

  test('Create queue: the server’s refusal is shown, beside the field it names', async () => {
    await page.goto(`${ferry.url}/console/create-queue`);
    await page.getByLabel('Name', { exact: true }).fill('orders');
    await page.getByLabel('Visibility timeout', { exact: true }).fill('90');
    await page.getByRole('button', { name: 'Create queue' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Ferry refused to create the queue' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /QueueNameExists: A queue already exists with the same name and a different value for attribute/);
    assert.match(await fieldError(page.getByLabel('Visibility timeout', { exact: true })), /already exists/);
    assert.equal(page.url().endsWith('/console/create-queue'), true);

    // A Policy refused for an action that does not exist: its message names ActionName, not Policy.
    await page.getByLabel('Name', { exact: true }).fill('policy-refused');
    const editor = page.getByLabel('Policy document (JSON)');
    await editor.fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:Bogus","Resource":"*"}]}');
    await page.getByRole('button', { name: 'Create queue' }).click();
    await page.getByRole('alert').filter({ hasText: 'ActionName' }).waitFor();
    assert.match(await fieldError(editor), /Value sqs:Bogus for parameter ActionName is invalid/);
  });

  test('Create queue: a FIFO queue with the .fifo rule, content-based deduplication and high throughput', async () => {
    await page.goto(`${ferry.url}/console/create-queue`);
    await page.getByRole('radio', { name: 'FIFO' }).check();
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('payments');
    assert.equal(await fieldError(name), 'The name of a FIFO queue must end with the .fifo suffix.');
    await name.fill('payments.fifo');
    assert.equal(await fieldError(name), '');
    await page.getByLabel('Content-based deduplication').check();
    // The throughput limit per group needs the message-group scope: refused beside the field first.
    await page.getByLabel('FIFO throughput limit').selectOption('perMessageGroupId');
    assert.match(await fieldError(page.getByLabel('FIFO throughput limit')), /deduplication scope/);
    await page.getByLabel('Enable high throughput FIFO').check();
    assert.equal(await fieldError(page.getByLabel('FIFO throughput limit')), '');
    await page.getByRole('radio', { name: 'AWS Key Management Service key (SSE-KMS)' }).check();
    // A key of Ferry's key ring (the managed key's alias): sends to the queue are encrypted with it.
    await page.getByLabel('Customer master key').fill('alias/aws/sqs');
    await page.getByRole('button', { name: 'Create queue' }).click();
    await page.getByRole('heading', { name: 'payments.fifo', level: 1 }).waitFor();
    const a = await attributes(ferry.sqs, 'payments.fifo');
    assert.equal(a.FifoQueue, 'true');
    assert.equal(a.ContentBasedDeduplication, 'true');
    assert.equal(a.DeduplicationScope, 'messageGroup');
    assert.equal(a.FifoThroughputLimit, 'perMessageGroupId');
    assert.equal(a.KmsMasterKeyId, 'alias/aws/sqs');
    // The type is fixed once created: the edit form shows it disabled.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit payments.fifo' }).waitFor();
    assert.equal(await page.getByRole('radio', { name: 'FIFO' }).isDisabled(), true);
    assert.equal(await page.getByLabel('Name', { exact: true }).isDisabled(), true);
    await page.getByLabel('Message retention period', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'payments.fifo', level: 1 }).waitFor();
    assert.equal((await attributes(ferry.sqs, 'payments.fifo')).MessageRetentionPeriod, String(2 * 86400));

    // Sending to a FIFO queue asks for the group id (the deduplication id is optional: content-based).
    await page.getByRole('button', { name: 'Send and receive messages' }).click();
    assert.equal(await page.getByLabel('Delivery delay', { exact: true }).count(), 0, 'no per-message delay on FIFO queues');
    await page.getByLabel('Message body').fill('{"payment": 1}');
    await page.getByRole('button', { name: 'Send message' }).click();
    assert.equal(await fieldError(page.getByLabel('Message group ID')), 'Enter a message group ID.');
    await page.getByLabel('Message group ID').fill('customer-1');
    await page.getByRole('button', { name: 'Send message' }).click();
    assert.match(await page.getByRole('status').filter({ hasText: 'Your message has been sent' }).innerText(), /sequence number \d+/);
    await page.getByLabel('Polling duration').fill('2');
    await page.getByRole('button', { name: 'Poll for messages' }).click();
    await page.getByRole('button', { name: /^Message / }).click();
    assert.match(await page.locator('.message-detail').innerText(), /Message group ID\s+customer-1/);
  });

  test('Tagging, Access policy and Encryption tabs show and change what SQS stores', async () => {
    await page.goto(`${ferry.url}/console/queues/web-orders?tab=tagging`);
    const tags = page.getByRole('tabpanel');
    await tags.getByRole('cell', { name: 'payments' }).waitFor();
    await page.getByRole('button', { name: 'Edit tags' }).click();
    await page.getByRole('button', { name: 'Add new tag' }).click();
    await page.getByLabel('Tag 2 key').fill('aws:owner');
    await page.getByRole('button', { name: 'Save tags' }).click();
    assert.match(await page.getByRole('form', { name: 'Edit tags' }).innerText(), /can’t start with "aws:"/);
    await page.getByLabel('Tag 2 key').fill('env');
    await page.getByLabel('Tag 2 value').fill('prod');
    await page.getByRole('button', { name: 'Remove tag 1' }).click();
    await page.getByRole('button', { name: 'Save tags' }).click();
    await tags.getByRole('cell', { name: 'prod' }).waitFor();
    const url = await queueUrl(ferry.sqs, 'web-orders');
    assert.deepEqual((await ferry.sqs.call<{ Tags: Record<string, string> }>('ListQueueTags', { QueueUrl: url })).Tags, { env: 'prod' });

    await page.getByRole('tab', { name: 'Access policy' }).click();
    await page.getByRole('button', { name: 'Edit policy' }).click();
    const editor = page.getByLabel('Policy document (JSON)');
    await editor.fill('[1, 2]');
    assert.match(await fieldError(editor), /must be a JSON object/);
    assert.equal(await page.getByRole('button', { name: 'Save policy' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Insert example policy' }).click();
    assert.equal(await fieldError(editor), '');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByLabel('Access policy JSON').waitFor();
    const policy = JSON.parse((await attributes(ferry.sqs, 'web-orders')).Policy!) as { Statement: { Resource: string }[] };
    assert.match(policy.Statement[0]!.Resource, /:web-orders$/);

    await page.getByRole('tab', { name: 'Encryption' }).click();
    assert.match(await page.getByRole('tabpanel').innerText(), /Amazon SQS key \(SSE-SQS\)/);
  });

  test('Send and receive messages: send with attributes, poll, read the JSON body, change visibility, delete', async () => {
    await page.goto(`${ferry.url}/console/queues/billing`);
    await page.getByRole('button', { name: 'Send and receive messages' }).click();
    await page.getByRole('heading', { name: 'Send and receive messages' }).waitFor();
    // Empty the queue of the earlier test's message first, through the API.
    const url = await queueUrl(ferry.sqs, 'billing');
    await ferry.sqs.call('PurgeQueue', { QueueUrl: url });

    await page.getByRole('button', { name: 'Send message' }).click();
    assert.equal(await fieldError(page.getByLabel('Message body')), 'Enter a message body.');
    await page.getByLabel('Message body').fill('{"invoice":"INV-7","amount":{"value":12.5,"currency":"EUR"}}');
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.getByLabel('Attribute 1 name').fill('tenant');
    await page.getByLabel('Attribute 1 value').fill('acme');
    await page.getByRole('button', { name: 'Send message' }).click();
    const sent = page.getByRole('status').filter({ hasText: 'Your message has been sent and is ready to be received.' });
    await sent.waitFor();
    const messageId = /Message ID: (\S+)/.exec(await sent.innerText())![1]!;

    await page.getByLabel('Polling duration').fill('3');
    await page.getByLabel('Maximum message count').fill('1');
    await page.getByRole('button', { name: 'Poll for messages' }).click();
    const row = page.getByRole('button', { name: `Message ${messageId}` });
    await row.waitFor();
    await row.click();
    const body = page.locator('.message-detail pre.code');
    await body.waitFor();
    assert.match(await body.innerText(), /"amount": \{\n\s+"value": 12.5,/);
    assert.match(await page.locator('.message-detail').innerText(), /tenant\s+String\s+acme/);
    assert.match(await page.locator('.message-detail').innerText(), /Receive count\s+1/);
    await snap(page, 'send-receive');

    // Change visibility to 0: the message is available again (checked through the API).
    await page.getByLabel('Visibility timeout (seconds)').fill('0');
    await page.getByRole('button', { name: 'Change visibility' }).click();
    await until('the message to be visible again', async () => (await attributes(ferry.sqs, 'billing')).ApproximateNumberOfMessages === '1');

    // Poll again (receive count 2), then delete it from the list.
    await page.getByRole('button', { name: 'Poll for messages' }).click();
    await until('receive count 2', async () => /Receive count\s+2/.test(await page.locator('.message-detail').innerText()));
    await page.getByRole('button', { name: `Delete message ${messageId}` }).click();
    await until('the message to leave the list', async () => (await page.getByRole('button', { name: `Message ${messageId}` }).count()) === 0);
    const a = await attributes(ferry.sqs, 'billing');
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, '0');
    assert.deepEqual(errors, []);
  });

  test('Browse messages: a peek (no receive, no visibility change), search, and a message journey', async () => {
    const url = await queueUrl(ferry.sqs, 'orders');
    // One message in flight (received through the API), the rest available.
    const got = await ferry.sqs.call<{ Messages: { MessageId: string; Body: string }[] }>('ReceiveMessage', {
      QueueUrl: url,
      MaxNumberOfMessages: 1,
      VisibilityTimeout: 600,
    });
    const inflightId = got.Messages[0]!.MessageId;
    const before = await attributes(ferry.sqs, 'orders');
    assert.equal(before.ApproximateNumberOfMessages, '11');
    assert.equal(before.ApproximateNumberOfMessagesNotVisible, '1');

    await page.goto(`${ferry.url}/console/queues/orders`);
    await page.getByRole('tab', { name: 'Browse messages' }).click();
    const table = page.getByRole('table', { name: 'Messages' });
    await table.waitFor();
    assert.equal(await table.getByRole('button', { name: /^Message / }).count(), 12);
    assert.match(await table.getByRole('row').filter({ hasText: inflightId }).innerText(), /In flight/);

    // Only the in-flight one.
    await page.getByRole('radio', { name: 'In flight' }).check();
    await until('one in-flight message', async () => (await table.getByRole('button', { name: /^Message / }).count()) === 1);
    await page.getByRole('radio', { name: 'All' }).check();
    await until('all messages', async () => (await table.getByRole('button', { name: /^Message / }).count()) === 12);

    // Search the body.
    await page.getByRole('searchbox', { name: 'Search' }).fill('customer-7');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await until('one body match', async () => (await table.getByRole('button', { name: /^Message / }).count()) === 1);
    assert.match(await table.innerText(), /customer-7/);
    // Search an attribute value.
    await page.getByLabel('Search in').selectOption('attribute');
    await page.getByRole('searchbox', { name: 'Search' }).fill('mobile');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await until('six attribute matches', async () => (await table.getByRole('button', { name: /^Message / }).count()) === 6);
    // Search by message id, open it and its journey.
    await page.getByLabel('Search in').selectOption('messageId');
    await page.getByRole('searchbox', { name: 'Search' }).fill(inflightId);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await until('the id match', async () => (await table.getByRole('button', { name: /^Message / }).count()) === 1);
    await table.getByRole('button', { name: `Message ${inflightId}` }).click();
    assert.match(await page.locator('.message-detail').innerText(), /Receive count\s+1/);
    await snap(page, 'browse');
    await page.getByRole('button', { name: 'View journey' }).click();
    const dialog = page.getByRole('dialog', { name: 'Message journey' });
    await dialog.waitFor();
    const events = dialog.getByRole('list', { name: 'Events' });
    await events.waitFor();
    const text = await events.innerText();
    assert.match(text, /Sent[\s\S]*Received[\s\S]*Receive #1 · invisible for 10 min/);
    await snap(page, 'journey');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Nothing moved: the same counts, and the available messages were never received.
    const afterAttrs = await attributes(ferry.sqs, 'orders');
    assert.equal(afterAttrs.ApproximateNumberOfMessages, '11');
    assert.equal(afterAttrs.ApproximateNumberOfMessagesNotVisible, '1');
    const r = await ferry.sqs.call<{ Messages: { Attributes: Record<string, string> }[] }>('ReceiveMessage', {
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    assert.equal(r.Messages.length, 10);
    for (const m of r.Messages) assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  });

  test('Monitoring: without history the charts say so; with history they draw it, over the chosen window', async () => {
    await page.goto(`${ferry.url}/console/queues/orders?tab=monitoring`);
    await page.getByRole('tab', { name: 'Monitoring', selected: true }).waitFor();
    const figures = page.locator('figure.chart');
    await until('four charts', async () => (await figures.count()) === 4);
    // This server has no monitor yet (or it has just started): empty history is a message, not an error.
    // (The history loads after the figures appear: wait for it to be drawn or reported empty.)
    await until(
      'history drawn or reported empty',
      async () => (await page.locator('canvas').count()) > 0 || /No data for this window yet/.test(await figures.first().innerText()),
    );
    if ((await page.locator('canvas').count()) === 0) assert.match(await figures.first().innerText(), /No data for this window yet/);

    // A server whose monitor has an hour of history, recorded from real traffic: uPlot draws it, and the
    // latest point is the queue's state as the SQS API reports it.
    const busy = await startBusyFerry();
    try {
      const a = await attributes(busy.sqs, 'checkout');
      const moved = Number((await attributes(busy.sqs, 'checkout-dlq')).ApproximateNumberOfMessages);
      assert.ok(moved > 0, 'poison messages reached the dead-letter queue');
      await page.goto(`${busy.url}/console/queues/checkout?tab=monitoring`);
      await until('four drawn charts', async () => (await page.locator('figure.chart canvas').count()) === 4);
      const depth = page.getByRole('img', {
        name: `Messages by state: latest ${a.ApproximateNumberOfMessages} available, ${a.ApproximateNumberOfMessagesNotVisible} in flight, ${a.ApproximateNumberOfMessagesDelayed} delayed`,
      });
      await depth.waitFor();
      assert.match(await page.locator('figure.chart').first().innerText(), /Available[\s\S]*In flight[\s\S]*Delayed/);
      await page.getByLabel('Time window').selectOption({ label: 'Last 1 hour' });
      await page.waitForTimeout(400);
      await snap(page, 'monitoring');
      // The README's picture: details folded, the counts and the charts in one laptop screen.
      await page.getByRole('button', { name: 'Queue details' }).click();
      await snapView(page, 'readme-console');
      await page.goto(`${busy.url}/console`);
      await page.getByRole('link', { name: 'checkout', exact: true }).waitFor();
      const n = (v: string | undefined): string => Number(v).toLocaleString('en-US'); // the table groups digits
      const row = `checkout\\s+Standard\\s+${n(a.ApproximateNumberOfMessages)}\\s+${n(a.ApproximateNumberOfMessagesNotVisible)}\\s+${n(a.ApproximateNumberOfMessagesDelayed)}\\s`;
      await until('counts shown', async () => new RegExp(row).test(await page.getByRole('table').innerText()));
      await snap(page, 'queues-live');
    } finally {
      await busy.close();
    }
  });

  test('Dead-letter queue: sources listed, a redrive started at a rate limit, then cancelled', async () => {
    const dlq = await queueUrl(ferry.sqs, 'orders-dlq');
    for (let i = 0; i < 20; i++) await ferry.sqs.call('SendMessage', { QueueUrl: dlq, MessageBody: `failed-${i}` });
    await page.goto(`${ferry.url}/console/queues/orders-dlq?tab=dlq`);
    const sources = page.getByRole('region', { name: 'Dead-letter source queues' });
    await sources.getByRole('link', { name: 'orders', exact: true }).waitFor();
    await page.getByRole('radio', { name: 'Redrive to a custom destination' }).check();
    await page.getByLabel('Destination queue').selectOption({ label: 'billing' });
    await page.getByRole('radio', { name: 'Custom max velocity' }).check();
    await page.getByLabel('Maximum messages per second').fill('1');
    await page.getByRole('button', { name: 'Start DLQ redrive' }).click();
    const running = page.getByRole('row').filter({ hasText: 'RUNNING' });
    await running.waitFor();
    assert.match(await running.innerText(), /billing/);
    await snap(page, 'redrive');
    await running.getByRole('button', { name: 'Cancel DLQ redrive' }).click();
    await until('the task to be cancelled', async () => {
      const tasks = await ferry.sqs.call<{ Results: { Status: string }[] }>('ListMessageMoveTasks', { SourceArn: dlqArn });
      return ['CANCELLING', 'CANCELLED'].includes(tasks.Results[0]?.Status ?? '');
    });
    await page
      .getByRole('row')
      .filter({ hasText: /CANCELL(ING|ED)/ })
      .waitFor();
    const moved = Number((await attributes(ferry.sqs, 'billing')).ApproximateNumberOfMessages);
    assert.ok(moved < 21, `only some messages moved before the cancel (${moved})`);
  });

  test('Purge and Delete ask for the confirmation word, are keyboard-usable, and do what they say', async () => {
    await page.goto(`${ferry.url}/console/queues/orders`);
    await page.getByRole('heading', { name: 'orders', level: 1 }).waitFor();
    await snap(page, 'queue');
    // Keyboard: tabs move with the arrow keys.
    await page.getByRole('tab', { name: 'Browse messages' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Monitoring', selected: true }).waitFor();
    assert.equal(await isFocused(page.getByRole('tab', { name: 'Monitoring' })), true);

    const purgeButton = page.getByRole('button', { name: 'Purge', exact: true });
    await purgeButton.click();
    const dialog = page.getByRole('dialog', { name: 'Purge queue: orders' });
    await dialog.waitFor();
    const confirmInput = dialog.getByRole('textbox');
    assert.equal(await isFocused(confirmInput), true, 'focus moves into the dialog');
    const confirm = dialog.getByRole('button', { name: 'Purge', exact: true });
    assert.equal(await confirm.isDisabled(), true);
    await confirmInput.fill('purg');
    assert.equal(await confirm.isDisabled(), true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await isFocused(purgeButton), true, 'focus returns to the button');
    assert.notEqual((await attributes(ferry.sqs, 'orders')).ApproximateNumberOfMessages, '0');
    // The Browse tab lists the messages before the purge, and not after it (without a Refresh).
    await page.getByRole('tab', { name: 'Browse messages' }).click();
    const browsed = page.getByRole('tabpanel').locator('tbody tr');
    await until('the messages to be listed', async () => (await browsed.count()) > 0);

    await purgeButton.click();
    await dialog.getByRole('textbox').fill('purge');
    await snap(page, 'purge-dialog');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await until('the queue to be empty', async () => {
      const a = await attributes(ferry.sqs, 'orders');
      return a.ApproximateNumberOfMessages === '0' && a.ApproximateNumberOfMessagesNotVisible === '0';
    });
    await page.getByRole('tabpanel').getByText('No messages', { exact: true }).waitFor();
    assert.equal(await browsed.count(), 0);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const del = page.getByRole('dialog', { name: 'Delete queue: orders' });
    await del.waitFor();
    await del.getByRole('textbox').fill('orders');
    await del.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { name: /^Queues/ }).waitFor();
    await assert.rejects(ferry.sqs.call('GetQueueUrl', { QueueName: 'orders' }), /does not exist/);
    // The session's CSRF token is on every change the page made; without it the API refuses.
    const refused = await pageFetch(page, '/console/api/sqs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ListQueues' },
      body: '{}',
    });
    assert.equal(refused.status, 403);
    assert.deepEqual(errors, []);
  });
});
