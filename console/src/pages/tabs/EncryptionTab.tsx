/** Encryption: server-side encryption settings as SQS reports them (SSE-SQS or SSE-KMS). */
import { KeyValues, Panel } from '../../components/ui';
import { duration } from '../../format';
import { href, linkClick } from '../../router';
import { useCanChange } from '../../state';
import type { QueueInfo } from '../queueInfo';

export function EncryptionTab({ queue }: { queue: QueueInfo }) {
  const a = queue.attributes;
  const canChange = useCanChange();
  const editPath = `/queues/${encodeURIComponent(queue.name)}/edit`;
  const kms = !!a.KmsMasterKeyId;
  const sqsManaged = a.SqsManagedSseEnabled === 'true';
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
      <KeyValues
        columns={3}
        items={[
          ['Server-side encryption', kms || sqsManaged ? 'Enabled' : 'Disabled'],
          ['Encryption key type', kms ? 'AWS Key Management Service key (SSE-KMS)' : sqsManaged ? 'Amazon SQS key (SSE-SQS)' : '—'],
          ...(kms
            ? ([
                ['Customer master key', <span class="mono">{a.KmsMasterKeyId}</span>],
                ['Data key reuse period', duration(Number(a.KmsDataKeyReusePeriodSeconds ?? 300))],
              ] as [string, preact.ComponentChildren][])
            : []),
        ]}
      />
      <p class="muted small">
        With encryption enabled, Ferry stores each message body encrypted (AES-256-GCM under a data key wrapped by the master key of its key ring);
        message attributes stay plain, as in SQS. Turning encryption on or off, or changing the key, applies to new messages only.
      </p>
    </Panel>
  );
}
