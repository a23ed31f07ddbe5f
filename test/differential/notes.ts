/**
 * The prose of docs/aws-differential.md that is not per-case data. report.ts renders it around the
 * table; keep it in step with cases.ts (the differential test fails when an `open` mark goes stale).
 */

export const INTRO: string[] = [
  'Every deterministic recording of real SQS behaviour we found, replayed against Ferry through real clients',
  '(@aws-sdk/client-sqs for JSON 1.0, aws-sdk v2 2.1490.0 for Query, raw HTTP for the Query forms no SDK sends).',
  'The cases are data in `test/differential/cases.ts`; `test/differential/differential.test.ts` runs them',
  '(`node scripts/test.mjs dist/test/differential/`; every engine by default; `FERRY_DIFF_ENGINE=sqlite|memory|postgres` picks one)',
  'and fails on any unexpected difference and on any known-open case that starts matching.',
  'Regenerate this file with `npx tsc -p tsconfig.json && node dist/test/differential/report.js`.',
  '',
  'Compared per case: the error code (the Query code, which both SDKs expose and the recordings call `Code`), the exact',
  'message, and the output fields the recording shows (bodies, attributes, MD5s). `<receipt-handle>` and `<queue-name>` in',
  "recorded messages stand for the run's own values; timestamps and ARNs are left out of attribute maps.",
];

export const PRECEDENCE: string[] = [
  'Sources, newest first where they disagree:',
  '',
  "1. LocalStack's AWS-validated snapshots — `tests/aws/services/sqs/test_sqs.snapshot.json` and `test_sqs_move_task.snapshot.json`",
  "   (localstack/localstack, checkout of 2026-03-23). Each entry is AWS's own response; `test_sqs.validation.json` says when it",
  '   was last validated (2024-04-30 … 2025-12-10), and the table shows that date. The test `.py` file shows the requests.',
  '2. Assertions of LocalStack tests marked `@markers.aws.validated` that keep no snapshot (exact codes and messages asserted',
  '   in the test, e.g. the ChangeMessageVisibility-on-deleted-message wording). They carry no validation date.',
  "3. moto's `aws_verified` tests (getmoto/moto, checkout of 2026-08), asserted codes and messages; no dates.",
  '4. AWS error bodies quoted verbatim in public SDK issue threads (the Query list forms), dated by the thread.',
  '5. The botocore SQS model and the SQS API reference for shapes and documented limits.',
  '',
  'Where they disagree the most recently validated recording wins, because SQS has changed behaviour over time (the 256 KiB →',
  '1 MiB message size of August 2025 is in the 2025-08-19 recordings, while the 2024 ones still show 262144). Concretely:',
  '',
  '- The API reference says message attribute names hold "A-Z, a-z, 0-9, underscore, hyphen, period"; the aws.validated',
  '  LocalStack test sends `attr.1øßä` successfully. The recording (what AWS does) wins: letters of any script are accepted.',
  '- The SQS-FACTS note that FIFO dedup entries survive PurgeQueue is contradicted by the aws.validated',
  '  `test_purge_queue_clears_fifo_deduplication_cache`; the recording wins (fixed in every engine, listed below).',
  '- LocalStack\'s own comments on the throughput-change tests ("behaviour does not seem to change on AWS") are LocalStack\'s reading; the table compares only the recorded bodies — which agree with it: both recordings (2025-08-19) are explained by deduplication keeping the creation-time DeduplicationScope, and neither by the current attribute nor by matching either scope.',
  '- No source disagrees on the FIFO group rule: the 2025-11 validations (`test_fifo_group_visibility_extends_with_change_message_visibility`,',
  '  `test_fifo_message_group_visibility_after_change_message_visibility`) and the older terminate-visibility assertion agree.',
];

export interface OpenRule {
  title: string;
  body: string[];
}

/**
 * Storage rules a recording shows and Ferry does not apply yet (each with its case marked `open` in
 * cases.ts). None at present: the last one, "a DeduplicationScope change does not re-scope
 * deduplication", is applied by every engine (see FIXED).
 */
export const OPEN_STORAGE_RULES: OpenRule[] = [];

export const FIXED: string[] = [
  '(a) ChangeMessageVisibility(+Batch) on a standard queue with the handle of a deleted message: InvalidParameterValue "Value <handle> for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change." (was ReceiptHandleIsInvalid).',
  '(d) Message attribute names: letters of any script are accepted (`attr.1øßä`); a disallowed character in a String/Number value is InvalidParameterValue (was InvalidMessageContents).',
  '(e) SendMessage on FIFO: a MessageDeduplicationId / MessageGroupId that is given but empty or malformed is its format error ("Value  for parameter MessageDeduplicationId is invalid. Reason: … 1 to 128 in length.") before the missing-id checks (was the ContentBasedDeduplication error).',
  '(f) CreateQueue of a standard queue with DeduplicationScope / FifoThroughputLimit: InvalidAttributeName "You can specify the X only when FifoQueue is set to true." (was "Unknown Attribute X."); SetQueueAttributes FifoQueue=true on a FIFO queue succeeds (was "Modifying queue type is not supported.").',
  '(g) Query list forms: a bare `AttributeName=X` is a one-element list (boto 2 `Queue.count()`; was MalformedQueryString); `Name.member.N` is MalformedInput "Start of list found where not expected"; an unknown name used as a list (`Entries.1.Id`) is MalformedInput "Top level element may not be treated as a list" (was ignored, then EmptyBatchRequest).',
  '(h) Query map forms: one unindexed entry of a map of scalars — `Attribute.Name=…&Attribute.Value=…` (boto 2 `set_queue_attribute`, the SetQueueAttributes Query samples), `Tag.Key=…&Tag.Value=…` (the CreateQueue Query sample) — is that one entry (was MalformedQueryString "Name is not a valid index in parameter Attribute.Name"); message attribute maps stay indexed only. Found by driving boto 2.49 — src/protocol/query/decode.ts.',
  'Query: an unknown Action is "The action FooBar is not valid for this endpoint." (was "…for this web service.").',
  'ReceiveMessage with no messages has no `Messages` member (JSON showed `"Messages": []`).',
  'Storage: ChangeMessageVisibility on a standard queue with the latest receipt of a message whose visibility lapsed (not received since) succeeds and hides it again from now (was MessageNotInflight; an older receipt, or a FIFO queue, still gets MessageNotInflight) — storage/semantics visibilityEntry, every engine.',
  "Storage: a FIFO receive takes a group's visible messages in sequence order up to, not past, its first message still in flight (was: the whole group closed while any of its messages was in flight); groups are served by (head's visible time, head sequence) in every engine — storage/semantics fifo.ts groupReadyAt.",
  'Storage: PurgeQueue clears the FIFO deduplication history (was kept) — storage/semantics/dedup.ts: purge clears the history, every engine.',
  'Storage: a FIFO queue deduplicates with the DeduplicationScope it was created with; SetQueueAttributes changes the attribute (it reads back as set) but not the scope (was: the new scope applied at once, so after queue → messageGroup a new group with an already-seen dedup id was delivered) — `test_fifo_change_to_high_throughput_after_creation/dedup` (LocalStack snapshot, validated 2025-08-19: Test3 and Test5 dropped after the switch) and its mirror `test_fifo_change_to_regular_throughput_after_creation/dedup` (Test3 delivered after messageGroup → queue). storage/semantics/dedup.ts creationDedupScope; stored per queue (QueueRecord.dedupScope; `queues.dedup_scope`, schema migration 2 on SQLite and PostgreSQL, backfilled from the attribute), every engine.',
  'SendMessageBatch entry over MaximumMessageSize: "One or more parameters cannot be validated. Reason: Message must be shorter than N bytes." (was SendMessage\'s "…are invalid…").',
  'Found by a real-client sweep (2026-12-07): a bare queue name as QueueUrl names the caller\'s queue of that name, on both protocols (was InvalidAddress "The address <name> is not valid for this endpoint."; a value that is neither a URL, a path nor a queue name still is) — src/core/queue-url.ts.',
  'JSON: an empty list or map is left out of the answer, as AWS does: `{}` for ListQueueTags of an untagged queue and for GetQueueAttributes of an attribute the queue does not have, no `Failed` in a batch whose entries all succeeded (was `"Tags": {}`, `"Attributes": {}`, `"Failed": []`). The rule is applied to every top-level list and map (no recording shows the others empty: `Successful` of a batch whose entries all failed, `queueUrls` of ListDeadLetterSourceQueues, `Results` of ListMessageMoveTasks) — src/protocol/json.ts.',
  'Query at a queue URL: CreateQueue and ListQueues are InvalidAction "The action X is not valid for this endpoint." (were run; GetQueueUrl is still taken there, as AWS does), and a GET of a queue URL without a query string is 404 `<UnknownOperationException/>` (was 400 MissingParameter Action) — src/protocol/query/decode.ts, src/http/listener.ts.',
  'A move task whose destination queue is deleted while it runs fails with FailureReason `AWS.SimpleQueueService.NonExistentQueue` (was "The destination queue does not exist."); a task moving messages back to their original source fails the same way when that queue is gone — storage/semantics/moveTasks.ts, every engine.',
  "Found by running LocalStack's AWS-validated tests against Ferry (2026-12-07): a GET of a queue URL whose query string holds only a presigned URL's `X-Amz-*` parameters (the test signs with SigV4QueryAuth) is 404 `<UnknownOperationException/>` too (was 400 MissingParameter Action) — src/http/listener.ts.",
  'Found by running moto\'s aws_verified tests against Ferry (2026-12-07): a QueueUrl that is an absolute URL naming no queue (`http://whatever-incorrect-queue-address`, boto3 `Queue(url).load()`) is 400 QueueDoesNotExist / `AWS.SimpleQueueService.NonExistentQueue`, on both protocols (was 404 InvalidAddress "The address … is not valid for this endpoint."; other values that are not a URL, a path or a queue name still are) — src/core/queue-url.ts namesNoQueue.',
];

/** Cases that differed before this round's fixes and match now (the report counts them). */
export const FIXED_CASES: readonly string[] = [
  'test_change_visibility_on_deleted_message_raises_invalid_parameter_value',
  'test_send_message_with_invalid_string_attributes/valid-non-ascii-name',
  'test_invalid_string_attributes_cause_invalid_parameter_value_error',
  'test_message_deduplication_id_invalid[empty]/error-response',
  'test_create_standard_queue_with_fifo_attribute_raises_error/invalid-attribute-deduplication-scope',
  'test_create_standard_queue_with_fifo_attribute_raises_error/invalid-attribute-throughput-limit',
  'test_set_unsupported_attribute_fifo/invalid-attr-name-1+2',
  'test_send_batch_message_size/send-message-batch-result',
  'test_receive_empty_queue/all',
  'test_invalid_action_raises_exception',
  'query-form:unnumbered-AttributeName (boto 2 Queue.count)',
  'query-form:member-list (rusoto MessageAttributeNames.member.1)',
  'query-form:member-name-as-list (Entries.1.Id)',
  'query-form:unindexed-map-entry (boto 2 set_queue_attribute; API reference Query samples)',
  'test_change_message_visibility_after_visibility_timeout_expiration/visibility_timeout_expired',
  'test_purge_queue_clears_fifo_deduplication_cache',
  'test_fifo_message_group_visibility_after_terminate_visibility_timeout',
  'test_fifo_message_group_visibility_after_change_message_visibility',
  'test_fifo_group_visibility_extends_with_change_message_visibility[1-visible]/some-messages-invisible',
  'test_fifo_group_visibility_extends_with_change_message_visibility[2-visible]/some-messages-invisible',
  'test_fifo_change_to_high_throughput_after_creation/dedup',
  'test_set_empty_redrive_policy (QueueUrl = the queue name)',
  'test_posting_to_queue_via_queue_name',
  'test_set_empty_redrive_policy[sqs_query] (QueueUrl = the queue name, raw Query)',
  'test_tag_untag_queue/get-tag-after-untag (raw JSON)',
  'test_sqs_permission_lifecycle/get-queue-policy-attribute-after-removal (raw JSON)',
  'test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size (raw JSON: no Failed)',
  'test_move_task_delete_destination_queue_while_running/list',
  'TestSqsQueryApi::test_get_without_query_returns_unknown_operation',
  'TestSqsQueryApi::test_get_create_queue_fails',
  'TestSqsQueryApi::test_get_list_queues_fails',
  'TestSqsQueryApi::test_get_without_query_returns_unknown_operation (presigned)',
  'moto:test_get_queue_url_error_not_exists',
];

export const SKIPPED: string[] = [
  "Timing- or environment-dependent recordings: `test_approximate_number_of_messages_not_visible` and its FIFO twin (record no response; they poll counters), `test_wait_time_seconds_waits_correctly`, `test_list_queues_pagination` (depends on the account's other queues), `test_deduplication_interval` (waits 5 minutes), the move-task workflows (`test_basic_move_task_workflow`, `…_cancel`, `…_with_throughput_limit`: progress counts depend on AWS's move rate; of `…_delete_destination_queue_while_running` the status and FailureReason are compared, not its counts).",
  'KMS / IAM / Lambda / SNS / CloudFormation specific: `test_sse_queue_attributes` (a KMS key), `test_dead_letter_queue_execution_lambda_mapping_preserves_id`, `test_delete_message_batch_from_lambda`, the `resource_providers/` CloudFormation snapshots, `test_sqs_permission_lifecycle` policy documents (account ids of the recording; the two error entries and the answer after the last permission is removed are compared).',
  'Multi-region / endpoint-strategy / host-header tests and LocalStack-only tests (`@markers.aws.only_localstack`, `needs_fixing`, e.g. `test_send_message_with_invalid_fifo_parameters`, which is skipped upstream).',
  'Recordings whose only content is AWS-generated ids (message ids, sequence numbers, receipt handles), DLQ flows already covered by test/conformance/deadletter.test.ts with their recorded fields (`test_dead_letter_queue_message_attributes`), the MessageAttributeNames / MessageSystemAttributeNames filter snapshots (`test_receive_message_message_attribute_names_filters`, `test_receive_message_message_system_attribute_names_filters`) and `test_aws_trace_header_propagation` (X-Ray header set through a botocore hook), which test/conformance covers.',
  'No recording exists for: invalid values of DeduplicationScope / FifoThroughputLimit / ContentBasedDeduplication on FIFO queues, FIFO-only attributes on SetQueueAttributes of a standard queue, the order of checks across body / attributes / FIFO ids beyond (e) above, and ChangeMessageVisibility on a lapsed FIFO handle. Ferry keeps its wording there (marked "unverified" in src/errors/messages.ts).',
];
