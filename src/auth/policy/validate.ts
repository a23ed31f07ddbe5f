/**
 * A queue's `Policy` attribute, validated as SQS validates it when CreateQueue or SetQueueAttributes
 * sets it (and when AddPermission writes it), then compiled:
 *
 *  1. size: at most 8,192 bytes (UTF-8) — OverLimit "Submitted policy is over max allowed size.";
 *  2. grammar (parse.ts) — InvalidAttributeValue "Invalid value for the parameter Policy. Reason: …";
 *  3. at most 20 statements — OverLimit "N statements were found in the submitted policy, max allowed is 20";
 *  4. at most 7 actions in a statement — OverLimit "N actions were found in a statement from the
 *     submitted policy, max allowed is 7";
 *  5. every action an SQS action: `*`, `sqs:*`, a pattern such as `SQS:Send*` (the `sqs` prefix in any
 *     case), or an exact SQS action name; anything else (`sqs:SendMessageBatch`, `sqs:Foo`,
 *     `sns:Publish`) is InvalidParameterValue "Value <action> for parameter ActionName is invalid.
 *     Reason: Please refer to the appropriate WSDL for a list of valid actions.";
 *  6. at most 50 principals and 10 conditions in the policy (every `AWS`/`Service`/… entry and `*`
 *     counts once; every operator × key pair counts once) — OverLimit;
 *  7. compile: valid principals, resources, operators and condition values.
 *
 * The quota page lists principals and conditions beside statements and bytes, without "per
 * statement" (which it says for actions), so they are counted over the whole policy.
 */
import { SQS_IAM_ACTIONS } from './actions.js';
import { compileAst, type CompiledPolicy } from './compile.js';
import {
  QUEUE_POLICY_LIMITS,
  actionNameInvalid,
  policyTooLarge,
  tooManyConditions,
  tooManyPrincipals,
  tooManyStatementActions,
  tooManyStatements,
  PolicyError,
} from './messages.js';
import { parsePolicy } from './parse.js';

/** UTF-8 length without allocating (policies are usually ASCII). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Whether a queue policy may name this action (see 5. above). */
function isSqsAction(action: string): boolean {
  if (action === '*') return true;
  const colon = action.indexOf(':');
  if (colon < 0 || action.slice(0, colon).toLowerCase() !== 'sqs') return false;
  const name = action.slice(colon + 1).toLowerCase();
  return name.includes('*') || name.includes('?') || SQS_IAM_ACTIONS.has(name);
}

/**
 * Validate a queue policy as SQS does and compile it. Throws PolicyError (code + SQS's message), which
 * the action layer rethrows as `M.policyError(e)`. `name` labels the policy in decisions (e.g. the
 * queue ARN).
 */
export function compileQueuePolicy(text: string, name = 'queue policy'): CompiledPolicy {
  const bytes = utf8Length(text);
  if (bytes > QUEUE_POLICY_LIMITS.bytes) throw policyTooLarge(bytes);
  const ast = parsePolicy(text, 'resource', name);
  if (ast.statements.length > QUEUE_POLICY_LIMITS.statements) throw tooManyStatements(ast.statements.length);
  let principals = 0;
  let conditions = 0;
  for (const s of ast.statements) {
    const actions = s.action ?? s.notAction ?? [];
    if (actions.length > QUEUE_POLICY_LIMITS.actionsPerStatement) throw tooManyStatementActions(actions.length);
    for (const a of actions) if (!isSqsAction(a)) throw actionNameInvalid(a);
    const p = s.principal ?? s.notPrincipal;
    if (p) principals += (p.any ? 1 : 0) + p.aws.length + p.other.length;
    conditions += s.conditions.length;
  }
  if (principals > QUEUE_POLICY_LIMITS.principals) throw tooManyPrincipals(principals);
  if (conditions > QUEUE_POLICY_LIMITS.conditions) throw tooManyConditions(conditions);
  return compileAst(ast, 'resource', name);
}

/**
 * Compiled queue policies by queue, so a request compiles nothing: an entry is reused while the stored
 * text is the same string (a changed policy is recompiled on first use). A stored policy that no
 * longer compiles (written before Ferry validated policies) comes back as its PolicyError, for the
 * caller to fail closed on. Bounded: past `maxEntries` the oldest entry is dropped.
 */
export class QueuePolicyCache {
  private readonly entries = new Map<string, { text: string; compiled: CompiledPolicy | PolicyError }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(queueKey: string, text: string, name = queueKey): CompiledPolicy | PolicyError {
    const hit = this.entries.get(queueKey);
    if (hit && hit.text === text) return hit.compiled;
    let compiled: CompiledPolicy | PolicyError;
    try {
      compiled = compileQueuePolicy(text, name);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      compiled = e;
    }
    if (!hit && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(queueKey, { text, compiled });
    return compiled;
  }

  /** Forget a queue (deleted, or its policy removed). */
  delete(queueKey: string): void {
    this.entries.delete(queueKey);
  }

  get size(): number {
    return this.entries.size;
  }
}
