/**
 * Send and receive messages, as the AWS console does it: send a message with attributes (and group /
 * deduplication id on FIFO queues, a delay on standard ones), then "Poll for messages" — a receive
 * loop for the polling duration — listing what arrived with its id, sent time, size, receive count,
 * body (pretty-printed when JSON) and attributes, each deletable or given a new visibility timeout.
 * These are real receives: they make messages invisible and count as receives.
 */
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, queueUrlAndAttributes, sqs, type Attributes, type Permissions, type ReceivedMessage } from '../api';
import { Alert, DurationField, EmptyState, Field, Icon, Panel, PermissionNote, Spinner } from '../components/ui';
import { bytes, count, dateTime, utf8Length } from '../format';
import { mayOnQueue, usePermissions, usePolled } from '../hooks';
import { href, linkClick } from '../router';
import { useApp, useCanChange, useKeyName } from '../state';
import { LIMITS, checkAttributeName, checkAttributeValue, checkDuration, checkFifoId, checkInt, hasInvalidCharacters, type Unit } from '../validate';
import { MessageAttributesTable, MessageBody } from './tabs/MessageView';

interface AttrRow {
  name: string;
  type: 'String' | 'Number' | 'Binary';
  value: string;
}

interface Received extends ReceivedMessage {
  receivedAt: number;
  size: number;
}

export function SendReceivePage({ name }: { name: string }) {
  const canChange = useCanChange();
  const { session } = useApp();
  const perms = usePermissions(name);
  // Sending and receiving need neither GetQueueUrl nor GetQueueAttributes: a key allowed only to send
  // (and receive) still gets the page; what it may not read is shown as such (attributes undefined).
  const queue = usePolled(() => queueUrlAndAttributes(name, session.accountId), [name], 3000);
  useEffect(() => {
    document.title = `Send and receive · ${name} · Ferry`;
  }, [name]);
  const queuePath = `/queues/${encodeURIComponent(name)}`;

  return (
    <div class="page">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href={href('/')} onClick={linkClick('/')}>
          Queues
        </a>
        <Icon name="chevron" size={12} />
        <a href={href(queuePath)} onClick={linkClick(queuePath)}>
          {name}
        </a>
        <Icon name="chevron" size={12} />
        <span aria-current="page">Send and receive messages</span>
      </nav>
      <div class="page__header">
        <h1 class="page__title">Send and receive messages</h1>
      </div>
      {!canChange ? (
        <Alert tone="info" title="This console is read-only">
          Sending and receiving change the queue, so they are not available here. Use “Browse messages” on the queue to look at its messages without
          receiving them.
        </Alert>
      ) : queue.error && !queue.data ? (
        <Alert tone="error" title="Could not load the queue">
          {queue.error.message}
        </Alert>
      ) : !queue.data ? (
        <Spinner label="Loading the queue" />
      ) : (
        <div class="send-receive">
          {!queue.data.attributes && <AttributesHidden />}
          <SendPanel url={queue.data.url} attributes={queue.data.attributes} name={name} perms={perms} onSent={() => void queue.reload()} />
          <ReceivePanel url={queue.data.url} attributes={queue.data.attributes} perms={perms} onChange={() => void queue.reload()} />
        </div>
      )}
    </div>
  );
}

/** The key may use the queue but not read its attributes: said once, above the panels. */
function AttributesHidden() {
  const who = useKeyName();
  return (
    <Alert tone="info" title="Some of this queue’s settings are not shown">
      The policies of {who} don’t allow <span class="mono">sqs:GetQueueAttributes</span> on this queue, so its message counts and settings are not
      shown. Sending and receiving work as your key allows.
    </Alert>
  );
}

function SendPanel({
  url,
  attributes,
  name,
  perms,
  onSent,
}: {
  url: string;
  /** Undefined when the key may not read them (GetQueueAttributes). */
  attributes: Attributes | undefined;
  name: string;
  perms: Permissions | undefined;
  onSent: () => void;
}) {
  const who = useKeyName();
  // Without the attributes: a FIFO queue's name ends in .fifo (CreateQueue's rule); content-based
  // deduplication is unknown (the ID is then optional: the server says if the queue needs one); the size
  // limit is SQS's largest.
  const fifo = attributes ? attributes.FifoQueue === 'true' : name.endsWith('.fifo');
  const contentDedup = attributes ? attributes.ContentBasedDeduplication === 'true' : undefined;
  const maxSize = Number(attributes?.MaximumMessageSize ?? LIMITS.maxMessageSizeBytes[1]);
  const [body, setBody] = useState('');
  const [groupId, setGroupId] = useState('');
  const [dedupId, setDedupId] = useState('');
  const [delay, setDelay] = useState('0');
  const [delayUnit, setDelayUnit] = useState<Unit>('seconds');
  const [attrs, setAttrs] = useState<AttrRow[]>([]);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ id: string; seq?: string } | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  const attrBytes = attrs.reduce((n, a) => n + utf8Length(a.name) + utf8Length(a.type) + utf8Length(a.value), 0);
  const size = utf8Length(body) + attrBytes;
  const errors: Record<string, string | undefined> = {
    body:
      body === ''
        ? 'Enter a message body.'
        : hasInvalidCharacters(body)
          ? 'The body contains characters SQS does not accept.'
          : size > maxSize
            ? `The message is ${bytes(size)}; this queue accepts up to ${bytes(maxSize)} (body and attributes).`
            : undefined,
    groupId: fifo ? checkFifoId(groupId, 'message group ID') : undefined,
    dedupId: fifo && (dedupId !== '' || contentDedup === false) ? checkFifoId(dedupId, 'message deduplication ID') : undefined,
    delay: fifo ? undefined : checkDuration(delay, delayUnit, LIMITS.delay).error,
  };
  attrs.forEach((a, i) => {
    const dup = attrs.findIndex((b) => b.name === a.name) !== i ? 'Attribute names must be unique.' : undefined;
    errors[`attr${i}`] = checkAttributeName(a.name) ?? dup ?? checkAttributeValue(a.type, a.value);
  });
  if (attrs.length > LIMITS.messageAttributes) errors.attrs = 'A message can have up to 10 attributes.';
  const invalid = Object.values(errors).some(Boolean);
  const show = (k: string) => (submitted ? errors[k] : undefined);

  const send = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    setResult(undefined);
    setError(undefined);
    if (invalid) {
      window.setTimeout(() => document.querySelector<HTMLElement>('.send-form [aria-invalid=true]')?.focus(), 0);
      return;
    }
    setBusy(true);
    try {
      const messageAttributes = Object.fromEntries(
        attrs.map((a) => [
          a.name,
          a.type === 'Binary' ? { DataType: a.type, BinaryValue: a.value.replace(/\s/g, '') } : { DataType: a.type, StringValue: a.value },
        ]),
      );
      const delaySeconds = fifo ? 0 : (checkDuration(delay, delayUnit, LIMITS.delay).seconds ?? 0);
      const r = await sqs<{ MessageId: string; SequenceNumber?: string }>('SendMessage', {
        QueueUrl: url,
        MessageBody: body,
        ...(attrs.length ? { MessageAttributes: messageAttributes } : {}),
        ...(fifo ? { MessageGroupId: groupId } : {}),
        ...(fifo && dedupId ? { MessageDeduplicationId: dedupId } : {}),
        ...(delaySeconds ? { DelaySeconds: delaySeconds } : {}),
      });
      setResult({ id: r.MessageId, ...(r.SequenceNumber ? { seq: r.SequenceNumber } : {}) });
      setSubmitted(false);
      onSent();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('ClientError', String(err), 0));
    } finally {
      setBusy(false);
    }
  };

  if (!mayOnQueue(perms, 'SendMessage')) {
    return (
      <Panel title="Send message" description={`To ${name}.`}>
        <PermissionNote>
          You can’t send messages to this queue: the policies of {who} don’t allow <span class="mono">sqs:SendMessage</span> on it.
        </PermissionNote>
      </Panel>
    );
  }

  return (
    <Panel title="Send message" description={`To ${name}. ${fifo ? 'FIFO: a message group ID is required.' : ''}`}>
      <form class="send-form" onSubmit={send} noValidate aria-label="Send message">
        <div class="send-form__grid">
          <Field
            label="Message body"
            error={show('body')}
            hint={`${bytes(size)} of ${bytes(maxSize)} (body and attributes${attributes ? '' : '; SQS’s largest size: this queue’s own limit is not shown to you'}). Any text; JSON is shown formatted when received.`}
          >
            {(a) => (
              <textarea
                {...a}
                class="textarea mono"
                rows={10}
                spellcheck={false}
                value={body}
                placeholder='{"orderId": 1234, "status": "created"}'
                onInput={(e) => setBody(e.currentTarget.value)}
              />
            )}
          </Field>
          <div class="send-form__side">
            {fifo ? (
              <>
                <Field label="Message group ID" error={show('groupId')} hint="Messages of one group are delivered in order, one batch at a time.">
                  {(a) => <input {...a} class="input mono" value={groupId} spellcheck={false} onInput={(e) => setGroupId(e.currentTarget.value)} />}
                </Field>
                <Field
                  label="Message deduplication ID"
                  optional={contentDedup !== false}
                  error={show('dedupId')}
                  hint={
                    contentDedup === undefined
                      ? 'Needed unless the queue has content-based deduplication (not shown to you). Messages with the same ID within 5 minutes are accepted once.'
                      : contentDedup
                        ? 'Content-based deduplication is on: the body’s SHA-256 is used when empty.'
                        : 'Messages with the same ID within 5 minutes are accepted once.'
                  }
                >
                  {(a) => <input {...a} class="input mono" value={dedupId} spellcheck={false} onInput={(e) => setDedupId(e.currentTarget.value)} />}
                </Field>
              </>
            ) : (
              <DurationField
                label="Delivery delay"
                value={delay}
                unit={delayUnit}
                units={['seconds', 'minutes']}
                onValue={setDelay}
                onUnit={setDelayUnit}
                hint="Should be between 0 seconds and 15 minutes."
                error={show('delay')}
              />
            )}
            <fieldset class="attr-editor">
              <legend class="field__label">Message attributes</legend>
              {attrs.map((a, i) => (
                <div class="attr-editor__row" key={i}>
                  <input
                    class="input"
                    aria-label={`Attribute ${i + 1} name`}
                    placeholder="Name"
                    value={a.name}
                    aria-invalid={show(`attr${i}`) ? true : undefined}
                    onInput={(e) => setAttrs(attrs.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))}
                  />
                  <select
                    class="select"
                    aria-label={`Attribute ${i + 1} type`}
                    value={a.type}
                    onChange={(e) => setAttrs(attrs.map((x, j) => (j === i ? { ...x, type: e.currentTarget.value as AttrRow['type'] } : x)))}
                  >
                    <option value="String">String</option>
                    <option value="Number">Number</option>
                    <option value="Binary">Binary</option>
                  </select>
                  <input
                    class="input"
                    aria-label={`Attribute ${i + 1} value`}
                    placeholder={a.type === 'Binary' ? 'Base64' : 'Value'}
                    value={a.value}
                    onInput={(e) => setAttrs(attrs.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))}
                  />
                  <button
                    type="button"
                    class="button button--small"
                    aria-label={`Remove attribute ${i + 1}`}
                    onClick={() => setAttrs(attrs.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                  {show(`attr${i}`) && <p class="field__error attr-editor__error">{show(`attr${i}`)}</p>}
                </div>
              ))}
              <button
                type="button"
                class="button button--small"
                disabled={attrs.length >= LIMITS.messageAttributes}
                onClick={() => setAttrs([...attrs, { name: '', type: 'String', value: '' }])}
              >
                <Icon name="plus" /> Add attribute
              </button>
              {show('attrs') && <p class="field__error">{show('attrs')}</p>}
            </fieldset>
          </div>
        </div>
        {result && (
          <Alert tone="success" title="Your message has been sent and is ready to be received." onDismiss={() => setResult(undefined)}>
            Message ID: <span class="mono">{result.id}</span>
            {result.seq && (
              <>
                {' '}
                · sequence number <span class="mono">{result.seq}</span>
              </>
            )}
          </Alert>
        )}
        {error && (
          <Alert tone="error" title="The message was not sent">
            <span class="mono">{error.code}</span>: {error.message}
          </Alert>
        )}
        <div class="form__footer">
          <button
            type="button"
            class="button"
            onClick={() => {
              setBody('');
              setGroupId('');
              setDedupId('');
              setAttrs([]);
              setSubmitted(false);
              setResult(undefined);
            }}
          >
            Clear content
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            <Icon name="send" /> {busy ? 'Sending…' : 'Send message'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function ReceivePanel({
  url,
  attributes,
  perms,
  onChange,
}: {
  url: string;
  /** Undefined when the key may not read them (GetQueueAttributes): the counts say "not permitted". */
  attributes: Attributes | undefined;
  perms: Permissions | undefined;
  onChange: () => void;
}) {
  const { notify } = useApp();
  const who = useKeyName();
  const mayReceive = mayOnQueue(perms, 'ReceiveMessage');
  const mayDelete = mayOnQueue(perms, 'DeleteMessage');
  const [duration, setDuration] = useState('20');
  const [maxCount, setMaxCount] = useState('10');
  const [polling, setPolling] = useState<{ until: number; started: number } | undefined>(undefined);
  const [messages, setMessages] = useState<Received[]>([]);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [now, setNow] = useState(Date.now());
  const stop = useRef(false);

  useEffect(
    () => () => {
      stop.current = true;
    },
    [],
  );
  useEffect(() => {
    if (!polling) return;
    const t = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(t);
  }, [polling]);

  const durationError = checkInt(duration, [1, 60], 'seconds').error;
  const countError = checkInt(maxCount, [1, 10]).error;

  const poll = async (e: Event) => {
    e.preventDefault();
    if (durationError || countError) return;
    stop.current = false;
    setError(undefined);
    const started = Date.now();
    const until = started + Number(duration) * 1000;
    const want = Number(maxCount);
    setPolling({ until, started });
    let got = 0;
    try {
      while (!stop.current && got < want && Date.now() < until) {
        // Chunks of at most 5 s, so "Stop polling" answers quickly.
        const wait = Math.max(0, Math.min(5, Math.floor((until - Date.now()) / 1000)));
        const r = await sqs<{ Messages?: ReceivedMessage[] }>('ReceiveMessage', {
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, want - got),
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        });
        const batch = (r.Messages ?? []).map((m) => ({ ...m, receivedAt: Date.now(), size: messageSize(m) }));
        got += batch.length;
        if (batch.length) {
          setMessages((list) => [...batch, ...list.filter((x) => !batch.some((b) => b.MessageId === x.MessageId))]);
          onChange();
        }
        if (wait === 0 && batch.length === 0) break;
      }
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('ClientError', String(err), 0));
    } finally {
      setPolling(undefined);
    }
  };

  const remove = async (ids: string[]) => {
    const targets = messages.filter((m) => ids.includes(m.MessageId));
    const failed: string[] = [];
    for (const m of targets) {
      try {
        await sqs('DeleteMessage', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
      } catch (err) {
        failed.push(`${m.MessageId}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const done = targets.filter((m) => !failed.some((f) => f.startsWith(m.MessageId)));
    setMessages((list) => list.filter((m) => !done.some((d) => d.MessageId === m.MessageId)));
    setSelected(new Set());
    if (done.length)
      notify({ tone: 'success', text: done.length === 1 ? `Message ${done[0]!.MessageId} deleted.` : `${done.length} messages deleted.` });
    if (failed.length) notify({ tone: 'error', text: `Not deleted — ${failed.join('; ')}` });
    onChange();
  };

  const left = polling ? Math.max(0, Math.ceil((polling.until - now) / 1000)) : 0;
  const allSelected = messages.length > 0 && selected.size === messages.length;

  return (
    <Panel
      title="Receive messages"
      description="Polling receives messages: they become invisible for the visibility timeout and their receive count goes up."
      actions={
        <span class="receive-counts">
          <span>
            <span class="dot dot--visible" aria-hidden="true" /> Messages available:{' '}
            <CountOrHidden attributes={attributes} name="ApproximateNumberOfMessages" />
          </span>
          <span>
            <span class="dot dot--inflight" aria-hidden="true" /> In flight:{' '}
            <CountOrHidden attributes={attributes} name="ApproximateNumberOfMessagesNotVisible" />
          </span>
        </span>
      }
    >
      {!mayReceive && (
        <PermissionNote>
          You can’t receive messages from this queue: the policies of {who} don’t allow <span class="mono">sqs:ReceiveMessage</span> on it.
        </PermissionNote>
      )}
      {mayReceive && (
        <form class="receive-form" onSubmit={poll} noValidate aria-label="Receive messages">
          <Field label="Polling duration" hint="Seconds, 1 to 60." error={durationError}>
            {(a) => (
              <div class="input-group">
                <input
                  {...a}
                  class="input input--num"
                  inputMode="numeric"
                  value={duration}
                  disabled={!!polling}
                  onInput={(e) => setDuration(e.currentTarget.value)}
                />
                <span class="input-group__unit">Seconds</span>
              </div>
            )}
          </Field>
          <Field label="Maximum message count" hint="1 to 10." error={countError}>
            {(a) => (
              <input
                {...a}
                class="input input--num"
                inputMode="numeric"
                value={maxCount}
                disabled={!!polling}
                onInput={(e) => setMaxCount(e.currentTarget.value)}
              />
            )}
          </Field>
          <div class="receive-form__buttons">
            {polling ? (
              <button
                type="button"
                class="button"
                onClick={() => {
                  stop.current = true;
                }}
              >
                <Icon name="pause" /> Stop polling
              </button>
            ) : (
              <button type="submit" class="button button--primary">
                Poll for messages
              </button>
            )}
          </div>
        </form>
      )}
      {polling && (
        <div class="polling" role="status">
          <Spinner label="Polling" />
          Polling for messages… {left} s left
          <div class="polling__bar">
            <span style={{ width: `${Math.min(100, ((now - polling.started) / (polling.until - polling.started)) * 100)}%` }} />
          </div>
        </div>
      )}
      {error && (
        <Alert tone="error" title="Polling failed">
          <span class="mono">{error.code}</span>: {error.message}
        </Alert>
      )}
      <div class="toolbar toolbar--flush">
        <h3 class="subheading">Messages ({messages.length})</h3>
        <div class="toolbar__spacer" />
        <button
          type="button"
          class="button button--small button--danger-outline"
          disabled={selected.size === 0 || !mayDelete}
          title={mayDelete ? undefined : 'Not allowed: sqs:DeleteMessage'}
          onClick={() => void remove([...selected])}
        >
          <Icon name="trash" /> Delete{selected.size ? ` (${selected.size})` : ''}
        </button>
        <button
          type="button"
          class="button button--small"
          disabled={messages.length === 0}
          onClick={() => {
            setMessages([]);
            setSelected(new Set());
          }}
        >
          Clear list
        </button>
      </div>
      {messages.length === 0 ? (
        <EmptyState title="No messages received">Choose “Poll for messages” to receive messages from the queue.</EmptyState>
      ) : (
        <div class="table-wrap">
          <table class="table table--messages">
            <caption class="sr-only">Received messages</caption>
            <thead>
              <tr>
                <th scope="col" class="check-cell">
                  <input
                    type="checkbox"
                    aria-label="Select all messages"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(messages.map((m) => m.MessageId)))}
                  />
                </th>
                <th scope="col">ID</th>
                <th scope="col">Sent</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col" class="num">
                  Receive count
                </th>
                <th scope="col">Body</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <Fragment key={m.MessageId}>
                  <tr class={open === m.MessageId ? 'is-open' : undefined}>
                    <td class="check-cell">
                      <input
                        type="checkbox"
                        aria-label={`Select message ${m.MessageId}`}
                        checked={selected.has(m.MessageId)}
                        onChange={() => {
                          const s = new Set(selected);
                          if (s.has(m.MessageId)) s.delete(m.MessageId);
                          else s.add(m.MessageId);
                          setSelected(s);
                        }}
                      />
                    </td>
                    <td class="id-cell">
                      <button
                        type="button"
                        class="disclosure mono"
                        aria-expanded={open === m.MessageId}
                        aria-label={`Message ${m.MessageId}`}
                        onClick={() => setOpen(open === m.MessageId ? undefined : m.MessageId)}
                      >
                        <Icon name={open === m.MessageId ? 'down' : 'chevron'} size={12} />
                        {m.MessageId}
                      </button>
                    </td>
                    <td class="nowrap" data-label="Sent">
                      {dateTime(Number(m.Attributes?.SentTimestamp))}
                    </td>
                    <td class="num" data-label="Size">
                      {bytes(m.size)}
                    </td>
                    <td class="num" data-label="Receive count">
                      {m.Attributes?.ApproximateReceiveCount ?? '—'}
                    </td>
                    <td class="body-preview mono" data-label="Body">
                      <span class="body-preview__text">{m.Body.slice(0, 200)}</span>
                    </td>
                  </tr>
                  {open === m.MessageId && (
                    <tr class="detail-row">
                      <td colSpan={6}>
                        <ReceivedDetail
                          m={m}
                          url={url}
                          mayDelete={mayDelete}
                          mayChange={mayOnQueue(perms, 'ChangeMessageVisibility')}
                          onDelete={() => void remove([m.MessageId])}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

/** Body + message attribute bytes, as SQS counts a message against MaximumMessageSize. */
function messageSize(m: ReceivedMessage): number {
  let n = utf8Length(m.Body);
  for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) {
    n += utf8Length(k) + utf8Length(v.DataType);
    if (v.StringValue !== undefined) n += utf8Length(v.StringValue);
    if (v.BinaryValue !== undefined) n += Math.floor((v.BinaryValue.length * 3) / 4) - (v.BinaryValue.match(/=+$/)?.[0].length ?? 0);
  }
  return n;
}

/** A count from the attributes, or — when the key may not read them — a muted "Not permitted". */
function CountOrHidden({ attributes, name }: { attributes: Attributes | undefined; name: string }) {
  if (attributes) return <strong>{count(Number(attributes[name] ?? 0))}</strong>;
  return (
    <span class="not-permitted" title="Not permitted: sqs:GetQueueAttributes">
      Not permitted
    </span>
  );
}

function ReceivedDetail({
  m,
  url,
  mayDelete,
  mayChange,
  onDelete,
}: {
  m: Received;
  url: string;
  mayDelete: boolean;
  mayChange: boolean;
  onDelete: () => void;
}) {
  const who = useKeyName();
  const withheld = [!mayChange && 'sqs:ChangeMessageVisibility', !mayDelete && 'sqs:DeleteMessage'].filter((x): x is string => !!x);
  const noteId = `withheld-${m.MessageId}`;
  const { notify } = useApp();
  const [timeout, setTimeoutValue] = useState('30');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const a = m.Attributes ?? {};
  const timeoutError = checkInt(timeout, [0, 43_200], 'seconds').error;
  const details: [string, string][] = [
    ['Message ID', m.MessageId],
    ['MD5 of body', m.MD5OfBody],
    ['Sent', dateTime(Number(a.SentTimestamp))],
    ['First received', dateTime(Number(a.ApproximateFirstReceiveTimestamp))],
    ['Receive count', a.ApproximateReceiveCount ?? '—'],
    ['Sender', a.SenderId ?? '—'],
  ];
  if (a.MessageGroupId) details.push(['Message group ID', a.MessageGroupId]);
  if (a.MessageDeduplicationId) details.push(['Deduplication ID', a.MessageDeduplicationId]);
  if (a.SequenceNumber) details.push(['Sequence number', a.SequenceNumber]);
  if (a.DeadLetterQueueSourceArn) details.push(['Dead-letter source', a.DeadLetterQueueSourceArn]);

  const change = async (e: Event) => {
    e.preventDefault();
    if (timeoutError) return;
    setBusy(true);
    setError(undefined);
    try {
      await sqs('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: Number(timeout) });
      notify({ tone: 'success', text: `Message ${m.MessageId} is now invisible for ${timeout} s.` });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="message-detail">
      <div class="message-detail__main">
        <h4 class="subheading">Body</h4>
        <MessageBody body={m.Body} />
        <h4 class="subheading">Message attributes</h4>
        <MessageAttributesTable attributes={m.MessageAttributes} />
      </div>
      <div class="message-detail__side">
        <h4 class="subheading">Details</h4>
        <dl class="kv kv--stacked">
          {details.map(([k, v]) => (
            <div class="kv__item" key={k}>
              <dt>{k}</dt>
              <dd class="break">{v}</dd>
            </div>
          ))}
        </dl>
        <form class="visibility-form" onSubmit={change} noValidate aria-label={`Change visibility of message ${m.MessageId}`}>
          <Field label="Visibility timeout (seconds)" error={timeoutError} hint="0 makes it available again now; up to 12 hours.">
            {(f) => (
              <input {...f} class="input input--num" inputMode="numeric" value={timeout} onInput={(e) => setTimeoutValue(e.currentTarget.value)} />
            )}
          </Field>
          <div class="button-row">
            <button type="submit" class="button button--small" disabled={busy || !mayChange} aria-describedby={mayChange ? undefined : noteId}>
              Change visibility
            </button>
            <button
              type="button"
              class="button button--small button--danger-outline"
              disabled={!mayDelete}
              aria-describedby={mayDelete ? undefined : noteId}
              onClick={onDelete}
              aria-label={`Delete message ${m.MessageId}`}
            >
              <Icon name="trash" /> Delete
            </button>
          </div>
          {error && <p class="field__error">{error}</p>}
          {withheld.length > 0 && (
            <PermissionNote id={noteId}>
              Not allowed by the policies of {who}: <span class="mono">{withheld.join(', ')}</span>.
            </PermissionNote>
          )}
        </form>
        <p class="muted small">Received by this page at {dateTime(m.receivedAt)}; its receipt handle is kept here until you leave.</p>
      </div>
    </div>
  );
}
