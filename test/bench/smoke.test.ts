/**
 * CI's guard against the benchmark harness rotting (issue 3): the harness in its seconds-long smoke mode
 * — tiny durations and sizes, one round, Ferry (memory with and without signature checking + SQLite) and
 * the bare-HTTP ceiling, no fauxqs — must run every scenario and produce well-formed results with zero
 * lost or duplicated messages. When FERRY_TEST_DATABASE_URL is set (`npm test` sets it) ferry-postgres
 * runs too, on the scenarios the PostgreSQL targets run (issue 4), including deep-backlog with its queue
 * filled by SQL (issue 12). Issue 12's summary rows that the smoke's targets can measure must be measured.
 * No performance threshold is asserted here, ever: the numbers live in BENCHMARKS.md.
 */
import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { runBench, smokeOptions } from '../../bench/run.js';
import { ALL_SCENARIOS, applies } from '../../bench/scenarios.js';
import { Signer } from '../../bench/sigv4.js';
import { startTarget } from '../../bench/targets.js';

/** A node:crypto sha256 in the shape @smithy/signature-v4 takes. */
class Sha256 {
  private readonly h;
  constructor(secret?: unknown) {
    this.h = secret ? createHmac('sha256', secret as string | Uint8Array) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

test('the harness signer produces the Authorization header @smithy/signature-v4 does', async () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const date = new Date('2024-05-06T07:08:09Z');
  const body = JSON.stringify({ QueueUrl: 'http://127.0.0.1:9324/000000000000/q', MessageBody: 'hello' });
  const ours = new Signer(credentials, 'eu-west-1').signJson('127.0.0.1:9324', 'AmazonSQS.SendMessage', body, date.getTime());
  const smithy = new SignatureV4({ credentials, region: 'eu-west-1', service: 'sqs', sha256: Sha256, applyChecksum: false });
  const signed = await smithy.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9324,
      path: '/',
      query: {},
      headers: { 'content-type': ours['content-type']!, host: '127.0.0.1:9324', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body,
    },
    { signingDate: date },
  );
  assert.equal(ours['x-amz-date'], signed.headers['x-amz-date']);
  assert.equal(ours.authorization, signed.headers['authorization']);
});

test('bench smoke: every scenario runs and reports well-formed, loss-free results', { timeout: 180_000 }, async () => {
  const o = smokeOptions();
  const lines: string[] = [];
  o.out = (l) => lines.push(l);
  o.progress = () => undefined;
  const report = await runBench(o);

  for (const scenario of ALL_SCENARIOS) {
    for (const target of o.targets) {
      if (!applies(scenario, target)) continue;
      const res = report.results.find((x) => x.scenario === scenario && x.target === target);
      assert.ok(res, `${scenario} on ${target} did not run`);
      assert.equal(res.ok, true, `${scenario} on ${target} failed: ${res.error}`);
      assert.equal(res.errors, 0, `${scenario} on ${target}: request errors: ${res.firstError}`);
      // deep-backlog's consumers may see only prefilled messages (no send timestamp): no e2e latency then.
      const latency = scenario === 'deep-backlog' ? [] : (['p50Ms', 'p99Ms'] as const);
      for (const k of ['windowS', 'requests', 'msgsPerS', 'reqPerS', 'rssMB', 'clientCpuUsPerMsg', 'clientCpuPct', ...latency] as const) {
        assert.ok(Number.isFinite(res[k]) && res[k] >= 0, `${scenario} on ${target}: ${k} = ${res[k]}`);
      }
      assert.ok(res.messages > 0, `${scenario} on ${target}: no messages in the window`);
      if (scenario !== 'deep-backlog') assert.ok(res.latencySamples > 0, `${scenario} on ${target}: no latency samples`);
      if (res.lost !== null) assert.equal(res.lost, 0, `${scenario} on ${target}: ${res.lost} lost`);
      if (res.duplicated !== null) assert.equal(res.duplicated, 0, `${scenario} on ${target}: ${res.duplicated} duplicated`);
      if (scenario === 'fifo') assert.equal(res.orderViolations, 0, `fifo on ${target}: order violations`);
      if (scenario === 'waiters') {
        assert.equal(res.extra.allServed, true, `waiters on ${target}: not all served`);
        assert.equal(res.received, o.cfg.waiterQueues, `waiters on ${target}: delivered ${res.received}`);
      }
      if (scenario === 'deep-backlog') {
        assert.equal(res.extra.prefilled, o.cfg.backlog, `deep-backlog on ${target}: prefilled ${res.extra.prefilled}`);
        // The filled queue is one the engine serves: its count is what was filled.
        assert.equal(res.extra.countAfterFill, o.cfg.backlog, `deep-backlog on ${target}: ApproximateNumberOfMessages ${res.extra.countAfterFill}`);
        for (const k of ['gqaEmptyMs', 'gqaFullMs']) assert.ok(Number(res.extra[k]) > 0, `deep-backlog on ${target}: ${k} = ${res.extra[k]}`);
        // PostgreSQL's queue is filled by SQL (bench/pg-fill.ts), the others' through the API.
        assert.equal(res.extra.fillMethod, target === 'ferry-postgres' ? 'sql' : undefined, `deep-backlog on ${target}: fill method`);
      }
      // The JSON line the harness printed for this run parses back to the same result.
      assert.ok(lines.some((l) => l.startsWith('{') && JSON.parse(l).scenario === scenario && JSON.parse(l).target === target));
    }
  }
  assert.match(report.table, /\| send \| ferry-memory \|/);
  if (process.env.FERRY_TEST_DATABASE_URL) {
    assert.ok(o.targets.includes('ferry-postgres'), 'ferry-postgres is in the smoke when a database is available');
    assert.ok(!report.unavailable.has('ferry-postgres'), `ferry-postgres unavailable: ${report.unavailable.get('ferry-postgres')}`);
  }
  assert.ok(report.checks.length > 0);

  // Issue 12's summary: every row the smoke's targets can measure is measured (no fauxqs, one PostgreSQL node).
  const measurable = [
    'SQLite ÷ memory engine: longpoll-wake p50',
    ...(process.env.FERRY_TEST_DATABASE_URL
      ? [
          'PostgreSQL 1 node ÷ SQLite: send',
          'PostgreSQL 1 node ÷ SQLite: pipeline',
          'PostgreSQL 1 node ÷ SQLite: fifo',
          `PostgreSQL: GetQueueAttributes, ${o.cfg.backlog.toLocaleString('en-US')} queued ÷ empty queue`,
          `PostgreSQL: deep-backlog (${o.cfg.backlog.toLocaleString('en-US')} queued) ÷ empty-queue pipeline`,
        ]
      : []),
  ];
  for (const t of measurable) {
    const row = report.issue12.find((x) => x.target === t);
    assert.ok(row, `issue 12 row "${t}" missing: ${report.issue12.map((x) => x.target).join('; ')}`);
    assert.ok(row.measured !== null && Number.isFinite(row.measured) && row.measured > 0, `issue 12 "${t}": measured ${row.measured} (${row.basis})`);
    assert.equal(typeof row.met, 'boolean', `issue 12 "${t}": met ${row.met}`);
  }
  const nosig = report.issue12.find((x) => x.target === 'memory, signature checking off ÷ fauxqs: send');
  assert.deepEqual(nosig && [nosig.measured, nosig.basis], [null, 'not measured: fauxqs send'], 'fauxqs is not in the smoke');
  assert.ok(
    lines.flatMap((l) => l.split('\n')).some((l) => l.startsWith('| memory, signature checking off ÷ fauxqs: send |')),
    'the summary table is printed',
  );
});

test('ferry-memory-nosig runs with signature checking off, ferry-memory with it on', { timeout: 60_000 }, async () => {
  for (const [name, checked] of [
    ['ferry-memory-nosig', false],
    ['ferry-memory', true],
  ] as const) {
    const t = await startTarget(name);
    try {
      assert.equal(t.info.signatureChecking, checked, `${name}: a wrongly signed request was ${checked ? 'accepted' : 'refused'}`);
    } finally {
      await t.stop();
    }
  }
});

test('layers smoke: the in-process engine, action and request benchmarks run and print well-formed lines', { timeout: 120_000 }, () => {
  const script = join(dirname(fileURLToPath(import.meta.url)), '../../bench/layers.js');
  const runs: string[][] = [
    ['engine', 'memory', 'std', '200'],
    ['engine', 'sqlite', 'fifo', '200'],
    ['actions', 'std', '60'],
    ['actions', 'std', '60', 'metrics', 'sse'],
    ['requests', '50'],
  ];
  const db = process.env.FERRY_TEST_DATABASE_URL;
  if (db) runs.push(['engine', 'postgres', 'fifo', '100']);
  for (const args of runs) {
    const out = execFileSync(process.execPath, [script, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...(db ? { FERRY_BENCH_DATABASE_URL: db } : {}) },
    });
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.length > 0, `layers ${args.join(' ')}: no output`);
    for (const l of lines) {
      if (args[0] === 'requests') {
        for (const k of ['sigv4VerifyUs', 'jsonDecodeUs']) assert.ok(Number(l[k]) > 0, `layers ${args.join(' ')}: ${k} = ${l[k]}`);
      } else {
        assert.ok(Number(l.messages) > 0, `layers ${args.join(' ')}: nothing delivered`);
        if (args[0] === 'actions') assert.equal(l.sse, args.includes('sse'), `layers ${args.join(' ')}: sse = ${String(l.sse)}`);
        for (const k of ['cpuUsPerMsg', 'wallUsPerMsg']) assert.ok(Number(l[k]) > 0, `layers ${args.join(' ')}: ${k} = ${l[k]}`);
      }
    }
  }
});

test('the throughput warm-up lasts until every server process has answered warmRequests, within its bounds', { timeout: 120_000 }, async () => {
  const run = async (warmRequests: number, warmMaxMs: number): Promise<number> => {
    const o = smokeOptions();
    o.out = () => undefined;
    o.progress = () => undefined;
    o.md = null;
    o.rounds = 1;
    o.scenarios = ['send'];
    o.explicitScenarios = true;
    o.targets = ['ceiling'];
    o.cfg = { ...o.cfg, warmupMs: 300, durationMs: 300, warmRequests, warmMaxMs };
    const report = await runBench(o);
    const res = report.results.find((x) => x.scenario === 'send' && x.target === 'ceiling');
    assert.ok(res?.ok, `send on ceiling: ${res?.error}`);
    return Number(res.extra.warmupS);
  };
  // No request goal: the fixed warm-up (up to the 0.1 s the scenario's rounding allows).
  assert.ok((await run(0, 5_000)) < 0.5, 'with warmRequests 0 the warm-up is warmupMs');
  // A goal out of reach: the warm-up ends at warmMaxMs, not before and not much after.
  const capped = await run(1e9, 1_500);
  assert.ok(capped >= 1.4 && capped < 3, `an unreachable goal stops at warmMaxMs: ${capped} s`);
  // A reachable goal: longer than the minimum, shorter than the cap.
  const reached = await run(3_000, 8_000);
  assert.ok(reached >= 0.3 && reached < 7.5, `3,000 requests are answered before the cap: ${reached} s`);
});
