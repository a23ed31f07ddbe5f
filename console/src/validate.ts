/**
 * AWS's limits and the messages the console shows beside a field before anything is sent. The server
 * applies the same rules (src/actions/validation/); these only spare the round trip and say why in
 * the AWS console's words. Sources: the SQS API reference (CreateQueue, SetQueueAttributes,
 * SendMessage, TagQueue, StartMessageMoveTask) and the SQS quotas page (1 MiB messages since 2025).
 */

export const LIMITS = {
  queueNameMax: 80,
  visibilityTimeout: [0, 43_200],
  retention: [60, 1_209_600],
  delay: [0, 900],
  maxMessageSizeBytes: [1024, 1_048_576],
  receiveWait: [0, 20],
  kmsReuse: [60, 86_400],
  maxReceiveCount: [1, 1000],
  redriveAllowSources: 10,
  tags: 50,
  tagKey: 128,
  tagValue: 256,
  fifoId: 128,
  messageAttributes: 10,
  attributeName: 256,
  moveRate: [1, 500],
} as const;

/** Units a duration field offers, in seconds. */
export const UNITS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;
export type Unit = keyof typeof UNITS;

const UNIT_WORD: Record<Unit, [string, string]> = {
  seconds: ['second', 'seconds'],
  minutes: ['minute', 'minutes'],
  hours: ['hour', 'hours'],
  days: ['day', 'days'],
};

/** 43200 → "12 hours", 60 → "1 minute", 0 → "0 seconds". */
export function humanLimit(seconds: number): string {
  for (const u of ['days', 'hours', 'minutes'] as const) {
    if (seconds > 0 && seconds % UNITS[u] === 0) {
      const n = seconds / UNITS[u];
      return `${n} ${UNIT_WORD[u][n === 1 ? 0 : 1]}`;
    }
  }
  return `${seconds} ${UNIT_WORD.seconds[seconds === 1 ? 0 : 1]}`;
}

/** The best unit to show a stored number of seconds in (345600 → [4, 'days']). */
export function toUnit(seconds: number, allowed: readonly Unit[]): [number, Unit] {
  for (const u of [...allowed].sort((a, b) => UNITS[b] - UNITS[a])) {
    if (seconds % UNITS[u] === 0 && (seconds > 0 || u === allowed[0])) return [seconds / UNITS[u], u];
  }
  return [seconds, allowed[0] ?? 'seconds'];
}

const INT = /^\s*\d+\s*$/;

/** A whole number of `unit`s within [min, max] seconds; returns the seconds or an error message. */
export function checkDuration(value: string, unit: Unit, [min, max]: readonly [number, number]): { seconds?: number; error?: string } {
  const range = `Should be between ${humanLimit(min)} and ${humanLimit(max)}.`;
  if (!INT.test(value)) return { error: value.trim() === '' ? `Enter a value. ${range}` : `Enter a whole number. ${range}` };
  const seconds = Number(value) * UNITS[unit];
  if (seconds < min || seconds > max) return { error: range };
  return { seconds };
}

/**
 * A whole number within [min, max]. `what` follows the range ("… and 500 messages per second.");
 * `unit` follows each bound ("… between 1 KiB and 1,024 KiB.").
 */
export function checkInt(value: string, [min, max]: readonly [number, number], what = '', unit = ''): { n?: number; error?: string } {
  const u = unit ? ` ${unit}` : '';
  const range = `Should be between ${min.toLocaleString('en-US')}${u} and ${max.toLocaleString('en-US')}${u}${what ? ` ${what}` : ''}.`;
  if (!INT.test(value)) return { error: value.trim() === '' ? `Enter a value. ${range}` : `Enter a whole number. ${range}` };
  const n = Number(value);
  if (n < min || n > max) return { error: range };
  return { n };
}

export const NAME_HINT =
  'A queue name is case-sensitive and can have up to 80 characters. You can use alphanumeric characters, hyphens (-), and underscores (_).';

export function checkQueueName(name: string, fifo: boolean): string | undefined {
  if (name === '') return 'Enter a queue name.';
  if (fifo && !name.endsWith('.fifo')) return 'The name of a FIFO queue must end with the .fifo suffix.';
  if (!fifo && name.endsWith('.fifo')) return 'Only FIFO queue names can end with .fifo. Choose FIFO, or remove the suffix.';
  if (name.length > LIMITS.queueNameMax) return `A queue name can have up to 80 characters${fifo ? ', including the .fifo suffix' : ''}.`;
  const base = fifo ? name.slice(0, -5) : name;
  if (base === '') return 'Enter a name before the .fifo suffix.';
  if (!/^[A-Za-z0-9_-]+$/.test(base)) return 'A queue name can contain only alphanumeric characters, hyphens (-), and underscores (_).';
  return undefined;
}

/** A JSON object document (access policy); '' is allowed (no policy). */
export function checkPolicyJson(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `The policy is not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'The policy must be a JSON object ({ … }).';
  const d = doc as Record<string, unknown>;
  if (d.Statement === undefined) return 'The policy needs a "Statement" (an IAM policy document).';
  return undefined;
}

export interface TagRow {
  key: string;
  value: string;
}

/** Per-row errors for a tag list (index → message). */
export function checkTags(rows: TagRow[]): Record<number, string> {
  const errors: Record<number, string> = {};
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (r.key === '') errors[i] = 'Enter a tag key.';
    else if (r.key.length > LIMITS.tagKey) errors[i] = `A tag key can have up to ${LIMITS.tagKey} characters.`;
    else if (/^aws:/i.test(r.key)) errors[i] = 'Tag keys can’t start with "aws:" (reserved for AWS use).';
    else if (seen.has(r.key)) errors[i] = 'Tag keys must be unique.';
    else if (r.value.length > LIMITS.tagValue) errors[i] = `A tag value can have up to ${LIMITS.tagValue} characters.`;
    seen.add(r.key);
  });
  if (rows.length > LIMITS.tags) errors[LIMITS.tags] = `A queue can have up to ${LIMITS.tags} tags.`;
  return errors;
}

/** MessageGroupId / MessageDeduplicationId: 1–128 printable ASCII characters without space. */
export function checkFifoId(v: string, what: string): string | undefined {
  if (v === '') return `Enter a ${what}.`;
  if (v.length > LIMITS.fifoId) return `A ${what} can have up to 128 characters.`;
  if (!/^[\x21-\x7e]+$/.test(v))
    return `A ${what} can contain alphanumeric characters and punctuation (!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~), without spaces.`;
  return undefined;
}

/** Characters SQS accepts in a body or string attribute (#x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF). */
export function hasInvalidCharacters(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(s);
}

export function checkAttributeName(name: string): string | undefined {
  if (name === '') return 'Enter a name.';
  if (name.length > LIMITS.attributeName) return 'A name can have up to 256 characters.';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return 'A name can contain alphanumeric characters, hyphens (-), underscores (_), and periods (.).';
  if (/^(aws\.|amazon\.)/i.test(name)) return 'Names starting with "AWS." or "Amazon." are reserved.';
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..'))
    return 'A name can’t start or end with a period or contain two periods in a row.';
  return undefined;
}

export function checkAttributeValue(type: string, value: string): string | undefined {
  if (value === '') return 'Enter a value.';
  if (type.startsWith('Number') && !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return 'Enter a number.';
  if (type.startsWith('Binary') && !/^[A-Za-z0-9+/]*={0,2}$/.test(value.replace(/\s/g, ''))) return 'Enter base64-encoded bytes.';
  if (type.startsWith('String') && hasInvalidCharacters(value)) return 'The value contains characters SQS does not accept.';
  return undefined;
}
