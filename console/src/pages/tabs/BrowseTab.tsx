/**
 * Browse messages: a peek at the queue's messages — available, in flight and delayed — with search by
 * body, attribute value, message id or group id, and paging. Nothing is received: receive counts,
 * visibility and FIFO group locks stay untouched. Each message opens its journey.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { browse, type BrowseQuery, type BrowsedMessage } from '../../api';
import { Alert, Badge, EmptyState, Icon, Spinner } from '../../components/ui';
import { bytes, count, dateTime, relative } from '../../format';
import { usePolled } from '../../hooks';
import type { QueueInfo } from '../queueInfo';
import { JourneyDialog } from './JourneyDialog';
import { MessageBody, MessageAttributesTable } from './MessageView';

const STATES: { value: BrowseQuery['state']; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'visible', label: 'Available' },
  { value: 'inflight', label: 'In flight' },
  { value: 'delayed', label: 'Delayed' },
];

const FIELDS: { value: NonNullable<BrowseQuery['field']>; label: string }[] = [
  { value: 'any', label: 'Any field' },
  { value: 'body', label: 'Body' },
  { value: 'attribute', label: 'Attribute value' },
  { value: 'messageId', label: 'Message ID' },
  { value: 'groupId', label: 'Group ID' },
];

export const STATE_LABEL: Record<BrowsedMessage['state'], string> = { visible: 'Available', inflight: 'In flight', delayed: 'Delayed' };

export function BrowseTab({ queue }: { queue: QueueInfo }) {
  const [state, setState] = useState<BrowseQuery['state']>('all');
  const [text, setText] = useState('');
  const [field, setField] = useState<NonNullable<BrowseQuery['field']>>('any');
  const [search, setSearch] = useState<{ q: string; field: NonNullable<BrowseQuery['field']> }>({ q: '', field: 'any' });
  const [limit, setLimit] = useState(25);
  // Cursors of the pages before the current one (index 0 = first page, no cursor).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [journeyOf, setJourneyOf] = useState<string | undefined>(undefined);
  const cursor = cursors[cursors.length - 1];
  const page = usePolled(
    () => browse(queue.name, { state, limit, ...(search.q ? { q: search.q, field: search.field } : {}), ...(cursor ? { cursor } : {}) }),
    [queue.name, state, limit, search.q, search.field, cursor, queue.changes],
  );

  const resetPaging = () => setCursors([undefined]);
  const messages = page.data?.messages ?? [];

  return (
    <div class="browse">
      <p class="muted browse__note">
        <Icon name="eye" /> Browsing is a peek: messages are not received, so their receive counts, visibility and FIFO group locks stay as they are.
      </p>
      <div class="toolbar toolbar--wrap">
        <div class="segmented" role="radiogroup" aria-label="Message state">
          {STATES.map((s) => (
            <label key={s.value} class={`segmented__option${state === s.value ? ' is-checked' : ''}`}>
              <input
                type="radio"
                name="browse-state"
                value={s.value}
                checked={state === s.value}
                onChange={() => {
                  setState(s.value);
                  resetPaging();
                }}
              />
              {s.label}
            </label>
          ))}
        </div>
        <form
          class="search-form"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setSearch({ q: text.trim(), field });
            resetPaging();
          }}
        >
          <select class="select select--small" aria-label="Search in" value={field} onChange={(e) => setField(e.currentTarget.value as typeof field)}>
            {FIELDS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
          <div class="search">
            <Icon name="search" />
            <input
              type="search"
              class="input search__input"
              aria-label="Search"
              placeholder="Search messages"
              value={text}
              spellcheck={false}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="button button--small">
            Search
          </button>
          {search.q && (
            <button
              type="button"
              class="button button--small button--ghost"
              onClick={() => {
                setText('');
                setSearch({ q: '', field: 'any' });
                resetPaging();
              }}
            >
              Clear search
            </button>
          )}
        </form>
        <div class="toolbar__spacer" />
        <button
          type="button"
          class="icon-button icon-button--bordered"
          aria-label="Refresh messages"
          title="Refresh"
          onClick={() => void page.reload()}
        >
          <Icon name="refresh" />
        </button>
      </div>

      {page.error && (
        <Alert tone="error" title="Could not browse the queue">
          {page.error.message}
        </Alert>
      )}
      {!page.data && !page.error ? (
        <div class="loading-block">
          <Spinner label="Loading messages" />
        </div>
      ) : page.data && messages.length === 0 ? (
        <EmptyState title={search.q ? 'No matching messages' : 'No messages'}>
          {search.q
            ? page.data.nextCursor
              ? `None of the ${count(page.data.scanned)} messages scanned so far matches. Continue to search the rest of the queue.`
              : `No ${state === 'all' ? '' : `${STATE_LABEL[state].toLowerCase()} `}message matches “${search.q}”.`
            : state === 'all'
              ? 'The queue is empty. Send a message with “Send and receive messages”.'
              : `No ${STATE_LABEL[state].toLowerCase()} messages.`}
        </EmptyState>
      ) : (
        <div class="table-wrap">
          <table class="table table--messages">
            <caption class="sr-only">Messages</caption>
            <thead>
              <tr>
                <th scope="col">Message ID</th>
                <th scope="col">State</th>
                <th scope="col">Sent</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col" class="num">
                  Receive count
                </th>
                {queue.fifo && <th scope="col">Group ID</th>}
                <th scope="col">Body</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <Fragment key={m.messageId}>
                  <tr class={open === m.messageId ? 'is-open' : undefined}>
                    <td class="id-cell">
                      <button
                        type="button"
                        class="disclosure mono"
                        aria-expanded={open === m.messageId}
                        aria-label={`Message ${m.messageId}`}
                        onClick={() => setOpen(open === m.messageId ? undefined : m.messageId)}
                      >
                        <Icon name={open === m.messageId ? 'down' : 'chevron'} size={12} />
                        {m.messageId}
                      </button>
                    </td>
                    <td data-label="State">
                      <StateBadge m={m} />
                    </td>
                    <td class="nowrap" data-label="Sent">
                      {dateTime(m.sentAt)}
                    </td>
                    <td class="num" data-label="Size">
                      {bytes(m.size)}
                    </td>
                    <td class="num" data-label="Receive count">
                      {m.receiveCount}
                    </td>
                    {queue.fifo && (
                      <td class="mono" data-label="Group ID">
                        {m.groupId ?? '—'}
                      </td>
                    )}
                    <td class="body-preview mono" data-label="Body">
                      <span class="body-preview__text">{m.body.slice(0, 200)}</span>
                    </td>
                  </tr>
                  {open === m.messageId && (
                    <tr class="detail-row">
                      <td colSpan={queue.fifo ? 7 : 6}>
                        <BrowsedDetail m={m} onJourney={() => setJourneyOf(m.messageId)} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {page.data && (
        <div class="pager">
          <span class="muted">
            Page {cursors.length}
            {messages.length ? ` · ${messages.length} message${messages.length === 1 ? '' : 's'}` : ''} · {count(page.data.scanned)} scanned
            {page.loading && <Spinner label="Loading" />}
          </span>
          <label class="inline-label">
            <span>Page size</span>
            <select
              class="select select--small"
              value={String(limit)}
              onChange={(e) => {
                setLimit(Number(e.currentTarget.value));
                resetPaging();
              }}
            >
              {[10, 25, 50, 100].map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="button button--small" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <button
            type="button"
            class="button button--small"
            disabled={!page.data.nextCursor}
            onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
          >
            {search.q && messages.length === 0 ? 'Continue searching' : 'Next page'}
          </button>
        </div>
      )}
      {journeyOf && <JourneyDialog queue={queue.name} messageId={journeyOf} onClose={() => setJourneyOf(undefined)} />}
    </div>
  );
}

function StateBadge({ m }: { m: BrowsedMessage }) {
  const tone = m.state;
  return (
    <span title={m.state === 'visible' ? 'Available to receive' : `Visible ${relative(m.visibleAt)}`}>
      <Badge tone={tone}>{STATE_LABEL[m.state]}</Badge>
    </span>
  );
}

function BrowsedDetail({ m, onJourney }: { m: BrowsedMessage; onJourney: () => void }) {
  const details: [string, string][] = [
    ['Message ID', m.messageId],
    ['MD5 of body', m.md5OfBody],
    ['Sent', dateTime(m.sentAt)],
    [m.state === 'visible' ? 'Visible since' : 'Visible again', `${dateTime(m.visibleAt)} (${relative(m.visibleAt)})`],
    ['Receive count', String(m.receiveCount)],
    ['First received', m.firstReceivedAt ? dateTime(m.firstReceivedAt) : 'Never'],
  ];
  if (m.groupId) details.push(['Message group ID', m.groupId]);
  if (m.dedupId) details.push(['Deduplication ID', m.dedupId]);
  if (m.sequenceNumber) details.push(['Sequence number', m.sequenceNumber]);
  if (m.deadLetterSourceArn) details.push(['Dead-letter source', m.deadLetterSourceArn]);
  return (
    <div class="message-detail">
      <div class="message-detail__main">
        <h3 class="subheading">Body</h3>
        <MessageBody body={m.body} />
        <h3 class="subheading">Message attributes</h3>
        <MessageAttributesTable attributes={m.messageAttributes} />
      </div>
      <div class="message-detail__side">
        <h3 class="subheading">Details</h3>
        <dl class="kv kv--stacked">
          {details.map(([k, v]) => (
            <div class="kv__item" key={k}>
              <dt>{k}</dt>
              <dd class="break">{v}</dd>
            </div>
          ))}
        </dl>
        <button type="button" class="button button--small" onClick={onJourney}>
          <Icon name="clock" /> View journey
        </button>
      </div>
    </div>
  );
}
