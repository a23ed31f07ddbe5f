/**
 * Monitoring: live charts of the queue over a chosen window — depth by state, sent / received /
 * deleted rates, age of the oldest message, empty receives and dead-letter moves — from the history
 * Ferry's monitoring keeps (GET /console/api/queues/<name>/history).
 */
import { useState } from 'preact/hooks';
import { history, type HistoryPoint } from '../../api';
import { Chart } from '../../components/Chart';
import { Alert, Icon, Spinner } from '../../components/ui';
import { age, count, rate, tick } from '../../format';
import { usePolled } from '../../hooks';
import type { QueueInfo } from '../queueInfo';

const WINDOWS = [
  { s: 300, label: '5 minutes' },
  { s: 900, label: '15 minutes' },
  { s: 3600, label: '1 hour' },
  { s: 3 * 3600, label: '3 hours' },
  { s: 6 * 3600, label: '6 hours' },
  { s: 12 * 3600, label: '12 hours' },
  { s: 24 * 3600, label: '24 hours' },
];

export const COLORS = {
  visible: '#1a73e8',
  inflight: '#e8710a',
  delayed: '#8e44ad',
  sent: '#1a73e8',
  received: '#188038',
  deleted: '#5f6b7a',
  oldest: '#c5221f',
  empty: '#8e44ad',
  dlq: '#c5221f',
};

export function MonitoringTab({ queue }: { queue: QueueInfo }) {
  const [windowS, setWindowS] = useState(900);
  const [live, setLive] = useState(true);
  const h = usePolled(() => history(queue.name, windowS), [queue.name, windowS], live ? 5000 : 0);
  const points: HistoryPoint[] = h.data?.points ?? [];
  const perSecond = (h.data?.intervalMs ?? 1000) / 1000;
  const xs = points.map((p) => p.at / 1000);
  const last = points[points.length - 1];
  const label = WINDOWS.find((w) => w.s === windowS)?.label ?? `${windowS} s`;
  const empty = 'No data for this window yet. Ferry records a point every few seconds while it runs; charts fill in as the queue is used.';
  const r = (k: 'sent' | 'received' | 'deleted' | 'emptyReceives' | 'movedToDlq') => points.map((p) => p[k] / perSecond);

  return (
    <div class="monitoring">
      <div class="toolbar">
        <label class="inline-label">
          <span>Time window</span>
          <select class="select select--small" value={String(windowS)} onChange={(e) => setWindowS(Number(e.currentTarget.value))}>
            {WINDOWS.map((w) => (
              <option key={w.s} value={String(w.s)}>
                Last {w.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="button button--small" aria-pressed={!live} onClick={() => setLive(!live)}>
          <Icon name="pause" /> Pause live updates
        </button>
        <div class="toolbar__spacer" />
        {h.loading && h.data && <Spinner label="Refreshing" />}
        <span class="muted">{h.at ? `${live ? 'Live · ' : ''}updated ${new Date(h.at).toLocaleTimeString()}` : ''}</span>
      </div>
      {h.error && (
        <Alert tone="error" title="Could not load the queue’s history">
          {h.error.message}
        </Alert>
      )}
      {!h.data && !h.error ? (
        <div class="loading-block">
          <Spinner label="Loading charts" />
        </div>
      ) : (
        <div class="charts">
          <Chart
            title="Messages by state"
            xs={xs}
            emptyText={empty}
            format={(v) => count(Math.round(v))}
            integer
            summary={last ? `latest ${last.visible} available, ${last.inflight} in flight, ${last.delayed} delayed` : 'no data'}
            series={[
              { label: 'Available', color: COLORS.visible, values: points.map((p) => p.visible), fill: true },
              { label: 'In flight', color: COLORS.inflight, values: points.map((p) => p.inflight) },
              { label: 'Delayed', color: COLORS.delayed, values: points.map((p) => p.delayed) },
            ]}
          />
          <Chart
            title="Messages per second"
            xs={xs}
            emptyText={empty}
            format={(v) => rate(v)}
            tick={tick}
            summary={`over the last ${label}`}
            series={[
              { label: 'Sent', color: COLORS.sent, values: r('sent') },
              { label: 'Received', color: COLORS.received, values: r('received') },
              { label: 'Deleted', color: COLORS.deleted, values: r('deleted') },
            ]}
          />
          <Chart
            title="Age of oldest message"
            xs={xs}
            emptyText={empty}
            format={(v) => age(v)}
            summary={last ? `latest ${age(last.oldestAgeSeconds)}` : 'no data'}
            series={[{ label: 'Oldest message', color: COLORS.oldest, values: points.map((p) => p.oldestAgeSeconds), fill: true }]}
          />
          <Chart
            title="Empty receives and dead-letter moves per second"
            xs={xs}
            emptyText={empty}
            format={(v) => rate(v)}
            tick={tick}
            summary={`over the last ${label}`}
            series={[
              { label: 'Empty receives', color: COLORS.empty, values: r('emptyReceives') },
              { label: 'Moved to DLQ', color: COLORS.dlq, values: r('movedToDlq') },
            ]}
          />
        </div>
      )}
    </div>
  );
}
