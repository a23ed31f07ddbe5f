/**
 * Chaos on purpose (`--chaos`): faults SQS really produces on a bad day, injected at a configured rate
 * so a team can check that its consumers survive them. Opt-in only — without `--chaos` the rules are
 * refused at start and the admin API answers 404 — and seeded, so a run can be repeated.
 *
 * The faults sit between the HTTP listener and the actions (a wrapper around dispatch): they change
 * what a call returns or when, never what the engine stores behind an acknowledgement:
 *  - `throttle`: the call fails with `RequestThrottled` (or `ServiceUnavailable`) before it does
 *    anything — the error shapes of the catalog, which the AWS SDKs retry;
 *  - `latency`: the call is delayed before it runs (real time, not the test clock);
 *  - `batchEntryFailure`: entries of SendMessageBatch / DeleteMessageBatch / ChangeMessageVisibilityBatch
 *    fail with `InternalFailure` (SenderFault false) and are not applied; the others are. On a FIFO
 *    queue a failed send entry also fails the later entries of its message group, so a retry keeps
 *    the group's order;
 *  - `duplicate` (standard queues): a delivered message is made visible again at once, so the next
 *    receive delivers it again while the first consumer still holds it (at-least-once, made visible);
 *  - `visibilityEarly` (standard queues): a delivered message's visibility timeout ends after a random
 *    0–50 % of its length;
 *  - `reorder` (standard queues): the messages of one receive come back shuffled.
 * FIFO queues keep their guarantees: a rule for every queue (`"*"`) never duplicates, reorders or
 * shortens visibility on a FIFO queue; a rule naming the FIFO queue explicitly does.
 */
import type { ActionName, BatchResultErrorEntry } from '../actions/types.js';
import { SqsError } from '../errors/catalog.js';

import { ChaosRuleError, FAULTS, parseChaosRules, type ChaosRules, type FaultName, type FaultSpec } from './rules.js';

export { ChaosRuleError, FAULTS, parseChaosRules, type ChaosRules, type FaultName, type FaultSpec };

/**
 * A small seeded generator (mulberry32 over a 32-bit hash of the seed): fast, and the same seed gives
 * the same sequence of decisions for the same sequence of calls.
 */
export class SeededPrng {
  private s: number;
  constructor(seed: string | number) {
    let h = 2166136261;
    for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    this.s = h >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** How the chaos layer calls the server's own actions (internal: not authorized, not throttled). */
export type InternalCall = (action: ActionName, input: unknown) => Promise<unknown>;

export interface ChaosOptions {
  rules: ChaosRules;
  seed: string | number;
  /** Told of every injected fault (the composition root logs it). */
  onFault: (fault: FaultName, queue: string, action: ActionName, detail?: object) => void;
  /** Real-time sleep for `latency` (tests may replace it). */
  sleep?: (ms: number) => Promise<void>;
}

/** The chaos layer of one server. */
export class Chaos {
  private rules: ChaosRules;
  private prng: SeededPrng;
  private seed: string | number;
  private readonly counts = new Map<string, number>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: ChaosOptions) {
    this.rules = o.rules;
    this.seed = o.seed;
    this.prng = new SeededPrng(o.seed);
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The rules and seed in force (admin API GET). */
  state(): { seed: string | number; faults: ChaosRules; injected: Record<string, number> } {
    const injected: Record<string, number> = {};
    for (const [k, n] of this.counts) injected[k.replace('\0', ' ')] = n;
    return { seed: this.seed, faults: this.rules, injected };
  }

  /** Replace the rules; a new seed restarts the sequence of decisions (so does giving the same seed again). */
  configure(rules: ChaosRules, seed?: string | number): void {
    this.rules = rules;
    if (seed !== undefined) {
      this.seed = seed;
      this.prng = new SeededPrng(seed);
    }
  }

  /** Faults injected so far, for `ferry_chaos_faults_total{fault,queue}`. */
  *counters(): Iterable<readonly [string, string, number]> {
    for (const [k, n] of this.counts) {
      const [fault, queue] = k.split('\0') as [string, string];
      yield [fault, queue, n];
    }
  }

  /** Wrap one call: the faults that apply before it, the call, the faults that apply to its result. */
  async run(action: ActionName, input: unknown, call: (input: unknown) => Promise<unknown>, internal: InternalCall): Promise<unknown> {
    const queue = queueNameOf(input);
    const fifo = queue.endsWith('.fifo');
    const rule = this.rules[queue] ?? this.rules['*'];
    if (rule === undefined) return call(input);
    const explicit = this.rules[queue] !== undefined;
    const orderFaults = !fifo || explicit;

    const lat = rule.latency;
    if (lat !== undefined && applies(lat.actions, action) && this.hit(lat.rate)) {
      const ms = typeof lat.ms === 'number' ? lat.ms : Math.round(lat.ms[0] + this.prng.next() * (lat.ms[1] - lat.ms[0]));
      this.count('latency', queue, action, { ms });
      await this.sleep(ms);
    }
    const thr = rule.throttle;
    if (thr !== undefined && applies(thr.actions, action) && this.hit(thr.rate)) {
      this.count('throttle', queue, action, { error: thr.error });
      throw new SqsError(thr.error ?? 'RequestThrottled');
    }
    if (rule.batchEntryFailure !== undefined && rule.batchEntryFailure > 0 && BATCH_ACTIONS.has(action)) {
      return this.failEntries(action, input as BatchInput, rule.batchEntryFailure, queue, fifo, call);
    }
    const out = await call(input);
    if (action === 'ReceiveMessage' && orderFaults) await this.afterReceive(input as ReceiveInput, out as ReceiveOutput, rule, queue, internal);
    return out;
  }

  private hit(p: number | undefined): boolean {
    return p !== undefined && p > 0 && this.prng.next() < p;
  }

  private count(fault: FaultName, queue: string, action: ActionName, detail?: object): void {
    const k = `${fault}\0${queue}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    this.o.onFault(fault, queue, action, detail);
  }

  private async failEntries(
    action: ActionName,
    input: BatchInput,
    p: number,
    queue: string,
    fifo: boolean,
    call: (input: unknown) => Promise<unknown>,
  ): Promise<unknown> {
    const entries = Array.isArray(input.Entries) ? input.Entries : [];
    // Only well-formed batches (the action's own validation answers the others, unchanged).
    const ids = new Set(entries.map((e) => e?.Id));
    if (entries.length === 0 || entries.length > 10 || ids.size !== entries.length) return call(input);
    const failed = new Set<number>();
    const failedGroups = new Set<string>();
    entries.forEach((e, i) => {
      const group = action === 'SendMessageBatch' && fifo ? e.MessageGroupId : undefined;
      if (group !== undefined && failedGroups.has(group)) failed.add(i);
      else if (this.hit(p)) {
        failed.add(i);
        if (group !== undefined) failedGroups.add(group);
      }
    });
    if (failed.size === 0) return call(input);
    for (const i of failed) this.count('batchEntryFailure', queue, action, { id: entries[i]!.Id });
    const err = new SqsError('InternalFailure');
    const failures: BatchResultErrorEntry[] = [...failed].map((i) => ({
      Id: String(entries[i]!.Id),
      SenderFault: false,
      Code: err.spec.queryCode,
      Message: err.message,
    }));
    if (failed.size === entries.length) return { Successful: [], Failed: failures };
    const rest = entries.filter((_, i) => !failed.has(i));
    const out = (await call({ ...input, Entries: rest })) as { Successful: unknown[]; Failed: BatchResultErrorEntry[] };
    return { ...out, Failed: [...out.Failed, ...failures] };
  }

  private async afterReceive(input: ReceiveInput, out: ReceiveOutput, rule: FaultSpec, queue: string, internal: InternalCall): Promise<void> {
    const msgs = out.Messages;
    if (msgs === undefined || msgs.length === 0) return;
    if (msgs.length > 1 && this.hit(rule.reorder)) {
      for (let i = msgs.length - 1; i > 0; i--) {
        const j = Math.floor(this.prng.next() * (i + 1));
        [msgs[i], msgs[j]] = [msgs[j]!, msgs[i]!];
      }
      this.count('reorder', queue, 'ReceiveMessage', { messages: msgs.length });
    }
    let visibility: number | undefined = input.VisibilityTimeout;
    for (const m of msgs) {
      let to: number | undefined;
      let fault: FaultName | undefined;
      if (this.hit(rule.duplicate)) {
        to = 0;
        fault = 'duplicate';
      } else if (this.hit(rule.visibilityEarly)) {
        if (visibility === undefined) {
          const attrs = (await internal('GetQueueAttributes', { QueueUrl: input.QueueUrl, AttributeNames: ['VisibilityTimeout'] })) as {
            Attributes?: Record<string, string>;
          };
          visibility = Number(attrs.Attributes?.VisibilityTimeout ?? 30);
        }
        to = Math.floor(visibility * 0.5 * this.prng.next());
        fault = 'visibilityEarly';
      }
      if (fault === undefined || to === undefined) continue;
      try {
        await internal('ChangeMessageVisibility', { QueueUrl: input.QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: to });
        this.count(fault, queue, 'ReceiveMessage', { messageId: m.MessageId, visibilityTimeout: to });
      } catch {
        // Deleted or re-received meanwhile: nothing to shorten, no fault injected.
      }
    }
  }
}

const BATCH_ACTIONS = new Set<ActionName>(['SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch']);

interface BatchInput {
  Entries?: Array<{ Id?: string; MessageGroupId?: string }>;
}
interface ReceiveInput {
  QueueUrl: string;
  VisibilityTimeout?: number;
}
interface ReceiveOutput {
  Messages?: Array<{ MessageId: string; ReceiptHandle: string }>;
}

function applies(list: string[] | undefined, action: ActionName): boolean {
  return list === undefined || list.includes(action);
}

/** The queue a call is about: QueueName, or the last path segment of QueueUrl; "" for none. */
export function queueNameOf(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const i = input as { QueueName?: unknown; QueueUrl?: unknown };
  if (typeof i.QueueName === 'string') return i.QueueName;
  if (typeof i.QueueUrl === 'string') {
    const parts = i.QueueUrl.split('?')[0]!
      .split('/')
      .filter((x) => x !== '');
    return parts[parts.length - 1] ?? '';
  }
  return '';
}
