/**
 * Observation without consuming (what fauxqs calls spies): `waitFor({ queue, event, match })` resolves
 * with the first message event that matches — one already seen (a short journal of recent events is
 * kept) or one still to come — and rejects after `timeout` ms of real time. Built on the message event
 * stream (core/events.ts), so it works the same on every engine. Events are process-local: with several
 * Ferry processes on one PostgreSQL database, a spy sees the requests its own process served.
 */
import type { EventHub, FerryEvent } from '../core/events.js';

/** The message events a spy reports; `dlq`: moved to the dead-letter queue by a receive. */
export type SpyEventType = 'sent' | 'received' | 'deleted' | 'dlq';

/** One message's event as a spy reports it. */
export interface SpiedMessage {
  event: SpyEventType;
  /** The queue the event happened on (for `dlq`: the source queue; `deadLetterQueue` names the target). */
  queue: string;
  messageId: string;
  /** The body as sent (when the spy saw the send; the journal keeps the latest 10,000 bodies). */
  body?: string;
  groupId?: string;
  /** `received`: ApproximateReceiveCount of this delivery. */
  receiveCount?: number;
  /** `dlq`: the dead-letter queue's name (when known). */
  deadLetterQueue?: string;
  /** Epoch ms on Ferry's clock. */
  at: number;
}

export interface WaitForOptions {
  /** Queue name (for `dlq`, the source or the dead-letter queue). Absent: any queue. */
  queue?: string;
  event: SpyEventType;
  /** A predicate, or fields that must be equal (e.g. `{ body: 'hello' }`, `{ messageId }`). */
  match?: ((m: SpiedMessage) => boolean) | Partial<Pick<SpiedMessage, 'messageId' | 'body' | 'groupId'>>;
  /** Real-time ms before rejecting (default 5000). */
  timeout?: number;
  /** Only events from now on (default false: the journal of recent events is searched first). */
  onlyNew?: boolean;
}

export class WaitForTimeout extends Error {
  constructor(o: WaitForOptions, ms: number) {
    super(`waitFor: no ${o.event} event${o.queue === undefined ? '' : ` on queue ${o.queue}`} matched within ${ms} ms`);
    this.name = 'WaitForTimeout';
  }
}

const JOURNAL_MAX = 10_000;

interface Pending {
  o: WaitForOptions;
  resolve(m: SpiedMessage): void;
}

export class Spy {
  private journal: SpiedMessage[] = [];
  private readonly bodies = new Map<string, string>();
  /** Engine ref → messageId (deletes name refs). */
  private readonly refs = new Map<string, string>();
  private readonly queueNames = new Map<string, string>();
  private pending = new Set<Pending>();
  private readonly unsubscribe: () => void;

  constructor(events: EventHub, lookupQueueName?: (id: string) => Promise<string | undefined>) {
    this.unsubscribe = events.subscribe((e) => this.onEvent(e, lookupQueueName));
  }

  close(): void {
    this.unsubscribe();
  }

  /** Forget the journal (reset). Waiters still pending keep waiting. */
  clear(): void {
    this.journal = [];
    this.bodies.clear();
    this.refs.clear();
  }

  waitFor(o: WaitForOptions): Promise<SpiedMessage> {
    const ms = o.timeout ?? 5000;
    if (!['sent', 'received', 'deleted', 'dlq'].includes(o.event))
      return Promise.reject(new TypeError(`waitFor: event must be sent, received, deleted or dlq`));
    if (!o.onlyNew) {
      const seen = this.journal.find((m) => matches(o, m));
      if (seen !== undefined) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const p: Pending = {
        o,
        resolve: (m) => {
          clearTimeout(timer);
          this.pending.delete(p);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.pending.delete(p);
        reject(new WaitForTimeout(o, ms));
      }, ms);
      this.pending.add(p);
    });
  }

  private record(m: SpiedMessage): void {
    this.journal.push(m);
    if (this.journal.length > JOURNAL_MAX) this.journal.splice(0, this.journal.length - JOURNAL_MAX);
    for (const p of [...this.pending]) if (matches(p.o, m)) p.resolve(m);
  }

  private remember<K, V>(map: Map<K, V>, k: K, v: V): void {
    map.set(k, v);
    if (map.size > JOURNAL_MAX) map.delete(map.keys().next().value as K);
  }

  private onEvent(e: FerryEvent, lookupQueueName?: (id: string) => Promise<string | undefined>): void {
    const queue = e.queue.name;
    this.queueNames.set(e.queue.id, queue);
    switch (e.type) {
      case 'sent':
        for (const m of e.messages) {
          if (m.deduplicated) continue;
          if (m.body !== undefined) this.remember(this.bodies, m.messageId, m.body);
          this.record({ event: 'sent', queue, messageId: m.messageId, body: m.body, groupId: m.groupId, at: e.at });
        }
        return;
      case 'received':
        for (const m of e.messages) {
          this.remember(this.refs, m.ref, m.messageId);
          this.record({
            event: 'received',
            queue,
            messageId: m.messageId,
            body: this.bodies.get(m.messageId),
            receiveCount: m.receiveCount,
            at: e.at,
          });
        }
        return;
      case 'deleted':
        for (const ref of e.refs) {
          const messageId = this.refs.get(ref);
          if (messageId === undefined) continue;
          this.record({ event: 'deleted', queue, messageId, body: this.bodies.get(messageId), at: e.at });
        }
        return;
      case 'deadLettered': {
        const emit = (dlq: string | undefined): void => {
          for (const m of e.messages)
            this.record({ event: 'dlq', queue, messageId: m.messageId, body: this.bodies.get(m.messageId), deadLetterQueue: dlq, at: e.at });
        };
        const known = this.queueNames.get(e.targetQueueId);
        if (known !== undefined || lookupQueueName === undefined) emit(known);
        else
          lookupQueueName(e.targetQueueId).then(
            (name) => {
              if (name !== undefined) this.queueNames.set(e.targetQueueId, name);
              emit(name);
            },
            () => emit(undefined),
          );
        return;
      }
      default:
        return;
    }
  }
}

function matches(o: WaitForOptions, m: SpiedMessage): boolean {
  if (m.event !== o.event) return false;
  if (o.queue !== undefined && m.queue !== o.queue && m.deadLetterQueue !== o.queue) return false;
  const f = o.match;
  if (f === undefined) return true;
  if (typeof f === 'function') return f(m);
  return (
    (f.messageId === undefined || f.messageId === m.messageId) &&
    (f.body === undefined || f.body === m.body) &&
    (f.groupId === undefined || f.groupId === m.groupId)
  );
}
