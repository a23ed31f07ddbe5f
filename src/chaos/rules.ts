/**
 * The chaos rules (config key `chaosFaults`, PUT /_ferry/chaos): their types and validation. Kept apart
 * from the chaos layer (index.ts) so the config schema can name them without importing the actions.
 */
/** Names of the faults, as counted in `ferry_chaos_faults_total{fault}`. */
export const FAULTS = ['throttle', 'latency', 'batchEntryFailure', 'duplicate', 'visibilityEarly', 'reorder'] as const;
export type FaultName = (typeof FAULTS)[number];

/** The faults of one queue (or of every queue, `"*"`). Rates are probabilities from 0 to 1. */
export interface FaultSpec {
  /** Per call: fail with `error` (default RequestThrottled). `actions`: only these (default: all). */
  throttle?: { rate: number; error?: 'RequestThrottled' | 'ServiceUnavailable'; actions?: string[] };
  /** Per call: wait `ms` (or a uniform pick from `[min, max]`) before running it. `actions`: only these. */
  latency?: { rate: number; ms: number | [number, number]; actions?: string[] };
  /** Per batch entry (send, delete, change visibility): fail it without applying it. */
  batchEntryFailure?: number;
  /** Per delivered message: deliver it again on the next receive. */
  duplicate?: number;
  /** Per delivered message: end its visibility timeout after 0–50 % of it. */
  visibilityEarly?: number;
  /** Per receive of two or more messages: shuffle them. */
  reorder?: number;
}

/** Rules by queue name; `"*"` applies to every queue without a rule of its own (and to calls without a queue). */
export type ChaosRules = Record<string, FaultSpec>;

export class ChaosRuleError extends Error {}

const ACTION_NAMES = new Set<string>([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'CreateQueue',
  'DeleteQueue',
  'GetQueueUrl',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'ListQueues',
  'PurgeQueue',
  'TagQueue',
  'UntagQueue',
  'ListQueueTags',
  'ListDeadLetterSourceQueues',
  'AddPermission',
  'RemovePermission',
  'StartMessageMoveTask',
  'CancelMessageMoveTask',
  'ListMessageMoveTasks',
]);

/** Validate rules from the config file or the admin API; throws ChaosRuleError naming the bad field. */
export function parseChaosRules(raw: unknown, where: string): ChaosRules {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ChaosRuleError(`${where} must be a mapping of queue name (or "*") to faults`);
  const out: ChaosRules = {};
  for (const [queue, spec] of Object.entries(raw as Record<string, unknown>)) {
    const at = `${where}.${queue}`;
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ChaosRuleError(`${at} must be a mapping of fault to rate`);
    const s = spec as Record<string, unknown>;
    const f: FaultSpec = {};
    for (const [k, v] of Object.entries(s)) {
      switch (k) {
        case 'batchEntryFailure':
        case 'duplicate':
        case 'visibilityEarly':
        case 'reorder':
          f[k] = rate(v, `${at}.${k}`);
          break;
        case 'throttle': {
          const o = obj(v, `${at}.throttle`, ['rate', 'error', 'actions']);
          const error = o.error ?? 'RequestThrottled';
          if (error !== 'RequestThrottled' && error !== 'ServiceUnavailable')
            throw new ChaosRuleError(`${at}.throttle.error must be RequestThrottled or ServiceUnavailable`);
          f.throttle = { rate: rate(o.rate, `${at}.throttle.rate`), error, actions: actions(o.actions, `${at}.throttle.actions`) };
          break;
        }
        case 'latency': {
          const o = obj(v, `${at}.latency`, ['rate', 'ms', 'actions']);
          const ms = o.ms;
          const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 60_000;
          if (!(ok(ms) || (Array.isArray(ms) && ms.length === 2 && ok(ms[0]) && ok(ms[1]) && ms[0] <= ms[1])))
            throw new ChaosRuleError(`${at}.latency.ms must be a number of ms (0-60000) or [min, max]`);
          f.latency = {
            rate: o.rate === undefined ? 1 : rate(o.rate, `${at}.latency.rate`),
            ms: ms as number | [number, number],
            actions: actions(o.actions, `${at}.latency.actions`),
          };
          break;
        }
        default:
          throw new ChaosRuleError(`${at}: unknown fault "${k}" (known: ${FAULTS.join(', ')})`);
      }
    }
    out[queue] = f;
  }
  return out;
}

function rate(v: unknown, where: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ChaosRuleError(`${where} must be a probability from 0 to 1, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, where: string, keys: string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ChaosRuleError(`${where} must be a mapping (${keys.join(', ')})`);
  for (const k of Object.keys(v)) if (!keys.includes(k)) throw new ChaosRuleError(`${where}: unknown key "${k}" (known: ${keys.join(', ')})`);
  return v as Record<string, unknown>;
}

function actions(v: unknown, where: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((a) => typeof a !== 'string' || !ACTION_NAMES.has(a)))
    throw new ChaosRuleError(`${where} must be a list of SQS action names (e.g. [SendMessage, ReceiveMessage])`);
  return v as string[];
}
