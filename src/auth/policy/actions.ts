/**
 * The SQS actions as authorization sees them: the IAM action each API action is checked as, whether
 * it can ever be granted to another account, and whether AddPermission may grant it.
 *
 *  - Batch actions are checked as their base action (AWS: "Specifying SendMessage, DeleteMessage, or
 *    ChangeMessageVisibility … also grants permissions for the corresponding batch versions"; a denied
 *    SendMessageBatch is reported as "sqs:sendmessage"). `sqs:SendMessageBatch` is not an IAM action:
 *    a queue policy naming it is refused (recorded, see messages.ts).
 *  - Cross-account permissions don't apply to AddPermission, CancelMessageMoveTask, CreateQueue,
 *    DeleteQueue, ListMessageMoveTasks, ListQueues, ListQueueTags, RemovePermission,
 *    SetQueueAttributes, StartMessageMoveTask, TagQueue, UntagQueue (SQS developer guide, "Limitations
 *    of Amazon SQS custom policies"): those are refused across accounts whatever the policies say.
 *  - AddPermission grants `*` or a shared action; naming an owner-only action is "Only the queue owner
 *    is allowed to invoke this action." (the shared set is the guide's "actions to which Amazon SQS
 *    allows shared access", which is also why ListQueueTags and the move-task actions, refused across
 *    accounts, are not grantable: a grant that can never be used would be stored but ignored).
 */

export interface SqsActionInfo {
  /** The IAM action name (without `sqs:`) the API action is authorized as. */
  readonly iam: string;
  /** False when the action never works across accounts. */
  readonly crossAccount: boolean;
}

const shared = (iam: string): SqsActionInfo => ({ iam, crossAccount: true });
const owner = (iam: string): SqsActionInfo => ({ iam, crossAccount: false });

/** Every SQS API action (the wire names), to the IAM action it is checked as. */
export const SQS_ACTIONS: Readonly<Record<string, SqsActionInfo>> = {
  SendMessage: shared('SendMessage'),
  SendMessageBatch: shared('SendMessage'),
  ReceiveMessage: shared('ReceiveMessage'),
  DeleteMessage: shared('DeleteMessage'),
  DeleteMessageBatch: shared('DeleteMessage'),
  ChangeMessageVisibility: shared('ChangeMessageVisibility'),
  ChangeMessageVisibilityBatch: shared('ChangeMessageVisibility'),
  GetQueueAttributes: shared('GetQueueAttributes'),
  GetQueueUrl: shared('GetQueueUrl'),
  ListDeadLetterSourceQueues: shared('ListDeadLetterSourceQueues'),
  PurgeQueue: shared('PurgeQueue'),
  CreateQueue: owner('CreateQueue'),
  DeleteQueue: owner('DeleteQueue'),
  ListQueues: owner('ListQueues'),
  SetQueueAttributes: owner('SetQueueAttributes'),
  AddPermission: owner('AddPermission'),
  RemovePermission: owner('RemovePermission'),
  ListQueueTags: owner('ListQueueTags'),
  TagQueue: owner('TagQueue'),
  UntagQueue: owner('UntagQueue'),
  StartMessageMoveTask: owner('StartMessageMoveTask'),
  CancelMessageMoveTask: owner('CancelMessageMoveTask'),
  ListMessageMoveTasks: owner('ListMessageMoveTasks'),
};

/** The IAM action names of SQS, lower-cased (what a queue policy's exact `sqs:` actions must be). */
export const SQS_IAM_ACTIONS: ReadonlySet<string> = new Set(Object.values(SQS_ACTIONS).map((a) => a.iam.toLowerCase()));

/** IAM actions that never work across accounts, lower-cased. */
const OWNER_ONLY: ReadonlySet<string> = new Set(
  Object.values(SQS_ACTIONS)
    .filter((a) => !a.crossAccount)
    .map((a) => a.iam.toLowerCase()),
);

/** What AddPermission may grant (the API's ActionName values, without `SQS:`). */
export const GRANTABLE_ACTIONS: ReadonlySet<string> = new Set([
  '*',
  ...Object.values(SQS_ACTIONS)
    .filter((a) => a.crossAccount)
    .map((a) => a.iam),
]);

/** AddPermission ActionName values refused with "Only the queue owner is allowed to invoke this action.". */
export const OWNER_ONLY_ACTIONS: ReadonlySet<string> = new Set(
  Object.values(SQS_ACTIONS)
    .filter((a) => !a.crossAccount)
    .map((a) => a.iam),
);

/**
 * The IAM action (without prefix) an API action is checked as: `SendMessageBatch` → `SendMessage`.
 * Accepts `sqs:X` too (any case of the prefix); an unknown name is returned unchanged.
 */
export function iamActionOf(action: string): string {
  const name = action.length > 4 && action[3] === ':' && action.slice(0, 3).toLowerCase() === 'sqs' ? action.slice(4) : action;
  return SQS_ACTIONS[name]?.iam ?? name;
}

/** Whether an IAM action (any case, without prefix) can be used across accounts. */
export function worksAcrossAccounts(iamAction: string): boolean {
  return !OWNER_ONLY.has(iamAction.toLowerCase());
}

/**
 * The resource ListQueues is authorized against: the account's ARN prefix with an empty queue name,
 * `arn:aws:sqs:<region>:<account>:` (what AWS names in a ListQueues AccessDenied, recorded on
 * hackingthe.cloud). CreateQueue is checked against the ARN of the queue it would create.
 */
export function listQueuesResource(region: string, accountId: string, partition = 'aws'): string {
  return `arn:${partition}:sqs:${region}:${accountId}:`;
}
