/**
 * Errors raised while decoding a request. They are ordinary catalog errors (`SqsError`) that also know
 * which wire protocol the request spoke, so the HTTP layer can render them in that protocol even though
 * decoding never produced an `{action, input}`.
 */

import { SqsError, type ErrorName } from '../errors/catalog.js';

/** The two wire protocols SQS speaks. */
export type WireProtocol = 'json' | 'query';

/**
 * A catalog error tagged with the protocol of the request that caused it. `instanceof SqsError` holds,
 * so every renderer treats it like any other SQS error.
 */
export class RequestDecodeError extends SqsError {
  /** The protocol the error must be answered in. */
  readonly protocol: WireProtocol;

  constructor(protocol: WireProtocol, code: ErrorName, message?: string) {
    super(code, message);
    this.name = 'RequestDecodeError';
    this.protocol = protocol;
  }
}

/** True when `e` carries the protocol it must be rendered in. */
export function isRequestDecodeError(e: unknown): e is RequestDecodeError {
  return e instanceof RequestDecodeError;
}

/** AWS's wording for an absent required parameter (both protocols; Query names the Query parameter). */
export function missingParameterMessage(name: string): string {
  return `The request must contain the parameter ${name}.`;
}

/** Wording SQS uses for a message attribute value without a DataType. */
export function missingDataTypeMessage(kind: 'message' | 'system', attributeName: string): string {
  return kind === 'message'
    ? `The message attribute '${attributeName}' must contain non-empty message attribute type.`
    : `The message system attribute '${attributeName}' must contain non-empty message system attribute type.`;
}
