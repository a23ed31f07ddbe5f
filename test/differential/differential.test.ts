/**
 * The differential test: every recorded AWS case (test/differential/cases.ts) replayed through the
 * real clients against a real Ferry. A case must match AWS's recording exactly, unless it is marked
 * known-open (a gap whose fix belongs to the storage engines, listed in docs/aws-differential.md under
 * "Open: storage rules") — and a known-open case that starts matching fails too, so the list stays true.
 *
 * Engines: every engine available by default (PostgreSQL needs FERRY_TEST_DATABASE_URL, which
 * `node scripts/test.mjs` provides), as the conformance matrix does: a rule fixed for AWS must hold on
 * each of them. FERRY_DIFF_ENGINE=sqlite|memory|postgres runs one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FerryProcess } from '../helpers/process.js';
import { CASES } from './cases.js';
import { FIXED_CASES } from './notes.js';
import type { Outcome } from './harness.js';
import { jobs, runAll, startFerry, type Engine } from './run.js';

function engines(): Engine[] {
  const e = process.env.FERRY_DIFF_ENGINE;
  if (e === undefined || e === '' || e === 'all')
    return process.env.FERRY_TEST_DATABASE_URL ? ['sqlite', 'memory', 'postgres'] : ['sqlite', 'memory'];
  if (e === 'memory' || e === 'postgres' || e === 'sqlite') return [e];
  throw new Error(`FERRY_DIFF_ENGINE must be sqlite, memory, postgres or all, not ${e}`);
}

it('case ids are unique and every case names its source', () => {
  const ids = new Set<string>();
  for (const c of CASES) {
    assert.ok(!ids.has(c.id), `duplicate case id ${c.id}`);
    ids.add(c.id);
    assert.ok(c.source.file && c.source.key && c.source.recorded, `${c.id}: source incomplete`);
    assert.ok(c.protocols.length > 0, `${c.id}: no protocol`);
  }
  for (const id of FIXED_CASES) assert.ok(ids.has(id), `notes.ts FIXED_CASES names an unknown case ${id}`);
});

for (const engine of engines()) {
  describe(`AWS differential [${engine}]`, () => {
    let ferry: FerryProcess;
    let outcomes: Outcome[] = [];
    const list = jobs();
    before(async () => {
      ferry = await startFerry(engine);
      outcomes = await runAll(ferry, list);
    });
    after(async () => {
      await ferry?.stop();
      ferry?.cleanup();
    });
    list.forEach((j, i) => {
      it(`${j.case.id} [${j.protocol}]${j.case.open ? ' (known open)' : ''}`, () => {
        const o = outcomes[i]!;
        if (j.case.open) {
          assert.ok(
            !o.match,
            `${j.case.id} is marked known-open but now matches AWS: remove its \`open\` mark and its entry under "Open: storage rules"`,
          );
          return;
        }
        assert.deepEqual(
          o.observed,
          o.expected,
          `${j.case.id} [${j.protocol}] differs from AWS's recording (${j.case.source.file} ${j.case.source.key})`,
        );
      });
    });
  });
}
