/**
 * Dead-letter queue: this queue's redrive policy and redrive allow policy, the queues that use it as
 * their DLQ (ListDeadLetterSourceQueues) and, when it is one, DLQ redrive — StartMessageMoveTask back
 * to the source queues or to another queue, at a chosen rate, with progress (ListMessageMoveTasks)
 * and cancel (CancelMessageMoveTask).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, deadLetterSources, listMoveTasks, nameOf, overview, sqs, type MoveTask } from '../../api';
import { Alert, Badge, EmptyState, Field, Icon, KeyValues, Panel, RadioGroup, Spinner, TableScroll } from '../../components/ui';
import { count, dateTime } from '../../format';
import { usePolled } from '../../hooks';
import { href, linkClick } from '../../router';
import { useApp, useCanChange } from '../../state';
import { LIMITS, checkInt } from '../../validate';
import type { QueueInfo } from '../queueInfo';

function QueueLink({ urlOrArn }: { urlOrArn: string }) {
  const n = nameOf(urlOrArn);
  const to = `/queues/${encodeURIComponent(n)}`;
  return (
    <a href={href(to)} onClick={linkClick(to)}>
      {n}
    </a>
  );
}

export function DeadLetterTab({ queue }: { queue: QueueInfo }) {
  const a = queue.attributes;
  const canChange = useCanChange();
  const sources = usePolled(() => deadLetterSources(queue.url), [queue.url]);
  let redrive: { deadLetterTargetArn: string; maxReceiveCount: number } | undefined;
  let allow: { redrivePermission: string; sourceQueueArns?: string[] } | undefined;
  try {
    redrive = a.RedrivePolicy ? JSON.parse(a.RedrivePolicy) : undefined;
    allow = a.RedriveAllowPolicy ? JSON.parse(a.RedriveAllowPolicy) : undefined;
  } catch {
    /* shown raw below */
  }
  const editPath = `/queues/${encodeURIComponent(queue.name)}/edit`;
  const isDlq = (sources.data?.length ?? 0) > 0;

  return (
    <div class="stack">
      <Panel
        title="Dead-letter queue"
        level={3}
        description="Where this queue moves messages that were received the maximum number of times."
        actions={
          canChange && (
            <a class="button button--small" href={href(editPath)} onClick={linkClick(editPath)}>
              Edit
            </a>
          )
        }
      >
        {redrive ? (
          <KeyValues
            columns={2}
            items={[
              ['Dead-letter queue', <QueueLink urlOrArn={redrive.deadLetterTargetArn} />],
              ['Maximum receives', String(redrive.maxReceiveCount)],
            ]}
          />
        ) : (
          <p class="muted">No dead-letter queue: messages stay in this queue until they expire, however often they are received.</p>
        )}
      </Panel>
      <Panel title="Redrive allow policy" level={3} description="Which queues may use this queue as their dead-letter queue.">
        <KeyValues
          columns={2}
          items={[
            [
              'Redrive permission',
              !allow
                ? 'Allow all (no policy)'
                : allow.redrivePermission === 'byQueue'
                  ? 'By queue'
                  : allow.redrivePermission === 'denyAll'
                    ? 'Deny all'
                    : 'Allow all',
            ],
            ['Source queues', allow?.sourceQueueArns?.length ? allow.sourceQueueArns.map((s) => nameOf(s)).join(', ') : '—'],
          ]}
        />
      </Panel>
      <Panel title="Dead-letter source queues" level={3} description="Queues whose redrive policy names this queue as their dead-letter queue.">
        {sources.error ? (
          <Alert tone="error" title="Could not list the source queues">
            {sources.error.message}
          </Alert>
        ) : !sources.data ? (
          <Spinner label="Loading source queues" />
        ) : sources.data.length === 0 ? (
          <p class="muted">No queue uses this queue as its dead-letter queue.</p>
        ) : (
          <ul class="plain-list">
            {sources.data.map((u) => (
              <li key={u}>
                <QueueLink urlOrArn={u} />
              </li>
            ))}
          </ul>
        )}
      </Panel>
      {isDlq && <Redrive queue={queue} canChange={canChange} sourceCount={sources.data?.length ?? 0} />}
    </div>
  );
}

const ACTIVE: MoveTask['Status'][] = ['RUNNING', 'CANCELLING'];

function Redrive({ queue, canChange, sourceCount }: { queue: QueueInfo; canChange: boolean; sourceCount: number }) {
  const { notify } = useApp();
  const [dest, setDest] = useState<'source' | 'custom'>('source');
  const [destArn, setDestArn] = useState('');
  const [velocity, setVelocity] = useState<'system' | 'custom'>('system');
  const [rate, setRate] = useState('10');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [choices, setChoices] = useState<{ name: string; arn: string }[]>([]);
  const [fast, setFast] = useState(false);
  const tasks = usePolled(() => listMoveTasks(queue.arn), [queue.arn], fast ? 1500 : 10_000);
  const active = tasks.data?.find((t) => ACTIVE.includes(t.Status));

  useEffect(() => setFast(!!active), [active]);
  useEffect(() => {
    overview()
      .then((o) => setChoices(o.queues.filter((q) => q.fifo === queue.fifo && q.arn !== queue.arn).map((q) => ({ name: q.name, arn: q.arn }))))
      .catch(() => setChoices([]));
  }, [queue.arn, queue.fifo]);

  const rateError = velocity === 'custom' ? checkInt(rate, LIMITS.moveRate, 'messages per second').error : undefined;
  const destError = dest === 'custom' && !destArn ? 'Choose a destination queue.' : undefined;

  const start = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    if (rateError || destError) return;
    setBusy(true);
    setError(undefined);
    try {
      await sqs('StartMessageMoveTask', {
        SourceArn: queue.arn,
        ...(dest === 'custom' ? { DestinationArn: destArn } : {}),
        ...(velocity === 'custom' ? { MaxNumberOfMessagesPerSecond: Number(rate) } : {}),
      });
      notify({ tone: 'success', text: `DLQ redrive of ${queue.name} started.` });
      setFast(true);
      await tasks.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('ClientError', String(err), 0));
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (t: MoveTask) => {
    if (!t.TaskHandle) return;
    try {
      await sqs('CancelMessageMoveTask', { TaskHandle: t.TaskHandle });
      notify({ tone: 'info', text: 'DLQ redrive is being cancelled.' });
    } catch (err) {
      notify({ tone: 'error', text: err instanceof Error ? err.message : String(err) });
    }
    await tasks.reload();
  };

  return (
    <Panel
      title="Dead-letter queue redrive"
      level={3}
      description={`Move this queue’s messages back to the ${sourceCount === 1 ? 'source queue' : 'source queues'} they came from, or to another queue.`}
    >
      {canChange && (
        <form class="redrive-form" onSubmit={start} noValidate aria-label="Start DLQ redrive">
          <div class="grid-2">
            <div>
              <RadioGroup
                legend="Redrive destination"
                name="redrive-dest"
                value={dest}
                onChange={setDest}
                options={[
                  {
                    value: 'source',
                    label: 'Redrive to source queue(s)',
                    description: 'Each message goes back to the queue it was dead-lettered from.',
                  },
                  { value: 'custom', label: 'Redrive to a custom destination', description: `Another ${queue.fifo ? 'FIFO' : 'standard'} queue.` },
                ]}
              />
              {dest === 'custom' && (
                <Field label="Destination queue" error={submitted ? destError : undefined}>
                  {(a) => (
                    <select {...a} class="select" value={destArn} onChange={(e) => setDestArn(e.currentTarget.value)}>
                      <option value="">Choose a queue</option>
                      {choices.map((c) => (
                        <option key={c.arn} value={c.arn}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              )}
            </div>
            <div>
              <RadioGroup
                legend="Velocity control settings"
                name="redrive-velocity"
                value={velocity}
                onChange={setVelocity}
                options={[
                  { value: 'system', label: 'System optimized', description: 'As fast as Ferry moves them (100 messages per second).' },
                  { value: 'custom', label: 'Custom max velocity', description: 'A maximum number of messages per second.' },
                ]}
              />
              {velocity === 'custom' && (
                <Field
                  label="Maximum messages per second"
                  hint="Should be between 1 and 500."
                  error={submitted || rate !== '10' ? rateError : undefined}
                >
                  {(a) => <input {...a} class="input input--num" inputMode="numeric" value={rate} onInput={(e) => setRate(e.currentTarget.value)} />}
                </Field>
              )}
            </div>
          </div>
          {error && (
            <Alert tone="error" title="The redrive did not start">
              <span class="mono">{error.code}</span>: {error.message}
            </Alert>
          )}
          <div class="form__footer form__footer--left">
            <button type="submit" class="button button--primary" disabled={busy || !!active}>
              <Icon name="arrow" /> Start DLQ redrive
            </button>
            {active && <span class="muted">A redrive is running; one at a time per queue.</span>}
          </div>
        </form>
      )}
      <h4 class="subheading">Redrive tasks</h4>
      {tasks.error ? (
        <Alert tone="error" title="Could not list the redrive tasks">
          {tasks.error.message}
        </Alert>
      ) : !tasks.data ? (
        <Spinner label="Loading redrive tasks" />
      ) : tasks.data.length === 0 ? (
        <EmptyState title="No redrive tasks">Redrives started in the last 14 days appear here.</EmptyState>
      ) : (
        <TableScroll label="Redrive tasks">
          <table class="table table--tasks">
            <caption class="sr-only">Redrive tasks</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Destination</th>
                <th scope="col" class="num">
                  Max velocity
                </th>
                <th scope="col">Progress</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.map((t, i) => (
                <tr key={t.TaskHandle ?? i}>
                  <td>
                    <Badge
                      tone={t.Status === 'RUNNING' ? 'info' : t.Status === 'COMPLETED' ? 'success' : t.Status === 'FAILED' ? 'danger' : 'neutral'}
                    >
                      {t.Status}
                    </Badge>
                    {t.FailureReason && <div class="field__error">{t.FailureReason}</div>}
                  </td>
                  <td class="nowrap">{t.StartedTimestamp ? dateTime(t.StartedTimestamp) : '—'}</td>
                  <td>{t.DestinationArn ? <QueueLink urlOrArn={t.DestinationArn} /> : 'Source queues'}</td>
                  <td class="num">{t.MaxNumberOfMessagesPerSecond ? `${t.MaxNumberOfMessagesPerSecond} /s` : 'System optimized'}</td>
                  <td>
                    <Progress moved={t.ApproximateNumberOfMessagesMoved ?? 0} total={t.ApproximateNumberOfMessagesToMove} />
                  </td>
                  <td>
                    {canChange && t.Status === 'RUNNING' && (
                      <button type="button" class="button button--small button--danger-outline" onClick={() => void cancel(t)}>
                        Cancel DLQ redrive
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </Panel>
  );
}

function Progress({ moved, total }: { moved: number; total: number | undefined }) {
  const pct = total ? Math.min(100, Math.round((moved / total) * 100)) : undefined;
  return (
    <div class="progress">
      <div
        class="progress__bar"
        role="progressbar"
        aria-label="Messages moved"
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={moved}
        aria-valuetext={`${count(moved)} of ${total === undefined ? 'unknown' : count(total)} messages moved`}
      >
        <span style={{ width: `${pct ?? 0}%` }} />
      </div>
      <span class="progress__text">
        {count(moved)} / {total === undefined ? '?' : count(total)} moved
      </span>
    </div>
  );
}
