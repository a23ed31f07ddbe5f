/**
 * The one catalog of SQS errors. Every error Ferry can answer is defined here exactly once, with both
 * of its wire identities:
 *
 *  - `jsonType`: the `__type` of an AWS JSON 1.0 error body. Modeled SQS errors live in the
 *    `com.amazonaws.sqs#` namespace; errors SQS never modeled come from the Coral framework
 *    (`com.amazon.coral.service#…Exception`).
 *  - `queryCode`: the `<Code>` of an AWS Query error and the first half of the `x-amzn-query-error`
 *    header (`<queryCode>;<fault>`). boto3 and the JS SDK read the error code from that header, so a
 *    wrong value here means users see wrong error codes.
 *
 * Codes and HTTP statuses are taken from the SQS Smithy model (`awsQueryError` and `httpError` traits,
 * as shipped in @aws-sdk/client-sqs' schemas). Messages follow the wording real SQS sends.
 */

export type Fault = 'Sender' | 'Receiver';

export interface ErrorSpec {
  /** `__type` of the JSON 1.0 error body. */
  readonly jsonType: string;
  /** Query protocol `<Code>`, also used in `x-amzn-query-error`. */
  readonly queryCode: string;
  /** HTTP status (both protocols unless `queryStatus` says otherwise). */
  readonly status: number;
  /** HTTP status in the Query protocol, when it differs. */
  readonly queryStatus?: number;
  readonly fault: Fault;
  /** Default message (JSON wording). */
  readonly message: string;
  /** Query wording, where AWS words it differently (e.g. "…for this wsdl version."). */
  readonly queryMessage?: string;
}

const sqs = (name: string) => `com.amazonaws.sqs#${name}`;
const coral = (name: string) => `com.amazon.coral.service#${name}`;
const QS = 'AWS.SimpleQueueService.';

function spec(s: ErrorSpec): ErrorSpec {
  return s;
}

export const ERRORS = {
  // ---- Modeled SQS errors -------------------------------------------------------------------------
  QueueDoesNotExist: spec({
    jsonType: sqs('QueueDoesNotExist'),
    queryCode: `${QS}NonExistentQueue`,
    status: 400,
    fault: 'Sender',
    message: 'The specified queue does not exist.',
    queryMessage: 'The specified queue does not exist for this wsdl version.',
  }),
  QueueNameExists: spec({
    jsonType: sqs('QueueNameExists'),
    queryCode: 'QueueAlreadyExists',
    status: 400,
    fault: 'Sender',
    message: 'A queue already exists with the same name and a different value for attribute(s).',
  }),
  QueueDeletedRecently: spec({
    jsonType: sqs('QueueDeletedRecently'),
    queryCode: `${QS}QueueDeletedRecently`,
    status: 400,
    fault: 'Sender',
    message: 'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
  }),
  PurgeQueueInProgress: spec({
    jsonType: sqs('PurgeQueueInProgress'),
    queryCode: `${QS}PurgeQueueInProgress`,
    status: 403,
    fault: 'Sender',
    message: 'Only one PurgeQueue operation on the queue is allowed every 60 seconds.',
  }),
  OverLimit: spec({
    jsonType: sqs('OverLimit'),
    queryCode: 'OverLimit',
    status: 403,
    fault: 'Sender',
    message: 'Too many messages in flight.',
  }),
  ReceiptHandleIsInvalid: spec({
    jsonType: sqs('ReceiptHandleIsInvalid'),
    queryCode: 'ReceiptHandleIsInvalid',
    status: 404,
    fault: 'Sender',
    message: 'The input receipt handle is invalid.',
  }),
  MessageNotInflight: spec({
    jsonType: sqs('MessageNotInflight'),
    queryCode: `${QS}MessageNotInflight`,
    status: 400,
    fault: 'Sender',
    message: 'The message referred to is not in flight.',
  }),
  InvalidAttributeName: spec({
    jsonType: sqs('InvalidAttributeName'),
    queryCode: 'InvalidAttributeName',
    status: 400,
    fault: 'Sender',
    message: 'Unknown Attribute.',
  }),
  InvalidAttributeValue: spec({
    jsonType: sqs('InvalidAttributeValue'),
    queryCode: 'InvalidAttributeValue',
    status: 400,
    fault: 'Sender',
    message: 'Invalid value for the parameter.',
  }),
  InvalidMessageContents: spec({
    jsonType: sqs('InvalidMessageContents'),
    queryCode: 'InvalidMessageContents',
    status: 400,
    fault: 'Sender',
    message: 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  }),
  InvalidIdFormat: spec({
    jsonType: sqs('InvalidIdFormat'),
    queryCode: 'InvalidIdFormat',
    status: 400,
    fault: 'Sender',
    message: 'The specified receipt handle is not valid for this queue.',
  }),
  EmptyBatchRequest: spec({
    jsonType: sqs('EmptyBatchRequest'),
    queryCode: `${QS}EmptyBatchRequest`,
    status: 400,
    fault: 'Sender',
    message: 'There should be at least one entry in the request.',
  }),
  TooManyEntriesInBatchRequest: spec({
    jsonType: sqs('TooManyEntriesInBatchRequest'),
    queryCode: `${QS}TooManyEntriesInBatchRequest`,
    status: 400,
    fault: 'Sender',
    message: 'Maximum number of entries per request are 10.',
  }),
  BatchEntryIdsNotDistinct: spec({
    jsonType: sqs('BatchEntryIdsNotDistinct'),
    queryCode: `${QS}BatchEntryIdsNotDistinct`,
    status: 400,
    fault: 'Sender',
    message: 'Two or more batch entries in the request have the same Id.',
  }),
  InvalidBatchEntryId: spec({
    jsonType: sqs('InvalidBatchEntryId'),
    queryCode: `${QS}InvalidBatchEntryId`,
    status: 400,
    fault: 'Sender',
    message: 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
  }),
  BatchRequestTooLong: spec({
    jsonType: sqs('BatchRequestTooLong'),
    queryCode: `${QS}BatchRequestTooLong`,
    status: 400,
    fault: 'Sender',
    message: 'Batch requests cannot be longer than 1048576 bytes.',
  }),
  UnsupportedOperation: spec({
    jsonType: sqs('UnsupportedOperation'),
    queryCode: `${QS}UnsupportedOperation`,
    status: 400,
    fault: 'Sender',
    message: 'The operation is not supported.',
  }),
  ResourceNotFoundException: spec({
    jsonType: sqs('ResourceNotFoundException'),
    queryCode: 'ResourceNotFoundException',
    status: 404,
    fault: 'Sender',
    message: 'The resource that you requested could not be found.',
  }),
  RequestThrottled: spec({
    jsonType: sqs('RequestThrottled'),
    queryCode: 'RequestThrottled',
    status: 403,
    fault: 'Sender',
    message: 'Request is throttled.',
  }),
  InvalidAddress: spec({
    jsonType: sqs('InvalidAddress'),
    queryCode: 'InvalidAddress',
    status: 404,
    fault: 'Sender',
    message: 'The specified ID is invalid.',
  }),
  InvalidSecurity: spec({
    jsonType: sqs('InvalidSecurity'),
    queryCode: 'InvalidSecurity',
    status: 403,
    fault: 'Sender',
    message: 'The request was not made over HTTPS or did not use SigV4 for signing.',
  }),

  // SSE: SQS answers with KMS's failure under its own names (Smithy model: awsQueryError KMS.*Exception, 400).
  KmsNotFound: spec({
    jsonType: sqs('KmsNotFound'),
    queryCode: 'KMS.NotFoundException',
    status: 400,
    fault: 'Sender',
    message: 'The request was rejected because the specified entity or resource could not be found.',
  }),
  KmsDisabled: spec({
    jsonType: sqs('KmsDisabled'),
    queryCode: 'KMS.DisabledException',
    status: 400,
    fault: 'Sender',
    message: 'The request was rejected because the specified KMS key is not enabled.',
  }),
  KmsInvalidState: spec({
    jsonType: sqs('KmsInvalidState'),
    queryCode: 'KMS.InvalidStateException',
    status: 400,
    fault: 'Sender',
    message: 'The request was rejected because the state of the specified resource is not valid for this request.',
  }),

  // ---- Unmodeled (Coral framework) errors --------------------------------------------------------
  InvalidParameterValue: spec({
    jsonType: coral('InvalidParameterValueException'),
    queryCode: 'InvalidParameterValue',
    status: 400,
    fault: 'Sender',
    message: 'Invalid parameter value.',
  }),
  MissingParameter: spec({
    jsonType: coral('MissingRequiredParameterException'),
    queryCode: 'MissingParameter',
    status: 400,
    fault: 'Sender',
    message: 'A required parameter is missing.',
  }),
  InvalidAction: spec({
    jsonType: coral('UnknownOperationException'),
    queryCode: 'InvalidAction',
    status: 400,
    fault: 'Sender',
    message: 'The action or operation requested is invalid. Verify that the action is typed correctly.',
  }),
  /** Malformed JSON body or a member of the wrong type. */
  SerializationException: spec({
    jsonType: coral('SerializationException'),
    queryCode: 'MalformedInput',
    status: 400,
    fault: 'Sender',
    message: 'Could not parse the request body.',
  }),
  /** Query parameters that cannot be decoded (bad indexes, a list where a scalar belongs, …). */
  MalformedQueryString: spec({
    jsonType: coral('ValidationException'),
    queryCode: 'MalformedQueryString',
    status: 400,
    fault: 'Sender',
    message: 'The query string is malformed.',
  }),
  InvalidQueryParameter: spec({
    jsonType: coral('InvalidQueryParameterException'),
    queryCode: 'InvalidQueryParameter',
    status: 400,
    fault: 'Sender',
    message: 'The AWS query string is malformed or does not adhere to AWS standards.',
  }),
  UnsupportedMediaType: spec({
    jsonType: coral('UnsupportedMediaTypeException'),
    queryCode: 'UnsupportedMediaType',
    status: 415,
    fault: 'Sender',
    message: 'The request content type is not supported.',
  }),
  RequestEntityTooLarge: spec({
    jsonType: coral('RequestEntityTooLargeException'),
    queryCode: 'RequestEntityTooLarge',
    status: 413,
    fault: 'Sender',
    message: 'Request body is too large.',
  }),
  AccessDenied: spec({
    jsonType: coral('AccessDeniedException'),
    queryCode: 'AccessDenied',
    status: 403,
    fault: 'Sender',
    message: 'Access to the resource is denied.',
  }),
  InvalidClientTokenId: spec({
    jsonType: coral('InvalidClientTokenIdException'),
    queryCode: 'InvalidClientTokenId',
    status: 403,
    fault: 'Sender',
    message: 'The security token included in the request is invalid.',
  }),
  SignatureDoesNotMatch: spec({
    jsonType: coral('SignatureDoesNotMatchException'),
    queryCode: 'SignatureDoesNotMatch',
    status: 403,
    fault: 'Sender',
    message: 'The request signature we calculated does not match the signature you provided.',
  }),
  MissingAuthenticationToken: spec({
    jsonType: coral('MissingAuthenticationTokenException'),
    queryCode: 'MissingAuthenticationToken',
    status: 403,
    fault: 'Sender',
    message: 'Request is missing Authentication Token',
  }),
  IncompleteSignature: spec({
    jsonType: coral('IncompleteSignatureException'),
    queryCode: 'IncompleteSignature',
    status: 400,
    fault: 'Sender',
    message: 'The request signature does not conform to AWS standards.',
  }),
  RequestExpired: spec({
    jsonType: coral('RequestExpiredException'),
    queryCode: 'RequestExpired',
    status: 400,
    fault: 'Sender',
    message: 'Request has expired.',
  }),
  InternalFailure: spec({
    jsonType: coral('InternalFailure'),
    queryCode: 'InternalFailure',
    status: 500,
    fault: 'Receiver',
    message: 'The request processing has failed because of an unknown error, exception or failure.',
  }),
  ServiceUnavailable: spec({
    jsonType: coral('ServiceUnavailableException'),
    queryCode: 'ServiceUnavailable',
    status: 503,
    fault: 'Receiver',
    message: 'The request has failed due to a temporary failure of the server.',
  }),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

/**
 * An error in SQS vocabulary, ready to be rendered by either protocol. `message` overrides the
 * catalog's default wording (build it with the helpers in `messages.ts`, never inline).
 */
export class SqsError extends Error {
  readonly code: ErrorName;
  readonly spec: ErrorSpec;
  /** True when the message was given explicitly (then both protocols use it verbatim). */
  readonly explicitMessage: boolean;

  /**
   * `options.cause`: for InternalFailure, the unexpected error behind it. It never reaches the client
   * (the wire shows only the catalog message); the HTTP listener logs it, with its stack, once per
   * request (see `unexpectedCause` in errors/map.ts).
   */
  constructor(code: ErrorName, message?: string, options?: { cause?: unknown }) {
    const s: ErrorSpec = ERRORS[code];
    super(message ?? s.message, options);
    this.name = 'SqsError';
    this.code = code;
    this.spec = s;
    this.explicitMessage = message !== undefined;
  }

  /** The message for a given protocol (Query wording can differ from JSON's). */
  messageFor(protocol: 'json' | 'query'): string {
    if (!this.explicitMessage && protocol === 'query' && this.spec.queryMessage) return this.spec.queryMessage;
    return this.message;
  }

  statusFor(protocol: 'json' | 'query'): number {
    return protocol === 'query' ? (this.spec.queryStatus ?? this.spec.status) : this.spec.status;
  }
}

export function sqsError(code: ErrorName, message?: string): SqsError {
  return new SqsError(code, message);
}
