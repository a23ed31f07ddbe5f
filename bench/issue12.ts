/**
 * Issue 12's targets (section 2): ratios of one run's medians, side by side. `npm run bench` prints them
 * and puts them first in BENCHMARKS.md ("## Issue 12 targets (summary)"), before the full table.
 */
import type { Cell } from './report.js';
import type { ScenarioName } from './scenarios.js';
import type { TargetName } from './targets.js';

/** One target of issue 12, checked against one run. */
export interface Issue12Row {
  /** What is compared (numerator ÷ denominator, scenario). */
  target: string;
  /** `≥ 0.5×`, `≤ 1.2×`. */
  threshold: string;
  /** The ratio; null when either side was not measured in this run. */
  measured: number | null;
  /** Whether the ratio meets the threshold; null when not measured. */
  met: boolean | null;
  /** The two figures divided, or what was missing. */
  basis: string;
}

/** One side of a ratio: which cell, which figure. */
interface Side {
  target: TargetName;
  scenario: ScenarioName;
  figure: 'msgs/s' | 'CPU µs/msg' | 'p50 ms' | 'GetQueueAttributes full ms' | 'GetQueueAttributes empty ms';
  /** What the basis calls it (default: the target's name). */
  label?: string;
}

function value(cells: Map<string, Cell>, s: Side): number | undefined {
  const c = cells.get(`${s.scenario}|${s.target}`);
  if (!c || c.rounds === 0) return undefined;
  let v: unknown;
  switch (s.figure) {
    case 'msgs/s':
      v = c.msgsPerS;
      break;
    case 'p50 ms':
      v = c.p50Ms;
      break;
    case 'CPU µs/msg':
      // Ferry (every process) + PostgreSQL, summed per run (scenarios.ts baseResult).
      v = c.extra.totalCpuUsPerMsg;
      break;
    case 'GetQueueAttributes full ms':
      v = c.extra.gqaFullMs;
      break;
    case 'GetQueueAttributes empty ms':
      v = c.extra.gqaEmptyMs;
      break;
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const num = (x: number): string => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));
const limitText = (x: number): string => (x < 10 ? x.toFixed(1) : String(x));

function ratioRow(cells: Map<string, Cell>, target: string, cmp: '≥' | '≤', limit: number, a: Side, b: Side, unit: string): Issue12Row {
  const threshold = `${cmp} ${limitText(limit)}×`;
  const x = value(cells, a);
  const y = value(cells, b);
  const describe = (s: Side) => `${s.target} ${s.scenario}${s.figure === 'msgs/s' || s.figure === unit ? '' : ` ${s.figure}`}`;
  if (x === undefined || y === undefined || y === 0) {
    const missing = [x === undefined ? a : undefined, y === undefined ? b : undefined].filter((s): s is Side => s !== undefined);
    return {
      target,
      threshold,
      measured: null,
      met: null,
      basis: missing.length ? `not measured: ${missing.map(describe).join(', ')}` : `not measured: ${describe(b)} is 0`,
    };
  }
  const m = x / y;
  return {
    target,
    threshold,
    measured: m,
    met: cmp === '≥' ? m >= limit : m <= limit,
    basis: `${a.label ?? a.target} ${num(x)} ÷ ${b.label ?? b.target} ${num(y)} ${unit}`,
  };
}

/**
 * Issue 12's targets from one run's cells (medians over its rounds, report.ts summarize), in a fixed
 * order. Pure: the same cells give the same rows.
 */
export function checkIssue12Targets(cells: Map<string, Cell>): Issue12Row[] {
  const rows: Issue12Row[] = [];
  const tp = (target: TargetName, scenario: ScenarioName): Side => ({ target, scenario, figure: 'msgs/s' });
  const add = (target: string, cmp: '≥' | '≤', limit: number, a: Side, b: Side, unit = 'msgs/s') =>
    rows.push(ratioRow(cells, target, cmp, limit, a, b, unit));

  // PostgreSQL, one node vs SQLite.
  for (const [s, limit] of [
    ['send', 0.5],
    ['pipeline', 0.7],
    ['fifo', 0.5],
  ] as const)
    add(`PostgreSQL 1 node ÷ SQLite: ${s}`, '≥', limit, tp('ferry-postgres', s), tp('ferry-sqlite', s));

  // PostgreSQL, three nodes vs one: throughput, then CPU per message (Ferry processes + PostgreSQL).
  for (const s of ['send', 'pipeline', 'fifo'] as const)
    add(`PostgreSQL 3 nodes ÷ 1 node: ${s}`, '≥', 0.9, tp('ferry-postgres-3', s), tp('ferry-postgres', s));
  for (const s of ['send', 'pipeline', 'fifo'] as const)
    add(
      `PostgreSQL 3 nodes ÷ 1 node: ${s} CPU per message (Ferry processes + PostgreSQL)`,
      '≤',
      1.2,
      { target: 'ferry-postgres-3', scenario: s, figure: 'CPU µs/msg' },
      { target: 'ferry-postgres', scenario: s, figure: 'CPU µs/msg' },
      'CPU µs/msg',
    );

  // PostgreSQL on a deep queue.
  const deep = cells.get('deep-backlog|ferry-postgres');
  const prefilled = deep && deep.rounds > 0 && typeof deep.extra.prefilled === 'number' ? deep.extra.prefilled : 1_000_000;
  const depth = Math.round(prefilled).toLocaleString('en-US');
  add(
    `PostgreSQL: GetQueueAttributes, ${depth} queued ÷ empty queue`,
    '≤',
    10,
    { target: 'ferry-postgres', scenario: 'deep-backlog', figure: 'GetQueueAttributes full ms', label: 'full' },
    { target: 'ferry-postgres', scenario: 'deep-backlog', figure: 'GetQueueAttributes empty ms', label: 'empty' },
    'ms',
  );
  add(
    `PostgreSQL: deep-backlog (${depth} queued) ÷ empty-queue pipeline`,
    '≥',
    0.9,
    { ...tp('ferry-postgres', 'deep-backlog'), label: 'deep-backlog' },
    { ...tp('ferry-postgres', 'pipeline'), label: 'pipeline' },
  );

  // Memory engine vs fauxqs: signature checking off on both sides, then Ferry's on.
  for (const [s, limit] of [
    ['send', 1],
    ['sendbatch', 1],
    ['pipeline', 1],
    ['fifo', 2.5],
  ] as const)
    add(`memory, signature checking off ÷ fauxqs: ${s}`, '≥', limit, tp('ferry-memory-nosig', s), tp('fauxqs', s));
  for (const s of ['send', 'sendbatch', 'pipeline'] as const)
    add(`memory, signature checking on ÷ fauxqs: ${s}`, '≥', 0.9, tp('ferry-memory', s), tp('fauxqs', s));

  // Durable SQLite vs in-memory fauxqs; its long-poll wake vs the memory engine's.
  for (const [s, limit] of [
    ['send', 0.7],
    ['pipeline', 0.5],
    ['fifo', 1],
  ] as const)
    add(`SQLite ÷ fauxqs (in memory): ${s}`, '≥', limit, tp('ferry-sqlite', s), tp('fauxqs', s));
  add(
    'SQLite ÷ memory engine: longpoll-wake p50',
    '≤',
    2,
    { target: 'ferry-sqlite', scenario: 'longpoll-wake', figure: 'p50 ms' },
    { target: 'ferry-memory', scenario: 'longpoll-wake', figure: 'p50 ms' },
    'p50 ms',
  );
  return rows;
}

/** The summary section: a count line and one table, met/missed per target. */
export function renderIssue12(rows: Issue12Row[]): string {
  const met = rows.filter((x) => x.met === true).length;
  const missed = rows.filter((x) => x.met === false).length;
  const unmeasured = rows.length - met - missed;
  const lines = [
    `Ratios of this run's medians (issue 12, section 2): **${met} met**, **${missed} missed**, ${unmeasured} not measured in this run.`,
    '',
    '| issue 12 target | threshold | measured | met | from (medians) |',
    '|---|:-:|--:|:-:|---|',
  ];
  for (const x of rows)
    lines.push(
      `| ${x.target} | ${x.threshold} | ${x.measured === null ? '–' : `${x.measured.toFixed(2)}×`} | ${x.met === null ? '–' : x.met ? 'met' : '**missed**'} | ${x.basis} |`,
    );
  return lines.join('\n');
}
