/**
 * The decision, as SQS and IAM make it (IAM "Policy evaluation logic"; SQS "Access Policy Language
 * evaluation logic"; the same-account / cross-account tables of AWS knowledge center
 * "sqs-queue-access-permissions"):
 *
 *  1. An explicit Deny that applies — in any of the caller's identity policies or in the queue policy
 *     (a Deny naming the caller's account applies to everyone in it) — denies. Nothing overrides it,
 *     administrators included.
 *  2. An action that never works across accounts (actions.ts) is refused across accounts.
 *  3. Same account: allowed when an identity policy allows, or the queue policy allows the caller
 *     itself (Principal `*`, its user ARN, or — for the root — its account). A queue-policy statement
 *     that names only the caller's *account* delegates to the account's identity policies: it does not
 *     by itself allow an IAM user of that account (IAM: an account principal in a resource-based policy
 *     grants the account, and a user then needs identity permission; iam-simulate's
 *     "AllowedForAccount"). An administrator is allowed everything in its own account, as the root is.
 *  4. Cross account: allowed only when the queue policy allows the caller (by ARN, `*` or its account)
 *     and the caller's identity side allows too (an administrator's identity side always does).
 *  5. Otherwise the default deny.
 *
 * The AccessDenied text names one policy type, as AWS does ("If multiple policy types deny an
 * authorization request, AWS includes only one of those policy types"): the type holding the explicit
 * Deny (identity-based first); for a default deny in the same account "identity-based"; across
 * accounts "resource-based" when the queue policy does not allow (also for an owner-only action),
 * else "identity-based".
 */
import { iamActionOf, worksAcrossAccounts } from './actions.js';
import type { CompiledPolicy, CompiledStatement, PrincipalMatch } from './compile.js';
import { RequestKeys, isRootArn } from './conditions.js';
import { accessDeniedMessage } from './messages.js';
import type { Decision, DecisionReason, Principal, RequestContext, StatementRef } from './types.js';

export interface AuthorizationRequest {
  readonly principal: Principal;
  /** The API action (`SendMessageBatch`) or IAM action (`sqs:SendMessage`); batch actions check as their base. */
  readonly action: string;
  /** The queue ARN (CreateQueue: of the queue to create; ListQueues: `listQueuesResource()`). */
  readonly resource: string;
  /** The caller's compiled identity policies (empty for an administrator without any). */
  readonly identityPolicies: readonly CompiledPolicy[];
  /** The queue's compiled `Policy`, if it has one. */
  readonly resourcePolicy?: CompiledPolicy;
  readonly context: RequestContext;
}

/** Per-decision state: the request's keys and whether anything context-dependent was consulted. */
class Evaluation {
  dependent = false;
  readonly keys: RequestKeys;

  constructor(
    readonly principal: Principal,
    readonly action: string,
    readonly resource: string,
    context: RequestContext,
  ) {
    this.keys = new RequestKeys(principal, context);
  }

  /**
   * How the statement applies to the request: null when it does not; for a queue-policy statement the
   * principal match level; for an identity statement 'exact'.
   */
  applies(s: CompiledStatement): PrincipalMatch | null {
    if (s.actions.has(this.action) === s.notAction) return null;
    let level: PrincipalMatch = 'exact';
    if (s.principal) {
      const m = s.principal.match(this.principal);
      if (m === null) return null;
      level = m;
    }
    if (!s.contextFree) this.dependent = true;
    const r = s.resources.match(this.resource, this.keys);
    if (r === null || r === s.notResource) return null;
    for (const c of s.conditions) if (c.evaluate(this.keys) !== true) return null;
    return level;
  }

  firstDeny(policies: readonly CompiledPolicy[]): CompiledStatement | undefined {
    for (const p of policies) for (const s of p.denies) if (this.applies(s) !== null) return s;
    return undefined;
  }

  firstAllow(policies: readonly CompiledPolicy[]): CompiledStatement | undefined {
    for (const p of policies) for (const s of p.allows) if (this.applies(s) !== null) return s;
    return undefined;
  }

  /** The queue policy's Allow that applies: one matching the caller exactly if any, else an account-level one. */
  resourceAllow(policy: CompiledPolicy | undefined): { s: CompiledStatement; level: PrincipalMatch } | undefined {
    if (!policy) return undefined;
    let account: CompiledStatement | undefined;
    for (const s of policy.allows) {
      const level = this.applies(s);
      if (level === 'exact') return { s, level };
      if (level === 'account') account ??= s;
    }
    return account && { s: account, level: 'account' };
  }
}

/** The account id in an ARN (its fifth component), or undefined. Scans instead of splitting: hot path. */
function accountOf(arn: string): string | undefined {
  let start = 0;
  for (let i = 0; i < 4; i++) {
    start = arn.indexOf(':', start) + 1;
    if (start === 0) return undefined;
  }
  const end = arn.indexOf(':', start);
  const account = end < 0 ? arn.slice(start) : arn.slice(start, end);
  return account === '' ? undefined : account;
}

/** `SendMessageBatch` → `sqs:sendmessage`, memoised (a handful of distinct names ever reach it). */
const actionNames = new Map<string, string>();
function messageAction(action: string): string {
  let a = actionNames.get(action);
  if (a === undefined) {
    a = `sqs:${iamActionOf(action).toLowerCase()}`;
    if (actionNames.size < 1000) actionNames.set(action, a);
  }
  return a;
}

/** Decide one request. Pure: the same inputs always give the same decision. */
export function authorize(req: AuthorizationRequest): Decision {
  const { principal, resource } = req;
  const action = messageAction(req.action);
  const owner = accountOf(resource);
  const sameAccount = owner === undefined || owner === principal.accountId;
  const ev = new Evaluation(principal, action, resource, req.context);
  const resourcePolicies = req.resourcePolicy ? [req.resourcePolicy] : [];

  const done = (
    allowed: boolean,
    reason: DecisionReason,
    statements: readonly StatementRef[],
    policyType?: 'identity-based' | 'resource-based',
  ): Decision => {
    const explicit = reason === 'explicit-deny';
    return {
      allowed,
      explicit,
      reason,
      statements,
      action,
      resource,
      sameAccount,
      ...(policyType && { policyType }),
      message: allowed || !policyType ? '' : accessDeniedMessage(principal.arn, action, resource, explicit, policyType),
      cacheable: !ev.dependent,
    };
  };

  const identityDeny = ev.firstDeny(req.identityPolicies);
  if (identityDeny) return done(false, 'explicit-deny', [identityDeny.ref], 'identity-based');
  const resourceDeny = ev.firstDeny(resourcePolicies);
  if (resourceDeny) return done(false, 'explicit-deny', [resourceDeny.ref], 'resource-based');

  if (!sameAccount && !worksAcrossAccounts(action.slice(4))) return done(false, 'cross-account-action', [], 'resource-based');

  if (sameAccount) {
    if (principal.admin) return done(true, 'admin', []);
    const identityAllow = ev.firstAllow(req.identityPolicies);
    if (identityAllow) return done(true, 'identity-allow', [identityAllow.ref]);
    const r = ev.resourceAllow(req.resourcePolicy);
    if (r && (r.level === 'exact' || isRootArn(principal.arn))) return done(true, 'resource-allow', [r.s.ref]);
    return done(false, 'no-identity-allow', [], 'identity-based');
  }

  const r = ev.resourceAllow(req.resourcePolicy);
  if (!r) return done(false, 'no-resource-allow', [], 'resource-based');
  if (principal.admin) return done(true, 'cross-account-allow', [r.s.ref]);
  const identityAllow = ev.firstAllow(req.identityPolicies);
  if (!identityAllow) return done(false, 'no-identity-allow', [], 'identity-based');
  return done(true, 'cross-account-allow', [r.s.ref, identityAllow.ref]);
}

/** What `mayAllowSomeQueue` is asked. */
export interface SomeQueueRequest {
  readonly principal: Principal;
  /** The API or IAM action (`CreateQueue`). */
  readonly action: string;
  readonly region: string;
  /** The caller's compiled identity policies. */
  readonly identityPolicies: readonly CompiledPolicy[];
}

/**
 * Could `action` be allowed on some queue of the caller's own account, whatever the queue's name? For
 * the console, which offers "Create queue" before there is a name (CreateQueue is decided against the
 * ARN of the queue to create, so a policy may allow `team-a-*` and nothing else). Only identity
 * policies take part: a queue that does not exist yet has no queue policy, and CreateQueue never works
 * across accounts.
 *
 * False — certainly denied, for every name — when an explicit Deny without conditions covers every queue
 * of the account, or when the caller is not an administrator and no identity Allow for the action could
 * match a queue ARN of the account. True otherwise: conditions and policy variables are assumed to be
 * satisfiable, so true means "may be allowed" and the request itself is decided as always.
 */
export function mayAllowSomeQueue(req: SomeQueueRequest): boolean {
  const action = messageAction(req.action);
  const prefix = `arn:aws:sqs:${req.region}:${req.principal.accountId}:`;
  for (const p of req.identityPolicies) {
    for (const s of p.denies) {
      if (s.actions.has(action) !== s.notAction && !s.notResource && s.conditions.length === 0 && s.resources.coversAllUnder(prefix)) return false;
    }
  }
  if (req.principal.admin) return true;
  for (const p of req.identityPolicies) {
    for (const s of p.allows) {
      if (s.actions.has(action) !== s.notAction && (s.notResource || s.resources.mayMatchUnder(prefix))) return true;
    }
  }
  return false;
}

/**
 * A deciding statement in words, for logs and `ferry policy check`:
 * `queue policy "arn:aws:sqs:us-east-1:111122223333:orders" Statement[1] (Sid "AllowSend")`.
 */
export function describeStatement(ref: StatementRef): string {
  const sid = ref.sid !== undefined && ref.sid !== '' ? ` (Sid "${ref.sid}")` : '';
  return `${ref.kind === 'resource' ? 'queue' : 'identity'} policy "${ref.policy}" Statement[${ref.index}]${sid}`;
}

/** A condition key one of the statements that could decide a request reads, and its value in the request. */
export interface ConditionKeyRead {
  /** The key as the first statement reading it wrote it (`aws:SourceIp`). */
  readonly key: string;
  /** Its values in the request context, or undefined when the request lacks the key. */
  readonly values: readonly string[] | undefined;
}

/**
 * The condition keys read by the statements that could apply to a request (the action matches, and the
 * queue policy's Principal names the caller), each with its value in the request: what a policy
 * simulator must show, because a condition on an absent key matches only through `…IfExists`, `Null`
 * or a negated operator — so a check run without, say, the source address can decide otherwise than
 * the server does for a real request.
 */
export function conditionKeysRead(req: AuthorizationRequest): ConditionKeyRead[] {
  const action = messageAction(req.action);
  const keys = new RequestKeys(req.principal, req.context);
  const seen = new Map<string, ConditionKeyRead>();
  const policies = req.resourcePolicy ? [...req.identityPolicies, req.resourcePolicy] : req.identityPolicies;
  for (const p of policies) {
    for (const s of p.statements) {
      if (s.actions.has(action) === s.notAction) continue;
      if (s.principal && s.principal.match(req.principal) === null) continue;
      for (const c of s.conditions) {
        if (!seen.has(c.key)) seen.set(c.key, { key: c.keyAsWritten, values: keys.values(c.key) });
      }
    }
  }
  return [...seen.values()];
}
