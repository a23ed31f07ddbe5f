/**
 * Queues: every queue with its type, message counts by state, oldest message age and rates, refreshed
 * live (interval picker with pause), filtered by name prefix and sortable by any column.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { overview, type QueueSnapshot } from '../api';
import { Alert, Badge, EmptyState, Icon, PermissionNote, Spinner } from '../components/ui';
import { age, count, rate } from '../format';
import { useDebounced, usePermissions, usePolled } from '../hooks';
import { href, linkClick, navigate } from '../router';
import { useCanChange, useKeyName } from '../state';

type SortKey = 'name' | 'fifo' | 'visible' | 'inflight' | 'delayed' | 'oldestAgeSeconds' | 'sentPerSecond' | 'receivedPerSecond';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean; dot?: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'fifo', label: 'Type' },
  { key: 'visible', label: 'Messages available', numeric: true, dot: 'visible' },
  { key: 'inflight', label: 'Messages in flight', numeric: true, dot: 'inflight' },
  { key: 'delayed', label: 'Messages delayed', numeric: true, dot: 'delayed' },
  { key: 'oldestAgeSeconds', label: 'Oldest message', numeric: true },
  { key: 'sentPerSecond', label: 'Sent /s', numeric: true },
  { key: 'receivedPerSecond', label: 'Received /s', numeric: true },
];

export const REFRESH_CHOICES = [
  { ms: 2000, label: '2 seconds' },
  { ms: 5000, label: '5 seconds' },
  { ms: 10000, label: '10 seconds' },
  { ms: 30000, label: '30 seconds' },
  { ms: 60000, label: '1 minute' },
];

function storedInterval(): number {
  const v = Number(localStorage.getItem('ferry.refreshMs'));
  return REFRESH_CHOICES.some((c) => c.ms === v) ? v : 5000;
}

export function QueuesPage() {
  const canChange = useCanChange();
  const mayCreate = usePermissions()?.account.CreateQueue !== false;
  const [prefix, setPrefix] = useState(() => new URLSearchParams(window.location.search).get('prefix') ?? '');
  const debounced = useDebounced(prefix, 250);
  const [intervalMs, setIntervalMs] = useState(storedInterval);
  const [paused, setPaused] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const list = usePolled(() => overview(debounced), [debounced], paused ? 0 : intervalMs);

  useEffect(() => {
    document.title = 'Queues · Ferry';
  }, []);
  useEffect(() => {
    navigate(debounced ? `/?prefix=${encodeURIComponent(debounced)}` : '/', true);
  }, [debounced]);

  const rows = useMemo(() => {
    const q = [...(list.data?.queues ?? [])];
    const { key, desc } = sort;
    q.sort((a, b) => {
      const av = a[key] ?? -1;
      const bv = b[key] ?? -1;
      const c = typeof av === 'string' && typeof bv === 'string' ? av.localeCompare(bv) : Number(av) - Number(bv);
      return (desc ? -c : c) || a.name.localeCompare(b.name);
    });
    return q;
  }, [list.data, sort]);

  const totals = useMemo(
    () =>
      (list.data?.queues ?? []).reduce(
        (t, q) => ({ visible: t.visible + q.visible, inflight: t.inflight + q.inflight, delayed: t.delayed + q.delayed }),
        { visible: 0, inflight: 0, delayed: 0 },
      ),
    [list.data],
  );

  return (
    <div class="page">
      <div class="page__header">
        <div>
          <h1 class="page__title">Queues {list.data && <span class="page__count">({list.data.queues.length})</span>}</h1>
        </div>
        <div class="page__actions">{canChange && <CreateQueueButton allowed={mayCreate} noteId="create-queue-note" />}</div>
      </div>

      <div class="stats" aria-label="Totals">
        <Stat label="Queues" value={count(list.data?.queues.length)} />
        <Stat label="Messages available" value={count(totals.visible)} tone="visible" />
        <Stat label="Messages in flight" value={count(totals.inflight)} tone="inflight" />
        <Stat label="Messages delayed" value={count(totals.delayed)} tone="delayed" />
      </div>

      <div class="panel">
        <div class="toolbar">
          <div class="search">
            <Icon name="search" />
            <input
              type="search"
              class="input search__input"
              aria-label="Filter by name prefix"
              placeholder="Filter by name prefix"
              value={prefix}
              spellcheck={false}
              onInput={(e) => setPrefix(e.currentTarget.value)}
            />
          </div>
          <label class="inline-label only-narrow">
            <span>Sort by</span>
            <select
              class="select select--small"
              value={`${sort.key}:${sort.desc ? 'desc' : 'asc'}`}
              onChange={(e) => {
                const [key, dir] = e.currentTarget.value.split(':');
                setSort({ key: key as SortKey, desc: dir === 'desc' });
              }}
            >
              {COLUMNS.flatMap((c) =>
                (c.numeric ? (['desc', 'asc'] as const) : (['asc', 'desc'] as const)).map((dir) => (
                  <option key={`${c.key}:${dir}`} value={`${c.key}:${dir}`}>
                    {c.label} {c.numeric ? (dir === 'desc' ? '(highest first)' : '(lowest first)') : dir === 'asc' ? '(A–Z)' : '(Z–A)'}
                  </option>
                )),
              )}
            </select>
          </label>
          <div class="toolbar__spacer" />
          <span class="toolbar__status" aria-live="off">
            {list.loading && list.data ? <Spinner label="Refreshing" /> : null}
            {list.at ? `Updated ${new Date(list.at).toLocaleTimeString()}` : ''}
          </span>
          <label class="inline-label">
            <span>Refresh interval</span>
            <select
              class="select select--small"
              value={String(intervalMs)}
              onChange={(e) => {
                const v = Number(e.currentTarget.value);
                setIntervalMs(v);
                localStorage.setItem('ferry.refreshMs', String(v));
                setPaused(false);
              }}
            >
              {REFRESH_CHOICES.map((c) => (
                <option key={c.ms} value={String(c.ms)}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="button button--small" aria-pressed={paused} onClick={() => setPaused(!paused)}>
            <Icon name="pause" /> Pause
          </button>
          <button type="button" class="icon-button icon-button--bordered" aria-label="Refresh" title="Refresh now" onClick={() => void list.reload()}>
            <Icon name="refresh" />
          </button>
        </div>

        {list.error && (
          <div class="panel__inset">
            <Alert tone="error" title="Could not load the queues">
              {list.error.message}
            </Alert>
          </div>
        )}

        {!list.data && !list.error ? (
          <div class="loading-block">
            <Spinner label="Loading queues" />
          </div>
        ) : list.data && rows.length === 0 ? (
          debounced ? (
            <EmptyState title="No matching queues">No queue name starts with “{debounced}”.</EmptyState>
          ) : (
            <EmptyState title="No queues">
              <p>Queues you create, or that your applications create through the SQS API, appear here.</p>
              {canChange && mayCreate && <CreateQueueButton allowed />}
            </EmptyState>
          )
        ) : (
          <div class="table-wrap">
            <table class="table table--queues">
              <caption class="sr-only">Queues, sorted by {COLUMNS.find((c) => c.key === sort.key)?.label}</caption>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th
                      key={c.key}
                      scope="col"
                      class={c.numeric ? 'num' : undefined}
                      aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                    >
                      <button
                        type="button"
                        class="sort-button"
                        onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : !!c.numeric }))}
                      >
                        {c.dot && <span class={`dot dot--${c.dot}`} aria-hidden="true" />}
                        {c.label}
                        <span class={`sort-button__arrow${sort.key === c.key ? ' is-active' : ''}`} aria-hidden="true">
                          {sort.key === c.key && sort.desc ? '▼' : '▲'}
                        </span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((q) => (
                  <QueueRow key={q.queueId} q={q} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * Create queue — or, when the key's policies allow no CreateQueue at all, the button disabled with the
 * reason beside it (the read-only console hides it instead: its banner says why for every change).
 */
function CreateQueueButton({ allowed, noteId }: { allowed: boolean; noteId?: string }) {
  const who = useKeyName();
  if (allowed) {
    return (
      <button type="button" class="button button--primary" onClick={() => navigate('/create-queue')}>
        <Icon name="plus" /> Create queue
      </button>
    );
  }
  return (
    <div class="permission-gate">
      <button type="button" class="button button--primary" disabled aria-describedby={noteId}>
        <Icon name="plus" /> Create queue
      </button>
      <PermissionNote id={noteId}>
        You can’t create queues: the policies of {who} don’t allow <span class="mono">sqs:CreateQueue</span>.
      </PermissionNote>
    </div>
  );
}

function QueueRow({ q }: { q: QueueSnapshot }) {
  const path = `/queues/${encodeURIComponent(q.name)}`;
  return (
    <tr>
      <th scope="row" class="table__name">
        <a href={href(path)} onClick={linkClick(path)}>
          {q.name}
        </a>
      </th>
      <td class="table__type">
        <Badge tone={q.fifo ? 'fifo' : 'standard'}>{q.fifo ? 'FIFO' : 'Standard'}</Badge>
      </td>
      <td class="num" data-label="Available">
        {count(q.visible)}
      </td>
      <td class="num" data-label="In flight">
        {count(q.inflight)}
      </td>
      <td class="num" data-label="Delayed">
        {count(q.delayed)}
      </td>
      <td class="num" data-label="Oldest">
        {age(q.oldestAgeSeconds)}
      </td>
      <td class="num" data-label="Sent /s">
        {rate(q.sentPerSecond)}
      </td>
      <td class="num" data-label="Received /s">
        {rate(q.receivedPerSecond)}
      </td>
    </tr>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return (
    <div class="stat">
      <span class="stat__label">
        {tone && <span class={`dot dot--${tone}`} aria-hidden="true" />}
        {label}
      </span>
      <span class="stat__value">{value}</span>
    </div>
  );
}
