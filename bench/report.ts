/**
 * The run's table (medians over rounds, ratios to fauxqs and to the ceiling), the check of issue 3's
 * targets, and BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { median } from './stats.js';
import { skipReason, type AppliesOptions, type ScenarioName, type ScenarioResult } from './scenarios.js';
import { POSTGRES_TARGETS, TARGET_NOTES, type TargetName } from './targets.js';

/** Medians of one (scenario, target) cell over its rounds; correctness counts are summed. */
export interface Cell {
  scenario: ScenarioName;
  target: TargetName;
  rounds: number;
  failedRounds: number;
  errors: string[];
  msgsPerS: number;
  reqPerS: number;
  latencyKind: string;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  cpuUsPerMsg: number;
  serverCpuPct: number;
  clientCpuUsPerMsg: number;
  clientCpuPct: number;
  rssMB: number;
  peakRssMB: number;
  requestErrors: number;
  lost: number | null;
  duplicated: number | null;
  orderViolations: number | null;
  emptyReceivePct: number | null;
  extra: Record<string, number | string | boolean | null>;
}

function sumOrNull(vals: (number | null)[]): number | null {
  const v = vals.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) : null;
}

export function summarize(results: ScenarioResult[]): Map<string, Cell> {
  const groups = new Map<string, ScenarioResult[]>();
  for (const res of results) {
    const k = `${res.scenario}|${res.target}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(res);
  }
  const cells = new Map<string, Cell>();
  for (const [k, all] of groups) {
    const ok = all.filter((x) => x.ok);
    const med = (f: (x: ScenarioResult) => number) => median(ok.map(f));
    const extra: Cell['extra'] = {};
    const keys = new Set(ok.flatMap((x) => Object.keys(x.extra)));
    for (const key of keys) {
      const vals = ok.map((x) => x.extra[key]);
      if (vals.every((v) => typeof v === 'number')) extra[key] = median(vals as number[]);
      else if (vals.every((v) => typeof v === 'boolean')) extra[key] = vals.every(Boolean);
      else extra[key] = (vals[vals.length - 1] ?? null) as string | null;
    }
    const emp = ok.map((x) => x.emptyReceivePct).filter((x): x is number => x !== null);
    cells.set(k, {
      scenario: all[0]!.scenario,
      target: all[0]!.target,
      rounds: ok.length,
      failedRounds: all.length - ok.length,
      errors: [...new Set(all.flatMap((x) => [x.error, x.firstError]).filter((x): x is string => Boolean(x)))].slice(0, 3),
      msgsPerS: med((x) => x.msgsPerS),
      reqPerS: med((x) => x.reqPerS),
      latencyKind: ok[0]?.latencyKind ?? '',
      p50Ms: med((x) => x.p50Ms),
      p99Ms: med((x) => x.p99Ms),
      cpuUsPerReq: med((x) => x.cpuUsPerReq),
      cpuUsPerMsg: med((x) => x.cpuUsPerMsg),
      serverCpuPct: med((x) => x.serverCpuPct),
      clientCpuUsPerMsg: med((x) => x.clientCpuUsPerMsg),
      clientCpuPct: med((x) => x.clientCpuPct),
      rssMB: med((x) => x.rssMB),
      peakRssMB: med((x) => x.peakRssMB),
      requestErrors: ok.reduce((a, x) => a + x.errors, 0),
      lost: sumOrNull(ok.map((x) => x.lost)),
      duplicated: sumOrNull(ok.map((x) => x.duplicated)),
      orderViolations: sumOrNull(ok.map((x) => x.orderViolations)),
      emptyReceivePct: emp.length ? median(emp) : null,
      extra,
    });
  }
  return cells;
}

const fmt = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const fmtInt = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US');
const ratio = (a: number, b: number | undefined): string =>
  b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;

const THROUGHPUT_SCENARIOS = new Set<ScenarioName>(['send', 'sendbatch', 'pipeline', 'fifo', 'deep-backlog']);

function notes(c: Cell): string {
  const n: string[] = [];
  const e = c.extra;
  if (c.scenario === 'waiters') {
    n.push(`served ${fmtInt(e.served as number)}/${fmtInt(e.waiters as number)}`);
    n.push(`${fmtInt(e.queues as number)} queues, 1 message each`);
    n.push(`RSS parked ${fmt(e.rssParkedMB as number)} MB`);
    n.push(`delivery p50 ${fmt(e.deliveryP50Ms as number, 1)} ms`);
  }
  if (c.scenario === 'deep-backlog') {
    n.push(
      `prefilled ${fmtInt(e.prefilled as number)} at ${fmtInt(e.fillMsgsPerS as number)}/s${e.fillMethod === 'sql' ? ' by SQL + VACUUM ANALYZE' : ''}`,
    );
    n.push(`RSS after fill ${fmt(e.rssAfterFillMB as number)} MB`);
    if (typeof e.gqaFullMs === 'number')
      n.push(`GetQueueAttributes ${fmt(e.gqaEmptyMs as number, 2)} ms empty, ${fmt(e.gqaFullMs as number, 2)} ms full`);
  }
  if (c.scenario === 'rate') n.push(`achieved ${fmtInt(e.achievedSendRate as number)} msgs/s`);
  if ((THROUGHPUT_SCENARIOS.has(c.scenario) || c.scenario === 'rate') && typeof e.warmupS === 'number') n.push(`warm-up ${fmt(e.warmupS, 1)} s`);
  if (c.scenario === 'longpoll-wake' && e.crossNode === true) n.push('cross-node: waiter on node 1, sender on node 2');
  if (c.scenario === 'longpoll-wake')
    n.push(
      `after send ack p50 ${fmt(e.afterSendAckP50Ms as number, 2)} ms${e.crossNode === true ? `, p99 ${fmt(e.afterSendAckP99Ms as number, 2)} ms` : ''}`,
    );
  if (typeof e.dbCpuUsPerMsg === 'number' || typeof e.dbCpuPct === 'number') {
    n.push(
      `PostgreSQL CPU ${fmt(e.dbCpuUsPerReq as number, 1)} µs/req, ${fmt(e.dbCpuUsPerMsg as number, 1)} µs/msg, ${fmt(e.dbCpuPct as number, 0)}%`,
    );
  }
  if (typeof e.walSyncsPerS === 'number') {
    n.push(`WAL syncs ${fmt(e.walSyncsPerS, 0)}/s (${fmt(e.msgsPerWalSync as number, 1)} msgs each), commits ${fmt(e.commitsPerS as number, 0)}/s`);
  }
  if (c.emptyReceivePct !== null && (c.scenario === 'fifo' || c.scenario === 'pipeline')) n.push(`empty receives ${fmt(c.emptyReceivePct, 2)}%`);
  if (c.requestErrors > 0) n.push(`${c.requestErrors} request errors`);
  if (c.failedRounds > 0) n.push(`${c.failedRounds} round(s) failed`);
  return n.join('; ');
}

function correctness(c: Cell): string {
  const parts: string[] = [];
  if (c.lost !== null) parts.push(`${c.lost}`);
  else parts.push('–');
  parts.push(c.duplicated !== null ? `${c.duplicated}` : '–');
  parts.push(c.orderViolations !== null ? `${c.orderViolations}` : '–');
  return parts.join('/');
}

/** The markdown table: one row per (scenario, target). */
export function renderTable(
  cells: Map<string, Cell>,
  scenarios: ScenarioName[],
  targets: TargetName[],
  unavailable: Map<TargetName, string>,
  o: AppliesOptions = {},
): string {
  const rows: string[] = [];
  rows.push(
    '| scenario | target | rounds | msgs/s | req/s | latency | p50 ms | p99 ms | CPU µs/req | CPU µs/msg | server CPU % | client CPU µs/msg | client CPU % | RSS MB | × fauxqs | × fauxqs-sqlite | × ceiling | lost/dup/order | notes |',
  );
  rows.push('|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|');
  for (const s of scenarios) {
    for (const t of targets) {
      const c = cells.get(`${s}|${t}`);
      if (!c) {
        const why = unavailable.get(t) ?? skipReason(s, t, o) ?? 'not run';
        rows.push(`| ${s} | ${t} | 0 | n/a | | | | | | | | | | | | | | | ${why} |`);
        continue;
      }
      if (c.rounds === 0) {
        rows.push(
          `| ${s} | ${t} | 0/${c.failedRounds} | failed | | | | | | | | | | | | | | | ${c.errors.join(' · ').replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 200)} |`,
        );
        continue;
      }
      const tp = THROUGHPUT_SCENARIOS.has(s);
      const f = cells.get(`${s}|fauxqs`);
      const fs = cells.get(`${s}|fauxqs-sqlite`);
      const ce = cells.get(`${s}|ceiling`);
      rows.push(
        `| ${s} | ${t} | ${c.rounds} | ${fmtInt(c.msgsPerS)} | ${fmtInt(c.reqPerS)} | ${c.latencyKind} | ${fmt(c.p50Ms, 2)} | ${fmt(c.p99Ms, 2)} | ${fmt(c.cpuUsPerReq, 1)} | ${fmt(c.cpuUsPerMsg, 1)} | ${fmt(c.serverCpuPct, 0)} | ${fmt(c.clientCpuUsPerMsg, 1)} | ${fmt(c.clientCpuPct, 0)} | ${fmt(Math.max(c.rssMB, c.peakRssMB), 0)} | ${tp && t !== 'fauxqs' ? ratio(c.msgsPerS, f?.msgsPerS) : ''} | ${tp && t !== 'fauxqs-sqlite' ? ratio(c.msgsPerS, fs?.msgsPerS) : ''} | ${tp && t !== 'ceiling' ? ratio(c.msgsPerS, ce?.msgsPerS) : ''} | ${correctness(c)} | ${notes(c)} |`,
      );
    }
  }
  return rows.join('\n');
}

export interface TargetCheck {
  what: string;
  measured: string;
  met: boolean | null;
}

/** Issue 3's targets, checked against the medians (null: not measured in this run). */
export function checkTargets(cells: Map<string, Cell>): TargetCheck[] {
  const g = (s: ScenarioName, t: TargetName) => {
    const c = cells.get(`${s}|${t}`);
    return c && c.rounds > 0 ? c : undefined;
  };
  const out: TargetCheck[] = [];
  const check = (what: string, val: number | undefined, ok: (v: number) => boolean, unit = ''): void => {
    if (val === undefined || !Number.isFinite(val)) out.push({ what, measured: 'not measured', met: null });
    else out.push({ what, measured: `${val.toFixed(val < 10 ? 2 : 1)}${unit}`, met: ok(val) });
  };
  const rel = (s: ScenarioName, a: TargetName, b: TargetName) => {
    const x = g(s, a)?.msgsPerS;
    const y = g(s, b)?.msgsPerS;
    return x !== undefined && y !== undefined ? x / y : undefined;
  };
  const mem: TargetName = 'ferry-memory';
  const sql: TargetName = 'ferry-sqlite';
  const pg: TargetName = 'ferry-postgres';
  const pg3: TargetName = 'ferry-postgres-3';
  check('memory: send ≥ 0.85× ceiling', rel('send', mem, 'ceiling'), (v) => v >= 0.85, '×');
  check('memory: send ≤ 30 µs server CPU/request', g('send', mem)?.cpuUsPerReq, (v) => v <= 30, ' µs');
  check('memory: sendbatch ≤ 5 µs CPU/message', g('sendbatch', mem)?.cpuUsPerMsg, (v) => v <= 5, ' µs');
  check('memory: sendbatch ≥ 2× fauxqs', rel('sendbatch', mem, 'fauxqs'), (v) => v >= 2, '×');
  check('memory: pipeline ≥ 2× fauxqs', rel('pipeline', mem, 'fauxqs'), (v) => v >= 2, '×');
  check('memory: pipeline ≤ 12 µs CPU/delivered message', g('pipeline', mem)?.cpuUsPerMsg, (v) => v <= 12, ' µs');
  check('memory: fifo ≥ 3× fauxqs', rel('fifo', mem, 'fauxqs'), (v) => v >= 3, '×');
  check('memory: fifo ≤ 15 µs CPU/message', g('fifo', mem)?.cpuUsPerMsg, (v) => v <= 15, ' µs');
  for (const s of ['send', 'sendbatch', 'pipeline', 'fifo'] as ScenarioName[]) {
    check(`sqlite: ${s} ≥ 1× fauxqs (memory)`, rel(s, sql, 'fauxqs'), (v) => v >= 1, '×');
    check(`sqlite: ${s} ≥ 5× fauxqs-sqlite`, rel(s, sql, 'fauxqs-sqlite'), (v) => v >= 5, '×');
  }
  check('sqlite: rate 5,000/s e2e p50 ≤ 2 ms', g('rate', sql)?.p50Ms, (v) => v <= 2, ' ms');
  check('sqlite: rate 5,000/s e2e p99 ≤ 5 ms', g('rate', sql)?.p99Ms, (v) => v <= 5, ' ms');
  for (const t of [mem, sql]) {
    check(`${t}: longpoll-wake p50 ≤ 1.5 ms`, g('longpoll-wake', t)?.p50Ms, (v) => v <= 1.5, ' ms');
    check(`${t}: longpoll-wake p99 ≤ 5 ms`, g('longpoll-wake', t)?.p99Ms, (v) => v <= 5, ' ms');
    const deep = g('deep-backlog', t)?.msgsPerS;
    const empty = g('pipeline', t)?.msgsPerS;
    check(
      `${t}: deep-backlog ≥ 0.9× empty-queue pipeline`,
      deep !== undefined && empty !== undefined ? deep / empty : undefined,
      (v) => v >= 0.9,
      '×',
    );
    const w = g('waiters', t);
    check(
      `${t}: waiters all served`,
      w ? Number(w.extra.allServed === true && (w.lost ?? 1) === 0 && (w.duplicated ?? 1) === 0) : undefined,
      (v) => v === 1,
    );
    check(`${t}: waiters ≤ 400 MB RSS`, w?.peakRssMB, (v) => v <= 400, ' MB');
    check(`${t}: waiters event-loop delay p99 ≤ 20 ms (/health RTT)`, w?.p99Ms, (v) => v <= 20, ' ms');
  }
  const d = g('deep-backlog', sql);
  const filled = d ? Number(d.extra.prefilled) : NaN;
  check(
    `sqlite: ≤ 300 MB RSS with ${Number.isFinite(filled) ? filled.toLocaleString('en-US') : '1,000,000'} messages stored`,
    d ? Math.max(d.peakRssMB, Number(d.extra.rssAfterFillMB)) : undefined,
    (v) => v <= 300,
    ' MB',
  );
  // Issue 4: PostgreSQL.
  check('postgres (1 node): pipeline ≥ 0.5× ferry-sqlite', rel('pipeline', pg, sql), (v) => v >= 0.5, '×');
  check('postgres (3 nodes): cross-node longpoll-wake p99 ≤ 20 ms', g('longpoll-wake', pg3)?.p99Ms, (v) => v <= 20, ' ms');
  for (const t of [mem, sql, pg, pg3]) {
    if (POSTGRES_TARGETS.has(t) && ![...cells.values()].some((c) => c.target === t)) continue;
    let lost = 0;
    let dup = 0;
    let order = 0;
    let any = false;
    for (const c of cells.values()) {
      if (c.target !== t) continue;
      any = true;
      lost += c.lost ?? 0;
      dup += c.duplicated ?? 0;
      order += c.orderViolations ?? 0;
    }
    check(`${t}: zero lost / duplicated / FIFO order violations (all scenarios)`, any ? lost + dup + order : undefined, (v) => v === 0);
    check(`${t}: fifo empty receives < 1%`, g('fifo', t)?.emptyReceivePct ?? undefined, (v) => v < 1, '%');
  }
  return out;
}

export function renderChecks(checks: TargetCheck[]): string {
  const rows = ['| target (issues 3 and 4) | measured | met |', '|---|--:|:-:|'];
  for (const c of checks) rows.push(`| ${c.what} | ${c.measured} | ${c.met === null ? '–' : c.met ? 'yes' : '**no**'} |`);
  return rows.join('\n');
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  fauxqsNode: string;
  kernel: string;
}

export function machineInfo(fauxqsNodeVersion: string): MachineInfo {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    /* keep os.cpus() */
  }
  let kernel = 'unknown';
  try {
    kernel = execFileSync('uname', ['-srm'], { encoding: 'utf8' }).trim();
  } catch {
    /* unknown */
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    fauxqsNode: fauxqsNodeVersion,
    kernel,
  };
}

export interface MarkdownInput {
  table: string;
  /** Issue 12's summary table (bench/issue12.ts renderIssue12): the first table of the file. */
  issue12: string;
  checks: string;
  machine: MachineInfo;
  command: string;
  date: string;
  rounds: number;
  heavyRounds: number;
  durationS: number;
  warmupS: number;
  /** The throughput scenarios' warm-up: requests per server process, and its longest time (scenarios.ts measure). */
  warmRequests: number;
  warmMaxS: number;
  loadBefore: string;
  loadAfter: string;
  busy: boolean;
  elapsedMin: number;
  targets: TargetName[];
  unavailable: Map<TargetName, string>;
  targetInfo: Map<TargetName, string>;
  config: Record<string, unknown>;
  ferryLogLevel: string;
  /** How the PostgreSQL targets' database was obtained (when they ran). */
  postgres?: string;
}

export function renderMarkdown(x: MarkdownInput): string {
  const targetLines = x.targets.map((t) => {
    const un = x.unavailable.get(t);
    return `- **${t}** — ${TARGET_NOTES[t]}${x.targetInfo.get(t) ? ` (${x.targetInfo.get(t)})` : ''}${un ? ` — **not run: ${un}**` : ''}`;
  });
  return `# Ferry benchmarks

Produced by \`npm run bench\` (the harness in \`bench/\`). Every figure is the **median over ${x.rounds} interleaved rounds**
(round 1 runs every target × scenario, then round 2, …, with the target order rotated each round so machine noise
spreads evenly); **deep-backlog and waiters ran ${x.heavyRounds} round(s)** (they take long per run), except deep-backlog on ferry-postgres,
which runs every round (issue 12's deep-backlog ratio is measured there; its queue is filled by SQL in seconds). Correctness counts
(lost / duplicated / FIFO order violations) are **sums** over all rounds, not medians.

${x.busy ? '> **Preliminary:** the machine was busy during this run (other work was running; see the load averages below), so absolute figures are noisy. The interleaving keeps the ratios fairer than the absolute numbers.\n' : ''}
- Date: ${x.date}
- Command: \`${x.command}\`
- Machine: ${x.machine.cpu}, ${x.machine.cores} cores, ${x.machine.memoryGB} GB RAM; ${x.machine.kernel}
- Node ${x.machine.node} (harness and Ferry); fauxqs runs on Node ${x.machine.fauxqsNode}
- Load average (1/5/15 min) before: ${x.loadBefore}; after: ${x.loadAfter}
- Whole run: ${x.elapsedMin.toFixed(1)} min; measured window ${x.durationS} s per scenario run after ${x.warmMaxS > x.warmupS && x.warmRequests > 0 ? `a warm-up of at least ${x.warmupS} s, on the throughput scenarios until every server process has answered ${fmtInt(x.warmRequests)} requests (at most ${x.warmMaxS} s; each row's notes give its median warm-up)` : `${x.warmupS} s warm-up`}

## Issue 12 targets (summary)

${x.issue12}

The full table follows under Results; issue 3's and 4's older targets at the end.

## Targets
${targetLines.join('\n')}

Each target runs as its own process, started fresh (new data directory) for every (round, scenario) run, so the
server figures below — CPU from \`/proc/<pid>/stat\` (utime + stime of all threads over the measured window) and RSS
from \`/proc/<pid>/status\` — describe that process alone. Ferry runs with \`--log-level ${x.ferryLogLevel}\`: at \`info\` it
writes one access-log line per request, and the peers run with their logging off (fauxqs \`logger: false\`).
${
  x.targets.some((t) => POSTGRES_TARGETS.has(t))
    ? `
**PostgreSQL targets (issue 4).** \`ferry-postgres\` is one Ferry process, \`ferry-postgres-3\` three, all on one
database and one schema. The database: ${x.postgres ?? 'a private PostgreSQL cluster the harness starts'} — one for
the whole run, a fresh schema for every (round, scenario) run (dropped afterwards), stopped at the end of the run.
Client, the Ferry processes and PostgreSQL share this machine's cores. For \`ferry-postgres-3\` every client spreads
its requests round-robin over the three nodes (a queue URL from any node works on every node), and server CPU and
RSS are **sums over the three processes**; the CPU-per-message target adds PostgreSQL's CPU to Ferry's, per run; its \`longpoll-wake\` row is the **cross-node** variant (the waiter
long-polls node 1, the sender sends through node 2: the wake travels through PostgreSQL \`LISTEN/NOTIFY\`).
PostgreSQL's own CPU over the same window (the postmaster, its reaped backends and every live child, from
\`/proc\`) is **not** in the server CPU columns; the notes give it separately ("PostgreSQL CPU … µs/req, µs/msg, %
of a core"). The PostgreSQL targets run send, sendbatch, pipeline, fifo and longpoll-wake (keeping the full run
near 15 minutes); rate runs only when named (\`--scenarios rate\`); waiters is n/a there. deep-backlog runs on
one node: its queue is filled by SQL (one message sent through the API, then \`INSERT … SELECT generate_series\`
copies of it with their own ids and bodies, counted by the engine's triggers, then \`VACUUM ANALYZE\`:
bench/pg-fill.ts), and GetQueueAttributes (All) is timed on the full queue and on an empty one of the same
server, alternating (median of 21 calls each).

`
    : ''
}
## Results

${x.table}

How to read it:
- **msgs/s**: messages sent (send, sendbatch) or delivered and deleted (pipeline, fifo, deep-backlog) per second.
- **latency** says what p50/p99 measure: \`request\` = client round trip of one call; \`e2e\` = from the producer's
  timestamp in the message body (taken before signing and sending the batch) to the consumer receiving it; \`wake\` =
  from the start of a SendMessage to the parked long poll's answer; \`health\` = round trip of \`GET /health\` issued
  every 10 ms from a separate worker thread during the waiters scenario — an external, upper-bound measure of the
  server's event-loop delay (it includes the loopback round trip and the client's own scheduling).
- **CPU µs/req, µs/msg**: server CPU time over the window divided by requests completed (every action: sends,
  receives, deletes) or by messages. On this 2-core machine the load generator shares the CPU with the server, so
  throughput is often client-bound; the CPU figures stay meaningful either way.
- **client CPU µs/msg, %**: the load generator's own CPU (the harness process, all threads) over the same window.
  Client and server share the 2 cores, so a server can reach at most (2 cores − its own CPU) ÷ client µs/msg: the
  client column says which throughput ratios are reachable on this machine at all.
- **RSS MB**: the highest resident set sampled during the window (every 200 ms; 100 ms for waiters).
- **× fauxqs / × fauxqs-sqlite / × ceiling**: ratio of msgs/s to that target's, same scenario (throughput scenarios only).
- **lost/dup/order**: messages acknowledged by the server and never received / received twice / received out of
  order within a (producer, message group) on FIFO. \`–\`: not applicable (deep-backlog is not drained).
- Every request is SigV4-signed (a small signer with a cached signing key, checked against @smithy/signature-v4 by
  the smoke test); the JSON protocol over undici keep-alive pools.

Scenario parameters: \`${JSON.stringify(x.config)}\`

## Issue 3 and 4 targets

${x.checks}
`;
}
