/**
 * Every wording of the authorization core, in one place: the errors a queue `Policy` and
 * AddPermission/RemovePermission are refused with, and the AccessDenied text of a denial. The module
 * is pure and imports nothing outside src/core, so it cannot build SqsErrors itself: it throws a
 * PolicyError (code + message) that the action layer turns into one with `M.policyError(e)`
 * (src/errors/messages.ts), and a Decision carries its AccessDenied text for `M.accessDenied(text)`.
 *
 * Sources ("recorded" = a response of real SQS quoted in a public place):
 *  - OverLimit "21 statements were found in the submitted policy, max allowed is 20": recorded
 *    (dapr/components-contrib#1780, aws/aws-cdk#16303).
 *  - OverLimit "10 actions were found in a statement from the submitted policy, max allowed is 7":
 *    recorded (ministryofjustice/cloud-platform-environments#9082).
 *  - OverLimit "Submitted policy is over max allowed size.": recorded (BishopFox/cloudfoxable#29,
 *    justeattakeaway/JustSaying#211, Particular/NServiceBus.AmazonSQS#830).
 *  - InvalidAttributeValue "Invalid value for the parameter Policy.": recorded without a reason
 *    (hashicorp/terraform-provider-aws#42209, aws/aws-cdk#15602); Ferry appends " Reason: …" naming
 *    the problem (the form its other InvalidAttributeValue messages use), so the prefix is AWS's.
 *  - InvalidParameterValue "Value sqs:ChangeMessageVisibilityBatch for parameter ActionName is invalid.
 *    Reason: Please refer to the appropriate WSDL for a list of valid actions.": recorded for a queue
 *    policy (aws/aws-cdk#2381, cloudtools/awacs#34); the action is echoed as written.
 *  - InvalidParameterValue "Value aws:PrincipalArn for parameter Condition is invalid. Reason: …":
 *    recorded shape (awsdocs/iam-user-guide#179); Ferry's reasons in that shape are unverified.
 *  - AddPermission: "Value X for parameter Label is invalid. Reason: Already exists." and "…Reason: can't
 *    find label." recorded (LocalStack snapshot test_sqs_permission_lifecycle, 2024-04-30); "N Actions
 *    were found, maximum allowed is 7.", "Value SQS:X for parameter ActionName is invalid. Reason: Only
 *    the queue owner is allowed to invoke this action.", "Value [] for parameter PrincipalId is invalid.
 *    Reason: Unable to verify." (moto test_add_permission_errors; Eucalyptus' SQS, written to AWS's
 *    wording; a WSO2 connector test against AWS asserts "Value [<id>] … Unable to verify.").
 *  - Principals (50) and conditions (10) over the quota: unverified, in the recorded OverLimit pattern.
 *  - AccessDenied: IAM's "Troubleshooting access denied error messages" formats; SQS writes the
 *    action in lower case ("sqs:sendmessage", recorded in aws/serverless-application-model#3633 for a
 *    SendMessageBatch, microsoft/aspire#3333 cross-account, hackingthe.cloud for ListQueues).
 */

/** The SQS error codes a policy problem is answered with (all in src/errors/catalog.ts). */
export type PolicyErrorCode = 'InvalidAttributeValue' | 'InvalidParameterValue' | 'OverLimit' | 'MissingParameter';

/**
 * A refused policy document or permission edit. `message` is the wire text (for a queue policy, SQS's
 * wording); `detail` says where and what for logs and the CLI (for identity policies from the config
 * file, `detail` is the useful part: it names the policy and the statement).
 */
export class PolicyError extends Error {
  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** SQS's quotas for a queue policy (developer guide, "Quotas related to policies"). */
export const QUEUE_POLICY_LIMITS = {
  bytes: 8192,
  statements: 20,
  principals: 50,
  conditions: 10,
  actionsPerStatement: 7,
} as const;

// ---- queue policy (CreateQueue / SetQueueAttributes `Policy`) -----------------------------------

/** A structural problem: AWS's "Invalid value for the parameter Policy." plus the reason. */
export const policyInvalid = (reason: string): PolicyError =>
  new PolicyError('InvalidAttributeValue', `Invalid value for the parameter Policy. Reason: ${reason}`, reason);

/** Not JSON, or JSON that is not an object. */
export const policyNotJson = (): PolicyError => policyInvalid('Policy is not a valid JSON object.');

export const policyTooLarge = (bytes: number): PolicyError =>
  new PolicyError(
    'OverLimit',
    'Submitted policy is over max allowed size.',
    `The policy is ${bytes} bytes; at most ${QUEUE_POLICY_LIMITS.bytes} are allowed.`,
  );

export const tooManyStatements = (n: number): PolicyError =>
  new PolicyError('OverLimit', `${n} statements were found in the submitted policy, max allowed is ${QUEUE_POLICY_LIMITS.statements}`);

export const tooManyStatementActions = (n: number): PolicyError =>
  new PolicyError(
    'OverLimit',
    `${n} actions were found in a statement from the submitted policy, max allowed is ${QUEUE_POLICY_LIMITS.actionsPerStatement}`,
  );

/** unverified wording (the recorded OverLimit pattern). */
export const tooManyPrincipals = (n: number): PolicyError =>
  new PolicyError('OverLimit', `${n} principals were found in the submitted policy, max allowed is ${QUEUE_POLICY_LIMITS.principals}`);

/** unverified wording (the recorded OverLimit pattern). */
export const tooManyConditions = (n: number): PolicyError =>
  new PolicyError('OverLimit', `${n} conditions were found in the submitted policy, max allowed is ${QUEUE_POLICY_LIMITS.conditions}`);

/** An action that is not an SQS action (a batch name, a typo, another service), echoed as written. */
export const actionNameInvalid = (action: string): PolicyError =>
  new PolicyError(
    'InvalidParameterValue',
    `Value ${action} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.`,
  );

/** A condition problem (unknown operator, unparsable value), in the recorded "parameter Condition" shape. */
export const conditionInvalid = (value: string, reason: string): PolicyError =>
  new PolicyError('InvalidParameterValue', `Value ${value} for parameter Condition is invalid. Reason: ${reason}`);

// ---- AddPermission / RemovePermission -----------------------------------------------------------

export const LABEL_RULE = 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length';

export const missingParameter = (name: string): PolicyError => new PolicyError('MissingParameter', `The request must contain the parameter ${name}.`);
export const labelInvalid = (label: string): PolicyError =>
  new PolicyError('InvalidParameterValue', `Value ${label} for parameter Label is invalid. Reason: ${LABEL_RULE}`);
export const labelExists = (label: string): PolicyError =>
  new PolicyError('InvalidParameterValue', `Value ${label} for parameter Label is invalid. Reason: Already exists.`);
export const labelNotFound = (label: string): PolicyError =>
  new PolicyError('InvalidParameterValue', `Value ${label} for parameter Label is invalid. Reason: can't find label.`);
export const permissionTooManyActions = (n: number): PolicyError =>
  new PolicyError('OverLimit', `${n} Actions were found, maximum allowed is ${QUEUE_POLICY_LIMITS.actionsPerStatement}.`);
export const permissionActionOwnerOnly = (action: string): PolicyError =>
  new PolicyError(
    'InvalidParameterValue',
    `Value SQS:${action} for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.`,
  );
export const permissionActionUnknown = (action: string): PolicyError => actionNameInvalid(`SQS:${action}`);
/** Account ids that are not 12 digits, or that the server does not know (`[]` when none were given). */
export const principalIdInvalid = (ids: readonly string[]): PolicyError =>
  new PolicyError('InvalidParameterValue', `Value [${ids.join(', ')}] for parameter PrincipalId is invalid. Reason: Unable to verify.`);

// ---- AccessDenied --------------------------------------------------------------------------------

/**
 * AWS's AccessDenied text. `action` is the IAM action as messages print it (`sqs:sendmessage`):
 *   implicit: "User: <arn> is not authorized to perform: <action> on resource: <resource> because no
 *             identity-based policy allows the <action> action" (or "no resource-based policy")
 *   explicit: "User: <arn> is not authorized to perform: <action> on resource: <resource> with an
 *             explicit deny in an identity-based policy" (or "in a resource-based policy")
 */
export function accessDeniedMessage(
  principalArn: string,
  action: string,
  resource: string,
  explicit: boolean,
  policyType: 'identity-based' | 'resource-based',
): string {
  const head = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  if (explicit) return `${head} with an explicit deny in ${policyType === 'identity-based' ? 'an' : 'a'} ${policyType} policy`;
  return `${head} because no ${policyType} policy allows the ${action} action`;
}
