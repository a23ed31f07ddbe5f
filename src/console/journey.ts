/**
 * Message journeys: for each message id, the timeline of what this process saw happen to it — sent
 * (when, by which key, size), each receive (receive count, visibility granted), visibility changes,
 * deletion, a move to a dead-letter queue, the purge or deletion of its queue. Built from the event
 * hub (core/events.ts), so it costs nothing in the engines and sees exactly the committed outcomes.
 *
 * Bounds. Journeys are kept in order of last activity — a doubly linked list threaded through the
 * entries (each event moves its journey to the end), beside a Map by message id — so the stalest journey
 * is always first: after each event the store drops journeys from the front while there are more than
 * `maxMessages` or the first one's last event is older than `windowMs`. (Not a Map's own insertion
 * order: iterating a Map from its front after many deletes skips every deleted slot, which made each
 * eviction cost up to the table's capacity — measured ~12 µs per message at 10 000 journeys.)
 * A journey keeps at most `maxEventsPerMessage` events (its first, then the newest: `truncated` says
 * some are missing). Every event costs O(1) per message it names, and few allocations: a journey is
 * one entry, an array sized for three events and one fixed-shape step per event (details are built
 * when read; the messages of one batch event share a step when theirs would be equal — a batch's
 * deletes always, its receives usually), since every journey lives long enough to be promoted by the
 * garbage collector (measured ~2 µs per message for its sent + received + deleted events at 10 000
 * journeys, down from ~7 µs with an object per detail; BENCHMARKS.md, issue 12, for the shared steps).
 *
 * Refs. Deletes and visibility changes name messages by engine reference (the receipt's ref), not by
 * id; a receive tells which message a ref belongs to, so the store keeps, per queue id, ref → journey
 * for the messages it has journeys of (dropped with the journey). A delete through a receipt this
 * process never handed out (another process, before a restart) cannot be attributed and is not
 * recorded. (Per queue rather than one map keyed by `queueId + ref`: that key was a new string on
 * every receive and every delete, built, flattened and hashed each time; the queue id and the ref are
 * strings the engine and the receipt cache already hold, hashed once. And a ref leads to its journey
 * directly, without a second lookup by message id.)
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
/** Queues one journey remembers having been in after its first (a dead-letter chain is short). */
const MAX_MOVES = 8;

/**
 * A stored event, one fixed shape for every type (details are built when read): `n1`/`n2`/`flag`/
 * `s1`/`s2` mean sent (bytes, delayMs, deduplicated, groupId, sequenceNumber), received (receiveCount,
 * visibilityTimeoutMs), visibilityChanged (visibilityTimeoutMs), deadLettered (s1: target queue id).
 */
class Step {
  constructor(
    readonly at: number,
    readonly type: JourneyEventType,
    readonly queue: string,
    readonly accessKeyId: string | undefined,
    readonly n1: number,
    readonly n2: number,
    readonly flag: boolean,
    readonly s1: string | undefined,
    readonly s2: string | undefined,
  ) {}
}

/** A stretch of time the message spent in one queue (for joining queue-wide events). */
interface Stay {
  queueId: string;
  from: number;
  until: number;
}

class Entry {
  /** Neighbours in order of last activity (older, newer). */
  older: Entry | undefined = undefined;
  newer: Entry | undefined = undefined;
  /**
   * Its events, oldest first: the first `count` slots (three preallocated — sent, received, deleted —
   * rather than the 17 slots an empty array's first push reserves: every journey is promoted, so its
   * size is garbage-collection work).
   */
  readonly steps: Array<Step | undefined> = new Array<Step | undefined>(3);
  count = 0;
  lastAt: number;
  /** The first ref pointing at this journey (its queue id and ref), and any later ones (queue id, ref, … in pairs). */
  refQueue: string | undefined = undefined;
  ref: string | undefined = undefined;
  moreRefs: string[] | undefined = undefined;
  /** The queue it was first seen in, and until when (Infinity: still there). */
  until = Infinity;
  /** Later stays (dead-letter moves), when any. */
  moves: Stay[] | undefined = undefined;

  constructor(
    readonly messageId: string,
    readonly queueId: string,
    readonly from: number,
    public truncated: boolean,
  ) {
    this.lastAt = from;
  }

  stays(): Stay[] {
    const first: Stay = { queueId: this.queueId, from: this.from, until: this.until };
    return this.moves === undefined ? [first] : [first, ...this.moves];
  }

  /** The message left `queueId` at `at` (deleted, dead-lettered). */
  leave(queueId: string, at: number): void {
    if (this.moves !== undefined) {
      for (let i = this.moves.length - 1; i >= 0; i--) {
        const s = this.moves[i]!;
        if (s.queueId === queueId && s.until === Infinity) {
          s.until = at;
          return;
        }
      }
    }
    if (this.queueId === queueId && this.until === Infinity) this.until = at;
  }

  enter(queueId: string, at: number): void {
    (this.moves ??= []).push({ queueId, from: at, until: Infinity });
    if (this.moves.length > MAX_MOVES) this.moves.shift();
  }
}

interface QueueEvents {
  name: string;
  steps: Step[];
}

export class JourneyStore {
  private readonly limits: JourneyLimits;
  private readonly journeys = new Map<string, Entry>();
  /** The stalest and the most recently active journey. */
  private oldest: Entry | undefined;
  private newest: Entry | undefined;
  /** Queue id → ref → journey, for the journeys held (a queue is dropped with its last ref). */
  private readonly refs = new Map<string, Map<string, Entry>>();
  private refEntries = 0;
  /** Queue id → name and queue-wide events. */
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

  /** Ref → journey entries held now, over all queues (bounded by the journeys they belong to). */
  get refCount(): number {
    return this.refEntries;
  }

  /** Queues with refs held now (a queue's ref map goes with its last ref). */
  get refQueueCount(): number {
    return this.refs.size;
  }

  /** The hub listener: map one event onto the journeys it concerns. */
  record(e: FerryEvent): void {
    const q = e.queue;
    const key = e.accessKeyId;
    switch (e.type) {
      // Steps are immutable: messages of one event whose step would be equal share one object (fewer
      // long-lived objects; a batch's receives usually share a receive count, its deletes always).
      case 'sent': {
        let step: Step | undefined;
        for (const m of e.messages) {
          if (
            step === undefined ||
            step.n1 !== m.bytes ||
            step.n2 !== m.delayMs ||
            step.flag !== m.deduplicated ||
            step.s1 !== m.groupId ||
            step.s2 !== m.sequenceNumber
          ) {
            step = new Step(e.at, 'sent', q.name, key, m.bytes, m.delayMs, m.deduplicated, m.groupId, m.sequenceNumber);
          }
          // A deduplicated send stored nothing: its journey is the original's (same message id).
          this.add(m.messageId, q.id, step, m.deduplicated);
        }
        break;
      }
      case 'received': {
        let step: Step | undefined;
        for (const m of e.messages) {
          if (step === undefined || step.n1 !== m.receiveCount) {
            step = new Step(e.at, 'received', q.name, key, m.receiveCount, e.visibilityTimeoutMs, false, undefined, undefined);
          }
          this.link(this.add(m.messageId, q.id, step, true), q.id, m.ref);
        }
        break;
      }
      case 'visibilityChanged': {
        const refs = this.refs.get(q.id);
        if (refs === undefined) break;
        let step: Step | undefined;
        for (const c of e.changes) {
          const j = refs.get(c.ref);
          if (j === undefined) continue;
          if (step === undefined || step.n1 !== c.visibilityTimeoutMs) {
            step = new Step(e.at, 'visibilityChanged', q.name, key, c.visibilityTimeoutMs, 0, false, undefined, undefined);
          }
          this.push(j, step);
        }
        break;
      }
      case 'deleted': {
        const refs = this.refs.get(q.id);
        if (refs === undefined) break;
        let step: Step | undefined;
        for (const ref of e.refs) {
          const j = refs.get(ref);
          if (j !== undefined) this.push(j, (step ??= new Step(e.at, 'deleted', q.name, key, 0, 0, false, undefined, undefined))).leave(q.id, e.at);
        }
        break;
      }
      case 'deadLettered':
        for (const m of e.messages) {
          const j = this.add(m.messageId, q.id, new Step(e.at, 'deadLettered', q.name, key, 0, 0, false, e.targetQueueId, undefined), true);
          j.leave(q.id, e.at);
          j.enter(e.targetQueueId, e.at);
        }
        break;
      case 'purged':
      case 'queueDeleted': {
        const qe = this.noteQueue(q.id, q.name);
        qe.steps.push(new Step(e.at, e.type, q.name, key, 0, 0, false, undefined, undefined));
        if (qe.steps.length > QUEUE_EVENTS_PER_QUEUE) qe.steps.shift();
        break;
      }
    }
    if (e.type !== 'purged' && e.type !== 'queueDeleted') this.noteQueue(q.id, q.name);
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
    const steps = j.steps.slice(0, j.count) as Step[];
    for (const stay of j.stays()) {
      const qe = this.queues.get(stay.queueId);
      if (qe === undefined) continue;
      for (const st of qe.steps) if (st.at >= stay.from && st.at <= stay.until) steps.push(st);
    }
    // Stable: events of one instant keep their recorded order.
    steps.sort((a, b) => a.at - b.at);
    const out: JourneyEvent[] = [];
    for (const st of steps) {
      const ev: JourneyEvent = { at: st.at, type: st.type, queue: st.queue, detail: await this.detail(st, queueName) };
      if (st.accessKeyId !== undefined) ev.accessKeyId = st.accessKeyId;
      out.push(ev);
    }
    return { messageId, events: out, truncated: j.truncated };
  }

  private async detail(st: Step, queueName: ((queueId: string) => Promise<string | undefined>) | undefined): Promise<Record<string, unknown>> {
    switch (st.type) {
      case 'sent': {
        const d: Record<string, unknown> = { bytes: st.n1, deduplicated: st.flag, delayMs: st.n2 };
        if (st.s1 !== undefined) d.groupId = st.s1;
        if (st.s2 !== undefined) d.sequenceNumber = st.s2;
        return d;
      }
      case 'received':
        return { receiveCount: st.n1, visibilityTimeoutMs: st.n2 };
      case 'visibilityChanged':
        return { visibilityTimeoutMs: st.n1 };
      case 'deadLettered': {
        const target = st.s1!;
        return { targetQueue: this.queues.get(target)?.name ?? (await queueName?.(target)) ?? target };
      }
      case 'deleted':
      case 'purged':
      case 'queueDeleted':
        return {};
    }
  }

  /** Append `step` to the journey of `messageId` (created when new; `partial`: a new journey lacks its start). */
  private add(messageId: string, queueId: string, step: Step, partial: boolean): Entry {
    const j = this.journeys.get(messageId);
    if (j !== undefined) return this.push(j, step);
    const created = new Entry(messageId, queueId, step.at, partial);
    this.journeys.set(messageId, created);
    this.append(created);
    return this.push(created, step);
  }

  /** Append `step` to the journey `j` (one held now), which becomes the most recently active. */
  private push(j: Entry, step: Step): Entry {
    if (j !== this.newest) {
      this.unlink(j);
      this.append(j);
    }
    j.steps[j.count++] = step;
    if (j.count > this.limits.maxEventsPerMessage) {
      // Keep the first event (usually "sent"): drop the oldest after it. O(cap), a constant.
      j.steps.splice(1, 1);
      j.count--;
      j.truncated = true;
    }
    if (step.at > j.lastAt) j.lastAt = step.at;
    return j;
  }

  private link(j: Entry, queueId: string, ref: string): void {
    let refs = this.refs.get(queueId);
    if (refs === undefined) this.refs.set(queueId, (refs = new Map()));
    const was = refs.get(ref);
    if (was === j) return;
    refs.set(ref, j);
    if (was === undefined) this.refEntries++;
    if (j.refQueue === undefined) {
      j.refQueue = queueId;
      j.ref = ref;
    } else (j.moreRefs ??= []).push(queueId, ref);
  }

  private noteQueue(id: string, name: string): QueueEvents {
    let qe = this.queues.get(id);
    if (qe === undefined) {
      qe = { name, steps: [] };
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
    for (let j = this.oldest; j !== undefined; j = this.oldest) {
      if (this.journeys.size <= this.limits.maxMessages && j.lastAt > cutoff) break;
      this.unlink(j);
      this.journeys.delete(j.messageId);
      if (j.refQueue !== undefined) this.dropRef(j.refQueue, j.ref!, j);
      const more = j.moreRefs;
      if (more !== undefined) for (let i = 0; i < more.length; i += 2) this.dropRef(more[i]!, more[i + 1]!, j);
    }
  }

  /** Forget `ref` of `queueId` if it still leads to `j`. */
  private dropRef(queueId: string, ref: string, j: Entry): void {
    const refs = this.refs.get(queueId);
    if (refs === undefined || refs.get(ref) !== j) return;
    refs.delete(ref);
    this.refEntries--;
    if (refs.size === 0) this.refs.delete(queueId);
  }

  private append(j: Entry): void {
    j.older = this.newest;
    j.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = j;
    else this.oldest = j;
    this.newest = j;
  }

  private unlink(j: Entry): void {
    if (j.older !== undefined) j.older.newer = j.newer;
    else this.oldest = j.newer;
    if (j.newer !== undefined) j.newer.older = j.older;
    else this.newest = j.older;
    j.older = j.newer = undefined;
  }
}
