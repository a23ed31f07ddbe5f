/**
 * Message events: what happened to messages, as the action layer saw it commit. One stream feeds the
 * per-queue metrics (CloudWatch's AWS/SQS counters), the console's message journey and test spies.
 *
 * The action layer emits an event only after the engine call that it describes resolved (committed),
 * and only when someone listens (`EventSink.active`), so an idle stream costs the hot paths one
 * property read. Listeners run synchronously inside the request and must be cheap and never throw
 * (the hub isolates them anyway). Events are process-local: with several Ferry processes on one
 * PostgreSQL database, each process sees the events of the requests it served.
 */

/** The queue an event is about (an incarnation: `id` changes when a queue is deleted and re-created). */
export interface EventQueue {
  readonly id: string;
  /** The owning account: with `name`, the queue's identity. */
  readonly accountId: string;
  readonly name: string;
  readonly fifo: boolean;
}

/** Fields every event carries. */
interface EventBase {
  readonly queue: EventQueue;
  /** Epoch ms (the action layer's clock) when the outcome was known. */
  readonly at: number;
  /** The access key that made the request, when the request was signed. */
  readonly accessKeyId?: string;
}

export interface SentMessage {
  readonly messageId: string;
  /** The body as sent (plaintext; a reference, not a copy) — for test spies (testkit/spy.ts). */
  readonly body?: string;
  /** Body plus message attributes (names, types, values) in bytes: what SentMessageSize measures. */
  readonly bytes: number;
  /** A FIFO duplicate inside the deduplication window: nothing was stored (messageId is the original's). */
  readonly deduplicated: boolean;
  readonly delayMs: number;
  readonly groupId?: string;
  readonly sequenceNumber?: string;
}

export interface DeliveredMessage {
  readonly messageId: string;
  /** Engine reference of the message (stable for its life); receipts carry it, so deletes name it. */
  readonly ref: string;
  readonly receiveCount: number;
}

export type FerryEvent =
  /** SendMessage / SendMessageBatch: the stored (or deduplicated) messages of one call. */
  | (EventBase & { readonly type: 'sent'; readonly messages: readonly SentMessage[] })
  /** ReceiveMessage: one event per call; `messages` empty is an empty receive (NumberOfEmptyReceives). */
  | (EventBase & { readonly type: 'received'; readonly messages: readonly DeliveredMessage[]; readonly visibilityTimeoutMs: number })
  /** DeleteMessage(Batch): the refs of the entries that succeeded (a repeated delete still counts). */
  | (EventBase & { readonly type: 'deleted'; readonly refs: readonly string[] })
  /** ChangeMessageVisibility(Batch): the entries that succeeded. */
  | (EventBase & {
      readonly type: 'visibilityChanged';
      readonly changes: ReadonlyArray<{ readonly ref: string; readonly visibilityTimeoutMs: number }>;
    })
  /** Messages a receive moved to the queue's dead-letter queue (maxReceiveCount exceeded); `queue` is the source. */
  | (EventBase & {
      readonly type: 'deadLettered';
      readonly messages: ReadonlyArray<{ readonly messageId: string; readonly ref?: string }>;
      readonly targetQueueId: string;
    })
  /** PurgeQueue succeeded. */
  | (EventBase & { readonly type: 'purged' })
  /** DeleteQueue succeeded. */
  | (EventBase & { readonly type: 'queueDeleted' });

export type FerryEventType = FerryEvent['type'];

/** Where the action layer sends events. */
export interface EventSink {
  /** False while nobody listens: emitters skip building events. */
  readonly active: boolean;
  emit(e: FerryEvent): void;
}

export type EventListener = (e: FerryEvent) => void;

/** A process-wide hub: listeners subscribe, the action layer emits. */
export interface EventHub extends EventSink {
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
}

/**
 * Create a hub. A listener that throws is reported through `onListenerError` (default: ignored) and
 * never fails the request that emitted the event.
 */
export function createEventHub(onListenerError?: (err: unknown) => void): EventHub {
  let listeners: EventListener[] = [];
  return {
    get active() {
      return listeners.length > 0;
    },
    emit(e) {
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          onListenerError?.(err);
        }
      }
    },
    subscribe(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
  };
}

/** A sink that nobody listens to (the default when a caller builds an ActionContext without a hub). */
export const NO_EVENTS: EventSink = { active: false, emit: () => undefined };
