/**
 * Typed access to decoded wire data in tests. A decoder hands the action layer `unknown` input that it
 * promises has the shape of the action's input (src/actions/types.ts); tests read it through
 * {@link inputOf}, which checks the action first, instead of through `any`.
 */
import assert from 'node:assert/strict';

import type { ActionInput, ActionName } from '../../src/actions/types.js';

/** A decoded request, as the decoders return it and as a fake dispatch records it. */
export interface DecodedCall {
  action: ActionName;
  input: unknown;
}

/** The input of `call`, after checking it is `action`'s, typed as that action's input. */
export function inputOf<A extends ActionName>(call: DecodedCall | undefined, action: A): ActionInput<A> {
  assert.ok(call, `no ${action} call`);
  assert.equal(call.action, action);
  return call.input as ActionInput<A>;
}
