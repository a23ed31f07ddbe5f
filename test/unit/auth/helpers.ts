/**
 * Shared fixtures for the authorization-core tests: principals, and one call that compiles a queue
 * policy and identity policies and decides a request.
 */
import assert from 'node:assert/strict';

import {
  authorize,
  compileIdentityPolicy,
  compileQueuePolicy,
  type Decision,
  type Principal,
  type RequestContext,
} from '../../../src/auth/policy/index.js';

/** 2009-01-31T13:00:00Z: inside the SQS guide's time-limited example window. */
export const T0 = Date.UTC(2009, 0, 31, 13, 0, 0);

export const user = (accountId: string, name: string, extra: Partial<Principal> = {}): Principal => ({
  accountId,
  arn: `arn:aws:iam::${accountId}:user/${name}`,
  userName: name,
  admin: false,
  ...extra,
});
export const admin = (accountId: string, name = 'ops'): Principal => ({ ...user(accountId, name), admin: true });
export const root = (accountId: string): Principal => ({ accountId, arn: `arn:aws:iam::${accountId}:root`, admin: true });

/** An identity policy allowing every SQS action on every resource. */
export const ALLOW_ALL_SQS = { Version: '2012-10-17', Statement: [{ Sid: 'AllSqs', Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] };

export interface Case {
  principal: Principal;
  action: string;
  resource: string;
  queuePolicy?: unknown;
  identity?: readonly unknown[];
  context?: Partial<RequestContext>;
}

export function decide(c: Case): Decision {
  return authorize({
    principal: c.principal,
    action: c.action,
    resource: c.resource,
    identityPolicies: (c.identity ?? []).map((p, i) => compileIdentityPolicy(p, `identity-${i}`)),
    ...(c.queuePolicy !== undefined && {
      resourcePolicy: compileQueuePolicy(typeof c.queuePolicy === 'string' ? c.queuePolicy : JSON.stringify(c.queuePolicy), 'queue'),
    }),
    context: { now: T0, ...c.context },
  });
}

/** Expected outcome: allowed, default deny, or explicit deny, optionally with the deciding reason/Sid. */
export interface Expect {
  allowed: boolean;
  explicit?: boolean;
  reason?: Decision['reason'];
  /** Sids (or `#<index>` for statements without one) of Decision.statements, in order. */
  by?: readonly string[];
  cacheable?: boolean;
}

export function check(d: Decision, e: Expect, label: string): void {
  const got = {
    allowed: d.allowed,
    explicit: d.explicit,
    reason: d.reason,
    by: d.statements.map((s) => s.sid ?? `#${s.index}`),
    cacheable: d.cacheable,
  };
  const want = {
    allowed: e.allowed,
    explicit: e.explicit ?? false,
    reason: e.reason ?? got.reason,
    by: e.by ?? got.by,
    cacheable: e.cacheable ?? got.cacheable,
  };
  assert.deepEqual(got, want, `${label}\n${d.message}`);
  if (d.allowed) assert.equal(d.message, '', label);
  else assert.match(d.message, /^User: arn:aws:iam::\d{12}:(user\/\S+|root) is not authorized to perform: sqs:[a-z]+ on resource: \S+ /, label);
}
