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
  /** The server's clock: `system` (real time) or `manual` (`--clock manual`, advanced over the admin API). */
  clock: ClockName;
  /** A queue name unique to this target and test. */
  name(base: string): string;
  /**
   * Let `seconds` of Ferry's time pass: sleeps for real on the system clock; on the manual clock POSTs
   * `/_ferry/clock {"advanceSeconds": n}` and returns at once (no real waiting).
   */
  elapse(seconds: number): Promise<void>;
}

export type ClockName = 'system' | 'manual';
export const CLOCKS: readonly ClockName[] = ['system', 'manual'];

let counter = 0;

/**
 * Declare `describe` blocks `<engine>/<protocol>` calling `body(target)`. The process is started with
 * `--skip-cooldowns` (unless `skipCooldowns: false`) so PurgeQueue and name reuse can be exercised
 * quickly (the cool-downs themselves are tested separately), and with `--clock manual` when
 * `clock: 'manual'` (then `t.elapse` moves Ferry's clock instead of sleeping).
 */
export function forEachTarget(
  title: string,
  body: (t: Target) => void,
  opts: { args?: string[]; clock?: ClockName; skipCooldowns?: boolean } = {},
): void {
  const clock = opts.clock ?? 'system';
  for (const engine of ENGINES) {
    describe(`${title} [${engine}${clock === 'manual' ? ', manual clock' : ''}]`, () => {
      let ferry: FerryProcess;
      before(async () => {
        const clockArgs = clock === 'manual' ? ['--clock', 'manual'] : [];
        ferry = await startFerryProcess({
          storage: engine,
          args: [...(opts.skipCooldowns === false ? [] : ['--skip-cooldowns']), ...clockArgs, ...(opts.args ?? [])],
        });
      });
      after(async () => {
        await ferry?.stop();
        ferry?.cleanup();
      });
      for (const protocol of PROTOCOLS) {
        describe(protocol, () => {
          const t = { engine, protocol, clock } as Target;
          t.elapse = (seconds: number) => elapse(t.ferry, clock, seconds);
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

/** Run `body` against every engine × protocol once per clock (system, then manual). */
export function forEachTargetAndClock(title: string, body: (t: Target) => void, opts: { args?: string[] } = {}): void {
  for (const clock of CLOCKS) forEachTarget(title, body, { ...opts, clock });
}

async function elapse(ferry: FerryProcess, clock: ClockName, seconds: number): Promise<void> {
  if (clock === 'system') {
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return;
  }
  const res = await fetch(`${ferry.url}/_ferry/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  if (!res.ok) throw new Error(`POST /_ferry/clock answered ${res.status}: ${await res.text()}`);
}
