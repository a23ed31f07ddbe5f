/**
 * A queue's server-side encryption, read from its stored attributes (the action layer validated them:
 * actions/validation/queueAttributes.ts). SQS's rules:
 *
 *  - `KmsMasterKeyId` set → SSE-KMS with that key, data keys reused for `KmsDataKeyReusePeriodSeconds`
 *    (60–86,400, default 300). Setting it turns `SqsManagedSseEnabled` to "false" (both "true" in one
 *    call is InvalidAttributeName "You can use one type of server-side encryption (SSE) at one time…",
 *    recorded by LocalStack's AWS-validated test_sse_kms_and_sqs_are_mutually_exclusive, 2024-04-30).
 *    The key is not looked up when it is set: AWS accepts "testKeyId" (test_sse_queue_attributes,
 *    test_set_queue_attributes_default_values, recorded 2024-04-30 and 2025-12-10); the send fails.
 *  - else `SqsManagedSseEnabled` "true" → SSE-SQS, with Ferry's managed key. New queues get "true" by
 *    default, as AWS's do (test_set_queue_attributes_default_values: a queue created without SSE
 *    attributes reports SqsManagedSseEnabled "true").
 *  - else no encryption (plain text is stored).
 *
 * The setting applies when a message is sent: switching SSE on or off changes new messages only, as
 * in SQS; each stored message carries what is needed to read it (envelope.ts).
 */

export const DEFAULT_REUSE_SECONDS = 300;
export const MIN_REUSE_SECONDS = 60;
export const MAX_REUSE_SECONDS = 86_400;

export type SseSetting =
  | { readonly mode: 'off' }
  /** SqsManagedSseEnabled: Ferry's managed key. */
  | { readonly mode: 'sqs'; readonly reusePeriodMs: number }
  /** KmsMasterKeyId: a key of the ring named by id, alias, key ARN or alias ARN. */
  | { readonly mode: 'kms'; readonly keyRef: string; readonly reusePeriodMs: number };

const OFF: SseSetting = Object.freeze({ mode: 'off' });
const SQS: SseSetting = Object.freeze({ mode: 'sqs', reusePeriodMs: DEFAULT_REUSE_SECONDS * 1000 });

/** The SSE setting of a queue with these stored attributes. */
export function sseSettingOf(attributes: Readonly<Record<string, string>>): SseSetting {
  const keyRef = attributes.KmsMasterKeyId;
  if (keyRef !== undefined && keyRef !== '') {
    return { mode: 'kms', keyRef, reusePeriodMs: reuseSeconds(attributes.KmsDataKeyReusePeriodSeconds) * 1000 };
  }
  return attributes.SqsManagedSseEnabled === 'true' ? SQS : OFF;
}

/** KmsDataKeyReusePeriodSeconds as stored (validated 60–86,400), defaulting to 300 and clamped defensively. */
function reuseSeconds(v: string | undefined): number {
  const n = v === undefined ? NaN : Number(v);
  if (!Number.isFinite(n)) return DEFAULT_REUSE_SECONDS;
  return Math.min(MAX_REUSE_SECONDS, Math.max(MIN_REUSE_SECONDS, Math.trunc(n)));
}
