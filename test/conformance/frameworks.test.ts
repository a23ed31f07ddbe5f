/**
 * Real third-party SQS frameworks through whole workflows against a real `ferry serve` process (one per
 * engine), with `--auth sigv4` so each framework's request signing is checked too:
 *  - sqs-consumer (npm, over the JavaScript SDK v3, JSON protocol): handleMessage and
 *    handleMessageBatch, deletes, a failing handler's message returning after its visibility timeout,
 *    heartbeats extending the visibility of a slow handler, and a dead-letter queue after
 *    maxReceiveCount;
 *  - Celery 5.2 on kombu's SQS transport (Debian's python3-celery, python3-kombu, python3-boto3 and
 *    python3-pycurl, Query protocol): a worker process consumes tasks sent with apply_async
 *    (test/clients/celery_app.py);
 *  - Symfony Messenger 5.4's Amazon SQS transport (Debian's php-symfony-amazon-sqs-messenger, over
 *    async-aws/sqs 1.7, Query protocol): test/clients/symfony_messenger.php.
 * The Debian packages are installed by .ci/run. In CI every framework must be present; elsewhere a
 * missing one is reported as a skip that names what to install.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SQSClient, type Message } from '@aws-sdk/client-sqs';
import { Consumer, type ConsumerOptions } from 'sqs-consumer';
import { makeClient, TEST_CREDENTIALS, type SqsCaller } from '../helpers/clients.js';
import { ENGINES } from '../helpers/matrix.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const CLIENTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/clients');
const inCI = process.env.CI === 'true';
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const arn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Debian's interpreter: the Debian packages (celery, kombu, boto3 1.26, pycurl) are installed for it. */
const PYTHON = '/usr/bin/python3';

function celeryMissing(): string | undefined {
  const install = 'apt-get install --no-install-recommends python3-celery python3-kombu python3-boto3 python3-pycurl';
  if (!existsSync(PYTHON)) return `${PYTHON} not found (${install})`;
  const r = spawnSync(PYTHON, ['-c', 'import celery, kombu.transport.SQS, boto3, pycurl'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `Celery/kombu's SQS transport missing for ${PYTHON} (${install}): ${r.stderr.trim().split('\n').pop()}`;
}

function symfonyMissing(): string | undefined {
  const install = 'apt-get install --no-install-recommends php-cli php-symfony-amazon-sqs-messenger';
  const php = spawnSync('php', ['-r', 'require "Symfony/Component/Messenger/Bridge/AmazonSqs/autoload.php";'], { encoding: 'utf8' });
  if (php.error) return `php not found (${install})`;
  return php.status === 0 ? undefined : `Symfony Messenger's Amazon SQS transport missing (${install}): ${php.stderr.trim()}`;
}

const celery = celeryMissing();
const symfony = symfonyMissing();

/** A skip outside CI; in CI the test runs and its first assertion fails with the reason. */
const skipUnlessCI = (missing: string | undefined) => (missing && !inCI ? { skip: missing } : {});

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** A child process whose output is collected (both streams), with its exit as a promise. */
function launch(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): { proc: ChildProcess; output: () => string; done: Promise<Finished> } {
  const proc = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const done = new Promise<Finished>((res, rej) => {
    proc.once('error', rej);
    proc.once('close', (code, signal) => res({ code, signal, out }));
  });
  return { proc, output: () => out, done };
}

/** Run to the end, killed (SIGKILL) after `timeoutMs`. */
async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, cwd?: string): Promise<Finished> {
  const child = launch(cmd, args, env, cwd);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  try {
    return await child.done;
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** ApproximateNumberOfMessages + …NotVisible + …Delayed: 0 once every message is deleted. */
async function messagesLeft(client: SqsCaller, queueUrl: string): Promise<number> {
  const { Attributes: a } = await client.call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  });
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible) + Number(a.ApproximateNumberOfMessagesDelayed);
}

for (const engine of ENGINES) {
  describe(`frameworks [${engine}]`, () => {
    let ferry: FerryProcess;
    let client: SqsCaller;
    let sqs: SQSClient;
    let n = 0;
    const name = (base: string) => `${base}-${engine}-${++n}`;

    before(async () => {
      ferry = await startFerryProcess({
        storage: engine,
        args: ['--skip-cooldowns', '--auth', 'sigv4', '--access-key-id', TEST_CREDENTIALS.accessKeyId],
        env: { FERRY_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey },
      });
      client = makeClient('json', ferry.url);
      sqs = new SQSClient({ endpoint: ferry.url, region: REGION, credentials: TEST_CREDENTIALS });
    });
    after(async () => {
      client?.destroy();
      sqs?.destroy();
      await ferry?.stop();
      ferry?.cleanup();
    });

    async function createQueue(base: string, attributes: Record<string, string> = {}): Promise<string> {
      const out = await client.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name(base), Attributes: attributes });
      return out.QueueUrl;
    }

    interface Run {
      /** Messages whose handling ended in a delete (sqs-consumer's 'message_processed'). */
      processed: Message[];
      /** Handler failures (sqs-consumer's 'processing_error'). */
      processingErrors: Error[];
    }

    /**
     * Run an sqs-consumer Consumer until `until(run)` holds, then stop it (aborting its long poll).
     * Fails on any 'error' event while it runs (a request Ferry refused, a response the SDK could not
     * read).
     */
    async function consume(
      options: Omit<ConsumerOptions, 'sqs' | 'region'>,
      until: (run: Run) => boolean | Promise<boolean>,
      timeoutMs = 20_000,
    ): Promise<Run> {
      const consumer = Consumer.create({ sqs, waitTimeSeconds: 1, suppressFifoWarning: true, ...options });
      const result: Run = { processed: [], processingErrors: [] };
      const errors: Error[] = [];
      let stopping = false;
      consumer.on('error', (e) => {
        if (!stopping) errors.push(e);
      });
      consumer.on('processing_error', (e) => result.processingErrors.push(e));
      consumer.on('message_processed', (m) => result.processed.push(m));
      const stopped = new Promise<void>((res) => consumer.once('stopped', () => res()));
      consumer.start();
      try {
        await waitFor('the consumer', async () => errors.length > 0 || (await until(result)), timeoutMs);
      } finally {
        stopping = true;
        consumer.stop({ abort: true });
        await stopped;
      }
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
        'the consumer reported errors',
      );
      return result;
    }

    it('sqs-consumer: handleMessage processes each message, then it is deleted', async () => {
      const queueUrl = await createQueue('sc-single', { VisibilityTimeout: '1' });
      const bodies = ['one', 'two', 'thrée', JSON.stringify({ order: 4 }), 'five'];
      for (const [i, body] of bodies.entries()) {
        await client.call('SendMessage', {
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } },
        });
      }
      const handled: Message[] = [];
      const run = await consume(
        {
          queueUrl,
          batchSize: 2,
          messageAttributeNames: ['All'],
          handleMessage: async (m) => {
            handled.push(m);
            return m;
          },
        },
        (r) => r.processed.length === bodies.length,
      );
      assert.deepEqual(handled.map((m) => m.Body).sort(), [...bodies].sort());
      assert.deepEqual(handled.map((m) => m.MessageAttributes?.n?.StringValue).sort(), ['0', '1', '2', '3', '4']);
      assert.deepEqual(run.processed.map((m) => m.MessageId).sort(), handled.map((m) => m.MessageId).sort());
      assert.equal(run.processingErrors.length, 0);
      assert.equal(await messagesLeft(client, queueUrl), 0, 'every message deleted');
    });

    it('sqs-consumer: handleMessageBatch acknowledges a subset; the rest come back after the visibility timeout', async () => {
      const queueUrl = await createQueue('sc-batch', { VisibilityTimeout: '1' });
      await client.call('SendMessageBatch', {
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
      });
      const deliveries = new Map<string, Array<{ at: number; count: string | undefined }>>();
      const run = await consume(
        {
          queueUrl,
          batchSize: 10,
          messageSystemAttributeNames: ['ApproximateReceiveCount'],
          handleMessageBatch: async (messages) => {
            for (const m of messages) {
              const list = deliveries.get(m.Body!) ?? [];
              list.push({ at: Date.now(), count: m.Attributes?.ApproximateReceiveCount });
              deliveries.set(m.Body!, list);
            }
            // Odd-numbered messages are acknowledged only on their second delivery.
            return messages.filter((m) => Number(m.Body!.slice(1)) % 2 === 0 || deliveries.get(m.Body!)!.length > 1);
          },
        },
        (r) => r.processed.length === 10,
      );
      assert.deepEqual([...deliveries.keys()].sort(), Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
      for (const [body, list] of deliveries) {
        const odd = Number(body.slice(1)) % 2 === 1;
        assert.equal(list.length, odd ? 2 : 1, `${body} delivered ${list.length} times`);
        assert.equal(list[0]!.count, '1', `${body}: ApproximateReceiveCount of the first delivery`);
        if (odd) {
          assert.equal(list[1]!.count, '2', `${body}: ApproximateReceiveCount of the second delivery`);
          const gap = list[1]!.at - list[0]!.at;
          assert.ok(gap >= 900, `${body} came back after ${gap} ms, before its 1 s visibility timeout`);
        }
      }
      assert.equal(run.processingErrors.length, 0);
      assert.equal(await messagesLeft(client, queueUrl), 0, 'every message deleted (DeleteMessageBatch)');
    });

    it('sqs-consumer: a message whose handler throws comes back after its visibility timeout', async () => {
      const queueUrl = await createQueue('sc-retry', { VisibilityTimeout: '1' });
      const sent = await client.call<{ MessageId: string }>('SendMessage', { QueueUrl: queueUrl, MessageBody: 'try again' });
      const calls: Array<{ at: number; count: string | undefined }> = [];
      const run = await consume(
        {
          queueUrl,
          messageSystemAttributeNames: ['ApproximateReceiveCount'],
          handleMessage: async (m) => {
            calls.push({ at: Date.now(), count: m.Attributes?.ApproximateReceiveCount });
            if (calls.length === 1) throw new Error('first attempt fails');
            return m;
          },
        },
        (r) => r.processed.length === 1,
      );
      assert.equal(calls.length, 2);
      assert.deepEqual(
        calls.map((c) => c.count),
        ['1', '2'],
      );
      const gap = calls[1]!.at - calls[0]!.at;
      assert.ok(gap >= 900 && gap < 10_000, `redelivered after ${gap} ms (visibility timeout 1 s)`);
      assert.equal(run.processingErrors.length, 1);
      assert.match(run.processingErrors[0]!.message, /first attempt fails/);
      assert.equal(run.processed[0]!.MessageId, sent.MessageId);
      assert.equal(await messagesLeft(client, queueUrl), 0);
    });

    it('sqs-consumer: terminateVisibilityTimeout makes a failed message visible again at once', async () => {
      // The queue's visibility timeout is 60 s: the message comes back quickly only through the
      // consumer's ChangeMessageVisibility(0).
      const queueUrl = await createQueue('sc-terminate', { VisibilityTimeout: '60' });
      await client.call('SendMessage', { QueueUrl: queueUrl, MessageBody: 'retry now' });
      const calls: number[] = [];
      const run = await consume(
        {
          queueUrl,
          terminateVisibilityTimeout: true,
          handleMessage: async (m) => {
            calls.push(Date.now());
            if (calls.length === 1) throw new Error('fails once');
            return m;
          },
        },
        (r) => r.processed.length === 1,
      );
      assert.equal(calls.length, 2);
      assert.ok(calls[1]! - calls[0]! < 10_000, `redelivered after ${calls[1]! - calls[0]!} ms`);
      assert.equal(run.processingErrors.length, 1);
      assert.equal(await messagesLeft(client, queueUrl), 0);
    });

    it('sqs-consumer: heartbeats keep a slow message invisible past its visibility timeout', async () => {
      const queueUrl = await createQueue('sc-heartbeat', { VisibilityTimeout: '1' });
      await client.call('SendMessage', { QueueUrl: queueUrl, MessageBody: 'slow' });
      let calls = 0;
      const probes: number[] = [];
      const run = await consume(
        {
          queueUrl,
          visibilityTimeout: 2,
          heartbeatInterval: 1,
          handleMessage: async (m) => {
            calls++;
            // 3.5 s of work, well past the 2 s of the receive: without the heartbeats'
            // ChangeMessageVisibility calls another receiver would get the message meanwhile.
            for (const wait of [1500, 1000, 1000]) {
              await sleep(wait);
              const r = await client.call<{ Messages?: Message[] }>('ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 0 });
              probes.push(r.Messages?.length ?? 0);
            }
            return m;
          },
        },
        (r) => r.processed.length === 1,
      );
      assert.equal(calls, 1);
      assert.deepEqual(probes, [0, 0, 0], 'another receiver saw the message while it was being handled');
      assert.equal(run.processingErrors.length, 0);
      assert.equal(await messagesLeft(client, queueUrl), 0);
    });

    it('sqs-consumer: a message that keeps failing ends up in the dead-letter queue after maxReceiveCount', async () => {
      const dlqName = name('sc-dlq');
      const dlqUrl = (await client.call<{ QueueUrl: string }>('CreateQueue', { QueueName: dlqName })).QueueUrl;
      const srcName = name('sc-poison');
      const srcUrl = (
        await client.call<{ QueueUrl: string }>('CreateQueue', {
          QueueName: srcName,
          Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 2 }) },
        })
      ).QueueUrl;
      const sent = await client.call<{ MessageId: string }>('SendMessage', { QueueUrl: srcUrl, MessageBody: 'poison' });
      let calls = 0;
      const run = await consume(
        {
          queueUrl: srcUrl,
          handleMessage: async () => {
            calls++;
            throw new Error('cannot handle this');
          },
        },
        async () => (await messagesLeft(client, dlqUrl)) === 1,
      );
      assert.equal(calls, 2, 'handled maxReceiveCount times, then moved');
      assert.equal(run.processingErrors.length, 2);
      assert.equal(run.processed.length, 0);
      assert.equal(await messagesLeft(client, srcUrl), 0);
      const dead = await client.call<{ Messages: Message[] }>('ReceiveMessage', { QueueUrl: dlqUrl, AttributeNames: ['All'] });
      assert.equal(dead.Messages.length, 1);
      assert.equal(dead.Messages[0]!.MessageId, sent.MessageId);
      assert.equal(dead.Messages[0]!.Body, 'poison');
      assert.equal(dead.Messages[0]!.Attributes?.DeadLetterQueueSourceArn, arn(srcName));
    });

    it('Celery (kombu SQS transport): a worker process runs tasks sent with apply_async', { ...skipUnlessCI(celery), timeout: 120_000 }, async () => {
      assert.equal(celery, undefined, celery);
      const resultDir = mkdtempSync(join(tmpdir(), 'ferry-celery-'));
      const prefix = `${name('celery')}-`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PYTHONPATH: CLIENTS_DIR,
        PYTHONDONTWRITEBYTECODE: '1',
        FERRY_URL: ferry.url,
        CELERY_QUEUE_PREFIX: prefix,
        CELERY_RESULT_DIR: resultDir,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: REGION,
      };
      const worker = launch(PYTHON, ['-m', 'celery', '-A', 'celery_app', 'worker', '--pool', 'solo', '--loglevel', 'INFO'], env, CLIENTS_DIR);
      try {
        let exited = false;
        void worker.done.then(() => (exited = true));
        await waitFor('the Celery worker to be ready', () => exited || / ready\.$/m.test(worker.output()), 30_000).catch((e: Error) => {
          throw new Error(`${e.message}\n${worker.output()}`);
        });
        assert.equal(exited, false, `the worker exited:\n${worker.output()}`);
        const sender = await run(PYTHON, [join(CLIENTS_DIR, 'celery_app.py')], env, 90_000, CLIENTS_DIR);
        assert.equal(sender.code, 0, `sender:\n${sender.out}\nworker:\n${worker.output()}`);
        assert.match(sender.out, /^OK 8 /m);
        worker.proc.kill('SIGTERM'); // warm shutdown
        const end = await worker.done;
        assert.equal(end.code, 0, `the worker's exit after SIGTERM:\n${end.out}`);
        assert.match(end.out, /Warm shutdown/);
        assert.equal((end.out.match(/Task celery_app\.\w+\[[\w-]+\] succeeded/g) ?? []).length, 7, end.out); // 5 add, shout, flaky (its first run retried)
        assert.match(end.out, /Task celery_app\.flaky\[[\w-]+\] retry: Retry in 1s/);
        assert.match(end.out, /Task celery_app\.broken\[[\w-]+\] raised unexpected/);
        // Every task message was acknowledged (deleted) from the queue kombu created.
        const { QueueUrl } = await client.call<{ QueueUrl: string }>('GetQueueUrl', { QueueName: `${prefix}celery` });
        assert.equal(await messagesLeft(client, QueueUrl), 0);
      } finally {
        if (worker.proc.exitCode === null && worker.proc.signalCode === null) worker.proc.kill('SIGKILL');
        await worker.done.catch(() => undefined);
        rmSync(resultDir, { recursive: true, force: true });
      }
    });

    it(
      'Symfony Messenger (Amazon SQS transport): a bus sends, a Worker handles and acks, a reject deletes',
      { ...skipUnlessCI(symfony), timeout: 60_000 },
      async () => {
        assert.equal(symfony, undefined, symfony);
        const queue = name('symfony');
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        };
        const r = await run('php', [join(CLIENTS_DIR, 'symfony_messenger.php'), `127.0.0.1:${ferry.port}`, queue], env, 50_000);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /^OK 3$/m);
        const { QueueUrl } = await client.call<{ QueueUrl: string }>('GetQueueUrl', { QueueName: queue });
        assert.equal(QueueUrl, `${ferry.url}/${ACCOUNT}/${queue}`, 'the transport created the queue (auto_setup)');
        assert.equal(await messagesLeft(client, QueueUrl), 0);
      },
    );
  });
}
