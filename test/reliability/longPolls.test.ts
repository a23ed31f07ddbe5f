/**
 * 10,000 parked long polls on one real `ferry serve` (SQLite), issue 13 §5. The caps are set to allow
 * exactly 10,000 (`--max-long-polls 10000`, 100 per queue over 100 queues); one client process holds
 * the 10,000 connections as raw sockets. Shown:
 *  - every poll parks (ferry_long_polls_waiting reaches 10,000, none answered early);
 *  - /health answers fast while they wait;
 *  - a send wakes one poll of its own queue, and no other;
 *  - the caps refuse beyond the limit with RequestThrottled (both protocols), per queue and in total,
 *    and admit again once a poll has answered;
 *  - the server's RSS stays within a budget (measured ~+40 MiB for the 10,000; budget 400 MiB);
 *  - every poll still parked is answered empty (`{}`) at its WaitTimeSeconds end, not before.
 * The numbers are printed (RELIABILITY.md "10,000 parked long polls").
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { scrape } from '../helpers/prometheus.js';
import { startFerryProcess } from '../helpers/process.js';
import { openFilesLimit, rawPost, rssOf, sqsJson, until, type RawAnswer } from './slowClients.js';

const QUEUES = 100;
const PER_QUEUE = 100;
const TOTAL = QUEUES * PER_QUEUE;
const WAIT_S = 20;
const MiB = 1024 * 1024;
/** Server RSS growth allowed for the 10,000 parked polls (measured ~40 MiB; a leak of 40 KiB a poll fails). */
const RSS_BUDGET = 400 * MiB;
const JSON_HEADERS = { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ReceiveMessage' };

interface Poll {
  queue: number;
  answer: Promise<RawAnswer>;
  result?: RawAnswer;
}

it(
  '10,000 parked long polls: all parked, /health fast, a send wakes its own, capped beyond, answered empty at 20 s',
  { timeout: 180_000 },
  async () => {
    // The client holds 10,000 sockets; scripts/test.mjs raises the soft limit (ulimit -n) for the tests.
    const limit = openFilesLimit();
    assert.ok(limit >= TOTAL + 1000, `this process may open only ${limit} files (ulimit -n); run it through scripts/test.mjs or raise the limit`);
    const f = await startFerryProcess({
      storage: 'sqlite',
      openFiles: true,
      args: ['--max-long-polls', String(TOTAL), '--max-long-polls-per-queue', String(PER_QUEUE), '--log-level', 'warn'],
    });
    try {
      const urls: string[] = [];
      for (let i = 0; i <= QUEUES; i++) urls.push((await sqsJson(f.url, 'CreateQueue', { QueueName: `parked-${i}` })).body.QueueUrl as string);
      const pid = f.proc.pid!;
      const base = rssOf(pid);

      // Open the 10,000 connections first (500 being opened at a time), then put the 10,000 polls —
      // 100 on each of queues 0..99 — to the server in one burst: their 20 s run from when the server
      // reads them, so all must be read within 20 s (on a busy machine, opening and sending one by one
      // took longer than that).
      const polls: Poll[] = [];
      const sends: Array<() => void> = [];
      const openStarted = performance.now();
      for (let from = 0; from < TOTAL; from += 500) {
        const batch: Array<Promise<void>> = [];
        for (let i = from; i < from + 500; i++) {
          const queue = i % QUEUES;
          const p = rawPost(f.port, JSON_HEADERS, JSON.stringify({ QueueUrl: urls[queue], WaitTimeSeconds: WAIT_S }), true);
          const poll: Poll = { queue, answer: p.answer };
          void p.answer.then((r) => (poll.result = r));
          polls.push(poll);
          sends.push(p.send);
          batch.push(p.connected);
        }
        await Promise.all(batch);
      }
      const openMs = performance.now() - openStarted;
      const sendStarted = performance.now();
      for (const send of sends) send();
      const waiting = async () => (await scrape(f.url + '/metrics')).value('ferry_long_polls_waiting') ?? NaN;
      assert.ok(
        await until(async () => (await waiting()) === TOTAL, (WAIT_S - 1) * 1000),
        `parked: ${await waiting()} of ${TOTAL} (the server did not read them all within ${WAIT_S} s)`,
      );
      const parkedMs = performance.now() - sendStarted;
      assert.deepEqual(
        polls.filter((p) => p.result !== undefined).map((p) => p.result),
        [],
        'no poll was answered before its wait ended',
      );

      // /health while 10,000 wait: 50 calls one after another.
      const health: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t = performance.now();
        assert.equal((await fetch(f.url + '/health')).status, 200);
        health.push(performance.now() - t);
      }
      health.sort((a, b) => a - b);
      const rssParked = rssOf(pid);

      // The total cap: a poll on a 101st queue is refused, in both protocols; a short poll is not.
      const overTotal = await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: urls[QUEUES], WaitTimeSeconds: 5 });
      assert.equal(overTotal.status, 403);
      assert.equal(overTotal.body.__type, 'com.amazonaws.sqs#RequestThrottled');
      const query = await fetch(f.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ Action: 'ReceiveMessage', Version: '2012-11-05', QueueUrl: urls[QUEUES]!, WaitTimeSeconds: '5' }),
      });
      assert.equal(query.status, 403);
      assert.match(await query.text(), /<Code>RequestThrottled<\/Code>/);
      assert.equal((await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: urls[QUEUES] })).status, 200);

      // A send to queue 42 wakes one poll of queue 42, with that message; no other poll answers.
      const sent = await sqsJson(f.url, 'SendMessage', { QueueUrl: urls[42], MessageBody: 'for 42' });
      assert.equal(sent.status, 200);
      assert.ok(await until(() => polls.some((p) => p.result !== undefined), 5000), 'no poll was woken by the send');
      await new Promise((r) => setTimeout(r, 500));
      const woken = polls.filter((p) => p.result !== undefined);
      assert.equal(woken.length, 1, `woken: ${woken.length}`);
      assert.equal(woken[0]!.queue, 42);
      const msgs = (JSON.parse(woken[0]!.result!.body) as { Messages?: Array<{ MessageId: string; Body: string }> }).Messages;
      assert.deepEqual(
        msgs?.map((m) => [m.MessageId, m.Body]),
        [[sent.body.MessageId, 'for 42']],
      );

      // The per-queue cap: queue 43 holds its 100, so a 101st is refused while the total has room
      // (9,999); queue 42 has room again, and its new poll is admitted (10,000 again).
      const overQueue = await sqsJson(f.url, 'ReceiveMessage', { QueueUrl: urls[43], WaitTimeSeconds: 5 });
      assert.equal(overQueue.body.__type, 'com.amazonaws.sqs#RequestThrottled');
      const refill = rawPost(f.port, JSON_HEADERS, JSON.stringify({ QueueUrl: urls[42], WaitTimeSeconds: 1 }));
      assert.notEqual(sent.body.MessageId, undefined);
      assert.ok(await until(async () => (await waiting()) === TOTAL, 5000), 'the poll on queue 42 was not admitted');
      const refilled = await refill.answer;
      assert.equal(refilled.status, 200);
      assert.equal(refilled.body, '{}');

      // Every other poll answers empty at the end of its 20 s.
      const results = await Promise.all(polls.map((p) => p.answer));
      const rest = results.filter((_, i) => polls[i] !== woken[0]);
      assert.equal(rest.length, TOTAL - 1);
      const bad = rest.filter((r) => r.status !== 200 || r.body !== '{}');
      assert.deepEqual(bad.slice(0, 5), [], `${bad.length} polls not answered 200 {}`);
      const ms = rest.map((r) => r.ms).sort((a, b) => a - b);
      assert.ok(ms[0]! >= WAIT_S * 1000 - 50, `a poll answered after ${ms[0]} ms, before its ${WAIT_S} s`);
      assert.ok(ms.at(-1)! < (WAIT_S + 10) * 1000, `a poll answered only after ${ms.at(-1)} ms`);
      assert.equal(await waiting(), 0);
      assert.equal((await fetch(f.url + '/health')).status, 200);

      const grew = rssParked - base;
      process.stderr.write(
        `# 10,000 polls: connected in ${Math.round(openMs)} ms, all parked ${Math.round(parkedMs)} ms after their requests were written; ` +
          `/health median ${health[25]!.toFixed(1)} ms, max ${health.at(-1)!.toFixed(1)} ms; ` +
          `RSS ${Math.round(base / MiB)} -> ${Math.round(rssParked / MiB)} MiB (+${Math.round(grew / MiB)}); ` +
          `empty answers after ${(ms[0]! / 1000).toFixed(2)}–${(ms.at(-1)! / 1000).toFixed(2)} s\n`,
      );
      assert.ok(health.at(-1)! < 1000, `/health took ${health.at(-1)} ms while the polls waited`);
      assert.ok(grew < RSS_BUDGET, `RSS grew ${Math.round(grew / MiB)} MiB for 10,000 parked polls (budget ${RSS_BUDGET / MiB} MiB)`);
    } finally {
      await f.stop();
      f.cleanup();
    }
  },
);
