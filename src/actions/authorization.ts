/**
 * Authorization, once per request, in the action dispatch (registry.ts) before any handler runs:
 * the caller (an Identity from src/auth/identities.ts), the IAM action, the resource ARN, the queue's
 * compiled Policy and the request context go to the pure evaluator (src/auth/policy); a denial is
 * AccessDenied (HTTP 403, in the caller's protocol) with AWS's message, logged at warn.
 *
 * Resources, as SQS names them: the queue ARN from QueueUrl (its `/<account>/<name>` path: a URL of
 * another account's queue is a cross-account request; GetQueueUrl: QueueName and
 * QueueOwnerAWSAccountId, else the caller's account; the move-task actions: SourceArn, or the source
 * inside the TaskHandle); CreateQueue the ARN of the queue it would create in the caller's account;
 * ListQueues `arn:aws:sqs:<region>:<caller's account>:`. The evaluator compares the resource's account
 * with the caller's: across accounts the queue policy and the caller's identity policies must both
 * allow, and the owner-only actions (actions.ts) are refused whatever the policies say.
 *
 * A queue that does not exist is authorized like an existing queue without a Policy: a caller allowed
 * by its identity policies then learns QueueDoesNotExist from the action; a caller that is not allowed
 * gets AccessDenied, so existence is never revealed to someone who may not use the queue (AWS answers
 * AccessDenied before QueueDoesNotExist when IAM denies). A QueueUrl that cannot be parsed is left to
 * the action (InvalidAddress / MissingParameter): the caller is authenticated, and there is no
 * resource to check.
 *
 * A stored Policy that no longer compiles (written before Ferry validated policies) fails closed: only
 * the account's administrators pass (so they can repair or remove it); everyone else is denied.
 *
 * Cost: the queue record read here is handed to the action (ActionContext.queueMemo), so a request
 * reads it once; compiled queue policies are cached by queue id + text (QueuePolicyCache) and
 * decisions without conditions per (key, resource, action) (DecisionCache).
 */
import { queueArn, parseQueueArn } from '../core/arn.js';
import { parseQueueUrlCached } from '../core/queue-url.js';
import { decodeTaskHandle } from '../core/task-handle.js';
import * as M from '../errors/messages.js';
import type { Identity } from '../auth/identities.js';
import {
  authorize,
  describeStatement,
  iamActionOf,
  listQueuesResource,
  PolicyError,
  type CompiledPolicy,
  type Decision,
  type RequestContext,
} from '../auth/policy/index.js';
import type { QueueRecord } from '../storage/engine.js';
import { callerAccountId, urlOwner } from './common.js';
import type { ActionContext, ActionInput, ActionName } from './types.js';

export type { Authorizer, Caller } from './types.js';
import type { Authorizer } from './types.js';

/** What an action is checked against. */
interface Target {
  resource: string;
  /** The queue's account (the resource's), for queue lookups. */
  accountId: string;
  /** The queue's name, when the resource is a queue. */
  queueName?: string;
  /** The QueueUrl the record was looked up by (handed to the action). */
  url?: string;
  requestTags?: Record<string, string>;
  tagKeys?: readonly string[];
}

function queueTarget(ctx: ActionContext, name: string, accountId: string, url?: string): Target {
  return { resource: queueArn(ctx.settings.region, accountId, name), accountId, queueName: name, url };
}

function fromUrl(ctx: ActionContext, url: unknown): Target | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  const p = parseQueueUrlCached(url);
  if (!p) return undefined;
  return queueTarget(ctx, p.name, urlOwner(ctx, p), url);
}

function fromArn(arn: unknown): Target | undefined {
  if (typeof arn !== 'string') return undefined;
  const a = parseQueueArn(arn);
  if (!a) return undefined;
  return { resource: arn, accountId: a.accountId, queueName: a.name };
}

/** The resource (and request tags) an action is authorized against; undefined: left to the action's own validation. */
function targetOf(action: ActionName, input: Record<string, unknown>, ctx: ActionContext): Target | undefined {
  switch (action) {
    case 'CreateQueue': {
      if (typeof input.QueueName !== 'string' || input.QueueName === '') return undefined;
      const t = queueTarget(ctx, input.QueueName, callerAccountId(ctx));
      const tags = input.tags as Record<string, string> | undefined;
      if (tags && Object.keys(tags).length) t.requestTags = tags;
      return t;
    }
    case 'ListQueues': {
      const accountId = callerAccountId(ctx);
      return { resource: listQueuesResource(ctx.settings.region, accountId), accountId };
    }
    case 'GetQueueUrl': {
      if (typeof input.QueueName !== 'string' || input.QueueName === '') return undefined;
      const owner =
        typeof input.QueueOwnerAWSAccountId === 'string' && input.QueueOwnerAWSAccountId !== '' ? input.QueueOwnerAWSAccountId : callerAccountId(ctx);
      return queueTarget(ctx, input.QueueName, owner);
    }
    case 'StartMessageMoveTask':
    case 'ListMessageMoveTasks':
      return fromArn(input.SourceArn);
    case 'CancelMessageMoveTask':
      return typeof input.TaskHandle === 'string' ? fromArn(decodeTaskHandle(input.TaskHandle)?.sourceArn) : undefined;
    case 'TagQueue': {
      const t = fromUrl(ctx, input.QueueUrl);
      const tags = input.Tags as Record<string, string> | undefined;
      if (t && tags) t.requestTags = tags;
      return t;
    }
    case 'UntagQueue': {
      const t = fromUrl(ctx, input.QueueUrl);
      if (t && Array.isArray(input.TagKeys)) t.tagKeys = input.TagKeys as string[];
      return t;
    }
    default:
      return fromUrl(ctx, input.QueueUrl);
  }
}

/**
 * Check one request; throws AccessDenied when the evaluator denies. No-op for internal calls (no
 * caller). Leaves the looked-up queue in `ctx.queueMemo` for the action.
 */
export async function authorizeAction<A extends ActionName>(action: A, input: ActionInput<A>, ctx: ActionContext): Promise<void> {
  const caller = ctx.caller;
  const authz = ctx.authz;
  if (!caller || !authz) return;
  const t = targetOf(action, input as unknown as Record<string, unknown>, ctx);
  if (!t) return;
  let queue: QueueRecord | undefined;
  if (t.queueName !== undefined && action !== 'CreateQueue') {
    queue = await ctx.engine.queueGetByName(t.accountId, t.queueName);
    if (queue && t.url !== undefined) ctx.queueMemo = { url: t.url, queue };
  }
  const identity = caller.identity;
  let resourcePolicy: CompiledPolicy | undefined;
  const text = queue?.attributes.Policy;
  if (queue && text !== undefined) {
    const compiled = authz.queuePolicies.get(queue.id, text, t.resource);
    if (compiled instanceof PolicyError) {
      authz.warn({ queue: t.resource, reason: compiled.message }, 'stored queue Policy does not compile: only administrators may use the queue');
      if (identity.principal.admin && identity.principal.accountId === t.accountId) return;
      authz.warn({ accessKeyId: identity.accessKeyId, principal: identity.principal.arn, action, resource: t.resource }, 'access denied');
      throw deny(identity, action, t, 'the stored queue policy is invalid');
    } else resourcePolicy = compiled;
  }
  const context: RequestContext = {
    now: ctx.clock.now(),
    sourceIp: caller.sourceIp,
    secureTransport: caller.secureTransport,
    userAgent: caller.userAgent,
    resourceTags: queue?.tags,
    requestTags: t.requestTags,
    tagKeys: t.tagKeys,
  };
  const request = { principal: identity.principal, action, resource: t.resource, identityPolicies: identity.policies, resourcePolicy, context };
  // Cached per (key, queue incarnation + compiled policy, action): a changed Policy is a new compiled
  // object (QueuePolicyCache), a recreated queue a new id — on this process or any other sharing the
  // store — so a cached decision can never outlive the policy it was made with.
  const resourceKey = queue === undefined ? t.resource : `${t.resource}\n${queue.id}\n${resourcePolicy ? policySeq(resourcePolicy) : 0}`;
  let decision = authz.decisions.get(identity.accessKeyId, resourceKey, action);
  if (decision === undefined) {
    decision = authorize(request);
    if (decision.cacheable) authz.decisions.set(identity.accessKeyId, resourceKey, action, decision);
  }
  if (decision.allowed) return;
  logDenial(authz, identity, decision);
  throw M.accessDenied(decision.message);
}

const seqOf = new WeakMap<CompiledPolicy, number>();
let nextSeq = 1;
/** A number naming one compiled policy object (cache keys). */
function policySeq(p: CompiledPolicy): number {
  let n = seqOf.get(p);
  if (n === undefined) seqOf.set(p, (n = nextSeq++));
  return n;
}

function logDenial(authz: Authorizer, identity: Identity, d: Decision): void {
  authz.warn(
    {
      accessKeyId: identity.accessKeyId,
      principal: identity.principal.arn,
      action: d.action,
      resource: d.resource,
      reason: d.reason,
      statement: d.statements.length ? d.statements.map(describeStatement).join('; ') : 'none (default deny)',
    },
    'access denied',
  );
}

/** AccessDenied for a queue whose stored policy cannot be evaluated (fail closed). */
function deny(identity: Identity, action: string, t: Target, why: string): Error {
  return M.accessDenied(
    `User: ${identity.principal.arn} is not authorized to perform: sqs:${iamActionOf(action).toLowerCase()} on resource: ${t.resource} because ${why}`,
  );
}
