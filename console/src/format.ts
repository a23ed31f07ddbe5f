/** Display helpers: numbers, sizes, durations and times as an operator reads them. */

const nf = new Intl.NumberFormat('en-US');

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : nf.format(n);
}

export function rate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  if (Number.isInteger(perSecond)) return nf.format(perSecond);
  if (perSecond < 0.1) return '<0.1';
  if (perSecond < 10) return perSecond.toFixed(1);
  return nf.format(Math.round(perSecond));
}

/**
 * An axis tick: as many decimals as the spacing between ticks has, so neighbouring ticks never read the
 * same (steps of 0.05 → "0.05", "0.1", "0.15"; of 0.25 → "0.25", "0.5"; of 1 or more → whole numbers).
 */
export function tick(v: number, step: number): string {
  const s = String(Number(step.toPrecision(6)));
  const decimals = s.includes('e') ? 6 : (s.split('.')[1] ?? '').length;
  return v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: Math.min(6, decimals) });
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** 0 → "0 s", 90 → "1 min 30 s", 345600 → "4 days". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (d) parts.push(`${d} ${d === 1 ? 'day' : 'days'}`);
  if (h) parts.push(`${h} h`);
  if (m && !d) parts.push(`${m} min`);
  if (r && !d && !h) parts.push(`${r} s`);
  return parts.join(' ');
}

/** A compact age: "12 s", "4 min", "3 h", "2 d". */
export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const dtf = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
/** With milliseconds where the locale puts them (`15:13:28.583`, `03:13:28.583 PM`), not after the day period. */
const tfMs = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });

export function dateTime(ms: number | string | undefined): string {
  if (ms === undefined || ms === '') return '—';
  const n = typeof ms === 'string' ? Number(ms) : ms;
  return Number.isFinite(n) ? dtf.format(new Date(n)) : '—';
}

/** A time with milliseconds, for timelines. */
export function timeMs(ms: number): string {
  return tfMs.format(new Date(ms));
}

/** A gap between two events: "+120 ms", "+2.5 s", "+4 min". */
export function offset(ms: number): string {
  if (ms < 1000) return `+${Math.round(ms)} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `+${duration(ms / 1000)}`;
}

/** "3 s ago", "in 12 s" relative to now. */
export function relative(ms: number, now = Date.now()): string {
  const diff = Math.round((ms - now) / 1000);
  if (Math.abs(diff) < 1) return 'now';
  return diff < 0 ? `${age(-diff)} ago` : `in ${age(diff)}`;
}

/** The body as pretty-printed JSON when it is JSON, else as is. */
export function prettyBody(body: string): { text: string; json: boolean } {
  const t = body.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return { text: JSON.stringify(JSON.parse(t), null, 2), json: true };
    } catch {
      /* not JSON after all */
    }
  }
  return { text: body, json: false };
}

/** UTF-8 length, as SQS counts message size. */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
