/**
 * The memory engine: the whole store lives in this process's heap. For tests and throwaway runs
 * (`--storage memory`); it is neither durable nor shared (see `capabilities`).
 *
 * Layout: this file is the StorageEngine facade; store.ts holds the state and the internal
 * operations (insert, drain, claim, detach, FIFO group upkeep, dead-lettering, wake-ups);
 * queues.ts, messages.ts and moveTasks.ts are the operations; model.ts the data model. Every SQS
 * rule is a call into storage/semantics — none is kept here.
 *
 * Atomicity comes for free: every operation runs to completion synchronously inside its async
 * function (there is no `await` in any of them), so no other operation can observe a half-done
 * state. Promises resolve only after the state change is complete.
 *
 * Speed targets (benchmark): ≤ 5 µs server CPU per message on batch sends, ≤ 12 µs per delivered
 * message through send → receive → delete. The data structures are chosen for that (see
 * model.ts for the per-queue layout and costs); the hot path per message is a Map set/delete, a
 * ring-deque push/shift and one deadline-heap push/remove; receipt tokens are cut from a pooled
 * block of injected randomness (semantics.ReceiptTokens).
 *
 * Wake-ups (`onWake`) are delivered **synchronously**, as the last step of the operation that made
 * messages deliverable, after all its state changes and before its promise resolves; each queue is
 * notified at most once per operation. A listener may call back into the engine (the state is
 * complete by then). Listener exceptions are caught and ignored: listeners must not throw.
 */

import type {
  EngineCapabilities,
  EngineDeps,
  EntryResult,
  ExportItem,
  GaugeSnapshot,
  ImportTx,
  MessageImportParams,
  MessageBrowseParams,
  MessageBrowseResult,
  MessageDeleteParams,
  MessageSendParams,
  MoveTaskRecord,
  MoveTaskStartParams,
  MoveTaskStepResult,
  QueueCreateParams,
  QueueCreateResult,
  QueueListFilter,
  QueueRecord,
  QueueStats,
  QueueUpdateParams,
  ReceiveParams,
  ReceiveResult,
  SendMessageResult,
  StorageEngine,
  VisibilityChangeParams,
  WakeListener,
} from '../engine.js';
import { queueKey } from '../semantics/index.js';
import { browse } from './browse.js';
import { changeVisibility, deleteMessages, receive, send } from './messages.js';
import { activeTasks, cancelTask, listTasks, startTask, stepTask } from './moveTasks.js';
import { createQueue, deleteQueue, listQueues, purgeQueue, queueGauges, queueStats, setAttributes, sweep, tag, untag } from './queues.js';
import { Store } from './store.js';
import { importMessages, MemoryImport, snapshot } from './transfer.js';

/**
 * In-memory StorageEngine. Construct with the injected clock and randomness; every time and every
 * id/token comes from them (tests drive it with ManualClock and SeededRandom).
 */
export class MemoryEngine implements StorageEngine {
  readonly kind = 'memory' as const;
  readonly capabilities: EngineCapabilities = Object.freeze({ durable: false, shared: false });

  private readonly s: Store;

  constructor(deps: EngineDeps) {
    this.s = new Store(deps);
  }

  /** Nothing to open. */
  async init(): Promise<void> {}

  /**
   * Drops the wake listeners and refuses further operations with DomainError('Unavailable'), like the
   * durable engines do after close (so a late request during shutdown fails instead of writing into
   * a store about to vanish). Idempotent.
   */
  async close(): Promise<void> {
    this.s.closed = true;
    this.s.listeners.clear();
  }

  /** In memory, "persistent" means for the life of this engine object. */
  async metaGetOrCreate(key: string, create: () => string): Promise<string> {
    this.s.ensureOpen();
    let v = this.s.meta.get(key);
    if (v === undefined) {
      v = create();
      this.s.meta.set(key, v);
    }
    return v;
  }

  // ---- queues ----

  async queueCreate(p: QueueCreateParams): Promise<QueueCreateResult> {
    return createQueue(this.s, p);
  }

  /** Records are frozen (attributes and tags too), so they are returned without copying. */
  async queueGetByName(accountId: string, name: string): Promise<QueueRecord | undefined> {
    this.s.ensureOpen();
    return this.s.byName.get(queueKey(accountId, name))?.rec;
  }

  async queueGetById(id: string): Promise<QueueRecord | undefined> {
    this.s.ensureOpen();
    return this.s.byId.get(id)?.rec;
  }

  async queueList(filter?: QueueListFilter): Promise<QueueRecord[]> {
    return listQueues(this.s, filter);
  }

  async queueSetAttributes(p: QueueUpdateParams): Promise<QueueRecord> {
    return setAttributes(this.s, p);
  }

  async queueTag(queueId: string, tags: Record<string, string>): Promise<void> {
    tag(this.s, queueId, tags);
  }

  async queueUntag(queueId: string, keys: string[]): Promise<void> {
    untag(this.s, queueId, keys);
  }

  async queueDelete(queueId: string): Promise<void> {
    deleteQueue(this.s, queueId);
  }

  async queuePurge(queueId: string, minIntervalMs: number): Promise<void> {
    purgeQueue(this.s, queueId, minIntervalMs);
  }

  async queueStats(queueId: string): Promise<QueueStats> {
    return queueStats(this.s, queueId);
  }

  async queueGauges(): Promise<GaugeSnapshot> {
    return queueGauges(this.s);
  }

  // ---- messages ----

  async messageSend(p: MessageSendParams): Promise<SendMessageResult[]> {
    return send(this.s, p);
  }

  async messageReceive(p: ReceiveParams): Promise<ReceiveResult> {
    return receive(this.s, p);
  }

  async messageDelete(p: MessageDeleteParams): Promise<EntryResult[]> {
    return deleteMessages(this.s, p);
  }

  async visibilityChange(p: VisibilityChangeParams): Promise<EntryResult[]> {
    return changeVisibility(this.s, p);
  }

  /** Read-only: no timer drain, no retention sweep (see browse.ts). */
  async messageBrowse(p: MessageBrowseParams): Promise<MessageBrowseResult> {
    return browse(this.s, p);
  }

  // ---- export / import ----
  async storeExport(sink: (item: ExportItem) => void | Promise<void>): Promise<void> {
    for (const item of snapshot(this.s)) await sink(item);
  }

  async messageImport(p: MessageImportParams): Promise<void> {
    if (importMessages(this.s, p).woke) this.s.emit(p.queueId);
  }

  /** @inheritdoc — an undo log (transfer.ts MemoryImport); no isolation from other callers. */
  async storeImport<T>(run: (tx: ImportTx) => Promise<T>): Promise<T> {
    this.s.ensureOpen();
    const tx = new MemoryImport(this.s);
    let value: T;
    try {
      value = await run(tx);
    } catch (e) {
      tx.rollback();
      throw e;
    }
    tx.commit();
    return value;
  }

  // ---- move tasks ----

  async moveTaskStart(p: MoveTaskStartParams): Promise<MoveTaskRecord> {
    return startTask(this.s, p);
  }

  async moveTaskCancel(taskId: string): Promise<MoveTaskRecord> {
    return cancelTask(this.s, taskId);
  }

  async moveTaskList(sourceArn: string, max: number): Promise<MoveTaskRecord[]> {
    return listTasks(this.s, sourceArn, max);
  }

  async moveTaskActive(): Promise<MoveTaskRecord[]> {
    return activeTasks(this.s);
  }

  async moveTaskStep(taskId: string, maxMessages: number): Promise<MoveTaskStepResult> {
    return stepTask(this.s, taskId, maxMessages);
  }

  // ---- housekeeping and events ----

  async sweep(): Promise<number> {
    return sweep(this.s);
  }

  /** Listeners are called synchronously at the end of the operation (see the file header). */
  onWake(listener: WakeListener): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const l: WakeListener = (id) => listener(id);
    this.s.listeners.add(l);
    return () => {
      this.s.listeners.delete(l);
    };
  }
}
