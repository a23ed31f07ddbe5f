/**
 * Message journeys: for each message id, the timeline of what this process saw happen to it — sent
 * (when, by which key, size), each receive (receive count, visibility granted), visibility changes,
 * deletion, a move to a dead-letter queue, the purge or deletion of its queue. Built from the event
 * hub (core/events.ts), so it costs nothing in the engines and sees exactly the committed outcomes.
 *
 * Bounds. Journeys live in one Map kept in order of last activity (each event moves its journey to
 * the end), so the stalest journey is always first: after each event the store drops journeys from the
 * front while there are more than `maxMessages` or the first one's last event is older than `windowMs`.
 * A journey keeps at most `maxEventsPerMessage` events (its first, then the newest: `truncated` says
 * some are missing). Every event costs O(1) per message it names.
 *
 * Refs. Deletes and visibility changes name messages by engine reference (the receipt's ref), not by
 * id; a receive tells which id a ref belongs to, so the store keeps ref → id for the messages it has
 * journeys of (dropped with the journey). A delete through a receipt this process never handed out
 * (another process, before a restart) cannot be attributed and is not recorded.
 *
 * Queue-wide events (PurgeQueue, DeleteQueue) are kept per queue (a few each) and joined into a
 * journey when it is read, for the time the message was in that queue: O(1) when they happen, however
 * many messages the queue held.
 *
 * Journeys are process-local and in memory only: with several Ferry processes each knows what it
 * served, and a restart starts empty (docs/console-api.md).
 */
import type { Clock } from '../core/clock.js';
import type { FerryEvent } from '../core/events.js';

export type JourneyEventType = 'sent' | 'received' | 'visibilityChanged' | 'deleted' | 'deadLettered' | 'purged' | 'queueDeleted';

/** One step of a journey, as the console API returns it. */
export interface JourneyEvent {
  /** Epoch ms. */
  at: number;
  type: JourneyEventType;
  /** The queue (name) it happened in. */
  queue: string;
  /** The access key of the request, when it was signed (or made through a console session). */
  accessKeyId?: string;
  /**
   * sent {bytes, deduplicated, delayMs, groupId?, sequenceNumber?}; received {receiveCount,
   * visibilityTimeoutMs}; visibilityChanged {visibilityTimeoutMs}; deleted {}; deadLettered
   * {targetQueue}; purged {}; queueDeleted {}.
   */
  detail: Record<string, unknown>;
}

export interface Journey {
  messageId: string;
  /** Oldest first. */
  events: JourneyEvent[];
  /** Events are missing: the beginning was not seen (sent elsewhere or before the window), or the cap dropped some. */
  truncated: boolean;
}

export interface JourneyLimits {
  /** A journey with no event for this long is forgotten. Default 1 h (`--journey-window` 3600). */
  windowMs: number;
  /** Most journeys kept; the stalest goes first. Default 10 000 (`--journey-max-messages`). */
  maxMessages: number;
  /** Most events per journey (the first is always kept). Default 100. */
  maxEventsPerMessage: number;
}

export const DEFAULT_JOURNEY_LIMITS: JourneyLimits = Object.freeze({ windowMs: 3_600_000, maxMessages: 10_000, maxEventsPerMessage: 100 });

/** Queue-wide events kept per queue, and queues remembered. */
const QUEUE_EVENTS_PER_QUEUE = 16;
const MAX_QUEUES = 10_000;
/** Queues one journey remembers having been in (a dead-letter chain is short). */
const MAX_STAYS = 8;

/** A stored event: a JourneyEvent, but a dead-letter target is kept by queue id (named when read). */
interface Stored {
  at: number;
  type: JourneyEventType;
  queue: string;
  accessKeyId?: string;
  detail: Record<string, unknown>;
  targetQueueId?: string;
}

/** A stretch of time the message spent in one queue (for joining queue-wide events). */
interface Stay {
  queueId: string;
  from: number;
  until: number;
}

interface Entry {
  messageId: string;
  events: Stored[];
  truncated: boolean;
  lastAt: number;
  /** ref keys (queueId + ref) pointing at this journey. */
  refs: string[];
  stays: Stay[];
}

interface QueueEvents {
  name: string;
  events: Stored[];
}

export class JourneyStore {
  private readonly limits: JourneyLimits;
  private readonly journeys = new Map<string, Entry>();
  private readonly refs = new Map<string, string>();
  /** Queue id → name and queue-wide events, in order of last activity. */
  private readonly queues = new Map<string, QueueEvents>();

  constructor(
    private readonly clock: Clock,
    limits: Partial<JourneyLimits> = {},
  ) {
    this.limits = { ...DEFAULT_JOURNEY_LIMITS, ...limits };
  }

  /** Journeys held now. */
  get size(): number {
    return this.journeys.size;
  }

  /** Ref → id entries held now (bounded by the journeys they belong to). */
  get refCount(): number {
    return this.refs.size;
  }

  /** The hub listener: map one event onto the journeys it concerns. Never throws on odd input. */
  record(e: FerryEvent): void {
    const q = e.queue;
    this.noteQueue(q.id, q.name);
    const base = (type: JourneyEventType, detail: Record<string, unknown>): Stored => {
      const s: Stored = { at: e.at, type, queue: q.name, detail };
      if (e.accessKeyId !== undefined) s.accessKeyId = e.accessKeyId;
      return s;
    };
    switch (e.type) {
      case 'sent':
        for (const m of e.messages) {
          const detail: Record<string, unknown> = { bytes: m.bytes, deduplicated: m.deduplicated, delayMs: m.delayMs };
          if (m.groupId !== undefined) detail.groupId = m.groupId;
          if (m.sequenceNumber !== undefined) detail.sequenceNumber = m.sequenceNumber;
          // A deduplicated send stored nothing: its journey is the original's (same message id).
          this.add(m.messageId, q.id, base('sent', detail), m.deduplicated);
        }
        break;
      case 'received':
        for (const m of e.messages) {
          const j = this.add(m.messageId, q.id, base('received', { receiveCount: m.receiveCount, visibilityTimeoutMs: e.visibilityTimeoutMs }), true);
          this.link(j, q.id, m.ref);
        }
        break;
      case 'visibilityChanged':
        for (const c of e.changes) {
          const id = this.refs.get(refKey(q.id, c.ref));
          if (id !== undefined) this.add(id, q.id, base('visibilityChanged', { visibilityTimeoutMs: c.visibilityTimeoutMs }), true);
        }
        break;
      case 'deleted':
        for (const ref of e.refs) {
          const id = this.refs.get(refKey(q.id, ref));
          if (id === undefined) continue;
          const j = this.add(id, q.id, base('deleted', {}), true);
          closeStay(j, q.id, e.at);
        }
        break;
      case 'deadLettered':
        for (const m of e.messages) {
          const s = base('deadLettered', {});
          s.targetQueueId = e.targetQueueId;
          const j = this.add(m.messageId, q.id, s, true);
          closeStay(j, q.id, e.at);
          j.stays.push({ queueId: e.targetQueueId, from: e.at, until: Infinity });
          if (j.stays.length > MAX_STAYS) j.stays.shift();
        }
        break;
      case 'purged':
      case 'queueDeleted': {
        const qe = this.noteQueue(q.id, q.name);
        qe.events.push(base(e.type, {}));
        if (qe.events.length > QUEUE_EVENTS_PER_QUEUE) qe.events.shift();
        break;
      }
    }
    this.evict(e.at);
  }

  /**
   * The journey of `messageId`, or undefined when none is held. `queueName` names a dead-letter target
   * by queue id when this store never saw an event of it (e.g. through the engine).
   */
  async get(messageId: string, queueName?: (queueId: string) => Promise<string | undefined>): Promise<Journey | undefined> {
    const now = this.clock.now();
    const j = this.journeys.get(messageId);
    if (j === undefined || j.lastAt <= now - this.limits.windowMs) return undefined;
    const events: Stored[] = [...j.events];
    for (const stay of j.stays) {
      const qe = this.queues.get(stay.queueId);
      if (qe === undefined) continue;
      for (const ev of qe.events) if (ev.at >= stay.from && ev.at <= stay.until) events.push(ev);
    }
    // Stable: events of one instant keep their recorded order.
    events.sort((a, b) => a.at - b.at);
    const out: JourneyEvent[] = [];
    for (const s of events) {
      const ev: JourneyEvent = { at: s.at, type: s.type, queue: s.queue, detail: { ...s.detail } };
      if (s.accessKeyId !== undefined) ev.accessKeyId = s.accessKeyId;
      if (s.targetQueueId !== undefined) {
        ev.detail.targetQueue = this.queues.get(s.targetQueueId)?.name ?? (await queueName?.(s.targetQueueId)) ?? s.targetQueueId;
      }
      out.push(ev);
    }
    return { messageId, events: out, truncated: j.truncated };
  }

  /** Append `s` to the journey of `messageId` (created when new; `partial`: a new journey lacks its start). */
  private add(messageId: string, queueId: string, s: Stored, partial: boolean): Entry {
    let j = this.journeys.get(messageId);
    if (j === undefined) {
      j = { messageId, events: [], truncated: partial, lastAt: s.at, refs: [], stays: [{ queueId, from: s.at, until: Infinity }] };
    } else {
      this.journeys.delete(messageId);
    }
    this.journeys.set(messageId, j);
    j.events.push(s);
    if (j.events.length > this.limits.maxEventsPerMessage) {
      // Keep the first event (usually "sent"): drop the oldest after it. O(cap), a constant.
      j.events.splice(1, 1);
      j.truncated = true;
    }
    if (s.at > j.lastAt) j.lastAt = s.at;
    return j;
  }

  private link(j: Entry, queueId: string, ref: string): void {
    const k = refKey(queueId, ref);
    if (this.refs.get(k) === j.messageId) return;
    this.refs.set(k, j.messageId);
    j.refs.push(k);
  }

  private noteQueue(id: string, name: string): QueueEvents {
    let qe = this.queues.get(id);
    if (qe === undefined) {
      qe = { name, events: [] };
      this.queues.set(id, qe);
      if (this.queues.size > MAX_QUEUES) {
        const first = this.queues.keys().next().value;
        if (first !== undefined) this.queues.delete(first);
      }
    } else if (qe.name !== name) {
      qe.name = name;
    }
    return qe;
  }

  /** Drop journeys from the front (stalest first) while over the count or past the window. */
  private evict(now: number): void {
    const cutoff = now - this.limits.windowMs;
    for (const j of this.journeys.values()) {
      if (this.journeys.size <= this.limits.maxMessages && j.lastAt > cutoff) break;
      this.journeys.delete(j.messageId);
      for (const k of j.refs) if (this.refs.get(k) === j.messageId) this.refs.delete(k);
    }
  }
}

function refKey(queueId: string, ref: string): string {
  return `${queueId}\u0000${ref}`;
}

function closeStay(j: Entry, queueId: string, at: number): void {
  for (let i = j.stays.length - 1; i >= 0; i--) {
    const s = j.stays[i]!;
    if (s.queueId === queueId && s.until === Infinity) {
      s.until = at;
      return;
    }
  }
}
