/**
 * The reliability campaign (`npm run reliability`, `npm run fuzz`): a small registry of steps, each run
 * against real Ferry processes and reporting one row of the table — load held, faults survived, inputs
 * tried, messages lost. Other parts (crash loops, disk full, failover) plug in with `registerStep`
 * (or by adding to STEPS) and get their row in the same table.
 *
 * This module has no side effects on import (node --test loads every file of this folder);
 * scripts/reliability.mjs is the command-line entry.
 */
import { startFerryProcess } from '../helpers/process.js';
import { killableCluster, runCrashLoop, type CrashLoopResult } from './campaigns/crashLoop.js';
import { cannotMount, runDiskFullCampaign } from './campaigns/diskFull.js';
import { runShutdownUnderLoad } from './campaigns/shutdown.js';
import { runSoak } from './campaigns/soak.js';
import { runFuzz } from './fuzz.js';
import { sqsJson, stallBodies, trickle, rssOf, until } from './slowClients.js';

/** One row of the table. */
export interface StepResult {
  /** What load or abuse was held (human-readable, e.g. "4 clients, 3 min"). */
  load: string;
  /** Faults injected and survived / injected (e.g. 30/30 kill -9). */
  faultsSurvived: string;
  /** Inputs tried (fuzz requests, operations). */
  inputs: number;
  /** Acknowledged messages lost (must be 0). */
  messagesLost: number;
  ok: boolean;
  /** What went wrong, when not ok. */
  notes?: string;
}

export interface CampaignStep {
  name: string;
  /**
   * `seconds`: the campaign's time budget per long step (fuzz minutes); short steps ignore it. `seed`:
   * the fuzz's seed, to replay a run's inputs (other steps ignore it).
   */
  run(opts: { seconds: number; seed?: number }): Promise<StepResult>;
}

const STEPS: CampaignStep[] = [];

/** Add a step (crash loops, disk full, …) to the campaign. */
export function registerStep(step: CampaignStep): void {
  STEPS.push(step);
}

export function steps(): readonly CampaignStep[] {
  return STEPS;
}

registerStep({
  name: 'fuzz (both protocols, every action)',
  async run({ seconds, seed }) {
    const f = await startFerryProcess({ storage: 'sqlite', args: ['--skip-cooldowns'] });
    try {
      const r = await runFuzz(f.url, { seconds, seed, concurrency: 4 });
      const alive = f.proc.exitCode === null && (await fetch(f.url + '/health')).status === 200;
      return {
        load: `4 clients, ${seconds} s, seed ${r.seed}; ${r.resent} resent on a fresh connection (idle keep-alive closed under them)`,
        faultsSurvived: '—',
        inputs: r.inputs,
        messagesLost: 0,
        ok: r.failureCount === 0 && alive,
        notes: r.failureCount > 0 ? r.failures.slice(0, 3).join('\n') : alive ? undefined : 'the process died or /health failed',
      };
    } finally {
      await f.stop();
      f.cleanup();
    }
  },
});

registerStep({
  name: 'slow clients (headers, bodies, stalled uploads)',
  async run() {
    const f = await startFerryProcess({
      storage: 'memory',
      args: ['--headers-timeout-ms', '1000', '--request-timeout-ms', '2000', '--max-buffered-body-bytes', String(16 * 1024 * 1024)],
    });
    try {
      const base = rssOf(f.proc.pid!);
      const head = await trickle(f.port, 'POST / HTTP/1.1\r\nHost: x\r\nX-Pad: ' + 'a'.repeat(100), 0, 100, 15_000);
      const bodyHead =
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 1000000\r\n\r\n';
      const body = await trickle(f.port, bodyHead, 100_000, 1, 15_000);
      const stalled = await stallBodies(f.port, 200, 2 * 1024 * 1024, 2_000_000);
      const peak = rssOf(f.proc.pid!);
      await until(() => stalled.sockets.every((s) => s.destroyed || s.readyState === 'closed'), 15_000);
      for (const s of stalled.sockets) s.destroy();
      const healthy = (await sqsJson(f.url, 'ListQueues', {})).status === 200;
      const cut = !head.gaveUp && head.heldMs < 5000 && !body.gaveUp && body.heldMs < 6000;
      const grewMiB = Math.round((peak - base) / 1024 / 1024);
      return {
        load: `2 tricklers + 200 stalled 2 MiB uploads (RSS +${grewMiB} MiB, budget 16 MiB)`,
        faultsSurvived: `${Number(cut) * 2 + Number(healthy)}/3`,
        inputs: 202,
        messagesLost: 0,
        ok: cut && healthy && grewMiB < 128,
        notes: cut ? undefined : `headers held ${head.heldMs} ms, body held ${body.heldMs} ms`,
      };
    } finally {
      await f.stop();
      f.cleanup();
    }
  },
});

registerStep({
  name: 'disk full (SQLite on a small tmpfs)',
  async run() {
    const why = cannotMount();
    if (why) return { load: '—', faultsSurvived: '—', inputs: 0, messagesLost: 0, ok: false, notes: `cannot run here: ${why}` };
    const r = await runDiskFullCampaign();
    const recovered = r.recoveredAfterDrainMs >= 0 && r.recoveredAfterFreeMs >= 0;
    return {
      load: `fill to full, drain, refill from outside (${r.acked} sends acknowledged)`,
      faultsSurvived: `disk full twice; recovered ${r.recoveredAfterDrainMs} ms after the drain, ${r.recoveredAfterFreeMs} ms after space returned`,
      inputs: r.acked + r.refusedSends,
      messagesLost: r.lost,
      ok: r.lost === 0 && r.drainErrors === 0 && recovered,
      notes: r.drainErrors > 0 ? `${r.drainErrors} receive/visibility/delete calls failed on the full disk` : undefined,
    };
  },
});

/** Kills a crash-loop step makes, and the time it may take (it stops starting rounds after that). */
const CRASH_KILLS = 30;
const CRASH_BUDGET_MS = 6 * 60_000;

function crashRow(r: CrashLoopResult, what: string): StepResult {
  const bad = r.lost.length + r.resurrected.length + r.fifoViolations.length + r.visibilityViolations.length + r.errors.length;
  const notes = [
    r.lost.length ? `lost: ${r.lost.slice(0, 10).join(', ')}` : '',
    r.resurrected.length ? `resurrected: ${r.resurrected.slice(0, 10).join(', ')}` : '',
    ...r.fifoViolations.slice(0, 5),
    ...r.visibilityViolations.slice(0, 5),
    ...r.errors,
    r.kills < CRASH_KILLS ? `only ${r.kills} of ${CRASH_KILLS} kills within the time budget` : '',
  ].filter(Boolean);
  return {
    load:
      `${what}: ${r.ackedSends} sends and ${r.ackedDeletes} deletes acknowledged, ${r.visibilityChanges} visibility changes, ` +
      `${r.moves} DLQ redrives; FIFO order violations: ${r.fifoViolations.length}, deletes resurrected: ${r.resurrected.length}, ` +
      `received again inside a visibility window: ${r.visibilityViolations.length} (${r.receivesChecked} receives checked)`,
    faultsSurvived: `${r.kills}/${CRASH_KILLS} kill -9 of Ferry${r.pgKills ? `, ${r.pgKills} kill -9 of PostgreSQL` : ''}`,
    inputs: r.calls,
    messagesLost: r.lost.length,
    ok: bad === 0 && r.kills === CRASH_KILLS,
    notes: notes.length ? notes.join('\n') : undefined,
  };
}

registerStep({
  name: 'crash loop (SQLite, kill -9 under mixed load)',
  async run() {
    const r = await runCrashLoop({ storage: 'sqlite', kills: CRASH_KILLS, loadMs: 1500, budgetMs: CRASH_BUDGET_MS });
    return crashRow(r, '1 process');
  },
});

registerStep({
  name: 'crash loop (PostgreSQL, 3 processes, PostgreSQL killed too)',
  async run() {
    const pg = await killableCluster();
    if (typeof pg === 'string') return { load: '—', faultsSurvived: '—', inputs: 0, messagesLost: 0, ok: false, notes: `cannot run here: ${pg}` };
    try {
      const r = await runCrashLoop({
        storage: 'postgres',
        processes: 3,
        kills: CRASH_KILLS,
        loadMs: 1500,
        budgetMs: CRASH_BUDGET_MS,
        pg: { url: pg.url, kill: () => pg.kill(), start: () => pg.start(), every: 5 },
      });
      return crashRow(r, '3 processes, PostgreSQL killed every 5th round');
    } finally {
      pg.stop();
    }
  },
});

registerStep({
  name: 'graceful shutdown under load (SQLite)',
  async run() {
    const r = await runShutdownUnderLoad({ storage: 'sqlite' });
    const cleanAnswers = r.answeredClient === r.answeredServer;
    const ok = r.exitCode === 0 && r.bad.length === 0 && r.serverErrors.length === 0 && cleanAnswers && r.resurrected.length === 0;
    return {
      load: `SIGTERM with ${r.inFlightAtSigterm} requests in flight (both protocols): ${Object.entries(r.outcomes)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}; exit ${r.exitCode} after ${Math.round(r.exitMs)} ms`,
      faultsSurvived: ok ? '1/1 SIGTERM' : '0/1 SIGTERM',
      inputs: r.calls,
      messagesLost: r.lost.length,
      ok,
      notes: ok
        ? undefined
        : [
            ...r.bad.slice(0, 3),
            ...r.serverErrors.slice(0, 3),
            cleanAnswers ? '' : `answers: ${r.answeredClient} received, ${r.answeredServer} logged`,
          ]
            .filter(Boolean)
            .join('\n'),
    };
  },
});

registerStep({
  name: 'soak-lite (mixed load, RSS and event-loop delay flat)',
  async run({ seconds }) {
    const minutes = Math.min(seconds, 120) / 60;
    const r = await runSoak({ minutes, sampleMs: 5000 });
    return {
      load:
        `${Math.round(minutes * 60)} s, ${r.calls} calls; RSS median ${r.rss.q2.toFixed(1)} -> ${r.rss.q4.toFixed(1)} MiB, ` +
        `event-loop p99 median ${r.lag.q2.toFixed(1)} -> ${r.lag.q4.toFixed(1)} ms (2nd -> last quarter)`,
      faultsSurvived: '—',
      inputs: r.calls,
      messagesLost: 0,
      ok: r.ok,
      notes: r.ok
        ? undefined
        : [...r.errors.slice(0, 3), r.rss.ok ? '' : 'RSS trends up', r.lag.ok ? '' : 'event-loop delay trends up', r.backlogOk ? '' : 'backlog grew']
            .filter(Boolean)
            .join('\n'),
    };
  },
});

/** Render the results as a Markdown table (RELIABILITY.md and the terminal). */
export function table(rows: Array<{ name: string; r: StepResult; ms: number }>): string {
  const lines = [
    '| Step | Load held | Faults survived | Inputs tried | Messages lost | Result | Time |',
    '| --- | --- | --- | ---: | ---: | --- | ---: |',
  ];
  for (const { name, r, ms } of rows) {
    lines.push(
      `| ${name} | ${r.load} | ${r.faultsSurvived} | ${r.inputs} | ${r.messagesLost} | ${r.ok ? 'ok' : 'FAILED'} | ${Math.round(ms / 1000)} s |`,
    );
  }
  return lines.join('\n');
}

/** Run the named steps (all when `only` is empty); resolves with the table and whether all passed. */
export async function runCampaign(opts: {
  seconds: number;
  only?: string[];
  seed?: number;
}): Promise<{ table: string; ok: boolean; notes: string[] }> {
  const rows: Array<{ name: string; r: StepResult; ms: number }> = [];
  const notes: string[] = [];
  for (const step of STEPS) {
    if (opts.only && opts.only.length > 0 && !opts.only.some((o) => step.name.startsWith(o))) continue;
    const started = Date.now();
    let r: StepResult;
    try {
      r = await step.run({ seconds: opts.seconds, seed: opts.seed });
    } catch (e) {
      r = { load: '—', faultsSurvived: '—', inputs: 0, messagesLost: 0, ok: false, notes: (e as Error).stack };
    }
    rows.push({ name: step.name, r, ms: Date.now() - started });
    if (r.notes) notes.push(`${step.name}: ${r.notes}`);
  }
  return { table: table(rows), ok: rows.every((x) => x.r.ok && x.r.messagesLost === 0), notes };
}
