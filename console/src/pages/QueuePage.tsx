/**
 * One queue: its details and live counts, the actions (send and receive, edit, purge, delete) and the
 * tabs — Browse messages (peek), Monitoring, Dead-letter queue, Tagging, Access policy, Encryption.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, nameOf, overview, queueUrlAndAttributes, sqs, type Attributes, type Permissions, type QueueSnapshot } from '../api';
import { Dialog } from '../components/Dialog';
import { Tabs } from '../components/Tabs';
import { Alert, Badge, Copyable, Icon, KeyValues, PermissionNote, Spinner } from '../components/ui';
import { age, bytes, count, dateTime, duration, rate } from '../format';
import { mayOnQueue, usePermissions, usePolled } from '../hooks';
import { href, linkClick, navigate } from '../router';
import { useApp, useCanChange, useKeyName } from '../state';
import { EncryptionSummary } from './tabs/EncryptionTab';
import type { QueueInfo } from './queueInfo';
import { BrowseTab } from './tabs/BrowseTab';
import { DeadLetterTab } from './tabs/DeadLetterTab';
import { EncryptionTab } from './tabs/EncryptionTab';
import { MonitoringTab } from './tabs/MonitoringTab';
import { PolicyTab } from './tabs/PolicyTab';
import { TaggingTab } from './tabs/TaggingTab';

const TABS = [
  { id: 'browse', label: 'Browse messages' },
  { id: 'monitoring', label: 'Monitoring' },
  { id: 'dlq', label: 'Dead-letter queue' },
  { id: 'tagging', label: 'Tagging' },
  { id: 'policy', label: 'Access policy' },
  { id: 'encryption', label: 'Encryption' },
];

export function QueuePage({ name, tab }: { name: string; tab: string }) {
  const canChange = useCanChange();
  const { session } = useApp();
  const perms = usePermissions(name);
  const [dialog, setDialog] = useState<'purge' | 'delete' | undefined>(undefined);
  // On a phone the details start folded, so the counts and the tabs come first.
  const [showDetails, setShowDetails] = useState(() => !window.matchMedia('(max-width: 640px)').matches);
  const [changes, setChanges] = useState(0);
  // A key may use a queue without reading its attributes: the page then says so (below).
  const queue = usePolled(() => queueUrlAndAttributes(name, session.accountId), [name], 5000);
  const who = useKeyName();
  const snapshot = usePolled(async () => (await overview(name)).queues.find((q) => q.name === name), [name], 5000);

  useEffect(() => {
    document.title = `${name} · Ferry`;
  }, [name]);

  const selected = TABS.some((t) => t.id === tab) ? tab : 'browse';
  const path = `/queues/${encodeURIComponent(name)}`;

  if (!queue.data) {
    return (
      <div class="page">
        <Breadcrumbs name={name} />
        <h1 class="page__title">{name}</h1>
        {queue.error ? (
          <Alert tone="error" title={queue.error.code === 'QueueDoesNotExist' ? 'This queue does not exist' : 'Could not load the queue'}>
            {queue.error.message}{' '}
            <a href={href('/')} onClick={linkClick('/')}>
              Back to the queues
            </a>
          </Alert>
        ) : (
          <Spinner label="Loading the queue" />
        )}
      </div>
    );
  }

  const a = queue.data.attributes;
  const info: QueueInfo = {
    name,
    url: queue.data.url,
    attributes: a ?? {},
    // Without GetQueueAttributes: FIFO queue names end in .fifo, and the ARN is the queue's in this account.
    fifo: a ? a.FifoQueue === 'true' : name.endsWith('.fifo'),
    arn: a?.QueueArn ?? `arn:aws:sqs:${session.region}:${session.accountId}:${name}`,
    reload: async () => {
      setChanges((n) => n + 1);
      await queue.reload();
    },
    changes,
  };
  const header = (
    <>
      <Breadcrumbs name={name} />
      <div class="page__header">
        <div class="page__heading">
          <h1 class="page__title">{name}</h1>
          <Badge tone={info.fifo ? 'fifo' : 'standard'}>{info.fifo ? 'FIFO' : 'Standard'}</Badge>
        </div>
        {canChange && <QueueActions path={path} perms={perms} onDialog={setDialog} />}
      </div>
    </>
  );

  if (!a) {
    // The key may use the queue without reading its attributes (a producer allowed SendMessage only):
    // the page says what it can't show and still offers what the key may do.
    return (
      <div class="page">
        {header}
        <Alert tone="info" title="You can’t see this queue’s details">
          The policies of {who} don’t allow <span class="mono">sqs:GetQueueAttributes</span> on this queue, so its settings, counts and messages are
          not shown here.
          {canChange && (mayOnQueue(perms, 'SendMessage') || mayOnQueue(perms, 'ReceiveMessage')) && (
            <> You can still use “Send and receive messages” with what your key may do.</>
          )}
        </Alert>
        {dialog && <DestructiveDialog kind={dialog} queue={info} onClose={() => setDialog(undefined)} />}
      </div>
    );
  }

  return (
    <div class="page">
      {header}
      {queue.error && (
        <Alert tone="warning" title="Could not refresh the queue">
          {queue.error.message}
        </Alert>
      )}

      <Counts attributes={a} snapshot={snapshot.data} />

      <section class="panel" aria-labelledby="details-title">
        <header class="panel__header">
          <h2 id="details-title" class="panel__title">
            Details
          </h2>
          <button
            type="button"
            class="button button--small button--ghost"
            aria-expanded={showDetails}
            aria-controls="details-body"
            onClick={() => setShowDetails(!showDetails)}
          >
            {/* The name starts with the visible word (speech users say what they see): "Show queue details". */}
            <Icon name={showDetails ? 'down' : 'chevron'} /> {showDetails ? 'Hide' : 'Show'}
            <span class="sr-only"> queue details</span>
          </button>
        </header>
        <div class="panel__body" id="details-body" hidden={!showDetails}>
          <KeyValues
            columns={4}
            items={[
              ['Name', name],
              ['Type', info.fifo ? 'FIFO' : 'Standard'],
              ['ARN', <Copyable text={info.arn} label="ARN" />, true],
              ['URL', <Copyable text={info.url} label="URL" />, true],
              ['Encryption', <EncryptionSummary queue={info} />],
              ['Dead-letter queue', <DlqLink policy={a.RedrivePolicy} />],
              ['Created', dateTime(Number(a.CreatedTimestamp) * 1000)],
              ['Last updated', dateTime(Number(a.LastModifiedTimestamp) * 1000)],
              ['Maximum message size', bytes(Number(a.MaximumMessageSize))],
              ['Message retention period', duration(Number(a.MessageRetentionPeriod))],
              ['Default visibility timeout', duration(Number(a.VisibilityTimeout))],
              ['Delivery delay', duration(Number(a.DelaySeconds))],
              ['Receive message wait time', duration(Number(a.ReceiveMessageWaitTimeSeconds))],
              ...(info.fifo
                ? ([
                    ['Content-based deduplication', a.ContentBasedDeduplication === 'true' ? 'Enabled' : 'Disabled'],
                    [
                      'High throughput FIFO',
                      a.DeduplicationScope === 'messageGroup' && a.FifoThroughputLimit === 'perMessageGroupId'
                        ? 'Enabled'
                        : `Disabled (scope ${a.DeduplicationScope ?? 'queue'}, limit ${a.FifoThroughputLimit ?? 'perQueue'})`,
                    ],
                  ] as [string, string][])
                : []),
            ]}
          />
        </div>
      </section>

      <Tabs tabs={TABS} selected={selected} label="Queue details" onSelect={(id) => navigate(id === 'browse' ? path : `${path}?tab=${id}`, true)}>
        {selected === 'browse' && <BrowseTab queue={info} />}
        {selected === 'monitoring' && <MonitoringTab queue={info} />}
        {selected === 'dlq' && <DeadLetterTab queue={info} />}
        {selected === 'tagging' && <TaggingTab queue={info} />}
        {selected === 'policy' && <PolicyTab queue={info} />}
        {selected === 'encryption' && <EncryptionTab queue={info} />}
      </Tabs>

      {dialog && <DestructiveDialog kind={dialog} queue={info} onClose={() => setDialog(undefined)} />}
    </div>
  );
}

/**
 * Edit, Purge, Delete, Send and receive: each disabled when the key's policies don't allow its action on
 * this queue, with one note under them naming what is withheld and why (the read-only console hides
 * them instead: its banner says why for every change).
 */
function QueueActions({ path, perms, onDialog }: { path: string; perms: Permissions | undefined; onDialog: (d: 'purge' | 'delete') => void }) {
  const who = useKeyName();
  const sendReceive = mayOnQueue(perms, 'SendMessage') || mayOnQueue(perms, 'ReceiveMessage');
  const withheld: [string, string][] = [];
  if (!mayOnQueue(perms, 'SetQueueAttributes')) withheld.push(['Edit', 'sqs:SetQueueAttributes']);
  if (!mayOnQueue(perms, 'PurgeQueue')) withheld.push(['Purge', 'sqs:PurgeQueue']);
  if (!mayOnQueue(perms, 'DeleteQueue')) withheld.push(['Delete', 'sqs:DeleteQueue']);
  if (!sendReceive) withheld.push(['Send and receive messages', 'sqs:SendMessage or sqs:ReceiveMessage']);
  const noteId = withheld.length ? 'queue-actions-note' : undefined;
  /** A button's disabled state and its pointer to the note, from whether its label is withheld. */
  const gated = (label: string) => {
    const denied = withheld.some(([l]) => l === label);
    return { disabled: denied, 'aria-describedby': denied ? noteId : undefined };
  };
  return (
    <div class="page__actions page__actions--gated">
      <div class="page__actions">
        <button type="button" class="button" {...gated('Edit')} onClick={() => navigate(`${path}/edit`)}>
          <Icon name="edit" /> Edit
        </button>
        <button type="button" class="button button--danger-outline" {...gated('Purge')} onClick={() => onDialog('purge')}>
          Purge
        </button>
        <button type="button" class="button button--danger-outline" {...gated('Delete')} onClick={() => onDialog('delete')}>
          <Icon name="trash" /> Delete
        </button>
        <button type="button" class="button button--primary" {...gated('Send and receive messages')} onClick={() => navigate(`${path}/send-receive`)}>
          <Icon name="send" /> Send and receive messages
        </button>
      </div>
      {noteId && (
        <PermissionNote id={noteId}>
          Not allowed by the policies of {who}:{' '}
          {withheld.map(([l, a], i) => (
            <Fragment key={l}>
              {i > 0 && '; '}
              {l} (<span class="mono">{a}</span>)
            </Fragment>
          ))}
          .
        </PermissionNote>
      )}
    </div>
  );
}

function Breadcrumbs({ name }: { name: string }) {
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumbs">
      <a href={href('/')} onClick={linkClick('/')}>
        Queues
      </a>
      <Icon name="chevron" size={12} />
      <span aria-current="page">{name}</span>
    </nav>
  );
}

function DlqLink({ policy }: { policy: string | undefined }) {
  if (!policy) return <>None</>;
  try {
    const p = JSON.parse(policy) as { deadLetterTargetArn: string; maxReceiveCount: number };
    const dlq = nameOf(p.deadLetterTargetArn);
    const to = `/queues/${encodeURIComponent(dlq)}`;
    return (
      <>
        <a href={href(to)} onClick={linkClick(to)}>
          {dlq}
        </a>{' '}
        <span class="muted">after {p.maxReceiveCount} receives</span>
      </>
    );
  } catch {
    return <>{policy}</>;
  }
}

function Counts({ attributes: a, snapshot }: { attributes: Attributes; snapshot: QueueSnapshot | undefined }) {
  const items: [string, string, string?][] = [
    ['Messages available', count(Number(a.ApproximateNumberOfMessages ?? 0)), 'visible'],
    ['Messages in flight', count(Number(a.ApproximateNumberOfMessagesNotVisible ?? 0)), 'inflight'],
    ['Messages delayed', count(Number(a.ApproximateNumberOfMessagesDelayed ?? 0)), 'delayed'],
    ['Oldest message', age(snapshot?.oldestAgeSeconds)],
    ['Sent /s', rate(snapshot?.sentPerSecond)],
    ['Received /s', rate(snapshot?.receivedPerSecond)],
  ];
  return (
    <div class="stats" aria-label="Queue counts">
      {items.map(([label, value, tone]) => (
        <div class="stat" key={label}>
          <span class="stat__label">
            {tone && <span class={`dot dot--${tone}`} aria-hidden="true" />}
            {label}
          </span>
          <span class="stat__value">{value}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * Purge / Delete, confirmed as the AWS console does: type the word ("purge", "delete") — or the
 * queue name — before the red button works.
 */
function DestructiveDialog({ kind, queue, onClose }: { kind: 'purge' | 'delete'; queue: QueueInfo; onClose: () => void }) {
  const { notify } = useApp();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const ok = typed.trim() === kind || typed.trim() === queue.name;
  const confirm = async (e: Event) => {
    e.preventDefault();
    if (!ok) return;
    setBusy(true);
    setError(undefined);
    try {
      if (kind === 'purge') {
        await sqs('PurgeQueue', { QueueUrl: queue.url });
        notify({ tone: 'success', text: `Queue ${queue.name} purged: its messages are being deleted.` });
        onClose();
        await queue.reload();
      } else {
        await sqs('DeleteQueue', { QueueUrl: queue.url });
        notify({ tone: 'success', text: `Queue ${queue.name} deleted.` });
        onClose();
        navigate('/');
      }
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('ClientError', String(err), 0));
      setBusy(false);
    }
  };
  const title = kind === 'purge' ? `Purge queue: ${queue.name}` : `Delete queue: ${queue.name}`;
  return (
    <Dialog title={title} onClose={onClose} danger size="small">
      <form onSubmit={confirm}>
        {kind === 'purge' ? (
          <p>
            Purging deletes <strong>all messages</strong> in the queue — available, in flight and delayed. This can’t be undone. SQS allows one purge
            per queue every 60 seconds.
          </p>
        ) : (
          <p>
            Deleting removes the queue <strong>and all of its messages</strong>. This can’t be undone; applications that use the queue will get
            errors.
          </p>
        )}
        <div class="field">
          <label for="confirm-input" class="field__label">
            To confirm, type <strong>{kind}</strong> (or the queue name) in the field.
          </label>
          <input
            id="confirm-input"
            class="input"
            autocomplete="off"
            spellcheck={false}
            placeholder={kind}
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </div>
        {error && (
          <Alert tone="error" title={kind === 'purge' ? 'The queue was not purged' : 'The queue was not deleted'}>
            {error.message}
          </Alert>
        )}
        <div class="dialog__footer dialog__footer--inline">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button--danger" disabled={!ok || busy}>
            {kind === 'purge' ? 'Purge' : 'Delete'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
