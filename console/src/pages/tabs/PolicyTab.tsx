/** Access policy: the queue's Policy attribute, shown formatted and edited with a validating JSON editor. */
import { useState } from 'preact/hooks';
import { ApiError, sqs } from '../../api';
import { Alert, Panel } from '../../components/ui';
import { prettyBody } from '../../format';
import { useApp, useCanChange } from '../../state';
import { checkPolicyJson } from '../../validate';
import { PolicyEditor } from '../QueueFormPage';
import type { QueueInfo } from '../queueInfo';

export function PolicyTab({ queue }: { queue: QueueInfo }) {
  const { session, notify } = useApp();
  const canChange = useCanChange();
  const policy = queue.attributes.Policy ?? '';
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const invalid = draft !== undefined ? checkPolicyJson(draft) : undefined;

  const save = async (e: Event) => {
    e.preventDefault();
    if (draft === undefined || invalid) return;
    setBusy(true);
    setError(undefined);
    try {
      await sqs('SetQueueAttributes', { QueueUrl: queue.url, Attributes: { Policy: draft.trim() ? JSON.stringify(JSON.parse(draft)) : '' } });
      notify({ tone: 'success', text: 'Access policy saved.' });
      setDraft(undefined);
      await queue.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('ClientError', String(err), 0));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel
      title="Access policy"
      level={3}
      description="The queue’s resource policy: who may act on it."
      actions={
        canChange &&
        draft === undefined && (
          <button type="button" class="button button--small" onClick={() => setDraft(policy ? prettyBody(policy).text : '')}>
            Edit policy
          </button>
        )
      }
    >
      {draft !== undefined ? (
        <form onSubmit={save} noValidate aria-label="Edit access policy">
          <PolicyEditor value={draft} onChange={setDraft} error={invalid} accountId={session.accountId} region={session.region} name={queue.name} />
          {error && (
            <Alert tone="error" title="The policy was not saved">
              {error.message}
            </Alert>
          )}
          <div class="form__footer form__footer--left">
            <button type="button" class="button" onClick={() => setDraft(undefined)}>
              Cancel
            </button>
            <button type="submit" class="button button--primary" disabled={busy || !!invalid}>
              Save policy
            </button>
          </div>
        </form>
      ) : policy ? (
        <pre class="code" tabIndex={0} aria-label="Access policy JSON">
          {prettyBody(policy).text}
        </pre>
      ) : (
        <p class="muted">No access policy: only the queue owner’s account has access.</p>
      )}
    </Panel>
  );
}
