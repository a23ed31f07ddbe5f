/**
 * The authorization core of Ferry: IAM/SQS policy documents parsed, validated and compiled once, and
 * decisions made from (principal, action, resource, policies, request context) exactly as SQS makes
 * them. Pure: no I/O, no engine, no HTTP, no clock (the request context carries the time). See
 * docs/access-control.md.
 */
export { GRANTABLE_ACTIONS, OWNER_ONLY_ACTIONS, SQS_ACTIONS, iamActionOf, listQueuesResource, worksAcrossAccounts } from './actions.js';
export type { SqsActionInfo } from './actions.js';
export { DecisionCache, authorizeCached } from './cache.js';
export { compileIdentityPolicy, compilePolicy } from './compile.js';
export type { CompiledPolicy, CompiledStatement } from './compile.js';
export { authorize, conditionKeysRead, describeStatement, mayAllowSomeQueue } from './evaluate.js';
export type { AuthorizationRequest, ConditionKeyRead, SomeQueueRequest } from './evaluate.js';
export { PolicyError, QUEUE_POLICY_LIMITS, accessDeniedMessage } from './messages.js';
export type { PolicyErrorCode } from './messages.js';
export { parsePolicy } from './parse.js';
export { QueuePolicyCache, compileQueuePolicy } from './validate.js';
export type * from './types.js';
