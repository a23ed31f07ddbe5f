/**
 * The one registration table: every SQS action name → its handler, and `dispatchAction`, which runs a
 * handler and turns anything it throws into a catalog SqsError via `toSqsError` (the one mapping).
 */
import { toSqsError } from '../errors/map.js';
import { authorizeAction } from './authorization.js';
import { addPermission } from './addPermission.js';
import { cancelMessageMoveTask } from './cancelMessageMoveTask.js';
import { changeMessageVisibility } from './changeMessageVisibility.js';
import { changeMessageVisibilityBatch } from './changeMessageVisibilityBatch.js';
import { createQueue } from './createQueue.js';
import { deleteMessage } from './deleteMessage.js';
import { deleteMessageBatch } from './deleteMessageBatch.js';
import { deleteQueue } from './deleteQueue.js';
import { getQueueAttributes } from './getQueueAttributes.js';
import { getQueueUrl } from './getQueueUrl.js';
import { listDeadLetterSourceQueues } from './listDeadLetterSourceQueues.js';
import { listMessageMoveTasks } from './listMessageMoveTasks.js';
import { listQueues } from './listQueues.js';
import { listQueueTags } from './listQueueTags.js';
import { purgeQueue } from './purgeQueue.js';
import { receiveMessage } from './receiveMessage.js';
import { removePermission } from './removePermission.js';
import { sendMessage } from './sendMessage.js';
import { sendMessageBatch } from './sendMessageBatch.js';
import { setQueueAttributes } from './setQueueAttributes.js';
import { startMessageMoveTask } from './startMessageMoveTask.js';
import { tagQueue } from './tagQueue.js';
import { untagQueue } from './untagQueue.js';
import type { ActionContext, ActionHandler, ActionInput, ActionName, ActionOutput } from './types.js';

export const ACTIONS: { [A in ActionName]: ActionHandler<A> } = {
  CreateQueue: createQueue,
  DeleteQueue: deleteQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  PurgeQueue: purgeQueue,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  StartMessageMoveTask: startMessageMoveTask,
  CancelMessageMoveTask: cancelMessageMoveTask,
  ListMessageMoveTasks: listMessageMoveTasks,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
  AddPermission: addPermission,
  RemovePermission: removePermission,
};

/** Whether a string names an action Ferry implements. */
export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(ACTIONS, name);
}

/**
 * Run one action, after authorizing it (authorization.ts: once here, not per action). Resolves with its output or rejects with an SqsError (never anything else): engine
 * DomainErrors and unexpected failures are mapped by `toSqsError`.
 */
export async function dispatchAction<A extends ActionName>(action: A, input: ActionInput<A>, ctx: ActionContext): Promise<ActionOutput<A>> {
  const handler = ACTIONS[action] as ActionHandler<A>;
  try {
    await authorizeAction(action, input, ctx);
    return await handler(input, ctx);
  } catch (e) {
    throw toSqsError(e);
  }
}
