/** Tagging: the queue's tags (ListQueueTags), edited in place (TagQueue / UntagQueue). */
import { useState } from 'preact/hooks';
import { ApiError, listTags, sqs } from '../../api';
import { Alert, EmptyState, Panel, Spinner } from '../../components/ui';
import { usePolled } from '../../hooks';
import { useApp, useCanChange } from '../../state';
import { checkTags, type TagRow } from '../../validate';
import { TagEditor } from '../QueueFormPage';
import type { QueueInfo } from '../queueInfo';

export function TaggingTab({ queue }: { queue: QueueInfo }) {
  const { notify } = useApp();
  const canChange = useCanChange();
  const tags = usePolled(() => listTags(queue.url), [queue.url]);
  const [rows, setRows] = useState<TagRow[] | undefined>(undefined);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const entries = Object.entries(tags.data ?? {}).sort(([a], [b]) => a.localeCompare(b));

  const rowErrors = rows ? checkTags(rows) : {};
  const errors = Object.fromEntries(Object.entries(rowErrors).map(([i, m]) => [`tag${i}`, m]));

  const save = async (e: Event) => {
    e.preventDefault();
    if (!rows) return;
    setSubmitted(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const wanted = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      const removed = Object.keys(tags.data ?? {}).filter((k) => !(k in wanted));
      if (removed.length) await sqs('UntagQueue', { QueueUrl: queue.url, TagKeys: removed });
      if (rows.length) await sqs('TagQueue', { QueueUrl: queue.url, Tags: wanted });
      notify({ tone: 'success', text: 'Tags saved.' });
      setRows(undefined);
      setSubmitted(false);
      await tags.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('ClientError', String(err), 0));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel
      title={`Tags (${entries.length})`}
      level={3}
      description="Key–value labels on the queue (up to 50)."
      actions={
        canChange &&
        !rows &&
        tags.data && (
          <button type="button" class="button button--small" onClick={() => setRows(entries.map(([key, value]) => ({ key, value })))}>
            Edit tags
          </button>
        )
      }
    >
      {tags.error && (
        <Alert tone="error" title="Could not load the tags">
          {tags.error.message}
        </Alert>
      )}
      {rows ? (
        <form onSubmit={save} noValidate aria-label="Edit tags">
          <TagEditor
            rows={rows}
            onChange={setRows}
            errors={errors}
            show={(k) => (submitted || rows[Number(k.slice(3))]?.key ? errors[k] : undefined)}
          />
          {error && (
            <Alert tone="error" title="The tags were not saved">
              {error.message}
            </Alert>
          )}
          <div class="form__footer form__footer--left">
            <button type="button" class="button" onClick={() => setRows(undefined)}>
              Cancel
            </button>
            <button type="submit" class="button button--primary" disabled={busy}>
              Save tags
            </button>
          </div>
        </form>
      ) : !tags.data ? (
        <Spinner label="Loading tags" />
      ) : entries.length === 0 ? (
        <EmptyState title="No tags">This queue has no tags.</EmptyState>
      ) : (
        <table class="table table--compact">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <td class="mono">{k}</td>
                <td class="mono break">{v || <span class="muted">(empty)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
