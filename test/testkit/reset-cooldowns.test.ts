/**
 * How reset meets AWS's 60-second cool-downs, as the README states it: a reset that purges counts as a
 * PurgeQueue (the next PurgeQueue within 60 s is PurgeQueueInProgress), a reset that deletes queues counts
 * as DeleteQueue (their names are QueueDeletedRecently for 60 s); advancing the manual clock 60 s or
 * running with skipCooldowns lifts both. Real AWS SDK against startFerry, on every embedded engine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFerry, type StartedFerry } from '../../src/index.js';

const creds = { accessKeyId: 'x', secretAccessKey: 'x' };

async function errorName(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as Error).name;
  }
}

for (const storage of ['memory', 'sqlite'] as const) {
  for (const skipCooldowns of [false, true]) {
    describe(`reset and the cool-downs (${storage}, skipCooldowns ${skipCooldowns})`, () => {
      let ferry: StartedFerry<{ clock: 'manual' }>;
      let sqs: SQSClient;
      let dir: string;
      before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'ferry-reset-'));
        ferry = await startFerry({ storage, dataDir: dir, port: 0, clock: 'manual', skipCooldowns, logLevel: 'silent' });
        sqs = new SQSClient({ endpoint: ferry.url, region: 'us-east-1', credentials: creds });
      });
      after(async () => {
        sqs.destroy();
        await ferry.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it('a reset that purges starts the PurgeQueue cool-down', async () => {
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'purged' }));
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
        assert.equal((await ferry.reset()).queues, 1);
        const purge = () => sqs.send(new PurgeQueueCommand({ QueueUrl }));
        if (skipCooldowns) {
          assert.equal(await errorName(purge()), undefined);
        } else {
          assert.equal(await errorName(purge()), 'PurgeQueueInProgress');
          ferry.clock.advance(60_000);
          assert.equal(await errorName(purge()), undefined);
        }
        assert.equal(await errorName(ferry.reset()), undefined); // reset itself never waits for a cool-down
      });

      it('a reset that deletes queues keeps their names for 60 s', async () => {
        await sqs.send(new CreateQueueCommand({ QueueName: 'deleted' }));
        await ferry.reset({ deleteQueues: true });
        const create = () => sqs.send(new CreateQueueCommand({ QueueName: 'deleted' }));
        if (skipCooldowns) {
          assert.equal(await errorName(create()), undefined);
        } else {
          assert.equal(await errorName(create()), 'QueueDeletedRecently');
          ferry.clock.advance(60_000);
          assert.equal(await errorName(create()), undefined);
        }
      });
    });
  }
}
