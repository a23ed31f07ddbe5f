/**
 * The authorization step of the action dispatch (src/actions/authorization.ts), in process with an
 * injected clock: resources per action, the queue record handed to the action, cached decisions that
 * cannot outlive a changed Policy, and stored policies that no longer compile (fail closed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Authorizer, Caller } from '../../../src/actions/types.js';
import { buildIdentities } from '../../../src/auth/identities.js';
import { DecisionCache, QueuePolicyCache } from '../../../src/auth/policy/index.js';
import { ACCOUNT, harness, type Harness } from './harness.js';

const ids = buildIdentities({
  accountId: ACCOUNT,
  credentials: [{ accessKeyId: 'AKROOT', secretAccessKey: 'r' }],
  accessKeyId: undefined,
  secretAccessKey: undefined,
  policies: {},
  accounts: {
    [ACCOUNT]: {
      users: {
        app: {
          accessKeys: [{ accessKeyId: 'AKAPP', secretAccessKey: 'a' }],
          policies: [],
          admin: false,
          inlinePolicies: {
            p: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:CreateQueue', 'sqs:TagQueue'], Resource: '*' },
                { Effect: 'Deny', Action: 'sqs:CreateQueue', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'billing' } } },
                {
                  Effect: 'Allow',
                  Action: 'sqs:ReceiveMessage',
                  Resource: '*',
                  Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' }, StringEquals: { 'aws:ResourceTag/env': 'dev' } },
                },
              ],
            },
          },
        },
        stranger: { accessKeys: [{ accessKeyId: 'AKSTRANGER', secretAccessKey: 's' }], policies: [], admin: false, inlinePolicies: {} },
      },
    },
  },
});

describe('authorization in the dispatch', () => {
  let h: Harness;
  let authz: Authorizer;
  const warnings: object[] = [];
  const as = (key: string): { caller: Caller; authz: Authorizer } => ({
    caller: { identity: ids.byKey.get(key)!, sourceIp: '127.0.0.1', secureTransport: false },
    authz,
  });
  before(async () => {
    h = await harness();
    authz = {
      decisions: new DecisionCache(),
      queuePolicies: new QueuePolicyCache(),
      warn: (d) => warnings.push(d),
      knowsAccount: (a) => ids.accounts.has(a),
    };
  });
  after(() => h.close());

  it('internal calls (no caller) are not checked; users are', async () => {
    await h.call('CreateQueue', { QueueName: 'internal' });
    await h.fails(h.call('GetQueueAttributes', { QueueUrl: h.url('internal') }, as('AKSTRANGER')), 'AccessDenied');
    await h.call('GetQueueAttributes', { QueueUrl: h.url('internal') }, as('AKROOT'));
  });

  it('request tags, resource tags and the injected clock reach the conditions', async () => {
    await h.call('CreateQueue', { QueueName: 'tagged', tags: { team: 'orders' } }, as('AKAPP'));
    await h.fails(h.call('CreateQueue', { QueueName: 'billing', tags: { team: 'billing' } }, as('AKAPP')), 'AccessDenied', /explicit deny/);
    await h.fails(h.call('ReceiveMessage', { QueueUrl: h.url('tagged') }, as('AKAPP')), 'AccessDenied');
    await h.call('TagQueue', { QueueUrl: h.url('tagged'), Tags: { env: 'dev' } }, as('AKAPP'));
    await h.call('ReceiveMessage', { QueueUrl: h.url('tagged') }, as('AKAPP'));
    h.clock.set(Date.parse('2031-01-01T00:00:00Z'));
    await h.fails(h.call('ReceiveMessage', { QueueUrl: h.url('tagged') }, as('AKAPP')), 'AccessDenied');
  });

  it('a cached decision does not survive a Policy change, nor a queue recreated under the same name', async () => {
    await h.call('CreateQueue', { QueueName: 'shared' });
    const grant = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/stranger` }, Action: 'sqs:SendMessage', Resource: '*' }],
    });
    await h.fails(h.call('SendMessage', { QueueUrl: h.url('shared'), MessageBody: 'x' }, as('AKSTRANGER')), 'AccessDenied');
    await h.call('SetQueueAttributes', { QueueUrl: h.url('shared'), Attributes: { Policy: grant } });
    await h.call('SendMessage', { QueueUrl: h.url('shared'), MessageBody: 'x' }, as('AKSTRANGER'));
    // Changed straight in the store (as another process sharing it would): the next request sees it.
    const q = (await h.engine.queueGetByName('000000000000', 'shared'))!;
    await h.engine.queueSetAttributes({ queueId: q.id, set: {}, unset: ['Policy'] });
    await h.fails(h.call('SendMessage', { QueueUrl: h.url('shared'), MessageBody: 'x' }, as('AKSTRANGER')), 'AccessDenied');
  });

  it('a stored Policy that does not compile admits only administrators, and is logged', async () => {
    await h.call('CreateQueue', { QueueName: 'legacy' });
    const q = (await h.engine.queueGetByName('000000000000', 'legacy'))!;
    await h.engine.queueSetAttributes({ queueId: q.id, set: { Policy: '{"Statement": "not a statement"}' } });
    await h.fails(
      h.call('SendMessage', { QueueUrl: h.url('legacy'), MessageBody: 'x' }, as('AKAPP')),
      'AccessDenied',
      /the stored queue policy is invalid/,
    );
    await h.call('SendMessage', { QueueUrl: h.url('legacy'), MessageBody: 'x' }, as('AKROOT'));
    await h.call('SetQueueAttributes', { QueueUrl: h.url('legacy'), Attributes: { Policy: '' } }, as('AKROOT'));
    await h.call('SendMessage', { QueueUrl: h.url('legacy'), MessageBody: 'x' }, as('AKAPP'));
    assert.ok(warnings.some((w) => JSON.stringify(w).includes('legacy')));
  });

  it('an unparseable QueueUrl is left to the action (InvalidAddress)', async () => {
    await h.fails(h.call('SendMessage', { QueueUrl: 'not a url', MessageBody: 'x' }, as('AKSTRANGER')), 'InvalidAddress');
  });
});
