/** The gauge cache, the registry (one per server), the /metrics route. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import { ManualClock } from '../../../src/core/clock.js';
import { createEventHub } from '../../../src/core/events.js';
import { createMonitoring } from '../../../src/monitoring/index.js';
import { GaugeCache } from '../../../src/monitoring/gaugeCache.js';
import type { GaugeSnapshot } from '../../../src/storage/engine.js';
import { MemoryEngine } from '../../../src/storage/memory/index.js';
import { SeededRandom } from '../../../src/core/random.js';
import { parsePrometheus } from '../../helpers/prometheus.js';

const snap = (n: number): GaugeSnapshot => ({
  at: n,
  queues: [{ queueId: 'id', accountId: '000000000000', name: 'q', fifo: false, visible: n, inflight: 0, delayed: 0, groupsWithInflight: 0 }],
});

describe('GaugeCache', () => {
  it('reuses a snapshot younger than its age, and shares one read among concurrent callers', async () => {
    const clock = new ManualClock();
    let reads = 0;
    let release: (() => void) | undefined;
    const cache = new GaugeCache(
      async () => {
        reads++;
        await new Promise<void>((r) => (release = r));
        return snap(reads);
      },
      clock,
      2_000,
    );
    const a = cache.get();
    const b = cache.get();
    release!();
    assert.deepEqual([await a, await b], [snap(1), snap(1)]);
    assert.equal(reads, 1, 'one read for both');
    clock.advance(1_999);
    assert.deepEqual(await cache.get(), snap(1));
    clock.advance(1);
    const c = cache.get();
    release!();
    assert.deepEqual(await c, snap(2));
  });

  it('a caller that finds a read begun too long ago queues one fresh read behind it (still one at a time)', async () => {
    const clock = new ManualClock();
    const started: number[] = [];
    const releases: Array<() => void> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const cache = new GaugeCache(
      async () => {
        started.push(clock.now());
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((r) => releases.push(r));
        inFlight--;
        return snap(clock.now());
      },
      clock,
      0,
    );
    const first = cache.get(); // begins at t0
    clock.advance(5_000);
    const second = cache.get(); // the first read began before this ask: it waits, then reads afresh
    const third = cache.get(); // shares the second's fresh read
    releases.shift()!();
    assert.equal((await first).at, clock.now());
    await new Promise((r) => setImmediate(r));
    assert.equal(started.length, 2);
    releases.shift()!();
    assert.deepEqual([(await second).at, (await third).at], [clock.now(), clock.now()]);
    assert.deepEqual(started, [started[0], started[0]! + 5_000]);
    assert.equal(maxInFlight, 1);
  });

  it('a failed read answers with the last snapshot (and reports), or rejects when there is none', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    let fail = true;
    const cache = new GaugeCache(
      async () => {
        if (fail) throw new Error('db down');
        return snap(7);
      },
      clock,
      0,
      (e) => errors.push(e),
    );
    await assert.rejects(cache.get(), /db down/);
    fail = false;
    assert.deepEqual(await cache.get(), snap(7));
    fail = true;
    assert.deepEqual(await cache.get(), snap(7));
    assert.equal(errors.length, 2);
  });
});

describe('createMonitoring', () => {
  it('each server has its own registry: two monitors in one process do not mix', async () => {
    const mk = async () => {
      const engine = new MemoryEngine({ clock: new ManualClock(), random: new SeededRandom('x') });
      await engine.init();
      const events = createEventHub();
      const m = createMonitoring({
        engine,
        events,
        clock: new ManualClock(),
        endpoint: { host: '127.0.0.1', queueGauges: true },
        gaugeMaxAgeMs: 0,
        build: { version: 't', storage: 'memory' },
        sampler: false,
      });
      return { engine, events, m };
    };
    const a = await mk();
    const b = await mk();
    a.m.recordRequest('ListQueues', 'OK', 3);
    a.m.recordRequest(undefined, 'InvalidAction', 1);
    const ta = parsePrometheus(await a.m.metrics());
    const tb = parsePrometheus(await b.m.metrics());
    assert.equal(ta.value('ferry_requests_total', { action: 'ListQueues', code: 'OK' }), 1);
    assert.equal(ta.value('ferry_requests_total', { action: 'unknown', code: 'InvalidAction' }), 1);
    assert.equal(tb.value('ferry_requests_total', { action: 'ListQueues', code: 'OK' }), undefined);
    assert.equal(a.events.active, true, 'monitoring listens to the event hub');
    await a.m.close();
    assert.equal(a.events.active, false, 'and stops on close');
    await b.m.close();
  });

  it('overview: the queue list is always current, the figures up to the cache age old', async () => {
    const clock = new ManualClock();
    const engine = new MemoryEngine({ clock, random: new SeededRandom('o') });
    await engine.init();
    const m = createMonitoring({
      engine,
      events: createEventHub(),
      clock,
      gaugeMaxAgeMs: 60_000,
      build: { version: 't', storage: 'memory' },
      sampler: false,
    });
    const mk = async (name: string) =>
      (await engine.queueCreate({ accountId: '000000000000', name, fifo: false, attributes: {}, tags: {}, reuseDelayMs: 0 })).queue;
    const a = await mk('a');
    assert.deepEqual(
      (await m.monitor.overview()).map((q) => q.name),
      ['a'],
    );
    await engine.messageSend({
      queueId: a.id,
      messages: [{ messageId: 'm', body: 'x', md5OfBody: 'x', messageAttributes: {}, systemAttributes: {}, delayMs: 0, senderId: 's' }],
      dedupWindowMs: 1,
    });
    assert.equal((await m.monitor.overview())[0]!.visible, 0, 'figures come from the cached read');
    await mk('b'); // a queue the cached read does not know: read afresh
    const after = await m.monitor.overview();
    assert.deepEqual(
      after.map((q) => [q.name, q.visible]),
      [
        ['a', 1],
        ['b', 0],
      ],
    );
    await engine.queueDelete(a.id); // gone at once, without a read
    assert.deepEqual(
      (await m.monitor.overview()).map((q) => q.name),
      ['b'],
    );
    await m.close();
  });

  it('the /metrics route: token, methods, HEAD, other paths not claimed', async () => {
    const engine = new MemoryEngine({ clock: new ManualClock(), random: new SeededRandom('y') });
    await engine.init();
    const m = createMonitoring({
      engine,
      events: createEventHub(),
      clock: new ManualClock(),
      endpoint: { host: '127.0.0.1', queueGauges: true, token: 'tkn' },
      gaugeMaxAgeMs: 0,
      build: { version: 't', storage: 'memory' },
      sampler: false,
    });
    const route = m.route!;
    const server = http.createServer((req, res) => {
      if (!route(req, res)) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const auth = { authorization: 'Bearer tkn' };
      assert.equal((await fetch(`${base}/metrics`)).status, 401);
      assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer tkn2' } })).status, 401);
      const ok = await fetch(`${base}/metrics?x=1`, { headers: auth });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /# TYPE ferry_build_info gauge/);
      const head = await fetch(`${base}/metrics`, { method: 'HEAD', headers: auth });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      assert.equal((await fetch(`${base}/metrics`, { method: 'DELETE', headers: auth })).status, 405);
      assert.equal((await fetch(`${base}/metricsx`)).status, 418, 'another path is left to the next route');
    } finally {
      server.close();
      await m.close();
    }
  });
});
