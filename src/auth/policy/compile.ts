/**
 * Compile once, decide fast: a parsed policy becomes matchers that a decision runs without parsing,
 * lower-casing or building anything:
 *
 *  - actions: lower-cased once; exact names in a Set, wildcard patterns as prefix tests or regexes;
 *  - resources: exact ARNs in a Set, `*`, ARN patterns compiled per component (wildcard.ts), and
 *    templates (policy variables, 2012-10-17 only) resolved per request;
 *  - principals (queue policies): account ids and root ARNs in one Set, other ARNs in another;
 *  - conditions: operators parsed, numbers/dates/CIDRs parsed, globs compiled (conditions.ts).
 *
 * Statements are split into Deny and Allow lists so a decision looks for denies first and stops at the
 * first Allow it needs.
 */
import { CompiledCondition, PRINCIPAL_KEYS, isRootArn, parseOperator, type ConditionComplaint, type RequestKeys } from './conditions.js';
import { conditionInvalid } from './messages.js';
import { complaintFor, parsePolicy, type Complaint } from './parse.js';
import type { PolicyAst, PolicyKind, PolicyVersion, Principal, PrincipalBlock, StatementAst, StatementRef } from './types.js';
import { compileGlob, parseTemplate, resolveTemplate, type StringMatcher, type Template } from './wildcard.js';

/** How a principal matched a statement's Principal: by its own ARN (or `*`), or only by its account. */
export type PrincipalMatch = 'exact' | 'account';

/** A compiled Principal / NotPrincipal block. */
export class CompiledPrincipal {
  private readonly any: boolean;
  private readonly accounts: ReadonlySet<string>;
  private readonly arns: ReadonlySet<string>;

  constructor(
    block: PrincipalBlock,
    readonly negated: boolean,
  ) {
    this.any = block.any;
    const accounts = new Set<string>();
    const arns = new Set<string>();
    for (const p of block.aws) {
      if (/^\d{12}$/.test(p)) accounts.add(p);
      else if (isRootArn(p)) accounts.add(p.split(':')[4]!);
      else arns.add(p);
    }
    this.accounts = accounts;
    this.arns = arns;
  }

  /**
   * How the caller matches, or null. Principal: `*` and the caller's own ARN match exactly; its account
   * (id or root ARN) matches at account level (exactly, for the root itself). NotPrincipal: the
   * statement applies to everyone not named; as IAM evaluates the caller's account along with the
   * caller, a user is excluded only when both its ARN and its account are named (IAM: "When you use
   * NotPrincipal with Deny, you must also specify the account ARN of the not-denied principal").
   */
  match(p: Principal): PrincipalMatch | null {
    const root = isRootArn(p.arn);
    if (this.negated) {
      if (this.any) return null;
      const accountNamed = this.accounts.has(p.accountId);
      const excluded = root ? accountNamed : accountNamed && this.arns.has(p.arn);
      return excluded ? null : 'exact';
    }
    if (this.any || this.arns.has(p.arn)) return 'exact';
    if (this.accounts.has(p.accountId)) return root ? 'exact' : 'account';
    return null;
  }
}

/** A compiled Action / NotAction list: exact lower-cased names, then wildcard patterns. */
export class ActionSet {
  private readonly exact: ReadonlySet<string>;
  private readonly patterns: readonly StringMatcher[];
  private readonly all: boolean;

  constructor(actions: readonly string[]) {
    const exact = new Set<string>();
    const patterns: StringMatcher[] = [];
    let all = false;
    for (const a of actions) {
      const l = a.toLowerCase();
      if (l === '*') all = true;
      else if (l.includes('*') || l.includes('?')) patterns.push(compileGlob(l, 'glob'));
      else exact.add(l);
    }
    this.exact = exact;
    this.patterns = patterns;
    this.all = all;
  }

  /** `action` is lower-cased (`sqs:sendmessage`). */
  has(action: string): boolean {
    if (this.all || this.exact.has(action)) return true;
    for (const m of this.patterns) if (m(action)) return true;
    return false;
  }
}

/** A compiled Resource / NotResource list. */
export class ResourceSet {
  private readonly exact: ReadonlySet<string>;
  private readonly patterns: readonly StringMatcher[];
  /** The text of each pattern (same order as `patterns`). */
  private readonly patternTexts: readonly string[];
  private readonly templates: readonly Template[];
  private readonly all: boolean;
  /** Whether matching reads only principal keys (templates of aws:username and the like). */
  readonly contextFree: boolean;

  constructor(resources: readonly string[], variables: boolean) {
    const exact = new Set<string>();
    const patterns: StringMatcher[] = [];
    const patternTexts: string[] = [];
    const templates: Template[] = [];
    let all = false;
    for (const r of resources) {
      const t = variables ? parseTemplate(r) : undefined;
      if (t) templates.push(t);
      else if (r === '*') all = true;
      else if (r.includes('*') || r.includes('?')) {
        patterns.push(compileGlob(r, 'arn'));
        patternTexts.push(r);
      } else exact.add(r);
    }
    this.exact = exact;
    this.patterns = patterns;
    this.patternTexts = patternTexts;
    this.templates = templates;
    this.all = all;
    this.contextFree = templates.every((t) => t.keys.every((k) => PRINCIPAL_KEYS.has(k)));
  }

  /** Whether the resource matches; null when it matches nothing else and a template could not be resolved. */
  match(resource: string, keys: RequestKeys): boolean | null {
    if (this.all || this.exact.has(resource)) return true;
    for (const m of this.patterns) if (m(resource)) return true;
    let unresolved = false;
    for (const t of this.templates) {
      const r = resolveTemplate(t, (k) => keys.variable(k));
      if (!r) unresolved = true;
      else if (compileGlob(r.text, 'arn', r.wild)(resource)) return true;
    }
    return unresolved ? null : false;
  }

  /**
   * Whether the set could match some queue ARN that starts with `prefix` (`arn:aws:sqs:<region>:<account>:`),
   * whatever the queue's name: `*`, an exact ARN with that prefix, a pattern that matches the prefix
   * followed by its own name part with the wildcards taken out (`team-*` → `team-`: a glob always
   * matches itself so reduced, so this is exact for patterns). A template (policy variable) is assumed
   * to match: the answer is "possibly".
   */
  mayMatchUnder(prefix: string): boolean {
    if (this.all || this.templates.length > 0) return true;
    for (const r of this.exact) if (r.startsWith(prefix) && r.length > prefix.length && !r.includes(':', prefix.length)) return true;
    for (let i = 0; i < this.patterns.length; i++) {
      const text = this.patternTexts[i]!;
      // The name part: what follows the fifth colon (a pattern with fewer components ends in a `*` that
      // matches across colons, or matches no queue ARN at all).
      let at = -1;
      for (let c = 0; c < 5 && (at = text.indexOf(':', at + 1)) >= 0; c++);
      const name =
        at < 0
          ? 'x'
          : text
              .slice(at + 1)
              .replace(/\*/g, '')
              .replace(/\?/g, 'x') || 'x';
      if (this.patterns[i]!(prefix + name)) return true;
    }
    return false;
  }

  /**
   * Whether the set certainly matches every queue ARN that starts with `prefix`: `*`, or a pattern that
   * matches the prefix with an empty name (its name part is all `*`, or a final `*` reaches across).
   * Templates never count (their value depends on the request).
   */
  coversAllUnder(prefix: string): boolean {
    if (this.all) return true;
    for (const m of this.patterns) if (m(prefix)) return true;
    return false;
  }
}

/** One compiled statement. */
export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: ActionSet;
  readonly notAction: boolean;
  readonly resources: ResourceSet;
  readonly notResource: boolean;
  /** Queue policies only. */
  readonly principal?: CompiledPrincipal;
  readonly conditions: readonly CompiledCondition[];
  /** True when matching reads nothing of the request context beyond the principal. */
  readonly contextFree: boolean;
  /** The statement as written. */
  readonly source: Readonly<Record<string, unknown>>;
}

/** A compiled policy: what authorize() takes. Immutable; share it between requests. */
export interface CompiledPolicy {
  readonly name: string;
  readonly kind: PolicyKind;
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly CompiledStatement[];
  readonly denies: readonly CompiledStatement[];
  readonly allows: readonly CompiledStatement[];
  readonly ast: PolicyAst;
}

const ACTION_SYNTAX = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const PRINCIPAL_SYNTAX = [
  /^\d{12}$/,
  /^arn:aws[a-z-]*:iam::\d{12}:root$/,
  /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/[\w+=,.@/-]+$/,
  /^arn:aws[a-z-]*:sts::\d{12}:(assumed-role|federated-user)\/[\w+=,.@/-]+$/,
];

/**
 * The older form of naming a queue in an SQS policy's Resource: `/<account id>/<queue name>` (the SQS
 * Developer Guide of API 2009-02-01 writes its policy examples so, e.g. "Resource":
 * "/987654321000/queue2"). AWS's SDKs still generate it: the SDK for Java 1.x's SQSQueueResource
 * ("an older style of referencing an Amazon SQS queue. You can also use the queue's ARN") and the SDK
 * for Ruby 1.x's AWS::SQS::Policy for a Queue object. Queue policies only: IAM policies take ARNs.
 */
const QUEUE_PATH_RESOURCE = /^\/(\d{12})\/([^/]+)$/;

/**
 * A queue policy's resource as the ARN pattern it names: `/<account>/<name>` → `arn:*:sqs:*:<account>:<name>`
 * (a queue policy is attached to one queue, in one region and partition); anything else as written.
 */
function resourcePattern(r: string, kind: PolicyKind): string {
  const m = kind === 'resource' ? QUEUE_PATH_RESOURCE.exec(r) : null;
  return m ? `arn:*:sqs:*:${m[1]!}:${m[2]!}` : r;
}

function checkStatement(s: StatementAst, kind: PolicyKind, complain: Complaint): void {
  const where = `Statement[${s.index}]`;
  for (const a of s.action ?? s.notAction ?? []) {
    if (a !== '*' && !ACTION_SYNTAX.test(a)) throw complain(`${where}: "${a}" is not an action ("service:Action", "*" and "?" allowed).`);
  }
  // A queue policy's Resource is not checked for syntax: SQS accepts any string there (LocalStack's
  // AWS-validated test_set_queue_policy sets `"Resource": "'$sqs_queue_arn'"`, an uninterpolated
  // template, and reads the policy back), and such a statement names no queue, so it never applies. An
  // IAM policy of Ferry's config is checked: a typo there is the operator's, and is better refused.
  if (kind === 'identity') {
    for (const r of s.resource ?? s.notResource ?? []) {
      if (r !== '*' && !r.startsWith('arn:')) throw complain(`${where}: Resource "${r}" must be an ARN or "*".`);
    }
  }
  for (const p of (s.principal ?? s.notPrincipal)?.aws ?? []) {
    // IAM allows no wildcard inside a principal ARN ("*" alone means everyone).
    if (!PRINCIPAL_SYNTAX.some((re) => re.test(p))) {
      throw complain(`${where}: invalid principal "${p}" (an account id, arn:aws:iam::<account>:root, or a user or role ARN).`);
    }
  }
}

function conditionComplaint(kind: PolicyKind, complain: Complaint): ConditionComplaint {
  return kind === 'resource' ? conditionInvalid : (value, reason) => complain(`Condition ${value}: ${reason}`);
}

/** Compile a parsed policy. Throws PolicyError for an unknown operator or an unusable condition value. */
export function compileAst(ast: PolicyAst, kind: PolicyKind, name: string): CompiledPolicy {
  const complain = complaintFor(kind, name);
  const conditionError = conditionComplaint(kind, complain);
  const variables = ast.version === '2012-10-17';
  const statements = ast.statements.map((s): CompiledStatement => {
    checkStatement(s, kind, complain);
    const conditions = s.conditions.map((c) => {
      const spec = parseOperator(c.operator);
      if (!spec) throw conditionError(c.operator, `Unknown condition operator ${c.operator}.`);
      return new CompiledCondition(c.operator, spec, c.key, c.values, variables, conditionError);
    });
    const resources = new ResourceSet(
      (s.resource ?? s.notResource ?? []).map((r) => resourcePattern(r, kind)),
      variables,
    );
    const block = s.principal ?? s.notPrincipal;
    return {
      ref: { policy: name, kind, index: s.index, ...(s.sid !== undefined && { sid: s.sid }) },
      effect: s.effect,
      actions: new ActionSet(s.action ?? s.notAction ?? []),
      notAction: s.action === undefined,
      resources,
      notResource: s.resource === undefined,
      ...(block && { principal: new CompiledPrincipal(block, s.principal === undefined) }),
      conditions,
      contextFree: resources.contextFree && conditions.every((c) => c.contextFree),
      source: s.source,
    };
  });
  return {
    name,
    kind,
    version: ast.version,
    ...(ast.id !== undefined && { id: ast.id }),
    statements,
    denies: statements.filter((s) => s.effect === 'Deny'),
    allows: statements.filter((s) => s.effect === 'Allow'),
    ast,
  };
}

/**
 * Parse, check and compile an identity policy (from the config file: inline, or by name from the
 * `policies:` map). `doc` is the parsed YAML/JSON value or JSON text. Errors name the policy:
 * `Invalid policy send-orders: Statement[0].Effect must be "Allow" or "Deny".` (PolicyError; the
 * config loader logs `detail` and keeps the previous identities).
 */
export function compileIdentityPolicy(doc: unknown, name: string): CompiledPolicy {
  return compileAst(parsePolicy(doc, 'identity', name), 'identity', name);
}

/** Compile a policy of either kind with only the language's rules (no SQS quotas). */
export function compilePolicy(doc: unknown, kind: PolicyKind, name: string): CompiledPolicy {
  return compileAst(parsePolicy(doc, kind, name), kind, name);
}
