/**
 * The action layer's side of the authorization core's pure functions (src/auth): a PolicyError
 * (code + SQS's wording) becomes the SqsError both protocols render.
 */
import { PolicyError } from '../../auth/policy/messages.js';
import * as M from '../../errors/messages.js';

/** Run a policy edit or validation; its PolicyError is rethrown as the matching SqsError. */
export function withPolicyErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof PolicyError ? M.policyError(e) : e;
  }
}
