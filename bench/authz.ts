#!/usr/bin/env node
/**
 * What authorization adds to a SendMessage, in process (no HTTP, so the ratio is the harshest one:
 * over loopback HTTP + SigV4 a request costs several times more and the same absolute cost is a
 * smaller share):
 *
 *   node dist/bench/authz.js [memory|sqlite] [requests per round] [rounds]
 *
 * SendMessage through dispatchAction, the modes interleaved round by round:
 *  - `off`: no caller (auth off: nothing is checked);
 *  - `admin`: an administrator key, queue without a Policy (queue read once, decision cached);
 *  - `policies`: a user with 2 identity policies (4 statements: allows, a Deny on another queue) and
 *    a queue Policy of 4 statements (a cacheable decision: the steady state for a producer);
 *  - `conditions`: the same with an aws:SourceIp condition in the deciding statement (never cached:
 *    the evaluator runs on every request).
 * Prints one JSON line per mode: median µs per SendMessage over the rounds, and the overhead over `off`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatchAction } from '../src/actions/registry.js';
import type { ActionContext, Authorizer, Caller } from '../src/actions/types.js';
import { buildIdentities } from '../src/auth/identities.js';
import { DecisionCache, QueuePolicyCache } from '../src/auth/policy/index.js';
import { NEVER_CANCELLED } from '../src/core/cancel.js';
import { systemClock } from '../src/core/clock.js';
import { systemRandom } from '../src/core/random.js';
import { createActionServices } from '../src/runtime/index.js';
import type { StorageEngine } from '../src/storage/engine.js';
import { MemoryEngine } from '../src/storage/memory/index.js';
import { SqliteEngine } from '../src/storage/sqlite/index.js';

const ACCT = '000000000000';
const engineName = process.argv[2] ?? 'memory';
const perRound = Number(process.argv[3] ?? 5000);
const rounds = Number(process.argv[4] ?? 9);

const stmt = (Effect: string, Action: string | string[], Resource: string, extra: object = {}) => ({ Effect, Action, Resource, ...extra });
const identities = buildIdentities({
  accountId: ACCT,
  credentials: [{ accessKeyId: 'AKADMIN', secretAccessKey: 'a' }],
  accessKeyId: undefined,
  secretAccessKey: undefined,
  policies: {
    produce: {
      Version: '2012-10-17',
      Statement: [
        stmt('Allow', ['sqs:SendMessage', 'sqs:GetQueueUrl'], `arn:aws:sqs:*:${ACCT}:orders*`),
        stmt('Deny', 'sqs:*', `arn:aws:sqs:*:${ACCT}:billing*`),
      ],
    },
    ipProduce: {
      Version: '2012-10-17',
      Statement: [stmt('Allow', 'sqs:SendMessage', `arn:aws:sqs:*:${ACCT}:orders*`, { Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } })],
    },
  },
  accounts: {
    [ACCT]: {
      users: {
        app: {
          accessKeys: [{ accessKeyId: 'AKAPP', secretAccessKey: 'p' }],
          policies: ['produce'],
          admin: false,
          inlinePolicies: { read: stmtDoc() },
        },
        ipapp: {
          accessKeys: [{ accessKeyId: 'AKIP', secretAccessKey: 'i' }],
          policies: ['ipProduce'],
          admin: false,
          inlinePolicies: { read: stmtDoc() },
        },
      },
    },
  },
});
function stmtDoc() {
  return {
    Version: '2012-10-17',
    Statement: [stmt('Allow', ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], `arn:aws:sqs:*:${ACCT}:orders*`), stmt('Allow', 'sqs:ListQueues', '*')],
  };
}
const queuePolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Ops', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:user/ops` }, Action: 'sqs:*', Resource: '*' },
    { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sqs:SendMessage', Resource: '*' },
    { Sid: 'NoPurge', Effect: 'Deny', Principal: '*', Action: 'sqs:PurgeQueue', Resource: '*' },
    { Sid: 'Audit', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:user/audit` }, Action: 'sqs:GetQueueAttributes', Resource: '*' },
  ],
});

async function main(): Promise<void> {
  let dir: string | undefined;
  let engine: StorageEngine;
  if (engineName === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'ferry-bench-authz-'));
    engine = new SqliteEngine({ path: join(dir, 'ferry.db'), clock: systemClock, random: systemRandom });
  } else engine = new MemoryEngine({ clock: systemClock, random: systemRandom });
  await engine.init();
  const services = await createActionServices({ engine, clock: systemClock, random: systemRandom });
  const authz: Authorizer = {
    decisions: new DecisionCache(),
    queuePolicies: new QueuePolicyCache(),
    warn: () => {},
    knowsAccount: (a) => identities.accounts.has(a),
  };
  const callerOf = (key: string): Caller => ({
    identity: identities.byKey.get(key)!,
    sourceIp: '127.0.0.1',
    userAgent: 'bench',
    secureTransport: false,
  });
  const base = {
    engine,
    clock: systemClock,
    random: systemRandom,
    settings: { region: 'us-east-1', accountId: ACCT, purgeIntervalMs: 60_000, queueReuseDelayMs: 60_000 },
    requestId: 'bench',
    queueUrlBase: 'http://127.0.0.1:9324',
    traceHeader: undefined,
    signal: NEVER_CANCELLED,
    services,
    caller: undefined as Caller | undefined,
    authz: undefined as Authorizer | undefined,
    queueMemo: undefined,
  };
  const modes: Record<string, () => ActionContext> = {
    off: () => ({ ...base }),
    admin: () => ({ ...base, caller: callerOf('AKADMIN'), authz }),
    policies: () => ({ ...base, caller: callerOf('AKAPP'), authz }),
    conditions: () => ({ ...base, caller: callerOf('AKIP'), authz }),
  };
  const urls: Record<string, string> = {};
  for (const m of Object.keys(modes)) {
    const { QueueUrl } = await dispatchAction(
      'CreateQueue',
      { QueueName: `orders-${m}`, Attributes: m === 'policies' || m === 'conditions' ? { Policy: queuePolicy } : {} },
      base,
    );
    urls[m] = QueueUrl;
  }
  const body = JSON.stringify({ pad: 'x'.repeat(150) });
  const samples: Record<string, number[]> = {};
  const run = async (m: string, n: number) => {
    const mk = modes[m]!;
    const QueueUrl = urls[m]!;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await dispatchAction('SendMessage', { QueueUrl, MessageBody: body }, mk());
    return ((performance.now() - t0) * 1000) / n;
  };
  for (const m of Object.keys(modes)) await run(m, 2000); // warm-up
  const purge = (m: string) => dispatchAction('PurgeQueue', { QueueUrl: urls[m]! }, { ...base, settings: { ...base.settings, purgeIntervalMs: 0 } });
  const names = Object.keys(modes);
  for (let r = 0; r < rounds; r++) {
    // Rotated order, and every queue emptied after its run, so no mode pays for another's garbage.
    for (let k = 0; k < names.length; k++) {
      const m = names[(r + k) % names.length]!;
      (samples[m] ??= []).push(await run(m, perRound));
      await purge(m);
      await engine.sweep();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const off = median(samples.off!);
  for (const m of Object.keys(modes)) {
    const us = median(samples[m]!);
    console.log(
      JSON.stringify({
        engine: engineName,
        mode: m,
        usPerSendMessage: Math.round(us * 100) / 100,
        overheadPct: Math.round(((us - off) / off) * 1000) / 10,
      }),
    );
  }
  await services.close();
  await engine.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

await main();
