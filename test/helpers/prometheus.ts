/** Read a Prometheus text exposition (what GET /metrics answers) for assertions. */

export interface Scrape {
  /** The exposition as served. */
  readonly text: string;
  /** The value of one series (labels exactly as given, any order), or undefined when it is absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every series of a metric name: label set → value. */
  series(name: string): Array<{ labels: Record<string, string>; value: number }>;
  /** Every metric name that has at least one sample (histogram samples under their _bucket/_sum/_count names). */
  names(): Set<string>;
  /**
   * Every name a query may use, whether or not it has samples yet: each `# TYPE` line's name, and for
   * histograms and summaries their `_bucket`/`_sum`/`_count` series.
   */
  declared(): Set<string>;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function key(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${parts.join(',')}}`;
}

export function parsePrometheus(text: string): Scrape {
  const values = new Map<string, number>();
  const byName = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  const declared = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      declared.add(type[1]!);
      if (type[2] === 'histogram' || type[2] === 'summary') for (const s of ['_bucket', '_sum', '_count']) declared.add(type[1]! + s);
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    values.set(key(m[1]!, labels), value);
    let list = byName.get(m[1]!);
    if (!list) byName.set(m[1]!, (list = []));
    list.push({ labels, value });
  }
  return {
    text,
    value: (name, labels = {}) => values.get(key(name, labels)),
    series: (name) => byName.get(name) ?? [],
    names: () => new Set(byName.keys()),
    declared: () => declared,
  };
}

/** GET a metrics URL; rejects unless it answers 200 with the Prometheus text format. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const res = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text}`);
  if (!/^text\/plain; version=0\.0\.4/.test(res.headers.get('content-type') ?? ''))
    throw new Error(`content-type ${res.headers.get('content-type')}`);
  return parsePrometheus(text);
}
