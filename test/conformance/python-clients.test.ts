/**
 * Real Python clients against a real process: boto3 and the AWS CLI, each in a JSON-protocol version
 * (pyenv python3 / `aws` 1.4x on PATH) and a Query-protocol version (Debian's python3-boto3 1.26 and
 * awscli 2.9, installed by .ci/run). In CI every client must be present; elsewhere a missing one is
 * reported as a skip that names what to install.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/clients/boto3_workflow.py');
const inCI = process.env.CI === 'true';

interface Client {
  label: string;
  bin: string;
  /** For the python interpreters: boto3 must import. */
  python: boolean;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const CLIENTS: Client[] = [
  { label: 'boto3 (JSON, PATH python3)', bin: which('python3') ?? 'python3', python: true },
  { label: 'boto3 (Query, Debian python3-boto3)', bin: '/usr/bin/python3', python: true },
  { label: 'AWS CLI (JSON, PATH aws)', bin: which('aws') ?? 'aws', python: false },
  { label: 'AWS CLI (Query, Debian awscli)', bin: '/usr/bin/aws', python: false },
];

function available(c: Client): string | undefined {
  if (!existsSync(c.bin)) return `${c.bin} not found (apt-get install python3-boto3 awscli)`;
  if (c.python && spawnSync(c.bin, ['-c', 'import boto3'], { encoding: 'utf8' }).status !== 0) return `boto3 missing for ${c.bin}`;
  return undefined;
}

const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDCLI', AWS_SECRET_ACCESS_KEY: 'cli-secret', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };

for (const engine of ['sqlite', 'memory'] as const) {
  describe(`python clients [${engine}]`, () => {
    let ferry: FerryProcess;
    before(async () => {
      ferry = await startFerryProcess({ storage: engine, args: ['--skip-cooldowns'] });
    });
    after(async () => {
      await ferry.stop();
      ferry.cleanup();
    });

    for (const [i, c] of CLIENTS.entries()) {
      const missing = available(c);
      const opts = missing && !inCI ? { skip: missing } : {};
      it(`${c.label}: a whole workflow`, { ...opts, timeout: 60_000 }, () => {
        assert.equal(missing, undefined, missing);
        if (c.python) {
          const r = spawnSync(c.bin, [SCRIPT, ferry.url, `py${i}-${engine}`], { encoding: 'utf8', env, timeout: 50_000 });
          assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
          assert.match(r.stdout, /^OK \d+/m);
          return;
        }
        const aws = (...args: string[]) => {
          const r = spawnSync(c.bin, ['--endpoint-url', ferry.url, '--output', 'json', 'sqs', ...args], { encoding: 'utf8', env, timeout: 30_000 });
          return { status: r.status, out: r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : {}, err: r.stderr };
        };
        const name = `cli${i}-${engine}`;
        const created = aws('create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=45');
        assert.equal(created.status, 0, created.err);
        const url = created.out.QueueUrl as string;
        assert.equal(url, `${ferry.url}/000000000000/${name}`);
        const sent = aws(
          'send-message',
          '--queue-url',
          url,
          '--message-body',
          'from the cli',
          '--message-attributes',
          '{"k":{"DataType":"String","StringValue":"v"}}',
        );
        assert.equal(sent.status, 0, sent.err);
        const got = aws(
          'receive-message',
          '--queue-url',
          url,
          '--attribute-names',
          'All',
          '--message-attribute-names',
          'All',
          '--wait-time-seconds',
          '2',
        );
        assert.equal(got.status, 0, got.err);
        const m = (
          got.out.Messages as Array<{ Body: string; ReceiptHandle: string; MessageAttributes: Record<string, { StringValue?: string }> }>
        )[0]!;
        assert.equal(m.Body, 'from the cli');
        assert.equal(m.MessageAttributes.k?.StringValue, 'v');
        assert.equal(aws('delete-message', '--queue-url', url, '--receipt-handle', m.ReceiptHandle).status, 0);
        const attrs = aws('get-queue-attributes', '--queue-url', url, '--attribute-names', 'All');
        assert.equal((attrs.out.Attributes as Record<string, string>).VisibilityTimeout, '45');
        const listed = aws('list-queues', '--queue-name-prefix', name);
        assert.deepEqual(listed.out.QueueUrls, [url]);
        const missingQ = aws('get-queue-url', '--queue-name', `${name}-nope`);
        assert.notEqual(missingQ.status, 0);
        assert.match(missingQ.err, /NonExistentQueue/);
        assert.equal(aws('delete-queue', '--queue-url', url).status, 0);
      });
    }
  });
}
