/**
 * Encryption: server-side encryption settings as SQS reports them (SSE-SQS or SSE-KMS), and — for
 * SSE-KMS — whether Ferry's key ring has the key the queue names. SQS accepts any KmsMasterKeyId when it
 * is set and fails the sends later (KmsNotFound), so a queue can look fine here and refuse every
 * message: the tab (and the Details line of the queue page) says so, and what the operator can do.
 */
import { encryption, type Encryption } from '../../api';
import { Alert, Icon, KeyValues, Panel } from '../../components/ui';
import { duration } from '../../format';
import { usePolled } from '../../hooks';
import { href, linkClick } from '../../router';
import { useCanChange } from '../../state';
import type { QueueInfo } from '../queueInfo';

type KeyState = NonNullable<Extract<Encryption, { mode: 'kms' }>['key']>;

/**
 * The state of the queue's SSE-KMS key in Ferry's key ring (undefined without SSE-KMS, while loading,
 * or when it cannot be read). Read again every 15 s while the key is missing or disabled, so the warning
 * goes once the operator has run `ferry keys` (the server takes key-ring changes in within a second).
 */
function useKeyState(queue: QueueInfo): KeyState | undefined {
  const ref = queue.attributes.KmsMasterKeyId ?? '';
  const loaded = usePolled(async () => (ref ? encryption(queue.name) : undefined), [queue.name, ref, queue.changes], ref ? 15_000 : 0);
  const e = loaded.data;
  return e?.mode === 'kms' && e.kmsMasterKeyId === ref ? e.key : undefined;
}

/** The Details line of the queue page: the setting, and a warning when the key is missing or disabled. */
export function EncryptionSummary({ queue }: { queue: QueueInfo }) {
  const a = queue.attributes;
  const key = useKeyState(queue);
  if (!a.KmsMasterKeyId) return <>{a.SqsManagedSseEnabled === 'true' ? 'Amazon SQS key (SSE-SQS)' : 'Disabled'}</>;
  const tab = `/queues/${encodeURIComponent(queue.name)}?tab=encryption`;
  return (
    <>
      SSE-KMS ({a.KmsMasterKeyId})
      {key && key.state !== 'enabled' && (
        <span class="key-warning">
          <Icon name="error" size={14} />
          <span>
            {key.state === 'missing' ? 'Key not in Ferry’s key ring: sends fail' : 'Key disabled: sends and receives fail'}.{' '}
            <a href={href(tab)} onClick={linkClick(tab)}>
              What to do
            </a>
          </span>
        </span>
      )}
    </>
  );
}

export function EncryptionTab({ queue }: { queue: QueueInfo }) {
  const a = queue.attributes;
  const canChange = useCanChange();
  const editPath = `/queues/${encodeURIComponent(queue.name)}/edit`;
  const kms = !!a.KmsMasterKeyId;
  const sqsManaged = a.SqsManagedSseEnabled === 'true';
  const key = useKeyState(queue);
  return (
    <Panel
      title="Encryption"
      level={3}
      description="Server-side encryption of messages at rest."
      actions={
        canChange && (
          <a class="button button--small" href={href(editPath)} onClick={linkClick(editPath)}>
            Edit
          </a>
        )
      }
    >
      {kms && key?.state === 'missing' && <MissingKey ref_={a.KmsMasterKeyId!} creatable={key.creatable} />}
      {kms && key?.state === 'disabled' && (
        <Alert tone="warning" title={`The key ${a.KmsMasterKeyId} is disabled`}>
          Sending to this queue fails with <span class="mono">KmsDisabled</span>, and so does receiving its messages encrypted with this key. An
          operator can enable it again on the server: <code class="mono">ferry keys enable {key.keyId}</code> (with the flags or config file of{' '}
          <span class="mono">ferry serve</span>); the server takes it in within a second.
        </Alert>
      )}
      <KeyValues
        columns={3}
        items={[
          ['Server-side encryption', kms || sqsManaged ? 'Enabled' : 'Disabled'],
          ['Encryption key type', kms ? 'AWS Key Management Service key (SSE-KMS)' : sqsManaged ? 'Amazon SQS key (SSE-SQS)' : '—'],
          ...(kms
            ? ([
                ['Customer master key', <span class="mono">{a.KmsMasterKeyId}</span>],
                ['Key in Ferry’s key ring', <KeyRingState state={key} />],
                ['Data key reuse period', duration(Number(a.KmsDataKeyReusePeriodSeconds ?? 300))],
              ] as [string, preact.ComponentChildren][])
            : []),
        ]}
      />
      <p class="muted small panel__note">
        With encryption enabled, Ferry stores each message body encrypted (AES-256-GCM under a data key wrapped by the master key of its key ring);
        message attributes stay plain, as in SQS. Turning encryption on or off, or changing the key, applies to new messages only.
      </p>
    </Panel>
  );
}

function KeyRingState({ state }: { state: KeyState | undefined }) {
  if (!state) return <>—</>;
  if (state.state === 'missing') return <span class="text-danger">Not found</span>;
  return (
    <span>
      {state.state === 'enabled' ? 'Enabled' : <span class="text-danger">Disabled</span>} · <span class="mono break">{state.keyId}</span>
    </span>
  );
}

/** SSE-KMS naming a key the ring lacks: what happens, and the ways out. */
function MissingKey({ ref_, creatable }: { ref_: string; creatable: string | undefined }) {
  return (
    <Alert tone="warning" title={`The key ${ref_} is not in Ferry’s key ring`}>
      <p>
        Every message sent to this queue is refused with <span class="mono">KmsNotFound</span>: SQS accepts any key ID when a queue is set up, and the
        key is looked up when a message is sent.
      </p>
      <p>
        What an operator can do on the server (<span class="mono">ferry keys</span> takes the flags or config file of{' '}
        <span class="mono">ferry serve</span> to find the key ring; the server takes changes in within a second):
      </p>
      <ul class="plain-list">
        {creatable && (
          <li>
            if the key never existed, create it: <code class="mono">ferry keys create {creatable.slice('alias/'.length)}</code>;
          </li>
        )}
        <li>if it was lost with a key-ring file, put that file back: messages encrypted with the key can be read only with that same key;</li>
        <li>
          or choose a key the ring has (<code class="mono">ferry keys list</code>), or SSE-SQS, with Edit.
        </li>
      </ul>
    </Alert>
  );
}
