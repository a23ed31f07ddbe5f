/**
 * The PostgreSQL engine's group-commit machinery (src/storage/postgres/groupCommit.ts) on its own,
 * with a fake batch runner: a lone request goes after one event-loop turn, the requests of one turn
 * share that first batch, requests that arrive during a batch share the next one in arrival order, batches are bounded by count and bytes, every request is answered only
 * after its batch finished, and one failing member fails only itself. The SQL of each combined path is
 * tested against a real database in test/storage-contract/postgres-groupcommit.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DomainError } from '../../../src/errors/domain.js';
import { GroupCommit, type MemberOutcome } from '../../../src/storage/postgres/groupCommit.js';

/** A runner whose batches finish when the test says so; records every batch it was given. */
function gate(fail?: (q: number, batch: number[]) => unknown) {
  const batches: number[][] = [];
  const open: Array<() => void> = [];
  const run = async (qs: number[]): Promise<Array<MemberOutcome<number>>> => {
    batches.push(qs);
    await new Promise<void>((r) => open.push(r));
    const outcomes: Array<MemberOutcome<number>> = [];
    for (const q of qs) {
      const e = fail?.(q, qs);
      if (e instanceof Error && (e as { batchWide?: boolean }).batchWide) throw e;
      outcomes.push(e === undefined ? { ok: true, value: q * 10 } : { ok: false, error: e });
    }
    return outcomes;
  };
  const release = async (): Promise<void> => {
    // Let submitted work reach the runner, then finish the oldest open batch.
    for (let i = 0; i < 5 && open.length === 0; i++) await new Promise((r) => setImmediate(r));
    open.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, run, release };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('postgres group commit (unit)', () => {
  it('a lone request goes after one event-loop turn, alone; later arrivals share the next batch in arrival order', async () => {
    const g = gate();
    const gc = new GroupCommit(g.run, { maxCount: 100, maxBytes: 1_000, size: () => 1 });
    const first = gc.submit(1);
    await tick();
    assert.deepEqual(g.batches, [[1]], 'the first request did not wait for company');
    const rest = [2, 3, 4, 5].map((q) => gc.submit(q));
    await tick();
    assert.equal(g.batches.length, 1, 'nothing else runs while the batch is in flight');
    let answered = false;
    void first.then(() => (answered = true));
    await tick();
    assert.equal(answered, false, 'not answered before its batch finished');
    await g.release();
    assert.equal(await first, 10);
    assert.deepEqual(g.batches[1], [2, 3, 4, 5]);
    await g.release();
    assert.deepEqual(await Promise.all(rest), [20, 30, 40, 50]);
    assert.deepEqual(gc.stats(), { batches: 2, largest: 4 });
  });

  it('the requests of one event-loop turn share the first batch (none goes alone ahead of the others)', async () => {
    const g = gate();
    const gc = new GroupCommit(g.run, { maxCount: 100, maxBytes: 1_000, size: () => 1 });
    const all = [1, 2, 3].map((q) => gc.submit(q));
    assert.deepEqual(g.batches, [], 'nothing starts before the turn ends');
    await tick();
    assert.deepEqual(g.batches, [[1, 2, 3]], 'the requests that arrived together ran as one batch');
    await g.release();
    assert.deepEqual(await Promise.all(all), [10, 20, 30]);
    // Idle again: the next lone request waits one turn, no more.
    const lone = gc.submit(4);
    await tick();
    assert.deepEqual(g.batches, [[1, 2, 3], [4]]);
    await g.release();
    assert.equal(await lone, 40);
    assert.deepEqual(gc.stats(), { batches: 2, largest: 3 });
  });

  it('batches are bounded by count and by bytes (the first of a batch always goes)', async () => {
    const g = gate();
    const gc = new GroupCommit(g.run, { maxCount: 3, maxBytes: 10, size: (q) => (q >= 100 ? 8 : 1) });
    const all = [1, 2, 3, 4, 5, 6, 100, 101, 7, 500].map((q) => gc.submit(q));
    for (let i = 0; i < 8; i++) await g.release();
    await Promise.all(all);
    assert.deepEqual(g.batches, [[1, 2, 3], [4, 5, 6], [100], [101, 7], [500]]);
    for (const b of g.batches) assert.ok(b.length <= 3);
  });

  it('maxInFlight batches run at once', async () => {
    const g = gate();
    const gc = new GroupCommit(g.run, { maxCount: 100, maxBytes: 100, size: () => 1, maxInFlight: 2 });
    const all = [gc.submit(1)];
    await tick();
    all.push(gc.submit(2));
    await tick();
    assert.deepEqual(g.batches, [[1], [2]], 'a second batch starts while the first runs');
    all.push(gc.submit(3), gc.submit(4));
    await tick();
    assert.deepEqual(g.batches, [[1], [2]], 'no third batch while two run');
    for (let i = 0; i < 3; i++) await g.release();
    await Promise.all(all);
    assert.deepEqual(g.batches, [[1], [2], [3, 4]]);
  });

  it("a member's own failure fails only that member", async () => {
    const g = gate((q) => (q === 3 ? new DomainError('QueueNotFound', 'gone') : undefined));
    const gc = new GroupCommit(g.run, { maxCount: 100, maxBytes: 100, size: () => 1 });
    const all = [1, 2, 3, 4].map((q) =>
      gc.submit(q).then(
        (v) => ({ v }),
        (e: unknown) => ({ e }),
      ),
    );
    for (let i = 0; i < 3; i++) await g.release();
    const out = await Promise.all(all);
    assert.deepEqual(out.slice(0, 2), [{ v: 10 }, { v: 20 }]);
    assert.ok(out[2] && 'e' in out[2] && out[2].e instanceof DomainError);
    assert.deepEqual(out[3], { v: 40 });
  });

  it('a batch statement that fails is re-run member by member: one bad member does not fail the others', async () => {
    // Member 3 makes any batch holding it throw a statement error (as PostgreSQL refusing its body would).
    const bad = Object.assign(new Error('invalid byte sequence'), { batchWide: true, code: '22021', severity: 'ERROR' });
    const g = gate((q) => (q === 3 ? bad : undefined));
    const gc = new GroupCommit(g.run, { maxCount: 100, maxBytes: 100, size: () => 1 });
    const all = [1, 2, 3, 4].map((q) =>
      gc.submit(q).then(
        (v) => ({ v }),
        (e: unknown) => ({ e }),
      ),
    );
    for (let i = 0; i < 8; i++) await g.release();
    const out = await Promise.all(all);
    assert.deepEqual(out, [{ v: 10 }, { v: 20 }, { e: bad }, { v: 40 }]);
    assert.deepEqual(g.batches, [[1, 2, 3, 4], [1], [2], [3], [4]], 'after the failed batch, each member alone, in order');
  });

  it('a failure of the database service fails the whole batch and is not re-run (its COMMIT may have happened)', async () => {
    const down = Object.assign(new DomainError('Unavailable', 'postgres: Connection terminated'), { batchWide: true });
    const g = gate((q) => (q === 2 ? down : undefined));
    const gc = new GroupCommit(g.run, { maxCount: 100, maxBytes: 100, size: () => 1 });
    const submit = (q: number) =>
      gc.submit(q).then(
        (v) => ({ v }),
        (e: unknown) => ({ e }),
      );
    const all = [submit(1)];
    await tick(); // 1 runs alone; 2 and 3 share the next batch
    all.push(submit(2), submit(3));
    for (let i = 0; i < 4; i++) await g.release();
    const out = await Promise.all(all);
    assert.deepEqual(out, [{ v: 10 }, { e: down }, { e: down }]);
    assert.equal(g.batches.length, 2);
  });
});
