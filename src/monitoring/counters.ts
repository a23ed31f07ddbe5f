/**
 * Per-queue counters fed by the message events (core/events.ts), with CloudWatch's counting rules
 * (SQS developer guide, "Available CloudWatch metrics for Amazon SQS"):
 *  - NumberOfMessagesSent / SentMessageSize: messages *added* to the queue. A FIFO duplicate inside the
 *    deduplication window adds nothing: it counts as NumberOfDeduplicatedSentMessages only. A message
 *    moved to a dead-letter queue by a receive is not a send (no 'sent' event is emitted for it); a
 *    message sent to a DLQ with SendMessage is.
 *  - NumberOfMessagesReceived: messages returned by ReceiveMessage (a FIFO ReceiveRequestAttemptId retry
 *    that returns them again counts again: "calculated from a service perspective, and can include
 *    retries"). Messages a receive moved to the DLQ instead are not returned, so not received.
 *  - NumberOfEmptyReceives: ReceiveMessage calls that returned no message — one per call, short or long
 *    poll, however often a long poll retried inside.
 *  - NumberOfMessagesDeleted: every successful delete entry with a valid receipt handle, including a
 *    repeated delete of a message already gone ("including duplicate deletions").
 *  - moved to DLQ (Ferry's own, no CloudWatch equivalent): messages a receive of this queue moved to its
 *    dead-letter queue.
 * Events are process-local, so with several Ferry processes on one PostgreSQL each counts what it served.
 *
 * Counters are keyed by (account, name) (the Prometheus labels `account` and `queue`); an event from a new incarnation of a name (a
 * queue deleted and created again, possibly through another process) starts its counters afresh, which
 * Prometheus' rate() reads as a counter reset.
 */
import type { EventQueue, FerryEvent } from '../core/events.js';
import { queueKey } from '../storage/semantics/queues.js';
import { Histogram, SIZE_BUCKETS } from './histogram.js';

/** What is counted for one queue (one incarnation), since this process saw it first. */
export class QueueCounters {
  sent = 0;
  received = 0;
  deleted = 0;
  emptyReceives = 0;
  deduplicated = 0;
  movedToDlq = 0;
  readonly sizes = new Histogram(SIZE_BUCKETS);

  constructor(
    readonly queueId: string,
    readonly accountId: string,
    readonly name: string,
    readonly fifo: boolean,
    /** Epoch ms (the monitoring clock) when these counters started. */
    readonly since: number,
  ) {}
}

/** The counters of every queue this process has seen events for. */
export class CounterSet {
  /** semantics.queueKey(account, name) → counters. */
  private readonly byName = new Map<string, QueueCounters>();

  constructor(private readonly now: () => number) {}

  /** The event listener (subscribe it to the hub). Cheap: a map lookup and a few additions. */
  readonly onEvent = (e: FerryEvent): void => {
    switch (e.type) {
      case 'sent': {
        const c = this.of(e.queue);
        for (const m of e.messages) {
          if (m.deduplicated) c.deduplicated++;
          else {
            c.sent++;
            c.sizes.observe(m.bytes);
          }
        }
        return;
      }
      case 'received': {
        const c = this.of(e.queue);
        if (e.messages.length === 0) c.emptyReceives++;
        else c.received += e.messages.length;
        return;
      }
      case 'deleted':
        this.of(e.queue).deleted += e.refs.length;
        return;
      case 'deadLettered':
        this.of(e.queue).movedToDlq += e.messages.length;
        return;
      case 'queueDeleted':
        if (this.byName.get(queueKey(e.queue.accountId, e.queue.name))?.queueId === e.queue.id)
          this.byName.delete(queueKey(e.queue.accountId, e.queue.name));
        return;
      case 'visibilityChanged':
      case 'purged':
        return;
    }
  };

  /** The counters of a queue incarnation, created (or restarted for a new incarnation) on first use. */
  private of(q: EventQueue): QueueCounters {
    const key = queueKey(q.accountId, q.name);
    let c = this.byName.get(key);
    if (c === undefined || c.queueId !== q.id) {
      c = new QueueCounters(q.id, q.accountId, q.name, q.fifo, this.now());
      this.byName.set(key, c);
    }
    return c;
  }

  /** By semantics.queueKey(account, name). */
  get(key: string): QueueCounters | undefined {
    return this.byName.get(key);
  }

  all(): IterableIterator<QueueCounters> {
    return this.byName.values();
  }

  /**
   * Forget the counters of queues that no longer exist: keys (queueKey) absent from a complete list of queues read
   * at `listedAt`, whose counters started before that (a queue created since may simply not be listed).
   */
  prune(existing: ReadonlySet<string>, listedAt: number): void {
    for (const [name, c] of this.byName) if (!existing.has(name) && c.since < listedAt) this.byName.delete(name);
  }
}

/** Request counts and durations per action (the HTTP listener reports every SQS request). */
export class RequestCounters {
  /** action → code → count. */
  readonly counts = new Map<string, Map<string, number>>();
  /** action → durations (seconds). */
  readonly durations = new Map<string, Histogram>();

  constructor(private readonly buckets: readonly number[]) {}

  record(action: string, code: string, seconds: number): void {
    let codes = this.counts.get(action);
    if (codes === undefined) this.counts.set(action, (codes = new Map()));
    codes.set(code, (codes.get(code) ?? 0) + 1);
    let h = this.durations.get(action);
    if (h === undefined) this.durations.set(action, (h = new Histogram(this.buckets)));
    h.observe(seconds);
  }
}
