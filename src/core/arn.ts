/**
 * Queue ARNs. AWS: `arn:aws:sqs:<region>:<account-id>:<queue-name>` (partition `aws`; Ferry also
 * accepts other partitions such as `aws-cn` on input).
 */

/** Build the ARN AWS reports as `QueueArn`. */
export function queueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

export interface ParsedQueueArn {
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

const ARN_RE = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):([^:]+):([A-Za-z0-9_.-]{1,80})$/;

/** Parse a queue ARN; undefined when it is not one (AWS then answers "Invalid value for …Arn"). */
export function parseQueueArn(arn: string): ParsedQueueArn | undefined {
  const m = ARN_RE.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, region: m[2]!, accountId: m[3]!, name: m[4]! };
}

/**
 * The ARN of queue `name` in the same partition, region and account as `arn` (a queue ARN), or
 * undefined when `arn` is not one. Used for DeadLetterQueueSourceArn: AWS names the source queue with
 * the coordinates of the dead-letter target its RedrivePolicy points at.
 */
export function siblingQueueArn(arn: string, name: string): string | undefined {
  const a = parseQueueArn(arn);
  return a === undefined ? undefined : `arn:${a.partition}:sqs:${a.region}:${a.accountId}:${name}`;
}
