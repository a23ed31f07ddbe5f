/** A message body (pretty-printed when JSON) and its message attributes, for browse and receive. */
import { useState } from 'preact/hooks';
import type { MessageAttributeValue } from '../../api';
import { prettyBody } from '../../format';

export function MessageBody({ body }: { body: string }) {
  const { text, json } = prettyBody(body);
  const [raw, setRaw] = useState(false);
  return (
    <div class="body-view">
      {json && (
        <div class="body-view__bar">
          <span class="badge badge--neutral">JSON</span>
          <button type="button" class="link-button" onClick={() => setRaw(!raw)}>
            {raw ? 'Show formatted' : 'Show raw'}
          </button>
        </div>
      )}
      <pre class="code" tabIndex={0} aria-label="Message body">
        {raw ? body : text}
      </pre>
    </div>
  );
}

export function MessageAttributesTable({ attributes }: { attributes: Record<string, MessageAttributeValue> | undefined }) {
  const entries = Object.entries(attributes ?? {});
  if (entries.length === 0) return <p class="muted">No message attributes.</p>;
  return (
    <table class="table table--compact">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, v]) => (
          <tr key={name}>
            <td class="mono">{name}</td>
            <td>{v.DataType}</td>
            <td class="mono break">{v.StringValue ?? v.BinaryValue ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
