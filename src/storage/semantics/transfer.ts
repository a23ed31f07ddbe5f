/**
 * `ferry export` / `ferry import`: the rules every engine's messageImport follows.
 *
 *  - A message never received keeps a delay still running: it becomes deliverable at its exported
 *    `visibleAt`. Every other message is deliverable from the import on (`visibleAt` = now: it became
 *    deliverable in this store then; standard queues deliver in import order, which is export order).
 *  - A received message is stored deliverable at once, not in flight: the
 *    receipt handles of the store it came from name that store's rows and are signed with its key, so
 *    nothing could delete it or change its visibility in the new store; keeping it hidden until the old
 *    deadline would only delay its redelivery. It keeps its receive count and first receive time (a
 *    RedrivePolicy counts on from there). Delivery stays at-least-once: a consumer of the old store
 *    that was still processing it will see it again in the new one.
 *  - FIFO sequence numbers are kept as exported ("1" + 19 digits, semantics/fifo.ts), must increase
 *    within a queue and lie above its last one; the queue's counter is raised to the highest imported,
 *    so the next send gets a greater number.
 */
import { DomainError } from '../../errors/domain.js';
import type { ImportedMessage } from '../engine.js';

const SEQUENCE = /^1[0-9]{19}$/;

/** The stored visible time of an imported message (see the file comment). */
export function importedVisibleAt(m: Pick<ImportedMessage, 'visibleAt' | 'receiveCount'>, now: number): number {
  return m.receiveCount === 0 && m.visibleAt > now ? m.visibleAt : now;
}

/** The sequence counter a sequence number renders (inverse of semantics.sequenceNumber), or undefined if malformed. */
export function sequenceCounter(s: string): number | undefined {
  if (!SEQUENCE.test(s)) return undefined;
  const n = Number(s.slice(1));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Check a batch of imported messages against the queue and its last sequence counter; returns each
 * message's counter (null for standard queues). Throws DomainError('InvalidImport') naming the first
 * offending message, before anything is stored.
 */
export function importSequence(fifo: boolean, lastCounter: number, messages: readonly ImportedMessage[]): Array<number | null> {
  let last = lastCounter;
  return messages.map((m) => {
    if (!fifo) {
      if (m.sequenceNumber !== undefined)
        throw new DomainError('InvalidImport', `message ${m.messageId}: a standard queue's messages have no sequence number`);
      return null;
    }
    if (m.groupId === undefined) throw new DomainError('InvalidImport', `message ${m.messageId}: a FIFO message needs a message group id`);
    const n = m.sequenceNumber === undefined ? undefined : sequenceCounter(m.sequenceNumber);
    if (n === undefined)
      throw new DomainError('InvalidImport', `message ${m.messageId}: a FIFO message needs a sequence number of 20 digits starting with 1`);
    if (n <= last)
      throw new DomainError('InvalidImport', `message ${m.messageId}: sequence number ${m.sequenceNumber} is not above the queue's last one`);
    last = n;
    return n;
  });
}
