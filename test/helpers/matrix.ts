/**
 * Run the same black-box scenarios against every engine × protocol: one real `ferry serve` process
 * per engine (per test file), driven by the real JSON client and the real Query client.
 */
import { after, before, describe } from 'node:test';
import { makeClient, type Protocol, type SqsCaller } from './clients.js';
import { startFerryProcess, type FerryProcess } from './process.js';

export type EngineName = 'sqlite' | 'memory' | 'postgres';
/** PostgreSQL joins when a test database is available (npm test starts one; see scripts/test.mjs). */
export const ENGINES: readonly EngineName[] = process.env.FERRY_TEST_DATABASE_URL ? ['sqlite', 'memory', 'postgres'] : ['sqlite', 'memory'];
export const PROTOCOLS: readonly Protocol[] = ['json', 'query'];

export interface Target {
  engine: EngineName;
  protocol: Protocol;
  /** Valid inside tests (set in `before`). */
  client: SqsCaller;
  ferry: FerryProcess;
  /** A queue name unique to this target and test. */
  name(base: string): string;
}

let counter = 0;

/**
 * Declare `describe` blocks `<engine>/<protocol>` calling `body(target)`. The process is started with
 * `--skip-cooldowns` so PurgeQueue and name reuse can be exercised quickly (the cool-downs themselves
 * are tested separately).
 */
export function forEachTarget(title: string, body: (t: Target) => void, opts: { args?: string[] } = {}): void {
  for (const engine of ENGINES) {
    describe(`${title} [${engine}]`, () => {
      let ferry: FerryProcess;
      before(async () => {
        ferry = await startFerryProcess({ storage: engine, args: ['--skip-cooldowns', ...(opts.args ?? [])] });
      });
      after(async () => {
        await ferry?.stop();
        ferry?.cleanup();
      });
      for (const protocol of PROTOCOLS) {
        describe(protocol, () => {
          const t = { engine, protocol } as Target;
          before(() => {
            t.ferry = ferry;
            t.client = makeClient(protocol, ferry.url);
          });
          after(() => t.client?.destroy());
          t.name = (base: string) => {
            const fifo = base.endsWith('.fifo');
            const stem = fifo ? base.slice(0, -5) : base;
            return `${stem}-${protocol}-${process.pid}-${++counter}${fifo ? '.fifo' : ''}`;
          };
          body(t);
        });
      }
    });
  }
}
