/**
 * Create queue (and Edit queue, the same form with the type and name fixed): the AWS console's
 * sections — details, configuration, encryption, access policy, redrive allow policy, dead-letter
 * queue, tags — with AWS's limits checked beside each field as you type, and Ferry's answer shown
 * when it refuses.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, getAttributes, getQueueUrl, overview, sqs, type Attributes, type QueueSnapshot } from '../api';
import { Alert, Checkbox, DurationField, Field, Icon, Panel, RadioGroup, Spinner } from '../components/ui';
import { href, linkClick, navigate } from '../router';
import { usePermissions } from '../hooks';
import { useApp, useKeyName } from '../state';
import {
  LIMITS,
  NAME_HINT,
  checkDuration,
  checkInt,
  checkPolicyJson,
  checkQueueName,
  checkTags,
  humanLimit,
  toUnit,
  type TagRow,
  type Unit,
} from '../validate';

type Sse = 'disabled' | 'sqs' | 'kms';
type RedriveAllow = 'disabled' | 'allowAll' | 'byQueue' | 'denyAll';

interface Form {
  fifo: boolean;
  name: string;
  visibility: string;
  visibilityUnit: Unit;
  retention: string;
  retentionUnit: Unit;
  delay: string;
  delayUnit: Unit;
  maxSizeKiB: string;
  receiveWait: string;
  contentDedup: boolean;
  dedupScope: 'queue' | 'messageGroup';
  throughputLimit: 'perQueue' | 'perMessageGroupId';
  sse: Sse;
  kmsKey: string;
  kmsReuse: string;
  kmsReuseUnit: Unit;
  policy: string;
  redriveAllow: RedriveAllow;
  redriveSources: string[];
  dlqEnabled: boolean;
  dlqArn: string;
  maxReceives: string;
  tags: TagRow[];
}

const DEFAULTS: Form = {
  fifo: false,
  name: '',
  visibility: '30',
  visibilityUnit: 'seconds',
  retention: '4',
  retentionUnit: 'days',
  delay: '0',
  delayUnit: 'seconds',
  maxSizeKiB: '1024',
  receiveWait: '0',
  contentDedup: false,
  dedupScope: 'queue',
  throughputLimit: 'perQueue',
  sse: 'sqs',
  kmsKey: 'alias/aws/sqs',
  kmsReuse: '5',
  kmsReuseUnit: 'minutes',
  policy: '',
  redriveAllow: 'disabled',
  redriveSources: [],
  dlqEnabled: false,
  dlqArn: '',
  maxReceives: '10',
  tags: [],
};

/** The form for an existing queue's attributes. */
function fromAttributes(name: string, a: Attributes): Form {
  const [visibility, visibilityUnit] = toUnit(Number(a.VisibilityTimeout ?? 30), ['seconds', 'minutes', 'hours']);
  const [retention, retentionUnit] = toUnit(Number(a.MessageRetentionPeriod ?? 345600), ['minutes', 'hours', 'days']);
  const [delay, delayUnit] = toUnit(Number(a.DelaySeconds ?? 0), ['seconds', 'minutes']);
  const [kmsReuse, kmsReuseUnit] = toUnit(Number(a.KmsDataKeyReusePeriodSeconds ?? 300), ['minutes', 'hours']);
  const f: Form = {
    ...DEFAULTS,
    fifo: a.FifoQueue === 'true',
    name,
    visibility: String(visibility),
    visibilityUnit,
    retention: String(retention),
    retentionUnit,
    delay: String(delay),
    delayUnit,
    maxSizeKiB: String(Math.floor(Number(a.MaximumMessageSize ?? 1048576) / 1024)),
    receiveWait: a.ReceiveMessageWaitTimeSeconds ?? '0',
    contentDedup: a.ContentBasedDeduplication === 'true',
    dedupScope: a.DeduplicationScope === 'messageGroup' ? 'messageGroup' : 'queue',
    throughputLimit: a.FifoThroughputLimit === 'perMessageGroupId' ? 'perMessageGroupId' : 'perQueue',
    sse: a.KmsMasterKeyId ? 'kms' : a.SqsManagedSseEnabled === 'true' ? 'sqs' : 'disabled',
    kmsKey: a.KmsMasterKeyId ?? DEFAULTS.kmsKey,
    kmsReuse: String(kmsReuse),
    kmsReuseUnit,
    policy: a.Policy ? pretty(a.Policy) : '',
  };
  if (a.RedriveAllowPolicy) {
    try {
      const p = JSON.parse(a.RedriveAllowPolicy) as { redrivePermission?: RedriveAllow; sourceQueueArns?: string[] };
      f.redriveAllow = p.redrivePermission ?? 'allowAll';
      f.redriveSources = p.sourceQueueArns ?? [];
    } catch {
      /* shown as disabled */
    }
  }
  if (a.RedrivePolicy) {
    try {
      const p = JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
      f.dlqEnabled = true;
      f.dlqArn = p.deadLetterTargetArn ?? '';
      f.maxReceives = String(p.maxReceiveCount ?? 10);
    } catch {
      /* shown as disabled */
    }
  }
  return f;
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

type Errors = Partial<Record<string, string>>;

function validate(f: Form, mode: 'create' | 'edit'): Errors {
  const e: Errors = {};
  if (mode === 'create') e.name = checkQueueName(f.name, f.fifo);
  e.visibility = checkDuration(f.visibility, f.visibilityUnit, LIMITS.visibilityTimeout).error;
  e.retention = checkDuration(f.retention, f.retentionUnit, LIMITS.retention).error;
  e.delay = checkDuration(f.delay, f.delayUnit, LIMITS.delay).error;
  e.maxSize = checkInt(f.maxSizeKiB, [1, 1024], '', 'KiB').error;
  e.receiveWait = checkDuration(f.receiveWait, 'seconds', LIMITS.receiveWait).error;
  if (f.fifo && f.throughputLimit === 'perMessageGroupId' && f.dedupScope !== 'messageGroup') {
    e.throughputLimit = 'A throughput limit per message group ID needs the deduplication scope "Message group".';
  }
  if (f.sse === 'kms') {
    if (f.kmsKey.trim() === '') e.kmsKey = 'Enter a KMS key ID, ARN or alias (for example alias/aws/sqs).';
    e.kmsReuse = checkDuration(f.kmsReuse, f.kmsReuseUnit, LIMITS.kmsReuse).error;
  }
  e.policy = checkPolicyJson(f.policy);
  if (f.redriveAllow === 'byQueue') {
    if (f.redriveSources.length === 0) e.redriveSources = 'Choose at least one source queue.';
    else if (f.redriveSources.length > LIMITS.redriveAllowSources) e.redriveSources = 'You can choose up to 10 source queues.';
  }
  if (f.dlqEnabled) {
    if (!f.dlqArn) e.dlqArn = 'Choose a dead-letter queue.';
    e.maxReceives = checkInt(f.maxReceives, LIMITS.maxReceiveCount).error;
  }
  const tagErrors = checkTags(f.tags);
  for (const [i, m] of Object.entries(tagErrors)) e[`tag${i}`] = m;
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

/** The queue attributes the form asks for ('' = remove). */
function toAttributes(f: Form, mode: 'create' | 'edit'): Attributes {
  const a: Attributes = {
    VisibilityTimeout: String(checkDuration(f.visibility, f.visibilityUnit, LIMITS.visibilityTimeout).seconds),
    MessageRetentionPeriod: String(checkDuration(f.retention, f.retentionUnit, LIMITS.retention).seconds),
    DelaySeconds: String(checkDuration(f.delay, f.delayUnit, LIMITS.delay).seconds),
    MaximumMessageSize: String(Number(f.maxSizeKiB) * 1024),
    ReceiveMessageWaitTimeSeconds: String(Number(f.receiveWait)),
  };
  if (f.fifo) {
    if (mode === 'create') a.FifoQueue = 'true';
    a.ContentBasedDeduplication = String(f.contentDedup);
    a.DeduplicationScope = f.dedupScope;
    a.FifoThroughputLimit = f.throughputLimit;
  }
  if (f.sse === 'kms') {
    a.KmsMasterKeyId = f.kmsKey.trim();
    a.KmsDataKeyReusePeriodSeconds = String(checkDuration(f.kmsReuse, f.kmsReuseUnit, LIMITS.kmsReuse).seconds);
    a.SqsManagedSseEnabled = 'false';
  } else {
    a.SqsManagedSseEnabled = String(f.sse === 'sqs');
    a.KmsMasterKeyId = '';
  }
  a.Policy = f.policy.trim() ? JSON.stringify(JSON.parse(f.policy)) : '';
  a.RedriveAllowPolicy =
    f.redriveAllow === 'disabled'
      ? ''
      : JSON.stringify(
          f.redriveAllow === 'byQueue' ? { redrivePermission: 'byQueue', sourceQueueArns: f.redriveSources } : { redrivePermission: f.redriveAllow },
        );
  a.RedrivePolicy = f.dlqEnabled ? JSON.stringify({ deadLetterTargetArn: f.dlqArn, maxReceiveCount: Number(f.maxReceives) }) : '';
  return a;
}

/** Only what changes (SetQueueAttributes): unchanged values and removals of absent attributes are left out. */
function changedAttributes(wanted: Attributes, current: Attributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(wanted)) {
    const cur = current[k];
    if (v === '' && (cur === undefined || cur === '')) continue;
    if (cur !== undefined && (cur === v || (k === 'Policy' && sameJson(cur, v)))) continue;
    if (k === 'SqsManagedSseEnabled' && v === 'false' && cur === undefined) continue;
    out[k] = v;
  }
  return out;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** Which form field a server message is about (e.g. "Invalid value for the parameter VisibilityTimeout."). */
const ATTRIBUTE_FIELDS: [RegExp, string][] = [
  [/QueueName|queue name/i, 'name'],
  [/VisibilityTimeout/, 'visibility'],
  [/MessageRetentionPeriod/, 'retention'],
  [/DelaySeconds/, 'delay'],
  [/MaximumMessageSize/, 'maxSize'],
  [/ReceiveMessageWaitTimeSeconds/, 'receiveWait'],
  [/FifoThroughputLimit|DeduplicationScope/, 'throughputLimit'],
  [/KmsMasterKeyId/, 'kmsKey'],
  [/KmsDataKeyReusePeriodSeconds/, 'kmsReuse'],
  [/RedriveAllowPolicy/, 'redriveAllow'],
  [/RedrivePolicy|deadLetterTargetArn|maxReceiveCount/, 'dlqArn'],
  // The queue Policy's own errors name the part of the document at fault, not "Policy".
  [/Policy|parameter (ActionName|Condition|PrincipalId)\b|submitted policy/, 'policy'],
  [/[Tt]ag/, 'tags'],
];

export function QueueFormPage({ mode, name }: { mode: 'create' | 'edit'; name?: string }) {
  const { session, notify } = useApp();
  const perms = usePermissions(mode === 'edit' ? name : undefined);
  const who = useKeyName();
  const [form, setForm] = useState<Form>(DEFAULTS);
  const [current, setCurrent] = useState<{ url: string; attributes: Attributes } | undefined>(undefined);
  const [loadError, setLoadError] = useState<ApiError | undefined>(undefined);
  const [queues, setQueues] = useState<QueueSnapshot[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<{ error: ApiError; field?: string } | undefined>(undefined);
  const serverErrorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = mode === 'create' ? 'Create queue · Ferry' : `Edit ${name} · Ferry`;
    overview()
      .then((o) => setQueues(o.queues))
      .catch(() => setQueues([]));
    if (mode === 'edit' && name) {
      (async () => {
        const url = await getQueueUrl(name);
        const attributes = await getAttributes(url);
        setCurrent({ url, attributes });
        setForm(fromAttributes(name, attributes));
      })().catch((e: unknown) => setLoadError(e instanceof ApiError ? e : new ApiError('ClientError', String(e), 0)));
    }
  }, [mode, name]);

  const errors = useMemo(() => validate(form, mode), [form, mode]);
  const shown = (k: string) =>
    (submitted || touched.has(k) ? errors[k] : undefined) ?? (serverError?.field === k ? serverError.error.message : undefined);
  const set = <K extends keyof Form>(k: K, v: Form[K], field: string = k) => {
    setForm((f) => ({ ...f, [k]: v }));
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
    if (serverError?.field === field) setServerError(undefined);
  };

  const selfArn = current?.attributes.QueueArn;
  const dlqChoices = queues.filter((q) => q.fifo === form.fifo && q.arn !== selfArn);
  const sourceChoices = queues.filter((q) => q.arn !== selfArn);

  const submit = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    setServerError(undefined);
    if (Object.keys(errors).length > 0) {
      // Focus the first field with a message, as screen-reader users would otherwise not find it.
      window.setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid=true]')?.focus(), 0);
      return;
    }
    setBusy(true);
    try {
      const wanted = toAttributes(form, mode);
      if (mode === 'create') {
        const attributes = Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== ''));
        const tags = Object.fromEntries(form.tags.map((t) => [t.key, t.value]));
        await sqs('CreateQueue', {
          QueueName: form.name,
          Attributes: attributes,
          ...(form.tags.length ? { tags } : {}),
        });
        notify({ tone: 'success', text: `Queue ${form.name} created successfully.` });
        navigate(`/queues/${encodeURIComponent(form.name)}`);
      } else if (current) {
        const changes = changedAttributes(wanted, current.attributes);
        if (Object.keys(changes).length > 0) await sqs('SetQueueAttributes', { QueueUrl: current.url, Attributes: changes });
        notify({ tone: 'success', text: `Queue ${form.name} updated successfully.` });
        navigate(`/queues/${encodeURIComponent(form.name)}`);
      }
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('ClientError', String(err), 0);
      const field = ATTRIBUTE_FIELDS.find(([re]) => re.test(error.message))?.[1];
      setServerError({ error, ...(field ? { field } : {}) });
      window.setTimeout(() => serverErrorRef.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  if (session.readOnly) {
    return (
      <div class="page page--narrow">
        <h1 class="page__title">{mode === 'create' ? 'Create queue' : 'Edit queue'}</h1>
        <Alert tone="info" title="This console is read-only">
          Queues can’t be created or changed here.
        </Alert>
      </div>
    );
  }
  // The key may not create queues at all (or may not change this one): said instead of a form whose
  // every submit would be refused. Edit still opens when the answer is not known yet.
  const forbidden =
    mode === 'create'
      ? perms?.account.CreateQueue === false && 'sqs:CreateQueue'
      : perms?.queue?.actions.SetQueueAttributes === false && 'sqs:SetQueueAttributes';
  if (forbidden) {
    return (
      <div class="page page--narrow">
        <h1 class="page__title">{mode === 'create' ? 'Create queue' : `Edit ${name}`}</h1>
        <Alert tone="info" title={mode === 'create' ? 'You can’t create queues' : 'You can’t change this queue'}>
          The policies of {who} don’t allow <span class="mono">{forbidden}</span>
          {mode === 'create' ? ' on any queue of this account.' : ' on this queue.'} An administrator can grant it in the user’s policies in Ferry’s
          config file{mode === 'create' ? '' : ' or in the queue’s access policy'}.{' '}
          <a
            href={href(mode === 'create' ? '/' : `/queues/${encodeURIComponent(name ?? '')}`)}
            onClick={linkClick(mode === 'create' ? '/' : `/queues/${encodeURIComponent(name ?? '')}`)}
          >
            {mode === 'create' ? 'Back to the queues' : 'Back to the queue'}
          </a>
        </Alert>
      </div>
    );
  }
  if (mode === 'edit' && !current) {
    return (
      <div class="page page--narrow">
        <h1 class="page__title">Edit {name}</h1>
        {loadError ? (
          <Alert tone="error" title="Could not load the queue">
            {loadError.message}
          </Alert>
        ) : (
          <Spinner label="Loading the queue" />
        )}
      </div>
    );
  }

  const back = mode === 'create' ? '/' : `/queues/${encodeURIComponent(name ?? '')}`;
  const title = mode === 'create' ? 'Create queue' : `Edit ${name}`;
  return (
    <div class="page page--narrow">
      <nav class="breadcrumbs" aria-label="Breadcrumbs">
        <a href={href('/')} onClick={linkClick('/')}>
          Queues
        </a>
        <Icon name="chevron" size={12} />
        {mode === 'edit' && (
          <>
            <a href={href(back)} onClick={linkClick(back)}>
              {name}
            </a>
            <Icon name="chevron" size={12} />
          </>
        )}
        <span aria-current="page">{mode === 'create' ? 'Create queue' : 'Edit'}</span>
      </nav>
      <h1 class="page__title">{title}</h1>

      <form class="form" onSubmit={submit} noValidate aria-label={title}>
        <Panel title="Details">
          <RadioGroup
            legend="Type"
            name="type"
            cards
            value={form.fifo ? 'fifo' : 'standard'}
            disabled={mode === 'edit'}
            hint={
              mode === 'edit'
                ? 'You can’t change the queue type after you create a queue.'
                : 'Choose the queue type. You can’t change it after you create the queue.'
            }
            onChange={(v) => set('fifo', v === 'fifo', 'type')}
            options={[
              {
                value: 'standard',
                label: 'Standard',
                description: 'At-least-once delivery, message ordering isn’t preserved. Nearly unlimited throughput.',
              },
              {
                value: 'fifo',
                label: 'FIFO',
                description: 'First-in-first-out delivery, message ordering is preserved within a message group. Exactly-once processing.',
              },
            ]}
          />
          <Field
            label="Name"
            hint={`${NAME_HINT}${form.fifo ? ' The name of a FIFO queue must end with the .fifo suffix.' : ''}`}
            error={shown('name')}
          >
            {(a) => (
              <input
                {...a}
                class="input"
                value={form.name}
                disabled={mode === 'edit'}
                placeholder={form.fifo ? 'orders.fifo' : 'orders'}
                spellcheck={false}
                autocomplete="off"
                maxLength={200}
                onInput={(e) => set('name', e.currentTarget.value)}
              />
            )}
          </Field>
        </Panel>

        <Panel title="Configuration" description="Set the maximum message size, the visibility to other consumers, and the message retention.">
          <div class="grid-2">
            <DurationField
              label="Visibility timeout"
              value={form.visibility}
              unit={form.visibilityUnit}
              units={['seconds', 'minutes', 'hours']}
              onValue={(v) => set('visibility', v)}
              onUnit={(u) => set('visibilityUnit', u, 'visibility')}
              hint={`Should be between ${humanLimit(0)} and ${humanLimit(LIMITS.visibilityTimeout[1])}.`}
              error={shown('visibility')}
            />
            <DurationField
              label="Message retention period"
              value={form.retention}
              unit={form.retentionUnit}
              units={['minutes', 'hours', 'days']}
              onValue={(v) => set('retention', v)}
              onUnit={(u) => set('retentionUnit', u, 'retention')}
              hint="Should be between 1 minute and 14 days."
              error={shown('retention')}
            />
            <DurationField
              label="Delivery delay"
              value={form.delay}
              unit={form.delayUnit}
              units={['seconds', 'minutes']}
              onValue={(v) => set('delay', v)}
              onUnit={(u) => set('delayUnit', u, 'delay')}
              hint="Should be between 0 seconds and 15 minutes."
              error={shown('delay')}
            />
            <Field label="Maximum message size" hint="Should be between 1 KiB and 1,024 KiB." error={shown('maxSize')}>
              {(a) => (
                <div class="input-group">
                  <input
                    {...a}
                    class="input input--num"
                    inputMode="numeric"
                    value={form.maxSizeKiB}
                    onInput={(e) => set('maxSizeKiB', e.currentTarget.value, 'maxSize')}
                  />
                  <span class="input-group__unit">KiB</span>
                </div>
              )}
            </Field>
            <Field label="Receive message wait time" hint="Should be between 0 and 20 seconds." error={shown('receiveWait')}>
              {(a) => (
                <div class="input-group">
                  <input
                    {...a}
                    class="input input--num"
                    inputMode="numeric"
                    value={form.receiveWait}
                    onInput={(e) => set('receiveWait', e.currentTarget.value)}
                  />
                  <span class="input-group__unit">Seconds</span>
                </div>
              )}
            </Field>
          </div>
          {form.fifo && (
            <div class="subsection">
              <Checkbox
                label="Content-based deduplication"
                description="Use a SHA-256 hash of the message body as the deduplication ID when a message has none."
                checked={form.contentDedup}
                onChange={(v) => set('contentDedup', v)}
              />
              <Checkbox
                label="Enable high throughput FIFO"
                description="Sets the deduplication scope to message group and the throughput limit to per message group ID."
                checked={form.dedupScope === 'messageGroup' && form.throughputLimit === 'perMessageGroupId'}
                onChange={(v) =>
                  setForm((f) => ({
                    ...f,
                    dedupScope: v ? 'messageGroup' : 'queue',
                    throughputLimit: v ? 'perMessageGroupId' : 'perQueue',
                  }))
                }
              />
              <div class="grid-2">
                <Field label="Deduplication scope" hint="Whether deduplication applies to the whole queue or to each message group.">
                  {(a) => (
                    <select
                      {...a}
                      class="select"
                      value={form.dedupScope}
                      onChange={(e) => set('dedupScope', e.currentTarget.value as Form['dedupScope'], 'throughputLimit')}
                    >
                      <option value="queue">Queue</option>
                      <option value="messageGroup">Message group</option>
                    </select>
                  )}
                </Field>
                <Field
                  label="FIFO throughput limit"
                  hint="Whether the throughput quota applies to the whole queue or to each message group."
                  error={shown('throughputLimit')}
                >
                  {(a) => (
                    <select
                      {...a}
                      class="select"
                      value={form.throughputLimit}
                      onChange={(e) => set('throughputLimit', e.currentTarget.value as Form['throughputLimit'])}
                    >
                      <option value="perQueue">Per queue</option>
                      <option value="perMessageGroupId">Per message group ID</option>
                    </select>
                  )}
                </Field>
              </div>
            </div>
          )}
        </Panel>

        <Panel title="Encryption" description="Server-side encryption of messages at rest, as SQS names it (SSE-SQS or SSE-KMS).">
          <RadioGroup
            legend="Server-side encryption"
            name="sse"
            value={form.sse === 'disabled' ? 'disabled' : 'enabled'}
            onChange={(v) => set('sse', v === 'disabled' ? 'disabled' : form.sse === 'kms' ? 'kms' : 'sqs')}
            options={[
              { value: 'disabled', label: 'Disabled' },
              { value: 'enabled', label: 'Enabled' },
            ]}
            inline
          />
          {form.sse !== 'disabled' && (
            <RadioGroup
              legend="Encryption key type"
              name="keytype"
              value={form.sse}
              onChange={(v) => set('sse', v)}
              options={[
                { value: 'sqs', label: 'Amazon SQS key (SSE-SQS)', description: 'SqsManagedSseEnabled: a key created and managed for you.' },
                { value: 'kms', label: 'AWS Key Management Service key (SSE-KMS)', description: 'KmsMasterKeyId: a KMS key ID, ARN or alias.' },
              ]}
            />
          )}
          {form.sse === 'kms' && (
            <div class="grid-2">
              <Field label="Customer master key" hint="A key ID, key ARN, alias name or alias ARN, e.g. alias/aws/sqs." error={shown('kmsKey')}>
                {(a) => (
                  <input {...a} class="input mono" value={form.kmsKey} spellcheck={false} onInput={(e) => set('kmsKey', e.currentTarget.value)} />
                )}
              </Field>
              <DurationField
                label="Data key reuse period"
                value={form.kmsReuse}
                unit={form.kmsReuseUnit}
                units={['minutes', 'hours']}
                onValue={(v) => set('kmsReuse', v)}
                onUnit={(u) => set('kmsReuseUnit', u, 'kmsReuse')}
                hint="Should be between 1 minute and 24 hours."
                error={shown('kmsReuse')}
              />
            </div>
          )}
        </Panel>

        <Panel title="Access policy" description="Who can access the queue: an IAM policy document in JSON. Leave empty for the owner’s access only.">
          <PolicyEditor
            value={form.policy}
            error={shown('policy')}
            accountId={session.accountId}
            region={session.region}
            name={form.name}
            onChange={(v) => set('policy', v)}
          />
        </Panel>

        <Panel title="Redrive allow policy" description="Which source queues can use this queue as their dead-letter queue.">
          <RadioGroup
            legend="Redrive allow policy"
            hideLegend
            name="redriveAllowEnabled"
            value={form.redriveAllow === 'disabled' ? 'disabled' : 'enabled'}
            onChange={(v) => set('redriveAllow', v === 'disabled' ? 'disabled' : 'allowAll', 'redriveAllow')}
            options={[
              { value: 'disabled', label: 'Disabled' },
              { value: 'enabled', label: 'Enabled' },
            ]}
            inline
          />
          {form.redriveAllow !== 'disabled' && (
            <RadioGroup
              legend="Redrive permission"
              name="redrivePermission"
              value={form.redriveAllow}
              onChange={(v) => set('redriveAllow', v)}
              options={[
                { value: 'allowAll', label: 'Allow all', description: 'Any source queue can use this queue as its dead-letter queue.' },
                { value: 'byQueue', label: 'By queue', description: 'Up to 10 source queues you choose.' },
                { value: 'denyAll', label: 'Deny all', description: 'No source queue can use this queue as its dead-letter queue.' },
              ]}
            />
          )}
          {form.redriveAllow === 'byQueue' && (
            <fieldset class="check-list">
              <legend class="field__label">Source queues</legend>
              {sourceChoices.length === 0 && <p class="field__hint">There are no other queues yet.</p>}
              {sourceChoices.map((q) => (
                <Checkbox
                  key={q.arn}
                  label={q.name}
                  checked={form.redriveSources.includes(q.arn)}
                  onChange={(v) =>
                    set('redriveSources', v ? [...form.redriveSources, q.arn] : form.redriveSources.filter((x) => x !== q.arn), 'redriveSources')
                  }
                />
              ))}
              {shown('redriveSources') && <p class="field__error">{shown('redriveSources')}</p>}
            </fieldset>
          )}
          {serverError?.field === 'redriveAllow' && <p class="field__error">{serverError.error.message}</p>}
        </Panel>

        <Panel title="Dead-letter queue" description="Where messages go after they were received the maximum number of times without being deleted.">
          <RadioGroup
            legend="Dead-letter queue"
            hideLegend
            name="dlq"
            value={form.dlqEnabled ? 'enabled' : 'disabled'}
            onChange={(v) => set('dlqEnabled', v === 'enabled', 'dlqArn')}
            options={[
              { value: 'disabled', label: 'Disabled' },
              { value: 'enabled', label: 'Enabled' },
            ]}
            inline
          />
          {form.dlqEnabled && (
            <div class="grid-2">
              <Field
                label="Choose queue"
                hint={
                  dlqChoices.length === 0
                    ? `No ${form.fifo ? 'FIFO' : 'standard'} queue to choose: create the dead-letter queue first.`
                    : `A ${form.fifo ? 'FIFO' : 'standard'} queue, as this one.`
                }
                error={shown('dlqArn')}
              >
                {(a) => (
                  <select {...a} class="select" value={form.dlqArn} onChange={(e) => set('dlqArn', e.currentTarget.value)}>
                    <option value="">Choose a queue</option>
                    {dlqChoices.map((q) => (
                      <option key={q.arn} value={q.arn}>
                        {q.name}
                      </option>
                    ))}
                    {form.dlqArn && !dlqChoices.some((q) => q.arn === form.dlqArn) && <option value={form.dlqArn}>{form.dlqArn}</option>}
                  </select>
                )}
              </Field>
              <Field label="Maximum receives" hint="Should be between 1 and 1,000." error={shown('maxReceives')}>
                {(a) => (
                  <input
                    {...a}
                    class="input input--num"
                    inputMode="numeric"
                    value={form.maxReceives}
                    onInput={(e) => set('maxReceives', e.currentTarget.value)}
                  />
                )}
              </Field>
            </div>
          )}
        </Panel>

        {mode === 'create' && (
          <Panel title="Tags" description="Key–value labels to organise queues (up to 50). Keys are case-sensitive.">
            <TagEditor
              rows={form.tags}
              onChange={(rows) => set('tags', rows)}
              errors={errors}
              show={(k) => (submitted || form.tags[Number(k.slice(3))]?.key ? errors[k] : undefined)}
            />
            {serverError?.field === 'tags' && <p class="field__error">{serverError.error.message}</p>}
          </Panel>
        )}

        {serverError && (
          <div ref={serverErrorRef} tabIndex={-1} class="focus-target">
            <Alert
              tone="error"
              title={mode === 'create' ? 'Ferry refused to create the queue' : 'Ferry refused the change'}
              onDismiss={() => setServerError(undefined)}
            >
              <span class="mono">{serverError.error.code}</span>: {serverError.error.message}
            </Alert>
          </div>
        )}
        {submitted && Object.keys(errors).length > 0 && (
          <Alert tone="error" title="Check the highlighted fields">
            {Object.keys(errors).length === 1 ? 'One field needs' : `${Object.keys(errors).length} fields need`} a change before the queue can be{' '}
            {mode === 'create' ? 'created' : 'saved'}.
          </Alert>
        )}

        <div class="form__footer">
          <button type="button" class="button" onClick={() => navigate(back)}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? (mode === 'create' ? 'Creating…' : 'Saving…') : mode === 'create' ? 'Create queue' : 'Save'}
          </button>
        </div>
      </form>
    </div>
  );
}

/** A JSON editor for an IAM policy: validates as you type, formats, and offers an example. */
export function PolicyEditor({
  value,
  onChange,
  error,
  accountId,
  region,
  name,
  label = 'Policy document (JSON)',
}: {
  value: string;
  onChange: (v: string) => void;
  error: string | undefined;
  accountId: string;
  region: string;
  name: string;
  label?: string;
}) {
  const lines = value.split('\n').length;
  const example = {
    Version: '2012-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__owner_statement',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'SQS:*',
        Resource: `arn:aws:sqs:${region}:${accountId}:${name || 'queue-name'}`,
      },
    ],
  };
  const valid = value.trim() !== '' && !checkPolicyJson(value);
  return (
    <Field
      label={label}
      error={error}
      hint={
        <>
          {value.trim() === '' ? 'No policy: only the queue owner has access.' : valid ? 'Valid JSON policy document.' : ''} {lines} line
          {lines === 1 ? '' : 's'}. While you type, Tab indents; press Escape, then Tab, to move on.
        </>
      }
    >
      {(a) => (
        <div class="code-editor">
          <div class="code-editor__toolbar">
            <button type="button" class="button button--small" onClick={() => onChange(JSON.stringify(example, null, 2))}>
              Insert example policy
            </button>
            <button
              type="button"
              class="button button--small"
              disabled={!valid}
              onClick={() => {
                try {
                  onChange(JSON.stringify(JSON.parse(value), null, 2));
                } catch {
                  /* button is disabled for invalid JSON */
                }
              }}
            >
              Format JSON
            </button>
            {valid && (
              <span class="code-editor__ok">
                <Icon name="check" /> Valid JSON
              </span>
            )}
          </div>
          <textarea
            {...a}
            class="textarea mono code-editor__text"
            rows={Math.min(18, Math.max(6, lines + 1))}
            spellcheck={false}
            value={value}
            onInput={(e) => onChange(e.currentTarget.value)}
            onFocus={(e) => {
              e.currentTarget.dataset.editing = '0';
            }}
            onKeyDown={(e) => {
              // Tab indents (two spaces) once you have typed in the editor; until then, and after Escape,
              // Tab moves on as everywhere else, so the keyboard never gets stuck here (the hint says so).
              const t = e.currentTarget;
              if (e.key === 'Escape') {
                t.dataset.editing = '0';
                return;
              }
              if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && t.dataset.editing === '1') {
                e.preventDefault();
                const s = t.selectionStart;
                const v = `${t.value.slice(0, s)}  ${t.value.slice(t.selectionEnd)}`;
                onChange(v);
                window.requestAnimationFrame(() => t.setSelectionRange(s + 2, s + 2));
                return;
              }
              if (e.key.length === 1 || e.key === 'Enter' || e.key === 'Backspace' || e.key === 'Delete') t.dataset.editing = '1';
            }}
          />
        </div>
      )}
    </Field>
  );
}

/** Key/value rows with add and remove, for CreateQueue tags and the Tagging tab. */
export function TagEditor({
  rows,
  onChange,
  errors,
  show,
}: {
  rows: TagRow[];
  onChange: (rows: TagRow[]) => void;
  errors: Errors;
  show: (k: string) => string | undefined;
}) {
  return (
    <div class="tag-editor">
      {rows.length === 0 && <p class="muted">No tags.</p>}
      {rows.length > 0 && (
        <div class="tag-editor__head" aria-hidden="true">
          <span>Key</span>
          <span>Value – optional</span>
          <span />
        </div>
      )}
      {rows.map((r, i) => (
        <div class="tag-editor__row" key={i}>
          <input
            class="input"
            aria-label={`Tag ${i + 1} key`}
            value={r.key}
            maxLength={200}
            aria-invalid={show(`tag${i}`) ? true : undefined}
            onInput={(e) => onChange(rows.map((x, j) => (j === i ? { ...x, key: e.currentTarget.value } : x)))}
          />
          <input
            class="input"
            aria-label={`Tag ${i + 1} value`}
            value={r.value}
            maxLength={300}
            onInput={(e) => onChange(rows.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))}
          />
          <button
            type="button"
            class="button button--small"
            aria-label={`Remove tag ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
          {show(`tag${i}`) && <p class="field__error tag-editor__error">{show(`tag${i}`)}</p>}
        </div>
      ))}
      <button
        type="button"
        class="button button--small"
        disabled={rows.length >= LIMITS.tags}
        onClick={() => onChange([...rows, { key: '', value: '' }])}
      >
        <Icon name="plus" /> Add new tag
      </button>
      {errors[`tag${LIMITS.tags}`] && <p class="field__error">{errors[`tag${LIMITS.tags}`]}</p>}
      <p class="field__hint">You can add {LIMITS.tags - rows.length} more tags.</p>
    </div>
  );
}
