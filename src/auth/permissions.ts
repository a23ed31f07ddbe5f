/**
 * AddPermission / RemovePermission as pure edits of a queue's `Policy` text: the statements SQS
 * writes, and SQS's checks and errors. The action layer reads the stored Policy, calls these, and
 * stores the result (or removes the attribute when RemovePermission returns undefined).
 *
 * What SQS writes (LocalStack's AWS-validated snapshot test_sqs_permission_lifecycle, 2024-04-30):
 *
 *   {"Version":"2008-10-17","Id":"<queueArn>/SQSDefaultPolicy","Statement":[{"Sid":"<Label>",
 *    "Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<account>:root"},"Action":"SQS:ReceiveMessage",
 *    "Resource":"<queueArn>"}]}
 *
 * A single principal or action is a string, several an array; a statement is appended to an existing
 * policy (whose Version and Id stay as they are); removing the last statement removes the Policy.
 *
 * Checks, in order (errors in policy/messages.ts): Label present; Actions present ("The request must
 * contain the parameter Actions."); AWSAccountIds present ("Value [] for parameter PrincipalId is
 * invalid. Reason: Unable to verify."); at most 7 actions (OverLimit "8 Actions were found, maximum
 * allowed is 7."); each action grantable (`*` or a shared action: "Only the queue owner is allowed to
 * invoke this action." for owner-only actions, the WSDL message for anything else, batch names
 * included: granting SendMessage grants SendMessageBatch); each account id 12 digits and known to the
 * server; the Label's format; the Label not yet used; and the resulting policy within SQS's quotas
 * (20 statements, 8,192 bytes, 50 principals: OverLimit as for SetQueueAttributes).
 */
import { GRANTABLE_ACTIONS, OWNER_ONLY_ACTIONS } from './policy/actions.js';
import {
  labelExists,
  labelInvalid,
  labelNotFound,
  missingParameter,
  permissionActionOwnerOnly,
  permissionActionUnknown,
  permissionTooManyActions,
  principalIdInvalid,
  QUEUE_POLICY_LIMITS,
} from './policy/messages.js';
import { compileQueuePolicy } from './policy/validate.js';

export interface PermissionGrant {
  /** The statement's Sid: 1–80 of [A-Za-z0-9_-]. */
  readonly label: string | undefined;
  readonly accountIds: readonly string[] | undefined;
  /** Action names without the `SQS:` prefix (`SendMessage`, `*`). */
  readonly actions: readonly string[] | undefined;
  readonly queueArn: string;
  /**
   * Whether an account id names an account this server knows (SQS verifies the account exists:
   * "Unable to verify"). Default: any 12-digit id.
   */
  readonly accountExists?: (accountId: string) => boolean;
}

interface PolicyJson {
  Version?: unknown;
  Id?: unknown;
  Statement: Array<Record<string, unknown>>;
  [k: string]: unknown;
}

const LABEL_RE = /^[A-Za-z0-9_-]{1,80}$/;
const ACCOUNT_RE = /^\d{12}$/;

const oneOrMany = (xs: readonly string[]): string | string[] => (xs.length === 1 ? xs[0]! : [...xs]);

/** The stored Policy as a document with a Statement list; undefined when there is none (or it is not JSON). */
function load(current: string | undefined): PolicyJson | undefined {
  if (current === undefined || current === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(current);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  const st = d.Statement;
  const statements = Array.isArray(st) ? st : st === undefined ? [] : [st];
  return { ...d, Statement: statements.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null) };
}

/** The statement AddPermission writes. */
export function permissionStatement(
  label: string,
  accountIds: readonly string[],
  actions: readonly string[],
  queueArn: string,
): Record<string, unknown> {
  return {
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: oneOrMany(accountIds.map((a) => `arn:aws:iam::${a}:root`)) },
    Action: oneOrMany(actions.map((a) => `SQS:${a}`)),
    Resource: queueArn,
  };
}

/** AddPermission: the new Policy text. Throws PolicyError. */
export function addPermission(current: string | undefined, grant: PermissionGrant): string {
  const { label, accountIds, actions, queueArn } = grant;
  if (label === undefined || label === '') throw missingParameter('Label');
  if (!actions || actions.length === 0) throw missingParameter('Actions');
  if (!accountIds || accountIds.length === 0) throw principalIdInvalid([]);
  if (actions.length > QUEUE_POLICY_LIMITS.actionsPerStatement) throw permissionTooManyActions(actions.length);
  for (const a of actions) {
    if (GRANTABLE_ACTIONS.has(a)) continue;
    throw OWNER_ONLY_ACTIONS.has(a) ? permissionActionOwnerOnly(a) : permissionActionUnknown(a);
  }
  const exists = grant.accountExists ?? (() => true);
  const unknown = accountIds.filter((id) => !ACCOUNT_RE.test(id) || !exists(id));
  if (unknown.length > 0) throw principalIdInvalid(unknown);
  if (!LABEL_RE.test(label)) throw labelInvalid(label);
  const doc = load(current) ?? { Version: '2008-10-17', Id: `${queueArn}/SQSDefaultPolicy`, Statement: [] };
  if (doc.Statement.some((s) => s.Sid === label)) throw labelExists(label);
  doc.Statement.push(permissionStatement(label, accountIds, actions, queueArn));
  const text = JSON.stringify(doc);
  compileQueuePolicy(text);
  return text;
}

/** RemovePermission: the new Policy text, or undefined when no statement is left (remove the attribute). */
export function removePermission(current: string | undefined, label: string | undefined): string | undefined {
  if (label === undefined || label === '') throw missingParameter('Label');
  const doc = load(current);
  if (!doc) throw labelNotFound(label);
  const left = doc.Statement.filter((s) => s.Sid !== label);
  if (left.length === doc.Statement.length) throw labelNotFound(label);
  if (left.length === 0) return undefined;
  return JSON.stringify({ ...doc, Statement: left });
}
