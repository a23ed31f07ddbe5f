/**
 * Builders for every parameterised SQS error message. Throw sites call these instead of writing
 * message strings, so the wording AWS uses lives in one file. Wording sources: responses recorded
 * from real SQS in public test suites (LocalStack's AWS-validated snapshots
 * tests/aws/services/sqs/test_sqs.snapshot.json and test_sqs_move_task.snapshot.json) and the SQS
 * API reference; entries marked "unverified" follow the usual SQS pattern where no recording was found.
 * "recorded: <source>" names the recording a wording was checked against (the differential table,
 * docs/aws-differential.md, replays each of them against Ferry).
 */
import { sqsError, type SqsError } from './catalog.js';

// ---- generic patterns --------------------------------------------------------------------------

/** InvalidAttributeName: "Unknown Attribute X." (also for read-only and wrong-queue-type names). */
export const unknownAttribute = (name: string): SqsError => sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);

/** InvalidAttributeValue: "Invalid value for the parameter X." optionally with " Reason: …". */
export const invalidAttributeValue = (name: string, reason?: string): SqsError =>
  sqsError(
    'InvalidAttributeValue',
    reason ? `Invalid value for the parameter ${name}. Reason: ${reason}` : `Invalid value for the parameter ${name}.`,
  );

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

/**
 * Recorded: test_create_standard_queue_with_fifo_attribute_raises_error (LocalStack snapshot, validated
 * 2024-05-15): CreateQueue of a standard queue with DeduplicationScope or FifoThroughputLimit is
 * InvalidAttributeName "You can specify the DeduplicationScope only when FifoQueue is set to true."
 * (FifoQueue and ContentBasedDeduplication there are "Unknown Attribute X.").
 */
export const fifoOnlyAttribute = (name: string): SqsError =>
  sqsError('InvalidAttributeName', `You can specify the ${name} only when FifoQueue is set to true.`);

/** Recorded (InvalidAttributeName) when KMS and SQS-managed SSE are both requested. */
export const sseConflict = (): SqsError =>
  sqsError('InvalidAttributeName', 'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.');

// ---- server-side encryption (SendMessage/ReceiveMessage on an encrypted queue) ---------------------

/**
 * KMS's NotFoundException wording, which SQS passes on as KmsNotFound (unverified for SQS: no recording
 * of an SQS send to a missing key was found): a key id or key ARN, an alias or alias ARN.
 */
export const kmsKeyNotFound = (keyArn: string): SqsError => sqsError('KmsNotFound', `Key '${keyArn}' does not exist`);
export const kmsAliasNotFound = (aliasArn: string): SqsError => sqsError('KmsNotFound', `Alias ${aliasArn} is not found.`);
/** Ferry: a stored message names a key version the key ring does not hold (a ring older than the data). */
export const kmsKeyVersionNotFound = (keyArn: string, version: number): SqsError =>
  sqsError('KmsNotFound', `Key '${keyArn}' has no version ${version} in the key ring`);
/** KMS's DisabledException wording (unverified for SQS). */
export const kmsDisabled = (keyArn: string): SqsError => sqsError('KmsDisabled', `${keyArn} is disabled.`);
/** Ferry: a stored encrypted body that does not authenticate (altered data, or a different key under that id). */
export const kmsUndecryptable = (why: string, key?: { arn: string; version: number }): SqsError =>
  sqsError('KmsInvalidState', `The message body cannot be decrypted${key ? ` with ${key.arn} version ${key.version}` : ''}: ${why}`);

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

/** Recorded: "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes." (test_send_oversized_message, 2025-08-19). */
export const messageTooLong = (limit: number): SqsError =>
  invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);

/**
 * A SendMessageBatch entry over MaximumMessageSize fails only that entry, worded differently from
 * SendMessage. Recorded: test_send_batch_message_size (LocalStack snapshot, 2024-04-30):
 * "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes."
 */
export const batchEntryMessageTooLong = (limit: number): SqsError =>
  invalidParameter(`One or more parameters cannot be validated. Reason: Message must be shorter than ${limit} bytes.`);

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
/**
 * unverified wording. The rule is recorded (test_send_message_with_invalid_string_attributes, LocalStack
 * aws.validated): names may hold letters of any script ("attr.1øßä" is accepted), digits, `_`, `-`, `.`;
 * `!`, `"`, `§`, `(`, `?` are rejected with an error whose text contains "Invalid".
 */
export const invalidAttributeNameChars = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(
    `Message (${kind}) attribute name '${name}' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.`,
  );
export const attributeNameReserved = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute name '${name}' is reserved for use by SQS.`);
export const attributeNamePeriods = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(
    `Message (${kind}) attribute name '${name}' is invalid. Attribute names can not start or end with a period (.) or contain successive periods.`,
  );
export const attributeNameTooLong = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute name '${name}' exceeds the maximum length of 256 characters.`);
export const attributeNumberInvalid = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Could not cast message (${kind}) attribute '${name}' value to number.`);
export const attributeNumberPrecision = (kind: AttrKind, name: string): SqsError =>
  invalidParameter(`Message (${kind}) attribute '${name}' value exceeds the maximum precision of 38 significant digits.`);
/**
 * A String (or Number) attribute value holding a character outside the allowed set. The code is
 * recorded (test_invalid_string_attributes_cause_invalid_parameter_value_error, LocalStack
 * aws.validated: InvalidParameterValue, not InvalidMessageContents); unverified wording, modelled on
 * the body's InvalidMessageContents text.
 */
export const invalidAttributeValueChars = (kind: AttrKind, name: string, codePoint: number): SqsError =>
  invalidParameter(
    `Invalid binary character '#x${codePoint.toString(16).toUpperCase()}' was found in the value of message (${kind}) attribute '${name}', the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
  );
export const unsupportedSystemAttribute = (name: string): SqsError => invalidParameter(`Message system attribute name '${name}' is invalid.`);
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
/** Recorded: test_message_deduplication_id_invalid, test_send_message_to_standard_queue_with_invalid_message_group_id (LocalStack snapshot, 2025-07-30); an empty id is this error too, not the missing-id one. */
export const idTooLong = (param: string, value: string): SqsError =>
  invalidParameterValue(param, value, `${param} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);

// ---- receive / receipts --------------------------------------------------------------------------

/** Recorded: "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided." */
export const maxNumberOfMessagesInvalid = (v: number): SqsError =>
  invalidParameterValue('MaxNumberOfMessages', v, 'Must be between 1 and 10, if provided.');
/** Recorded: test_send_receive_wait_time_seconds (LocalStack snapshot, 2025-02-10), values 21 and -1. */
export const waitTimeSecondsInvalid = (v: number): SqsError => invalidParameterValue('WaitTimeSeconds', v, 'Must be >= 0 and <= 20, if provided.');
export const visibilityTimeoutInvalid = (v: number): SqsError =>
  invalidParameterValue('VisibilityTimeout', v, 'Must be >= 0 and <= 43200, if provided.');
export const delaySecondsInvalid = (v: number): SqsError => invalidParameterValue('DelaySeconds', v, 'DelaySeconds must be >= 0 and <= 900.');
export const visibilityLimitExceeded = (v: number | string): SqsError =>
  invalidParameterValue('VisibilityTimeout', v, 'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]');
export const attemptIdInvalid = (v: string): SqsError =>
  invalidParameterValue(
    'ReceiveRequestAttemptId',
    v,
    'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
  );

/** AWS: 'The input receipt handle "X" is not a valid receipt handle.' */
export const receiptHandleInvalid = (handle: string): SqsError => sqsError('ReceiptHandleIsInvalid', receiptHandleInvalidText(handle));
export const receiptHandleInvalidText = (handle: string): string => `The input receipt handle "${handle}" is not a valid receipt handle.`;
/** Recorded: test_fifo_delete_after_visibility_timeout (LocalStack snapshot, 2025-03-28). */
export const receiptHandleExpired = (handle: string): SqsError => invalidParameterValue('ReceiptHandle', handle, 'The receipt handle has expired.');
export const messageNotInflight = (): SqsError => sqsError('MessageNotInflight');
/**
 * ChangeMessageVisibility on a standard queue with the handle of a message that no longer exists
 * (deleted). Recorded: test_change_visibility_on_deleted_message_raises_invalid_parameter_value
 * (LocalStack aws.validated): InvalidParameterValue "Value <handle> for parameter ReceiptHandle is
 * invalid. Reason: Message does not exist or is not available for visibility timeout change."
 */
export const visibilityChangeUnavailable = (handle: string): SqsError =>
  invalidParameterValue('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.');

// ---- batches -----------------------------------------------------------------------------------

/** Recorded: "Maximum number of entries per request are 10. You have sent 20." (LocalStack snapshot 2024-04-30; moto aws_verified: "…sent 11."). */
export const tooManyEntries = (n: number): SqsError =>
  sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${n}.`);
/** Recorded: "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes." (LocalStack snapshot 2025-08-19, moto aws_verified). */
export const batchTooLong = (limit: number, sent: number): SqsError =>
  sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes. You have sent ${sent} bytes.`);
/** Recorded: "Id id_2 repeated." (moto test_send_message_batch_errors, aws_verified: only the first repeated Id is named). */
export const batchIdsNotDistinct = (id: string): SqsError => sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
/** Recorded: "There should be at least one SendMessageBatchRequestEntry in the request." (moto aws_verified, Send and DeleteMessageBatch). */
export const emptyBatch = (action: string): SqsError =>
  sqsError('EmptyBatchRequest', `There should be at least one ${action}RequestEntry in the request.`);

// ---- listing -----------------------------------------------------------------------------------

export const maxResultsInvalid = (v: number): SqsError => invalidParameterValue('MaxResults', v, 'MaxResults must be an integer between 1 and 1000.');
export const nextTokenInvalid = (): SqsError => invalidParameter('Invalid NextToken value.');

// ---- tags --------------------------------------------------------------------------------------

export const tooManyTags = (queueName: string): SqsError => invalidParameter(`Too many tags added for queue ${queueName}.`);
export const tagKeyInvalid = (key: string): SqsError =>
  invalidParameter(`Tag keys must be between 1 and 128 characters in length. Invalid tag key: ${key}`);
export const tagValueInvalid = (key: string): SqsError =>
  invalidParameter(`Tag values may only be up to 256 characters in length. Invalid value for tag: ${key}`);
export const tagKeyReserved = (key: string): SqsError => invalidParameter(`Tag keys cannot begin with "aws:". Invalid tag key: ${key}`);
export const tagsRequired = (param: string): SqsError => missingParameter(param);

// ---- authorization (src/auth/policy: wordings live next to the rules, in policy/messages.ts) -------

/** A refused queue Policy or AddPermission/RemovePermission edit (a PolicyError from src/auth). */
export const policyError = (e: {
  code: 'InvalidAttributeValue' | 'InvalidParameterValue' | 'OverLimit' | 'MissingParameter';
  message: string;
}): SqsError => sqsError(e.code, e.message);
/** A denial, with the Decision's AWS text ("User: … is not authorized to perform: sqs:… on resource: …"). */
export const accessDenied = (message: string): SqsError => sqsError('AccessDenied', message);

// ---- move tasks (recorded in test_sqs_move_task.snapshot.json) ---------------------------------

// Recorded: test_source_needs_redrive_policy, test_cancel_with_invalid_task_handle, test_destination_needs_to_exist,
// test_cancel_with_invalid_task_id_in_task_handle, test_start_multiple_move_tasks (2024-04-30).
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
export const moveTaskFifoUnsupported = (): SqsError => invalidParameter('The source queue and destination queue must be of the same queue type.');

// ---- authentication (SigV4, src/http/sigv4.ts) --------------------------------------------------
// Wording is AWS's Coral front end's, as recorded in public issue threads (cited per builder); the
// few marked "unverified" follow the same pattern where no recording was found. None of them ever
// contains a secret: at most the access key id, the credential scope and the canonical request.

/** MissingAuthenticationToken: neither an Authorization header nor X-Amz-* query parameters. */
export const missingAuthenticationToken = (): SqsError => sqsError('MissingAuthenticationToken');

/**
 * Recorded (aws/chalice#828, brendanhay/amazonka#316): each missing part named, then the header echoed,
 * e.g. "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=…".
 */
export const authorizationHeaderIncomplete = (missing: readonly string[], header: string): SqsError =>
  sqsError(
    'IncompleteSignature',
    missing
      .map((m) =>
        m === 'Date'
          ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
          : `Authorization header requires '${m}' parameter.`,
      )
      .join(' ') + ` Authorization=${header}`,
  );

/** Recorded (iann0036/cloud9-sync#10): "'<part>' not a valid key=value pair (missing equal-sign) in Authorization header: '<header>'." */
export const authorizationPairInvalid = (part: string, header: string): SqsError =>
  sqsError('IncompleteSignature', `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`);

/** unverified wording (Coral's for presigned requests missing parameters). */
export const presignedParametersIncomplete = (missing: readonly string[]): SqsError =>
  sqsError(
    'IncompleteSignature',
    missing.map((m) => `AWS query-string parameters must include '${m}'.`).join(' ') + ' Re-examine the query-string parameters.',
  );

/** unverified wording: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '…'". */
export const credentialMalformed = (credential: string): SqsError =>
  sqsError(
    'IncompleteSignature',
    `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
  );

/** unverified wording; S3 answers "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"". */
export const algorithmUnsupported = (algorithm: string): SqsError =>
  sqsError('IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'. Only 'AWS4-HMAC-SHA256' is supported.`);

/** unverified wording: an X-Amz-Date (or Date) that is not ISO-8601 basic format. */
export const requestDateMalformed = (value: string): SqsError =>
  sqsError('IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`);

/** Recorded for API Gateway / Coral when the signature does not cover the Host header. */
export const hostNotSigned = (): SqsError =>
  sqsError('IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

/**
 * S3's recorded wording (AccessDenied, "There were headers present in the request which were not
 * signed", with a HeadersNotSigned element naming them); SQS has no element for it, so the names go
 * into the message.
 */
export const headersNotSigned = (names: readonly string[]): SqsError =>
  sqsError('AccessDenied', `There were headers present in the request which were not signed: ${names.join(', ')}`);

/** S3's recorded wording for a presign lifetime that is not a number or longer than 7 days. */
export const presignExpiresInvalid = (value: string): SqsError =>
  sqsError(
    'IncompleteSignature',
    /^\d+$/.test(value) ? 'X-Amz-Expires must be less than a week (in seconds) that is 604800' : 'X-Amz-Expires should be a number',
  );

/** InvalidClientTokenId: an access key id Ferry does not know ("The security token included in the request is invalid."). */
export const invalidClientTokenId = (): SqsError => sqsError('InvalidClientTokenId');

/** Recorded (aws/aws-sdk-js#1174, SNS, 15 minutes): "Signature expired: <date> is now earlier than <now-15m> (<now> - 15 min.)". */
export const signatureExpired = (requestDate: string, earliest: string, now: string): SqsError =>
  sqsError('SignatureDoesNotMatch', `Signature expired: ${requestDate} is now earlier than ${earliest} (${now} - 15 min.)`);

/** Recorded (serverless/enterprise#11): "Signature not yet current: <date> is still later than <now+15m> (<now> + 15 min.)". */
export const signatureNotYetCurrent = (requestDate: string, latest: string, now: string): SqsError =>
  sqsError('SignatureDoesNotMatch', `Signature not yet current: ${requestDate} is still later than ${latest} (${now} + 15 min.)`);

/** A presigned URL used after X-Amz-Date + X-Amz-Expires (catalog wording "Request has expired."). */
export const presignedRequestExpired = (): SqsError => sqsError('RequestExpired');

// The three scope messages below end in ". " (a trailing space) exactly as AWS sends them
// (aws/aws-sdk-ruby#508, JuliaCloud/AWS.jl#565, cllunsford/aws-signing-proxy#25).
/** Recorded: "Credential should be scoped to a valid region, not 'us-east-2'. " */
export const credentialWrongRegion = (region: string): SqsError =>
  sqsError('SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${region}'. `);
/** Recorded: "Credential should be scoped to correct service: 'batch'. " */
export const credentialWrongService = (service: string): SqsError =>
  sqsError('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'. `);
/** unverified wording, same pattern. */
export const credentialWrongTerminator = (terminator: string): SqsError =>
  sqsError('SignatureDoesNotMatch', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `);

/** unverified wording: the credential scope's date is not the request date's day. */
export const credentialDateMismatch = (scopeDate: string, requestDate: string): SqsError =>
  sqsError(
    'SignatureDoesNotMatch',
    `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${requestDate.slice(0, 8)}', from '${requestDate}'.`,
  );

/** S3's recorded wording (XAmzContentSHA256Mismatch); here the signature would not cover the body. */
export const payloadHashMismatch = (): SqsError =>
  sqsError('SignatureDoesNotMatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");

/**
 * Recorded (boto/boto3#756, STS): AWS explains what it signed. Both strings are public material
 * (method, path, query, signed header values, scope, hashes) — never the secret or the signing key.
 */
export const signatureMismatch = (canonicalRequest: string, stringToSign: string): SqsError =>
  sqsError(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
      'Consult the service documentation for details.\n\n' +
      `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  );

// ---- Query protocol decoding (src/protocol/query/decode.ts) ------------------------------------------

/** Recorded: TestSqsQueryApi::test_invalid_action_raises_exception (LocalStack aws.validated): InvalidAction. */
export const invalidActionText = (action: string): string => `The action ${action} is not valid for this endpoint.`;
/**
 * MalformedInput for a `Name.member.N` list where SQS's flattened lists take `Name.N`. Recorded: AWS's
 * answer to `ReceiveMessage&MessageAttributeNames.member.1=All`, quoted in rusoto/rusoto#586 (2017-03-22).
 */
export const START_OF_LIST_UNEXPECTED = 'Start of list found where not expected';
/**
 * MalformedInput for an indexed parameter whose name is not a member of the action (a client sending
 * the JSON member name, `Entries.1.Id`, instead of `SendMessageBatchRequestEntry.1.Id`). Recorded: AWS's
 * answer quoted in aws/aws-sdk-go#161 (2015-04-01), aws/aws-sdk-php#637 (2015-06-17), rusoto/rusoto#955 (2018-02-09).
 */
export const TOP_LEVEL_NOT_LIST = 'Top level element may not be treated as a list';

// ---- HTTP listener ----------------------------------------------------------------------------------
/** A request body over the listener's limit (refused while streaming). */
export const requestBodyTooLarge = (maxBytes: number) => `Request body must be at most ${maxBytes} bytes.`;
/**
 * Ferry's own wording (RequestThrottled, which every SDK retries with backoff): a long poll refused
 * because the caps on parked long polls (maxLongPolls, maxLongPollsPerQueue) are reached.
 */
export const longPollsThrottled = (): SqsError =>
  sqsError('RequestThrottled', 'Too many ReceiveMessage long polls are waiting; retry the request later.');
/** Ferry's own: the request bodies being received fill the memory set aside for them (retryable 503). */
export const bodyMemoryExhausted = () => 'The server is receiving too many request bodies at once; retry the request.';
