/**
 * messageBrowse on the memory engine: a read-only walk over the queue's messages. It must not change
 * anything, so it does not even drain due timers (Store.settle): a message whose delay or visibility
 * ended but is not yet moved to the ready structures is classified from its `visibleAt`, as the rule
 * (semantics.browseState) says.
 *
 * Send order is (sentAt, ref); the queue's Map is in arrival (ref) order, which is send order except
 * for dead-lettered messages (they keep their original sentAt). One pass over the Map keeps the
 * `window` smallest positions after the cursor in a bounded max-heap: since arrival order is almost
 * send order, once the heap is full nearly every later message is rejected with one comparison. Cost:
 * O(n) cheap comparisons per call for n messages in the queue (~10 ms per million), plus
 * O(window · log window); the memory engine holds what fits in one process's heap anyway.
 */
import type { BrowsedMessage, BrowseState, MessageBrowseParams, MessageBrowseResult } from '../engine.js';
import {
  afterStart,
  browsePlan,
  browseStart,
  browseState,
  encodeBrowseCursor,
  matchesSearch,
  pickBrowsed,
  retentionCutoff,
} from '../semantics/index.js';
import { INFLIGHT, READY, type Msg } from './model.js';
import { copyAttrs, type Store } from './store.js';

export function browse(s: Store, p: MessageBrowseParams): MessageBrowseResult {
  const q = s.queue(p.queueId);
  const now = s.clock.now();
  const plan = browsePlan(p);
  const start = browseStart(plan.after, retentionCutoff(q.rec, now));

  const heap = new WindowHeap(plan.window);
  for (const m of q.messages.values()) if (afterStart(m.sentAt, m.ref, start)) heap.offer(m);
  const rows = heap.sorted();

  const search = plan.search;
  const r = pickBrowsed(
    rows,
    plan,
    (m) => plan.states.has(stateOf(m, now)) && (search === undefined || matchesSearch(m, search)),
    (m) => ({ sentAt: m.sentAt, seq: m.ref }),
  );
  const out: MessageBrowseResult = { messages: r.picked.map((m) => view(m, now)), scanned: r.scanned };
  if (r.next !== undefined) out.nextCursor = encodeBrowseCursor(r.next);
  return out;
}

/** READY is visible whatever `visibleAt` says; otherwise the deadline decides (timers may not be drained). */
function stateOf(m: Msg, now: number): BrowseState {
  return m.state === READY ? 'visible' : browseState(m.state === INFLIGHT, m.visibleAt, now);
}

export function view(m: Msg, now: number): BrowsedMessage {
  const b: BrowsedMessage = {
    messageId: m.messageId,
    state: stateOf(m, now),
    body: m.body,
    md5OfBody: m.md5OfBody,
    messageAttributes: m.messageAttributes ? copyAttrs(m.messageAttributes) : {},
    systemAttributes: m.systemAttributes ? copyAttrs(m.systemAttributes) : {},
    senderId: m.senderId,
    sentAt: m.sentAt,
    visibleAt: m.visibleAt,
    receiveCount: m.receiveCount,
  };
  if (m.md5OfMessageAttributes !== undefined) b.md5OfMessageAttributes = m.md5OfMessageAttributes;
  if (m.firstReceivedAt !== 0) b.firstReceivedAt = m.firstReceivedAt;
  if (m.groupId !== undefined) b.groupId = m.groupId;
  if (m.dedupId !== undefined) b.dedupId = m.dedupId;
  if (m.sequenceNumber !== undefined) b.sequenceNumber = m.sequenceNumber;
  if (m.deadLetterSourceArn !== undefined) b.deadLetterSourceArn = m.deadLetterSourceArn;
  return b;
}

/** a after b in send order. */
function later(a: Msg, b: Msg): boolean {
  return a.sentAt > b.sentAt || (a.sentAt === b.sentAt && a.ref > b.ref);
}

/** The `cap` earliest messages offered (a max-heap on send order: the latest kept is on top). */
class WindowHeap {
  private readonly a: Msg[] = [];
  constructor(private readonly cap: number) {}

  offer(m: Msg): void {
    const a = this.a;
    if (a.length < this.cap) {
      a.push(m);
      let i = a.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!later(a[i]!, a[p]!)) break;
        [a[i], a[p]] = [a[p]!, a[i]!];
        i = p;
      }
      return;
    }
    if (!later(a[0]!, m)) return;
    a[0] = m;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < a.length && later(a[l]!, a[top]!)) top = l;
      if (r < a.length && later(a[r]!, a[top]!)) top = r;
      if (top === i) break;
      [a[i], a[top]] = [a[top]!, a[i]!];
      i = top;
    }
  }

  /** The kept messages in send order. */
  sorted(): Msg[] {
    return this.a.slice().sort((x, y) => (later(x, y) ? 1 : later(y, x) ? -1 : 0));
  }
}
