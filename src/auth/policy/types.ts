/**
 * Types of the authorization core: the caller, the request context, compiled policies and the
 * decision. The module is pure (no I/O, no engine, no clock: the request context carries the time),
 * so one decision is a function of exactly these inputs.
 *
 * Wiring sketch (the action layer, once per request, before the engine):
 *
 *   const d = authorizeCached(cache, { principal, action: 'SendMessageBatch', resource: queueArn,
 *     identityPolicies, resourcePolicy, context });
 *   if (!d.allowed) throw M.accessDenied(d.message);
 */

/** Where a policy is attached: to an identity (IAM user) or to the queue (its `Policy` attribute). */
export type PolicyKind = 'identity' | 'resource';

/** The policy language versions IAM knows. Policy variables exist only in 2012-10-17. */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

/**
 * The authenticated caller. Ferry has IAM users (`arn:aws:iam::<account>:user/<name>`) and, for the
 * compatibility keys (`--access-key-id`, `credentials:`), account administrators; an administrator may
 * use its user ARN or the account root ARN `arn:aws:iam::<account>:root`.
 */
export interface Principal {
  /** The 12-digit account the caller acts in. */
  readonly accountId: string;
  /** The caller's ARN: a user ARN, or the account root ARN. Named in AccessDenied messages. */
  readonly arn: string;
  /** `aws:username` (absent for the account root). */
  readonly userName?: string;
  /** `aws:userid` (the user's unique id; for the root, AWS uses the account id). Absent if unknown. */
  readonly userId?: string;
  /** Allowed everything in its own account, as the account root is (explicit denies still apply). */
  readonly admin: boolean;
}

/**
 * What a request brings beyond the caller, the action and the resource: the values of the global
 * condition keys. Absent fields are absent keys (a condition on them does not match, except negated
 * operators, `…IfExists` and `Null`, exactly as IAM treats a missing key).
 */
export interface RequestContext {
  /** Request time, milliseconds since the Unix epoch: `aws:CurrentTime` and `aws:EpochTime`. */
  readonly now: number;
  /** `aws:SourceIp`: the peer address (IPv4, IPv6; `::ffff:a.b.c.d` counts as IPv4). */
  readonly sourceIp?: string;
  /** `aws:SecureTransport`: whether the request came over TLS. */
  readonly secureTransport?: boolean;
  /** `aws:UserAgent`. */
  readonly userAgent?: string;
  /** `aws:RequestTag/<key>`: tags the request sets (CreateQueue `tags`, TagQueue `Tags`). */
  readonly requestTags?: Readonly<Record<string, string>>;
  /** `aws:TagKeys`: tag keys in the request (defaults to the keys of `requestTags`; UntagQueue gives its `TagKeys`). */
  readonly tagKeys?: readonly string[];
  /** `aws:ResourceTag/<key>`: the queue's current tags. */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** `aws:SourceArn` (present only when a service acts on behalf of a resource). */
  readonly sourceArn?: string;
  /** `aws:SourceAccount`. */
  readonly sourceAccount?: string;
  /** Any other key, by name (matched case-insensitively), e.g. a service-specific `sqs:…` key. */
  readonly extra?: Readonly<Record<string, string | readonly string[]>>;
}

// ---- the policy document, as parsed --------------------------------------------------------------

/** One principal block (`Principal` / `NotPrincipal`), normalised to lists. */
export interface PrincipalBlock {
  /** `"*"` or `{"AWS": "*"}`: everyone, anonymous callers included. */
  readonly any: boolean;
  /** `AWS` entries: account ids, root ARNs, user ARNs, role/session ARNs (as written). */
  readonly aws: readonly string[];
  /** `Service`, `Federated`, `CanonicalUser` entries: valid, never any Ferry caller. */
  readonly other: readonly string[];
}

/** One condition: operator (as written) × context key × values. */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A statement after structural validation. Exactly one of each positive/negated pair is set. */
export interface StatementAst {
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: PrincipalBlock;
  readonly notPrincipal?: PrincipalBlock;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionEntry[];
  /** The statement as written (for `ferry policy check` and logs). */
  readonly source: Readonly<Record<string, unknown>>;
}

/** A policy document after structural validation. */
export interface PolicyAst {
  readonly version: PolicyVersion;
  /** Whether `Version` was written (a missing Version means 2008-10-17, as IAM reads it). */
  readonly versionGiven: boolean;
  readonly id?: string;
  readonly statements: readonly StatementAst[];
}

// ---- decisions -----------------------------------------------------------------------------------

/** Which statement decided: enough to find it again and to print it. */
export interface StatementRef {
  /** The policy's name: an identity policy's name, or the queue policy's (e.g. the queue ARN). */
  readonly policy: string;
  readonly kind: PolicyKind;
  /** 0-based index in the policy's Statement list. */
  readonly index: number;
  readonly sid?: string;
}

/**
 * Why a decision came out as it did:
 *  - `admin`: an administrator in its own account;
 *  - `identity-allow` / `resource-allow`: an Allow in that kind of policy, same account;
 *  - `cross-account-allow`: the queue policy and the caller's identity side both allow;
 *  - `explicit-deny`: a Deny statement matched (`statements[0]`);
 *  - `no-identity-allow` / `no-resource-allow`: nothing allows (default deny; names the missing side);
 *  - `cross-account-action`: the action never works across accounts, whatever the policies say.
 */
export type DecisionReason =
  | 'admin'
  | 'identity-allow'
  | 'resource-allow'
  | 'cross-account-allow'
  | 'explicit-deny'
  | 'no-identity-allow'
  | 'no-resource-allow'
  | 'cross-account-action';

export interface Decision {
  readonly allowed: boolean;
  /** True for an explicit Deny; false for allow and for the default deny. */
  readonly explicit: boolean;
  readonly reason: DecisionReason;
  /**
   * The deciding statements: the Deny; or the Allow(s) (cross-account: the queue policy's, then the
   * identity one, absent for an administrator). Empty for an administrator in its own account and for a
   * default deny (nothing decided).
   */
  readonly statements: readonly StatementRef[];
  /** The IAM action checked, as AWS names it in messages: `sqs:sendmessage` (batch actions: their base). */
  readonly action: string;
  readonly resource: string;
  /** Whether principal and queue are in the same account. */
  readonly sameAccount: boolean;
  /** The policy type AWS names in the denial message; absent when allowed. */
  readonly policyType?: 'identity-based' | 'resource-based';
  /** AWS's AccessDenied text (empty when allowed). */
  readonly message: string;
  /**
   * Whether the decision holds for any request context: no condition and no context-dependent policy
   * variable was consulted. Only such decisions may be cached per (principal, resource, action).
   */
  readonly cacheable: boolean;
}
