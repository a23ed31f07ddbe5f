/**
 * Runs the differential cases against one real `ferry serve` process: every case over every wire its
 * recording covers, several at a time (the slow ones mostly wait for visibility timeouts).
 */
import { makeClient, type Protocol, type SqsCaller } from '../helpers/clients.js';
import { startFerryProcess, type FerryProcess } from '../helpers/process.js';
import { CASES } from './cases.js';
import { runCase, type DiffCase, type Outcome } from './harness.js';

export type Engine = 'sqlite' | 'memory' | 'postgres';

/** The engine from FERRY_DIFF_ENGINE (default sqlite). */
export function engineFromEnv(): Engine {
  const e = process.env.FERRY_DIFF_ENGINE ?? 'sqlite';
  if (e !== 'sqlite' && e !== 'memory' && e !== 'postgres') throw new Error(`FERRY_DIFF_ENGINE must be sqlite, memory or postgres, not ${e}`);
  return e;
}

/**
 * Start Ferry for the differential run. Cool-downs stay on (AWS's PurgeQueue rule is one of the cases);
 * every case uses queues of its own, so nothing waits on them.
 */
export function startFerry(engine: Engine): Promise<FerryProcess> {
  return startFerryProcess({ storage: engine });
}

export interface Job {
  case: DiffCase;
  protocol: Protocol;
}

export function jobs(cases: readonly DiffCase[] = CASES): Job[] {
  return cases.flatMap((c) => c.protocols.map((protocol) => ({ case: c, protocol })));
}

/** Run jobs with at most `concurrency` at once; results in job order. */
export async function runAll(ferry: FerryProcess, list: Job[], concurrency = 8): Promise<Outcome[]> {
  const clients: Record<Protocol, SqsCaller> = { json: makeClient('json', ferry.url), query: makeClient('query', ferry.url) };
  const out: Outcome[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= list.length) return;
      const j = list[i]!;
      out[i] = await runCase(j.case, j.protocol, clients[j.protocol], ferry.url);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clients.json.destroy();
    clients.query.destroy();
  }
  return out;
}
