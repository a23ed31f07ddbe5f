/**
 * Issue 12's summary of ratio targets (bench/issue12.ts): fake results of one run in, exact rows out.
 * Pure — no server, no timing.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { checkIssue12Targets, renderIssue12, type Issue12Row } from '../../bench/issue12.js';
import { summarize } from '../../bench/report.js';
import { roundsOf } from '../../bench/run.js';
import { failedResult, type ScenarioName, type ScenarioResult } from '../../bench/scenarios.js';
import type { TargetName } from '../../bench/targets.js';

/** A successful result of one round with these figures. */
function ok(
  scenario: ScenarioName,
  target: TargetName,
  msgsPerS: number,
  o: { round?: number; p50Ms?: number; extra?: ScenarioResult['extra'] } = {},
): ScenarioResult {
  return {
    ...failedResult(scenario, target, o.round ?? 1, new Error('unused')),
    ok: true,
    error: undefined,
    msgsPerS,
    p50Ms: o.p50Ms ?? 1,
    extra: o.extra ?? {},
  } as ScenarioResult;
}

/** One run's results: every figure issue 12 divides, chosen so each ratio is an exact quotient. */
function fullRun(): ScenarioResult[] {
  return [
    ok('send', 'ferry-sqlite', 2000),
    ok('pipeline', 'ferry-sqlite', 1000),
    ok('fifo', 'ferry-sqlite', 800),
    ok('longpoll-wake', 'ferry-sqlite', 10, { p50Ms: 3 }),
    // Three rounds and a failed one: the median (1000) counts, the failure does not.
    ok('send', 'ferry-postgres', 900, { round: 1, extra: { totalCpuUsPerMsg: 990 } }),
    ok('send', 'ferry-postgres', 1000, { round: 2, extra: { totalCpuUsPerMsg: 1000 } }),
    ok('send', 'ferry-postgres', 5000, { round: 3, extra: { totalCpuUsPerMsg: 4000 } }),
    failedResult('send', 'ferry-postgres', 4, new Error('crashed')),
    ok('pipeline', 'ferry-postgres', 600, { extra: { totalCpuUsPerMsg: 500 } }),
    ok('fifo', 'ferry-postgres', 500, { extra: { totalCpuUsPerMsg: 2000 } }),
    ok('deep-backlog', 'ferry-postgres', 540, { extra: { prefilled: 1_000_000, gqaEmptyMs: 0.5, gqaFullMs: 2.5 } }),
    ok('send', 'ferry-postgres-3', 950, { extra: { totalCpuUsPerMsg: 1200 } }),
    ok('pipeline', 'ferry-postgres-3', 480, { extra: { totalCpuUsPerMsg: 750 } }),
    ok('fifo', 'ferry-postgres-3', 500, { extra: { totalCpuUsPerMsg: 1000 } }),
    ok('send', 'ferry-memory-nosig', 3000),
    ok('sendbatch', 'ferry-memory-nosig', 9000),
    ok('pipeline', 'ferry-memory-nosig', 2000),
    ok('fifo', 'ferry-memory-nosig', 2000),
    ok('send', 'ferry-memory', 2700),
    ok('sendbatch', 'ferry-memory', 8000),
    ok('pipeline', 'ferry-memory', 1600),
    ok('longpoll-wake', 'ferry-memory', 10, { p50Ms: 1.5 }),
    ok('send', 'fauxqs', 3000),
    ok('sendbatch', 'fauxqs', 10000),
    ok('pipeline', 'fauxqs', 1600),
    ok('fifo', 'fauxqs', 1000),
  ];
}

const FULL_ROWS: Issue12Row[] = [
  {
    target: 'PostgreSQL 1 node ÷ SQLite: send',
    threshold: '≥ 0.5×',
    measured: 0.5,
    met: true,
    basis: 'ferry-postgres 1,000 ÷ ferry-sqlite 2,000 msgs/s',
  },
  {
    target: 'PostgreSQL 1 node ÷ SQLite: pipeline',
    threshold: '≥ 0.7×',
    measured: 0.6,
    met: false,
    basis: 'ferry-postgres 600 ÷ ferry-sqlite 1,000 msgs/s',
  },
  {
    target: 'PostgreSQL 1 node ÷ SQLite: fifo',
    threshold: '≥ 0.5×',
    measured: 0.625,
    met: true,
    basis: 'ferry-postgres 500 ÷ ferry-sqlite 800 msgs/s',
  },
  {
    target: 'PostgreSQL 3 nodes ÷ 1 node: send',
    threshold: '≥ 0.9×',
    measured: 0.95,
    met: true,
    basis: 'ferry-postgres-3 950 ÷ ferry-postgres 1,000 msgs/s',
  },
  {
    target: 'PostgreSQL 3 nodes ÷ 1 node: pipeline',
    threshold: '≥ 0.9×',
    measured: 0.8,
    met: false,
    basis: 'ferry-postgres-3 480 ÷ ferry-postgres 600 msgs/s',
  },
  {
    target: 'PostgreSQL 3 nodes ÷ 1 node: fifo',
    threshold: '≥ 0.9×',
    measured: 1,
    met: true,
    basis: 'ferry-postgres-3 500 ÷ ferry-postgres 500 msgs/s',
  },
  {
    target: 'PostgreSQL 3 nodes ÷ 1 node: send CPU per message (Ferry processes + PostgreSQL)',
    threshold: '≤ 1.2×',
    measured: 1.2,
    met: true,
    basis: 'ferry-postgres-3 1,200 ÷ ferry-postgres 1,000 CPU µs/msg',
  },
  {
    target: 'PostgreSQL 3 nodes ÷ 1 node: pipeline CPU per message (Ferry processes + PostgreSQL)',
    threshold: '≤ 1.2×',
    measured: 1.5,
    met: false,
    basis: 'ferry-postgres-3 750 ÷ ferry-postgres 500 CPU µs/msg',
  },
  {
    target: 'PostgreSQL 3 nodes ÷ 1 node: fifo CPU per message (Ferry processes + PostgreSQL)',
    threshold: '≤ 1.2×',
    measured: 0.5,
    met: true,
    basis: 'ferry-postgres-3 1,000 ÷ ferry-postgres 2,000 CPU µs/msg',
  },
  {
    target: 'PostgreSQL: GetQueueAttributes, 1,000,000 queued ÷ empty queue',
    threshold: '≤ 10×',
    measured: 5,
    met: true,
    basis: 'full 2.50 ÷ empty 0.50 ms',
  },
  {
    target: 'PostgreSQL: deep-backlog (1,000,000 queued) ÷ empty-queue pipeline',
    threshold: '≥ 0.9×',
    measured: 540 / 600,
    met: true,
    basis: 'deep-backlog 540 ÷ pipeline 600 msgs/s',
  },
  {
    target: 'memory, signature checking off ÷ fauxqs: send',
    threshold: '≥ 1.0×',
    measured: 1,
    met: true,
    basis: 'ferry-memory-nosig 3,000 ÷ fauxqs 3,000 msgs/s',
  },
  {
    target: 'memory, signature checking off ÷ fauxqs: sendbatch',
    threshold: '≥ 1.0×',
    measured: 0.9,
    met: false,
    basis: 'ferry-memory-nosig 9,000 ÷ fauxqs 10,000 msgs/s',
  },
  {
    target: 'memory, signature checking off ÷ fauxqs: pipeline',
    threshold: '≥ 1.0×',
    measured: 1.25,
    met: true,
    basis: 'ferry-memory-nosig 2,000 ÷ fauxqs 1,600 msgs/s',
  },
  {
    target: 'memory, signature checking off ÷ fauxqs: fifo',
    threshold: '≥ 2.5×',
    measured: 2,
    met: false,
    basis: 'ferry-memory-nosig 2,000 ÷ fauxqs 1,000 msgs/s',
  },
  {
    target: 'memory, signature checking on ÷ fauxqs: send',
    threshold: '≥ 0.9×',
    measured: 0.9,
    met: true,
    basis: 'ferry-memory 2,700 ÷ fauxqs 3,000 msgs/s',
  },
  {
    target: 'memory, signature checking on ÷ fauxqs: sendbatch',
    threshold: '≥ 0.9×',
    measured: 0.8,
    met: false,
    basis: 'ferry-memory 8,000 ÷ fauxqs 10,000 msgs/s',
  },
  {
    target: 'memory, signature checking on ÷ fauxqs: pipeline',
    threshold: '≥ 0.9×',
    measured: 1,
    met: true,
    basis: 'ferry-memory 1,600 ÷ fauxqs 1,600 msgs/s',
  },
  {
    target: 'SQLite ÷ fauxqs (in memory): send',
    threshold: '≥ 0.7×',
    measured: 2000 / 3000,
    met: false,
    basis: 'ferry-sqlite 2,000 ÷ fauxqs 3,000 msgs/s',
  },
  {
    target: 'SQLite ÷ fauxqs (in memory): pipeline',
    threshold: '≥ 0.5×',
    measured: 0.625,
    met: true,
    basis: 'ferry-sqlite 1,000 ÷ fauxqs 1,600 msgs/s',
  },
  { target: 'SQLite ÷ fauxqs (in memory): fifo', threshold: '≥ 1.0×', measured: 0.8, met: false, basis: 'ferry-sqlite 800 ÷ fauxqs 1,000 msgs/s' },
  {
    target: 'SQLite ÷ memory engine: longpoll-wake p50',
    threshold: '≤ 2.0×',
    measured: 2,
    met: true,
    basis: 'ferry-sqlite 3.00 ÷ ferry-memory 1.50 p50 ms',
  },
];

test('issue 12 targets: every ratio from one run, medians over rounds, thresholds inclusive', () => {
  assert.deepEqual(checkIssue12Targets(summarize(fullRun())), FULL_ROWS);
});

test('issue 12 targets: a side missing from the run leaves its rows unmeasured and says which', () => {
  // No three-node run, no deep backlog, no fauxqs, and a PostgreSQL figure without database CPU.
  const results = fullRun().filter(
    (x) => x.target !== 'ferry-postgres-3' && x.target !== 'fauxqs' && !(x.scenario === 'deep-backlog' && x.target === 'ferry-postgres'),
  );
  results.push(ok('send', 'ferry-postgres-3', 950));
  const rows = checkIssue12Targets(summarize(results));
  assert.equal(rows.length, FULL_ROWS.length);
  const byTarget = new Map(rows.map((x) => [x.target, x]));
  assert.deepEqual(byTarget.get('PostgreSQL 1 node ÷ SQLite: send'), FULL_ROWS[0]);
  assert.deepEqual(byTarget.get('PostgreSQL 3 nodes ÷ 1 node: send'), FULL_ROWS[3]);
  assert.deepEqual(byTarget.get('PostgreSQL 3 nodes ÷ 1 node: pipeline'), {
    target: 'PostgreSQL 3 nodes ÷ 1 node: pipeline',
    threshold: '≥ 0.9×',
    measured: null,
    met: null,
    basis: 'not measured: ferry-postgres-3 pipeline',
  });
  assert.deepEqual(byTarget.get('PostgreSQL 3 nodes ÷ 1 node: send CPU per message (Ferry processes + PostgreSQL)'), {
    target: 'PostgreSQL 3 nodes ÷ 1 node: send CPU per message (Ferry processes + PostgreSQL)',
    threshold: '≤ 1.2×',
    measured: null,
    met: null,
    basis: 'not measured: ferry-postgres-3 send',
  });
  // Without a deep-backlog run the label falls back to the issue's depth.
  assert.deepEqual(byTarget.get('PostgreSQL: GetQueueAttributes, 1,000,000 queued ÷ empty queue'), {
    target: 'PostgreSQL: GetQueueAttributes, 1,000,000 queued ÷ empty queue',
    threshold: '≤ 10×',
    measured: null,
    met: null,
    basis: 'not measured: ferry-postgres deep-backlog GetQueueAttributes full ms, ferry-postgres deep-backlog GetQueueAttributes empty ms',
  });
  assert.deepEqual(byTarget.get('memory, signature checking off ÷ fauxqs: fifo'), {
    target: 'memory, signature checking off ÷ fauxqs: fifo',
    threshold: '≥ 2.5×',
    measured: null,
    met: null,
    basis: 'not measured: fauxqs fifo',
  });
  assert.deepEqual(byTarget.get('SQLite ÷ memory engine: longpoll-wake p50'), FULL_ROWS[FULL_ROWS.length - 1]);
});

test('issue 12 targets: the smoke-sized deep backlog names its real depth', () => {
  const rows = checkIssue12Targets(
    summarize([
      ok('deep-backlog', 'ferry-postgres', 100, { extra: { prefilled: 3000, gqaEmptyMs: 1, gqaFullMs: 12 } }),
      ok('pipeline', 'ferry-postgres', 400),
    ]),
  );
  const gqa = rows.find((x) => x.target.startsWith('PostgreSQL: GetQueueAttributes'));
  assert.deepEqual(gqa, {
    target: 'PostgreSQL: GetQueueAttributes, 3,000 queued ÷ empty queue',
    threshold: '≤ 10×',
    measured: 12,
    met: false,
    basis: 'full 12.00 ÷ empty 1.00 ms',
  });
  const deep = rows.find((x) => x.target.startsWith('PostgreSQL: deep-backlog'));
  assert.deepEqual(deep, {
    target: 'PostgreSQL: deep-backlog (3,000 queued) ÷ empty-queue pipeline',
    threshold: '≥ 0.9×',
    measured: 0.25,
    met: false,
    basis: 'deep-backlog 100 ÷ pipeline 400 msgs/s',
  });
});

test('issue 12 summary table: a count line, then one row per target with met / missed / –', () => {
  const rows: Issue12Row[] = [
    FULL_ROWS[0]!,
    FULL_ROWS[1]!,
    { target: 'PostgreSQL 3 nodes ÷ 1 node: fifo', threshold: '≥ 0.9×', measured: null, met: null, basis: 'not measured: ferry-postgres-3 fifo' },
  ];
  assert.equal(
    renderIssue12(rows),
    [
      "Ratios of this run's medians (issue 12, section 2): **1 met**, **1 missed**, 1 not measured in this run.",
      '',
      '| issue 12 target | threshold | measured | met | from (medians) |',
      '|---|:-:|--:|:-:|---|',
      '| PostgreSQL 1 node ÷ SQLite: send | ≥ 0.5× | 0.50× | met | ferry-postgres 1,000 ÷ ferry-sqlite 2,000 msgs/s |',
      '| PostgreSQL 1 node ÷ SQLite: pipeline | ≥ 0.7× | 0.60× | **missed** | ferry-postgres 600 ÷ ferry-sqlite 1,000 msgs/s |',
      '| PostgreSQL 3 nodes ÷ 1 node: fifo | ≥ 0.9× | – | – | not measured: ferry-postgres-3 fifo |',
    ].join('\n'),
  );
});

test('issue 12 deep backlog: a median of every round on ferry-postgres, heavyRounds elsewhere', () => {
  const o = { rounds: 5, heavyRounds: 1 };
  assert.equal(roundsOf('deep-backlog', 'ferry-postgres', o), 5);
  assert.equal(roundsOf('deep-backlog', 'ferry-sqlite', o), 1);
  assert.equal(roundsOf('deep-backlog', 'fauxqs', o), 1);
  assert.equal(roundsOf('waiters', 'ferry-postgres', o), 1);
  assert.equal(roundsOf('pipeline', 'ferry-memory', o), 5);
  // heavyRounds never exceeds the run's rounds.
  assert.equal(roundsOf('waiters', 'ferry-memory', { rounds: 2, heavyRounds: 3 }), 2);
});
