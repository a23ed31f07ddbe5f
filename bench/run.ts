#!/usr/bin/env node
/**
 * `npm run bench` — Ferry's side-by-side benchmark (issue 3).
 *
 *   node dist/bench/run.js [--rounds 5] [--heavy-rounds 1] [--duration 4] [--warmup 1] [--warm-requests 5000] [--warm-max 8]
 *                          [--scenarios send,sendbatch,…] [--targets ferry-memory,ferry-sqlite,…]
 *                          [--backlog 1000000] [--waiters 10000] [--send-connections 32] [--md BENCHMARKS.md | --no-md]
 *                          [--jsonl results.jsonl] [--ferry-log-level warn] [--smoke]
 *
 * Runs every scenario against every target, interleaved round by round, printing one JSON line per run
 * and, at the end, one table of medians (and BENCHMARKS.md). `--smoke` is the seconds-long mode CI runs:
 * tiny durations and sizes, one round, Ferry (memory with and without signature checking + SQLite, and
 * PostgreSQL — whose deep-backlog fills its queue by SQL — when FERRY_TEST_DATABASE_URL
 * says one is available, as under `npm test`) and the ceiling only, no thresholds.
 *
 * The PostgreSQL targets (ferry-postgres, ferry-postgres-3) run on a private cluster the harness starts
 * on first use and stops at the end (bench/pg.ts); FERRY_BENCH_DATABASE_URL names an existing database
 * instead.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkIssue12Targets, renderIssue12, type Issue12Row } from './issue12.js';
import { loadAverage, openFileLimit } from './proc.js';
import { checkTargets, machineInfo, renderChecks, renderMarkdown, renderTable, summarize, type Cell, type TargetCheck } from './report.js';
import {
  ALL_SCENARIOS,
  DEFAULT_CONFIG,
  HEAVY_SCENARIOS,
  applies,
  failedResult,
  runScenario,
  type ScenarioConfig,
  type ScenarioName,
  type ScenarioResult,
} from './scenarios.js';
import { ALL_TARGETS, POSTGRES_TARGETS, TargetUnavailable, fauxqsNode, killAllChildren, startTarget, type TargetName } from './targets.js';
import { stopBenchDatabase } from './pg.js';

export interface BenchOptions {
  rounds: number;
  /** Rounds for deep-backlog and waiters (at most `rounds`). */
  heavyRounds: number;
  scenarios: ScenarioName[];
  targets: TargetName[];
  cfg: ScenarioConfig;
  ferryLogLevel: string;
  /** Write BENCHMARKS.md here (null: don't). */
  md: string | null;
  jsonl: string | null;
  /** The command line, for BENCHMARKS.md. */
  command: string;
  /** Where the JSON lines and the table go (default: stdout). */
  out: (line: string) => void;
  /** Progress (default: stderr). */
  progress: (line: string) => void;
  /** The scenario list was given explicitly: opt-in scenarios (rate on PostgreSQL) run too. */
  explicitScenarios: boolean;
  /**
   * PostgreSQL targets: an existing database (FERRY_BENCH_DATABASE_URL) instead of a private cluster;
   * `fallback`: used only when no private cluster can be started.
   */
  database: { url: string | null; fallback: string | null };
}

export interface BenchReport {
  results: ScenarioResult[];
  cells: Map<string, Cell>;
  table: string;
  checks: TargetCheck[];
  /** Issue 12's ratio targets (bench/issue12.ts), in BENCHMARKS.md's first table. */
  issue12: Issue12Row[];
  unavailable: Map<TargetName, string>;
  notes: string[];
}

/** The seconds-long configuration CI runs (no thresholds). */
export const SMOKE_CONFIG: ScenarioConfig = {
  ...DEFAULT_CONFIG,
  warmupMs: 150,
  warmRequests: 0,
  warmMaxMs: 0,
  durationMs: 500,
  wakeMinMs: 0,
  sendConnections: 8,
  producers: 4,
  consumers: 4,
  backlogBound: 200,
  rate: 2000,
  backlog: 3000,
  fillTimeoutMs: 20_000,
  waiters: 200,
  waiterQueues: 10,
  waiterWaitS: 2,
  drainTimeoutMs: 10_000,
};

/**
 * Rounds of `scenario` on target `t`: every round, except deep-backlog and waiters (minutes per run), which
 * run `heavyRounds`. Deep-backlog on ferry-postgres runs every round: issue 12's deep-backlog ratio is
 * measured there and asks for a median of at least five rounds, and its queue is filled by SQL in seconds
 * (bench/pg-fill.ts), where the other targets fill theirs through the API.
 */
export function roundsOf(scenario: ScenarioName, t: TargetName, o: Pick<BenchOptions, 'rounds' | 'heavyRounds'>): number {
  if (!HEAVY_SCENARIOS.has(scenario)) return o.rounds;
  if (scenario === 'deep-backlog' && t === 'ferry-postgres') return o.rounds;
  return Math.min(o.heavyRounds, o.rounds);
}

export function defaultOptions(): BenchOptions {
  return {
    rounds: 5,
    heavyRounds: 1,
    scenarios: [...ALL_SCENARIOS],
    targets: [...ALL_TARGETS],
    cfg: { ...DEFAULT_CONFIG },
    ferryLogLevel: 'warn',
    md: 'BENCHMARKS.md',
    jsonl: null,
    command: 'npm run bench',
    out: (l) => process.stdout.write(l + '\n'),
    progress: (l) => process.stderr.write(l + '\n'),
    explicitScenarios: false,
    database: { url: process.env.FERRY_BENCH_DATABASE_URL || null, fallback: null },
  };
}

/**
 * CI's smoke: one tiny round. ferry-postgres joins when FERRY_TEST_DATABASE_URL is set (`npm test` sets it),
 * so the PostgreSQL target cannot rot either. It runs on its own private cluster when PostgreSQL's binaries
 * are here — `npm test`'s shared cluster is restarted and has its Ferry sessions terminated by other tests
 * running at the same time — and on FERRY_TEST_DATABASE_URL itself otherwise.
 */
export function smokeOptions(): BenchOptions {
  const testDb = process.env.FERRY_TEST_DATABASE_URL || null;
  const targets: TargetName[] = ['ferry-memory', 'ferry-memory-nosig', 'ferry-sqlite', ...(testDb ? (['ferry-postgres'] as const) : []), 'ceiling'];
  return {
    ...defaultOptions(),
    rounds: 1,
    heavyRounds: 1,
    targets,
    cfg: { ...SMOKE_CONFIG },
    md: null,
    command: 'npm run bench:smoke',
    database: { url: process.env.FERRY_BENCH_DATABASE_URL || null, fallback: testDb },
  };
}

/** Run the benchmark. Never throws for one failed run: that run's result says ok: false. */
export async function runBench(o: BenchOptions): Promise<BenchReport> {
  try {
    return await runBenchInner(o);
  } finally {
    // The private PostgreSQL cluster, if one was started, does not outlive the run.
    stopBenchDatabase();
  }
}

async function runBenchInner(o: BenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const loadBefore = loadAverage();
  const notes: string[] = [];
  const cfg = { ...o.cfg };
  // 10,000 long polls need 10,000 sockets in the harness (and as many in the server).
  if (o.scenarios.includes('waiters')) {
    const limit = openFileLimit();
    if (Number.isFinite(limit) && limit < cfg.waiters + 500) {
      const n = Math.max(100, Math.floor((limit - 500) / 100) * 100);
      notes.push(`open-file limit ${limit} < ${cfg.waiters} waiters + 500: waiters reduced to ${n} (raise \`ulimit -n\`)`);
      cfg.waiters = n;
    }
  }
  for (const n of notes) o.progress(`note: ${n}`);
  const unavailable = new Map<TargetName, string>();
  const targetInfo = new Map<TargetName, string>();
  let pgDescribe: string | undefined;
  const results: ScenarioResult[] = [];
  o.progress(
    `bench: ${o.rounds} round(s) (heavy: ${o.heavyRounds}), scenarios ${o.scenarios.join(',')}, targets ${o.targets.join(',')}; load ${loadBefore}`,
  );

  for (let round = 1; round <= o.rounds; round++) {
    // Rotate the target order each round so no target always runs first (or right after a heavy one).
    const rot = (round - 1) % o.targets.length;
    const order = [...o.targets.slice(rot), ...o.targets.slice(0, rot)];
    for (const scenario of o.scenarios) {
      for (const t of order) {
        if (round > roundsOf(scenario, t, o)) continue;
        if (!applies(scenario, t, { explicitScenarios: o.explicitScenarios }) || unavailable.has(t)) continue;
        const t0 = Date.now();
        let res: ScenarioResult;
        let target;
        try {
          target = await startTarget(t, { ferryLogLevel: o.ferryLogLevel, databaseUrl: o.database.url, databaseFallbackUrl: o.database.fallback });
          if (POSTGRES_TARGETS.has(t) && pgDescribe === undefined) pgDescribe = String(target.info.database);
          if (t.startsWith('fauxqs') && !targetInfo.has(t))
            targetInfo.set(t, `fauxqs ${String(target.info.version)} on Node ${String(target.info.node)}`);
          if (t.startsWith('ferry') && !targetInfo.has(t))
            targetInfo.set(
              t,
              `\`${target.command.replace(/--data-dir \S+/, '--data-dir <tmp>').replace(/--port \d+/, '--port <free>')}\` with FERRY_AUTH=${String(target.info.auth)}; ${signatureNote(target.info.auth === 'off', target.info.signatureChecking === true)}${POSTGRES_TARGETS.has(t) ? `; database: ${String(target.info.database)}` : ''}`,
            );
          res = await runScenario(scenario, { target, round, cfg });
        } catch (e) {
          if (e instanceof TargetUnavailable) {
            unavailable.set(t, e.message);
            o.progress(`  ${t}: unavailable — ${e.message}`);
            continue;
          }
          res = failedResult(scenario, t, round, e);
        } finally {
          if (target) await target.stop().catch(() => undefined);
        }
        results.push(res);
        const line = JSON.stringify(res);
        o.out(line);
        if (o.jsonl) appendFileSync(o.jsonl, line + '\n');
        o.progress(
          `  round ${round} ${scenario} ${t}: ${res.ok ? `${Math.round(res.msgsPerS)} msgs/s, p50 ${res.p50Ms} ms, p99 ${res.p99Ms} ms, ${res.cpuUsPerReq} µs/req` : `FAILED ${res.error?.split('\n')[0]}`} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
      }
    }
  }

  const cells = summarize(results);
  const table = renderTable(cells, o.scenarios, o.targets, unavailable, { explicitScenarios: o.explicitScenarios });
  const checks = checkTargets(cells);
  const issue12 = checkIssue12Targets(cells);
  const loadAfter = loadAverage();
  const elapsedMin = (Date.now() - started) / 60000;
  const header = `Medians over ${o.rounds} round(s)${o.scenarios.some((s) => HEAVY_SCENARIOS.has(s)) ? `; deep-backlog and waiters over ${Math.min(o.heavyRounds, o.rounds)} round(s), deep-backlog on ferry-postgres over ${o.rounds}` : ''}. Load average before ${loadBefore}, after ${loadAfter}; ${elapsedMin.toFixed(1)} min.`;
  o.out('');
  o.out(header);
  for (const n of notes) o.out(`note: ${n}`);
  o.out(renderIssue12(issue12));
  o.out('');
  o.out(table);
  o.out('');
  o.out(renderChecks(checks));

  if (o.md) {
    let fauxqsNodeVersion = 'n/a';
    const bin = fauxqsNode();
    if (bin) {
      try {
        fauxqsNodeVersion = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
      } catch {
        /* unknown */
      }
    }
    const cores = Number(machineInfo('').cores);
    const load1 = (s: string) => Number(s.split(' ')[0]);
    // "Busy": other work kept the run queue above what this run's own processes explain (~the core count).
    const busy = load1(loadBefore) > 0.5 * cores || load1(loadAfter) > 1.5 * cores;
    // Hand-written notes (what each optimisation bought, how a figure was obtained) live after the
    // KEPT_MARKER line of the existing file and survive regeneration.
    let kept = '';
    try {
      const old = readFileSync(o.md, 'utf8');
      const at = old.indexOf(KEPT_MARKER);
      if (at !== -1) kept = '\n' + old.slice(at);
    } catch {
      /* no previous file */
    }
    writeFileSync(
      o.md,
      renderMarkdown({
        table: (notes.length ? notes.map((n) => `> note: ${n}\n`).join('') + '\n' : '') + table,
        checks: renderChecks(checks),
        issue12: renderIssue12(issue12),
        machine: machineInfo(fauxqsNodeVersion),
        command: o.command,
        date: new Date().toISOString(),
        rounds: o.rounds,
        heavyRounds: Math.min(o.heavyRounds, o.rounds),
        durationS: cfg.durationMs / 1000,
        warmupS: cfg.warmupMs / 1000,
        warmRequests: cfg.warmRequests,
        warmMaxS: cfg.warmMaxMs / 1000,
        loadBefore,
        loadAfter,
        busy,
        elapsedMin,
        targets: o.targets,
        unavailable,
        targetInfo,
        config: cfg as unknown as Record<string, unknown>,
        ferryLogLevel: o.ferryLogLevel,
        ...(pgDescribe !== undefined ? { postgres: pgDescribe } : {}),
      }) + kept,
    );
    o.progress(`wrote ${o.md}`);
  }
  return { results, cells, table, checks, issue12, unavailable, notes };
}

/** What BENCHMARKS.md says of a Ferry target's signature checking, as verified at its start. */
function signatureNote(authOff: boolean, checked: boolean): string {
  if (authOff)
    return checked
      ? '**signature checking on although FERRY_AUTH=off** (a wrongly signed request was refused)'
      : 'signature checking verified off (a wrongly signed request is accepted)';
  return `signature checking ${checked ? 'verified on (a wrongly signed request is refused)' : '**off** (a wrongly signed request was accepted: this Ferry build does not verify SigV4)'}`;
}

/** Everything from this line to the end of BENCHMARKS.md is kept when the file is regenerated. */
export const KEPT_MARKER = '<!-- Hand-written notes below: kept when npm run bench rewrites this file. -->';

function parseList<T extends string>(v: string | undefined, all: readonly T[], what: string): T[] | undefined {
  if (v === undefined) return undefined;
  const items = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean) as T[];
  for (const i of items) if (!all.includes(i)) throw new Error(`unknown ${what} "${i}" (one of ${all.join(', ')})`);
  return items;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean' },
      rounds: { type: 'string' },
      'heavy-rounds': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'warm-requests': { type: 'string' },
      'warm-max': { type: 'string' },
      scenarios: { type: 'string' },
      targets: { type: 'string' },
      backlog: { type: 'string' },
      waiters: { type: 'string' },
      rate: { type: 'string' },
      md: { type: 'string' },
      'no-md': { type: 'boolean' },
      jsonl: { type: 'string' },
      'ferry-log-level': { type: 'string' },
      'send-connections': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: node dist/bench/run.js [--smoke] [--rounds N] [--heavy-rounds N] [--duration S] [--warmup S]\n' +
        '  [--warm-requests N] [--warm-max S]\n' +
        `  [--scenarios ${ALL_SCENARIOS.join(',')}]\n  [--targets ${ALL_TARGETS.join(',')}]\n` +
        '  [--backlog N] [--waiters N] [--rate N] [--send-connections N] [--md FILE | --no-md] [--jsonl FILE]\n' +
        '  [--ferry-log-level LEVEL]\n',
    );
    return 0;
  }
  const o = values.smoke ? smokeOptions() : defaultOptions();
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  o.rounds = num(values.rounds, 'rounds') ?? o.rounds;
  o.heavyRounds = num(values['heavy-rounds'], 'heavy-rounds') ?? o.heavyRounds;
  const d = num(values.duration, 'duration');
  if (d !== undefined) o.cfg.durationMs = d * 1000;
  const w = values.warmup !== undefined ? Number(values.warmup) : undefined;
  if (w !== undefined && Number.isFinite(w) && w >= 0) o.cfg.warmupMs = w * 1000;
  // The throughput scenarios' warm-up in requests per server process, and its longest time (scenarios.ts
  // measure); --warm-max 0: the fixed --warmup.
  const wr = values['warm-requests'] !== undefined ? Number(values['warm-requests']) : undefined;
  if (wr !== undefined && Number.isFinite(wr) && wr >= 0) o.cfg.warmRequests = wr;
  const wm = values['warm-max'] !== undefined ? Number(values['warm-max']) : undefined;
  if (wm !== undefined && Number.isFinite(wm) && wm >= 0) o.cfg.warmMaxMs = wm * 1000;
  o.cfg.backlog = num(values.backlog, 'backlog') ?? o.cfg.backlog;
  o.cfg.waiters = num(values.waiters, 'waiters') ?? o.cfg.waiters;
  o.cfg.rate = num(values.rate, 'rate') ?? o.cfg.rate;
  // Connections (and concurrent requests) of send and sendbatch: what each server process can combine
  // depends on it (BENCHMARKS.md, "three nodes on two cores").
  const sc = num(values['send-connections'], 'send-connections');
  if (sc !== undefined && !Number.isInteger(sc)) throw new Error('--send-connections must be a whole number');
  if (sc !== undefined) o.cfg.sendConnections = sc;
  o.scenarios = parseList(values.scenarios, ALL_SCENARIOS, 'scenario') ?? o.scenarios;
  o.explicitScenarios = values.scenarios !== undefined;
  o.targets = parseList(values.targets, ALL_TARGETS, 'target') ?? o.targets;
  if (values['no-md']) o.md = null;
  else if (values.md !== undefined) o.md = values.md;
  if (values.jsonl !== undefined) o.jsonl = values.jsonl;
  if (values['ferry-log-level'] !== undefined) o.ferryLogLevel = values['ferry-log-level'];
  o.command = `${values.smoke ? 'npm run bench:smoke' : 'npm run bench'}${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const report = await runBench(o);
  const failed = report.results.filter((x) => !x.ok);
  return failed.length > 0 && values.smoke ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => {
      killAllChildren();
      process.exit(code);
    },
    (e: unknown) => {
      killAllChildren();
      process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
