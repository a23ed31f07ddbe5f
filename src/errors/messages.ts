/**
 * Builders for every parameterised SQS error message. Throw sites call these instead of writing
 * message strings, so the wording AWS uses lives in one file. Wording sources: responses recorded
 * from real SQS in public test suites (LocalStack's AWS-validated snapshots
 * tests/aws/services/sqs/test_sqs.snapshot.json and test_sqs_move_task.snapshot.json) and the SQS
 * API reference; entries marked "unverified" follow the usual SQS pattern where no recording was found.
 */
import { sqsError, type SqsError } from './catalog.js';

// ---- generic patterns --------------------------------------------------------------------------

/** InvalidAttributeName: "Unknown Attribute X." (also for read-only and wrong-queue-type names). */
export const unknownAttribute = (name: string): SqsError => sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);

/** InvalidAttributeValue: "Invalid value for the parameter X." optionally with " Reason: …". */
export const invalidAttributeValue = (name: string, reason?: string): SqsError =>
  sqsError('InvalidAttributeValue', reason ? `Invalid value for the parameter ${name}. Reason: ${reason}` : `Invalid value for the parameter ${name}.`);

/** InvalidParameterValue: "Value V for parameter P is invalid. Reason: R" (recorded wording). */
export const invalidParameterValue = (param: string, value: unknown, reason: string): SqsError =>
  sqsError('InvalidParameterValue', `Value ${String(value)} for parameter ${param} is invalid. Reason: ${reason}`);

/** InvalidParameterValue with free text (the few messages that do not follow the pattern). */
export const invalidParameter = (text: string): SqsError => sqsError('InvalidParameterValue', text);

/** MissingParameter: "The request must contain the parameter X." (recorded for MessageGroupId). */
export const missingParameter = (param: string): SqsError => sqsError('MissingParameter', `The request must contain the parameter ${param}.`);

// ---- queues ------------------------------------------------------------------------------------

export const QUEUE_NAME_RULE = 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length';
export const FIFO_QUEUE_NAME_RULE =
  'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.';

export const invalidQueueName = (): SqsError => invalidParameter(QUEUE_NAME_RULE);
export const invalidFifoQueueName = (): SqsError => invalidParameter(FIFO_QUEUE_NAME_RULE);

/** Recorded: "A queue already exists with the same name and a different value for attribute DelaySeconds". */
export const queueNameExists = (attr: string): SqsError =>
  sqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${attr}`);

/** A QueueUrl that is neither a URL nor a path. */
export const invalidAddress = (url: string): SqsError => sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);

/** Recorded: "Only one PurgeQueue operation on <queue-name> is allowed every 60 seconds." */
export const purgeInProgress = (queueName: string): SqsError =>
  sqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${queueName} is allowed every 60 seconds.`);

/** Recorded: "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported." */
export const queueTypeImmutable = (): SqsError => invalidAttributeValue('FifoQueue', 'Modifying queue type is not supported.');

/** Recorded (InvalidAttributeName) when KMS and SQS-managed SSE are both requested. */
export const sseConflict = (): SqsError =>
  sqsError('InvalidAttributeName', 'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.');

// ---- redrive -----------------------------------------------------------------------------------

/** Recorded: "Value {…} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn." */
export const invalidRedrivePolicy = (raw: string, reason: string): SqsError => invalidParameterValue('RedrivePolicy', raw, reason);
export const REDRIVE_REASON = {
  notJson: 'Redrive policy is not a valid JSON map.',
  badArn: 'Invalid value for deadLetterTargetArn.',
  missing: (k: string) => `Redrive policy does not contain mandatory attribute: ${k}.`,
  unknownKey: (k: string) => `Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount]. ${k} is unknown.`,
  maxReceiveCount: (v: unknown) => `Invalid value for maxReceiveCount: ${String(v)}, valid values are from 1 to 1000 both inclusive.`,
  dlqMissing: 'Dead letter target does not exist.',
  typeMismatch: 'Dead-letter queue must be same type of queue as the source.',
  notAllowed: 'Queue ARN is not allowed by the RedriveAllowPolicy of the dead-letter target queue.',
} as const;

export const invalidRedriveAllowPolicy = (reason: string): SqsError => invalidAttributeValue('RedriveAllowPolicy', reason);

// ---- messages ----------------------------------------------------------------------------------

/** Recorded: "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes." */
export const messageTooLong = (limit: number): SqsError =>
  invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);

/** InvalidMessageContents naming the first disallowed code point. */
export const invalidMessageContents = (codePoint: number): SqsError =>
  sqsError(
    'InvalidMessageContents',
    `Invalid binary character '#x${codePoint.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
  );

export type AttrKind = 'user' | 'system';
/** "Number of message attributes [11] exceeds the allowed maximum [10]." */
export const tooManyMessageAttributes = (n: number): SqsError =>
  invalidParameter(`Number of message attributes [${n}] exceeds the allowed maximum [10].`);
/** Recorded: "Message (user) attribute 'X' must contain a non-empty value of type 'String'." */
export const emptyAttributeValue = (kind: AttrKind, name: string, type: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute '${name}' must contain a non-empty value of type '${type}'.`);
export const invalidAttributeType = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(
    `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
  );
export const attributeTypeTooLong = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute '${name}' type must be less than 256 characters.`);
/** unverified wording */
export const invalidAttributeNameChars = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(
    `Message (${kind}) attribute name '${name}' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.`,
  );
export const attributeNameReserved = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute name '${name}' is reserved for use by SQS.`);
export const attributeNamePeriods = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute name '${name}' is invalid. Attribute names can not start or end with a period (.) or contain successive periods.`);
export const attributeNameTooLong = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute name '${name}' exceeds the maximum length of 256 characters.`);
export const attributeNumberInvalid = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Could not cast message (${kind}) attribute '${name}' value to number.`);
export const attributeNumberPrecision = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute '${name}' value exceeds the maximum precision of 38 significant digits.`);
export const unsupportedSystemAttribute = (name: string): SqsError =>
  invalidParameter(`Message system attribute name '${name}' is invalid.`);
export const listValuesUnsupported = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute '${name}' list values are not supported.`);

/** Recorded: "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type." */
export const fifoPerMessageDelay = (value: number): SqsError =>
  invalidParameterValue('DelaySeconds', value, 'The request include parameter that is not valid for this queue type.');
/** Recorded verbatim (no trailing period). */
export const DEDUP_REQUIRED = 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly';
export const dedupIdRequired = (): SqsError => invalidParameter(DEDUP_REQUIRED);
/** Batch form is InvalidParameterValue (recorded), single SendMessage is MissingParameter (recorded). */
export const groupIdRequiredInBatch = (): SqsError => invalidParameter('The request must contain the parameter MessageGroupId.');
export const fifoOnlyParameter = (param: string, value: string): SqsError =>
  invalidParameterValue(param, value, 'The request include parameter that is not valid for this queue type.');
export const idTooLong = (param: string, value: string): SqsError =>
  invalidParameterValue(param, value, `${param} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);

// ---- receive / receipts --------------------------------------------------------------------------

/** Recorded: "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided." */
export const maxNumberOfMessagesInvalid = (v: number): SqsError =>
  invalidParameterValue('MaxNumberOfMessages', v, 'Must be between 1 and 10, if provided.');
export const waitTimeSecondsInvalid = (v: number): SqsError => invalidParameterValue('WaitTimeSeconds', v, 'Must be >= 0 and <= 20, if provided.');
export const visibilityTimeoutInvalid = (v: number): SqsError =>
  invalidParameterValue('VisibilityTimeout', v, 'Must be >= 0 and <= 43200, if provided.');
export const delaySecondsInvalid = (v: number): SqsError =>
  invalidParameterValue('DelaySeconds', v, 'DelaySeconds must be >= 0 and <= 900.');
export const visibilityLimitExceeded = (v: number | string): SqsError =>
  invalidParameterValue('VisibilityTimeout', v, 'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]');
export const attemptIdInvalid = (v: string): SqsError =>
  invalidParameterValue('ReceiveRequestAttemptId', v, 'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.');

/** AWS: 'The input receipt handle "X" is not a valid receipt handle.' */
export const receiptHandleInvalid = (handle: string): SqsError =>
  sqsError('ReceiptHandleIsInvalid', receiptHandleInvalidText(handle));
export const receiptHandleInvalidText = (handle: string): string => `The input receipt handle "${handle}" is not a valid receipt handle.`;
/** Recorded (FIFO delete with an expired handle). */
export const receiptHandleExpired = (handle: string): SqsError => invalidParameterValue('ReceiptHandle', handle, 'The receipt handle has expired.');
export const messageNotInflight = (): SqsError => sqsError('MessageNotInflight');

// ---- batches -----------------------------------------------------------------------------------

/** Recorded: "Maximum number of entries per request are 10. You have sent 20." */
export const tooManyEntries = (n: number): SqsError =>
  sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${n}.`);
/** Recorded: "Batch requests cannot be longer than 262144 bytes. You have sent 262145 bytes." */
export const batchTooLong = (limit: number, sent: number): SqsError =>
  sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes. You have sent ${sent} bytes.`);
export const batchIdsNotDistinct = (id: string): SqsError => sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
export const emptyBatch = (action: string): SqsError => sqsError('EmptyBatchRequest', `There should be at least one ${action}RequestEntry in the request.`);

// ---- listing -----------------------------------------------------------------------------------

export const maxResultsInvalid = (v: number): SqsError =>
  invalidParameterValue('MaxResults', v, 'MaxResults must be an integer between 1 and 1000.');
export const nextTokenInvalid = (): SqsError => invalidParameter('Invalid NextToken value.');

// ---- tags --------------------------------------------------------------------------------------

export const tooManyTags = (queueName: string): SqsError => invalidParameter(`Too many tags added for queue ${queueName}.`);
export const tagKeyInvalid = (key: string): SqsError =>
  invalidParameter(`Tag keys must be between 1 and 128 characters in length. Invalid tag key: ${key}`);
export const tagValueInvalid = (key: string): SqsError =>
  invalidParameter(`Tag values may only be up to 256 characters in length. Invalid value for tag: ${key}`);
export const tagKeyReserved = (key: string): SqsError => invalidParameter(`Tag keys cannot begin with "aws:". Invalid tag key: ${key}`);
export const tagsRequired = (param: string): SqsError => missingParameter(param);

// ---- permissions -------------------------------------------------------------------------------

/** Recorded: "Value X for parameter Label is invalid. Reason: Already exists." */
export const labelExists = (label: string): SqsError => invalidParameterValue('Label', label, 'Already exists.');
/** Recorded: "Value X for parameter Label is invalid. Reason: can't find label." */
export const labelNotFound = (label: string): SqsError => invalidParameterValue('Label', label, "can't find label.");
export const labelInvalid = (label: string): SqsError =>
  invalidParameterValue('Label', label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
export const tooManyPermissionActions = (n: number): SqsError =>
  sqsError('OverLimit', `${n} Actions were found, maximum allowed is 7.`);
export const permissionActionInvalid = (action: string): SqsError =>
  invalidParameterValue('ActionName.1', `SQS:${action}`, 'Please refer to the appropriate WSDL for a list of valid actions.');
export const accountIdInvalid = (id: string): SqsError => invalidParameterValue('AWSAccountIds', id, 'An AWS account id must be 12 digits.');

// ---- move tasks (recorded in test_sqs_move_task.snapshot.json) ---------------------------------

export const sourceNotDeadLetterQueue = (): SqsError => invalidParameter('Source queue must be configured as a Dead Letter Queue.');
export const taskHandleInvalid = (): SqsError => invalidParameter('Value for parameter TaskHandle is invalid.');
export const arnResourceNotFound = (param: 'SourceArn' | 'DestinationArn'): SqsError =>
  sqsError('ResourceNotFoundException', `The resource that you specified for the ${param} parameter doesn't exist.`);
export const taskNotFound = (): SqsError => sqsError('ResourceNotFoundException', 'Task does not exist.');
export const taskAlreadyRunning = (): SqsError =>
  invalidParameter('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
export const arnInvalid = (param: string, value: string): SqsError => invalidParameterValue(param, value, 'Invalid ARN.');
export const moveRateInvalid = (v: number): SqsError =>
  invalidParameterValue('MaxNumberOfMessagesPerSecond', v, 'Must be between 1 and 500, if provided.');
export const moveTaskFifoUnsupported = (): SqsError =>
  invalidParameter('The source queue and destination queue must be of the same queue type.');
