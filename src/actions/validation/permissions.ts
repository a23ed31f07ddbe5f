/**
 * AddPermission/RemovePermission write statements into the queue's Policy attribute the way AWS
 * writes them (recorded in LocalStack's AWS-validated snapshot test_sqs_permission_lifecycle):
 *
 *   {"Version":"2008-10-17","Id":"<queueArn>/SQSDefaultPolicy","Statement":[{"Sid":"<Label>",
 *    "Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<acct>:root"},"Action":"SQS:ReceiveMessage",
 *    "Resource":"<queueArn>"}]}
 *
 * A single principal or action is written as a string, several as an array. Removing the last
 * statement removes the Policy attribute.
 */
import * as M from '../../errors/messages.js';
import { LIMITS } from './limits.js';
import { isValidLabel } from './names.js';

/** Actions AddPermission may grant (queue-level actions; `*` for all). */
export const GRANTABLE_ACTIONS = new Set([
  '*',
  'SendMessage',
  'ReceiveMessage',
  'DeleteMessage',
  'ChangeMessageVisibility',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'PurgeQueue',
  'ListQueueTags',
  'StartMessageMoveTask',
  'CancelMessageMoveTask',
  'ListMessageMoveTasks',
]);

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Resource: string;
  [k: string]: unknown;
}
export interface PolicyDoc {
  Version: string;
  Id?: string;
  Statement: PolicyStatement[];
  [k: string]: unknown;
}

const one = <T>(xs: T[]): T | T[] => (xs.length === 1 ? xs[0]! : xs);

/** Validate AddPermission input (label, accounts, ≤7 actions) and build its statement. */
export function buildStatement(label: string, accounts: string[] | undefined, actions: string[] | undefined, queueArn: string): PolicyStatement {
  if (!label) throw M.missingParameter('Label');
  if (!isValidLabel(label)) throw M.labelInvalid(label);
  if (!accounts || accounts.length === 0) throw M.missingParameter('AWSAccountId');
  if (!actions || actions.length === 0) throw M.missingParameter('ActionName');
  if (actions.length > LIMITS.permissionActionsMax) throw M.tooManyPermissionActions(actions.length);
  for (const a of accounts) if (!/^\d{12}$/.test(a)) throw M.accountIdInvalid(a);
  for (const a of actions) if (!GRANTABLE_ACTIONS.has(a)) throw M.permissionActionInvalid(a);
  return {
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: one(accounts.map((a) => `arn:aws:iam::${a}:root`)) },
    Action: one(actions.map((a) => `SQS:${a}`)),
    Resource: queueArn,
  };
}

/** Parse the stored Policy, or start the default document AWS creates. */
export function loadPolicy(raw: string | undefined, queueArn: string): PolicyDoc {
  if (raw) {
    try {
      const d = JSON.parse(raw) as PolicyDoc;
      if (d && typeof d === 'object') {
        if (!Array.isArray(d.Statement)) d.Statement = d.Statement ? [d.Statement as unknown as PolicyStatement] : [];
        return d;
      }
    } catch {
      // An unparsable stored policy cannot happen (validated on set); start fresh.
    }
  }
  return { Version: '2008-10-17', Id: `${queueArn}/SQSDefaultPolicy`, Statement: [] };
}
