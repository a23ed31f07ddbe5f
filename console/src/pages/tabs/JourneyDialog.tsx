/**
 * A message's journey: what happened to it, in order — sent (when, by which key, size), each receive
 * (receive count, visibility granted), visibility changes, deletion or the move to a dead-letter queue.
 * Ferry keeps journeys in memory for a bounded window (--journey-window) and count.
 */
import { journey, type JourneyEvent } from '../../api';
import { Dialog } from '../../components/Dialog';
import { Alert, Spinner } from '../../components/ui';
import { bytes, dateTime, duration, offset, timeMs } from '../../format';
import { usePolled } from '../../hooks';

const TITLES: Record<JourneyEvent['type'], string> = {
  sent: 'Sent',
  received: 'Received',
  visibilityChanged: 'Visibility changed',
  deleted: 'Deleted',
  deadLettered: 'Moved to dead-letter queue',
  purged: 'Purged',
  queueDeleted: 'Queue deleted',
};

function describe(e: JourneyEvent): string {
  const d = e.detail;
  const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : undefined);
  switch (e.type) {
    case 'sent': {
      const parts = [bytes(num('bytes') ?? 0)];
      if (num('delayMs')) parts.push(`delayed ${duration((num('delayMs') ?? 0) / 1000)}`);
      if (typeof d.groupId === 'string') parts.push(`group ${d.groupId}`);
      if (typeof d.sequenceNumber === 'string') parts.push(`sequence ${d.sequenceNumber}`);
      if (d.deduplicated === true) parts.push('duplicate: accepted but not stored again');
      return parts.join(' · ');
    }
    case 'received':
      return `Receive #${num('receiveCount') ?? '?'} · invisible for ${duration((num('visibilityTimeoutMs') ?? 0) / 1000)}`;
    case 'visibilityChanged':
      return `Visibility timeout set to ${duration((num('visibilityTimeoutMs') ?? 0) / 1000)}`;
    case 'deadLettered':
      return `To ${typeof d.targetQueue === 'string' ? d.targetQueue : 'the dead-letter queue'}`;
    case 'deleted':
      return 'Deleted by a consumer';
    case 'purged':
      return 'Removed by PurgeQueue';
    case 'queueDeleted':
      return 'The queue was deleted';
  }
}

export function JourneyDialog({ queue, messageId, onClose }: { queue: string; messageId: string; onClose: () => void }) {
  const j = usePolled(() => journey(queue, messageId), [queue, messageId]);
  const first = j.data?.events[0]?.at;
  return (
    <Dialog title="Message journey" onClose={onClose} size="medium">
      <p class="muted">
        Message <span class="mono">{messageId}</span> in <strong>{queue}</strong>
      </p>
      {j.error ? (
        j.error.code === 'JourneyNotFound' ? (
          <Alert tone="info" title="No journey recorded for this message">
            Ferry keeps journeys in this process’s memory for a limited time and number of messages (<span class="mono">--journey-window</span>,{' '}
            <span class="mono">--journey-max-messages</span>). This message was sent before that window, or through another Ferry process.
          </Alert>
        ) : (
          <Alert tone="error" title="Could not load the journey">
            {j.error.message}
          </Alert>
        )
      ) : !j.data ? (
        <Spinner label="Loading the journey" />
      ) : (
        <>
          {j.data.truncated && (
            <Alert tone="info" title="Earlier events were dropped">
              This journey is longer than Ferry keeps; the oldest events are not shown.
            </Alert>
          )}
          <ol class="timeline" aria-label="Events">
            {j.data.events.map((e, i) => (
              <li key={i} class={`timeline__item timeline__item--${e.type}`}>
                <span class="timeline__dot" aria-hidden="true" />
                <div class="timeline__content">
                  <div class="timeline__head">
                    <strong class="timeline__title">{TITLES[e.type]}</strong>
                    <time dateTime={new Date(e.at).toISOString()} title={dateTime(e.at)}>
                      {timeMs(e.at)}
                    </time>
                    {first !== undefined && i > 0 && <span class="muted">{offset(e.at - first)}</span>}
                  </div>
                  <div class="timeline__detail">{describe(e)}</div>
                  {e.accessKeyId && <div class="timeline__key muted">by key {e.accessKeyId}</div>}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      <div class="dialog__footer dialog__footer--inline">
        <button type="button" class="button" onClick={() => void j.reload()}>
          Refresh
        </button>
        <button type="button" class="button button--primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
