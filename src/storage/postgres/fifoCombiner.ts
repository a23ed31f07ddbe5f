/**
 * Combined FIFO sends, per queue. Sends to a FIFO queue are serialised by its row lock until COMMIT
 * (see send.ts), so concurrent calls would only queue up in the database, one commit (and WAL flush)
 * each. Instead, calls that arrive while a send to the same queue is in progress are combined into
 * the next transaction, in arrival order: the outcome is exactly that of running them one after the
 * other (sequence numbers in arrival order, a dedup id sent by an earlier call deduplicates a later
 * one), at the cost of one commit for all of them. A lone call runs at once, so nothing waits to be
 * combined.
 */
import type { MessageSendParams, SendMessageResult } from '../engine.js';

/**
 * Most messages, and body characters, one combined FIFO send transaction carries beyond its first call:
 * the combined statement stays a bounded size even with 1 MiB bodies.
 */
const FIFO_COMBINE_MAX_MESSAGES = 500;
const FIFO_COMBINE_MAX_BODY_CHARS = 8 * 1024 * 1024;

/** A FIFO send call waiting to be combined into its queue's next transaction. */
interface FifoSendCall {
  p: MessageSendParams;
  resolve: (r: SendMessageResult[]) => void;
  reject: (e: unknown) => void;
}

/** One send transaction: `messages` in order, as if sent one call after the other. */
export type FifoSendRun = (queueId: string, messages: MessageSendParams['messages'], dedupWindowMs: number) => Promise<SendMessageResult[]>;

export class FifoCombiner {
  /** Per queue: the calls waiting for the transaction in progress. */
  private readonly waiting = new Map<string, FifoSendCall[]>();
  /** FIFO send transactions run (each may carry several calls). For tests and diagnostics. */
  transactions = 0;

  constructor(private readonly run: FifoSendRun) {}

  /** A FIFO send: runs at once, or joins the queue's next combined transaction. */
  send(p: MessageSendParams): Promise<SendMessageResult[]> {
    return new Promise((resolve, reject) => {
      const waiting = this.waiting.get(p.queueId);
      if (waiting) {
        waiting.push({ p, resolve, reject });
        return;
      }
      this.waiting.set(p.queueId, []);
      void this.drain(p.queueId, [{ p, resolve, reject }]);
    });
  }

  /** Run `calls` in one transaction, then the calls that arrived meanwhile, until none are left. */
  private async drain(queueId: string, calls: FifoSendCall[]): Promise<void> {
    for (;;) {
      const messages = calls.length === 1 ? calls[0]!.p.messages : calls.flatMap((c) => c.p.messages);
      try {
        this.transactions++;
        const results = await this.run(queueId, messages, calls[0]!.p.dedupWindowMs);
        let off = 0;
        for (const c of calls) {
          c.resolve(results.slice(off, off + c.p.messages.length));
          off += c.p.messages.length;
        }
      } catch (e) {
        for (const c of calls) c.reject(e);
      }
      const waiting = this.waiting.get(queueId)!;
      if (waiting.length === 0) {
        this.waiting.delete(queueId);
        return;
      }
      // Next round: the waiting calls in arrival order, as many as fit one transaction (at least
      // one), sharing the dedup window (the same for every call in practice).
      let n = 0;
      let msgs = 0;
      let chars = 0;
      while (n < waiting.length && (n === 0 || (msgs < FIFO_COMBINE_MAX_MESSAGES && chars < FIFO_COMBINE_MAX_BODY_CHARS))) {
        const c = waiting[n]!;
        if (c.p.dedupWindowMs !== waiting[0]!.p.dedupWindowMs) break;
        msgs += c.p.messages.length;
        for (const m of c.p.messages) chars += m.body.length;
        n++;
      }
      calls = waiting.splice(0, n);
    }
  }
}
