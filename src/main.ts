#!/usr/bin/env node
/**
 * The `ferry` command. `ferry serve [flags]` runs the server; `ferry help` prints every flag with its
 * environment variable. Flags are generated from the one config schema (config/schema.ts).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from './config/load.js';
import { ConfigError, SETTINGS } from './config/schema.js';
import { isDomainError } from './errors/domain.js';
import { createLogger, type Logger } from './core/log.js';
import { createServer, makeEngine, type FerryServer } from './app.js';
import { systemClock } from './core/clock.js';
import { systemRandom } from './core/random.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The one-shot commands end quietly when their reader goes away (`ferry keys list | head -4`) instead
 * of dying on an unhandled EPIPE. Not `serve`: a server keeps running when its stdout's reader leaves.
 */
function quietOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** `ferry <command> help`, or `--help` / `-h` anywhere among its arguments (`ferry policy check --help`). */
function wantsHelp(rest: readonly string[]): boolean {
  return rest[0] === 'help' || rest.includes('--help') || rest.includes('-h');
}

function usage(): string {
  const lines = [
    `ferry ${version} — an Amazon SQS-compatible message queue server`,
    '',
    'Usage: ferry serve [flags]',
    '       ferry keys list | create <alias> | rotate <key> | disable <key> | enable <key>   (encryption keys; same flags)',
    '       ferry policy check --as <key | user> --action sqs:<Action> --queue <url | arn>   (policy simulator; same flags)',
    '       ferry backup <file>   (a consistent copy of the SQLite store, taken while Ferry serves; same flags)',
    '       ferry restore <file>  (put a backup in place, Ferry stopped: checks the file, refuses while Ferry runs; same flags)',
    '       ferry export <file>   (every queue and message as JSON lines, from a snapshot taken while Ferry serves; --decrypt; same flags)',
    '       ferry import <file>   (queues and messages of an export into this store, any engine; --replace | --skip-existing; same flags)',
    '       ferry help | --help',
    '       ferry version | --version | -v',
    '',
    'Flags (each also settable by environment variable or config-file key):',
  ];
  for (const s of SETTINGS) {
    const flag =
      s.kind === 'bool'
        ? `--${s.flag}`
        : `--${s.flag} <${s.kind === 'enum' ? s.values!.join('|') : s.kind === 'switch' ? 'on|off' : s.kind === 'port' || s.kind === 'int' ? 'n' : 'value'}>`;
    const def = s.default !== undefined ? ` (default: ${s.kind === 'switch' ? (s.default ? 'on' : 'off') : s.default})` : '';
    lines.push(`  ${flag.padEnd(36)} ${s.help}${def}  [env ${s.env}; file key ${s.key}]`);
  }
  return lines.join('\n');
}

async function serve(args: string[]): Promise<void> {
  const options: ParseArgsConfig['options'] = {};
  for (const s of SETTINGS) options[s.flag] = { type: s.kind === 'bool' ? 'boolean' : 'string' };
  options['help'] = { type: 'boolean', short: 'h' };
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args, options, allowPositionals: false, strict: true }));
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${usage()}`);
  }
  if (values.help) {
    process.stdout.write(usage() + '\n');
    return;
  }
  const flags: Record<string, unknown> = {};
  for (const s of SETTINGS) if (values[s.flag] !== undefined) flags[s.key] = values[s.flag];
  const config = loadConfig({ flags, env: process.env });
  // Coloured, readable lines on a terminal (plus the startup banner as a block); JSON lines otherwise.
  const pretty = Boolean(process.stdout.isTTY);
  // With --port 0 the first stdout line must be the machine-readable one, so JSON log lines written while
  // starting (a new managed key, declared queues) wait until it is out.
  const held = config.port === 0 && !pretty ? heldStdout() : undefined;
  const logger = createLogger(config.logLevel, held === undefined ? { pretty } : { pretty, destination: held as unknown as NodeJS.WritableStream });
  let readyFile: string | undefined;
  // A harness may stop Ferry as soon as it reads the ready line, while the start is still finishing
  // (metrics, sweepers, the banner). SIGTERM/SIGINT are therefore caught from that line on: one that comes
  // before the start has finished is held, then stops Ferry gracefully. Before, Node's default action
  // killed Ferry in that window (12–15 of 20 stops issued right at the line, measured 2026-12-06) and
  // the harness saw a signal instead of exit code 0. One listener throughout: a signal is never lost
  // between two.
  let stop: ((signal: string) => void) | undefined;
  let early: NodeJS.Signals | undefined;
  const onStopSignal = (signal: NodeJS.Signals): void => {
    if (stop !== undefined) stop(signal);
    else early ??= signal;
  };
  const catchStopSignals = (): void => {
    if (process.listeners('SIGTERM').includes(onStopSignal)) return;
    process.on('SIGTERM', onStopSignal);
    process.on('SIGINT', onStopSignal);
  };
  try {
    const server = await createServer(config, {
      logger,
      humanBanner: pretty,
      onListening: (url, port) => {
        catchStopSignals();
        // For harnesses in other languages: with --port 0 the first stdout line is one JSON object
        // naming the URL (before any log line), and --ready-file gets the URL.
        if (config.port === 0) process.stdout.write(JSON.stringify({ ferry: 'listening', url, port, pid: process.pid }) + '\n');
        held?.release();
        if (config.readyFile !== undefined) {
          const tmp = `${config.readyFile}.${process.pid}.tmp`;
          writeFileSync(tmp, url + '\n');
          renameSync(tmp, config.readyFile); // atomic: a reader never sees half a URL
          readyFile = config.readyFile;
        }
      },
    });
    await server.listen();
    catchStopSignals();
    stop = handleSignals(server, logger, readyFile);
    if (early !== undefined) stop(early);
  } finally {
    held?.release(); // a failed start still shows what was logged
  }
}

/** Lines written before `release()` are kept, then written in order; later ones go straight to stdout. */
function heldStdout(): { write(s: string): boolean; release(): void } {
  let buffer: string[] | undefined = [];
  return {
    write(s) {
      if (buffer === undefined) return process.stdout.write(s);
      buffer.push(s);
      return true;
    },
    release() {
      const b = buffer;
      buffer = undefined;
      for (const s of b ?? []) process.stdout.write(s);
    },
  };
}

/**
 * Exit once what was written to stdout and stderr has gone out. Writes to a pipe can be queued when its
 * reader is slow, and process.exit drops the queue: a graceful stop under load lost the last request log
 * lines and 'ferry stopped' (the shutdown test counts answers against request lines). At most 5 s.
 */
function exitFlushed(code: number): void {
  process.exitCode = code;
  let pending = 0;
  const done = (): void => {
    if (--pending <= 0) process.exit(code);
  };
  for (const s of [process.stdout, process.stderr]) {
    if (s.writableLength === 0) continue;
    pending++;
    s.write('', done);
  }
  if (pending === 0) process.exit(code);
  setTimeout(() => process.exit(code), 5000).unref();
}

/**
 * SIGHUP: reloads. Returns the stop for SIGTERM/SIGINT (caught by serve()): graceful (the ready file goes
 * first); a second signal exits at once.
 */
function handleSignals(server: FerryServer, logger: Logger, readyFile: string | undefined): (signal: string) => void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    if (readyFile !== undefined) rmSync(readyFile, { force: true });
    server.close().then(
      () => exitFlushed(0),
      (e: unknown) => {
        logger.error({ err: e }, 'error while shutting down');
        exitFlushed(1);
      },
    );
  };
  // SIGHUP: re-read identities and policies from the config file; a bad file changes nothing.
  process.on('SIGHUP', () => {
    try {
      server.reloadIdentities(process.env);
    } catch (e) {
      logger.error({ reason: (e as Error).message }, 'identity reload failed: keeping the previous identities and policies');
    }
  });
  process.on('SIGHUP', () => void server.reloadTls());
  return stop;
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd !== 'serve') quietOnClosedStdout();
  switch (cmd) {
    case 'serve':
      return serve(rest);
    // The other commands' modules load only when used: `ferry serve` starts ~20–40 ms sooner without them.
    case 'policy': {
      const { POLICY_USAGE, policyCommand } = await import('./cli/policy.js');
      if (rest[0] === undefined || wantsHelp(rest)) return void process.stdout.write(POLICY_USAGE + '\n');
      const r = await policyCommand(rest, process.env, (c) => makeEngine(c, systemClock, systemRandom));
      process.stdout.write(r.lines.join('\n') + '\n');
      process.exitCode = r.allowed ? 0 : 3;
      return;
    }
    case 'backup': {
      const { BACKUP_USAGE, backupCommand } = await import('./cli/backup.js');
      if (rest[0] === undefined || wantsHelp(rest)) return void process.stdout.write(BACKUP_USAGE + '\n');
      return backupCommand(rest);
    }
    case 'restore': {
      const { RESTORE_USAGE, restoreCommand } = await import('./cli/restore.js');
      if (rest[0] === undefined || wantsHelp(rest)) return void process.stdout.write(RESTORE_USAGE + '\n');
      return restoreCommand(rest);
    }
    case 'export': {
      const { EXPORT_USAGE, exportCommand } = await import('./cli/transfer.js');
      if (rest[0] === undefined || wantsHelp(rest)) return void process.stdout.write(EXPORT_USAGE + '\n');
      return exportCommand(rest);
    }
    case 'import': {
      const { IMPORT_USAGE, importCommand } = await import('./cli/transfer.js');
      if (rest[0] === undefined || wantsHelp(rest)) return void process.stdout.write(IMPORT_USAGE + '\n');
      return importCommand(rest);
    }
    case 'keys': {
      const { KEYS_USAGE, keysCommand } = await import('./cli/keys.js');
      if (wantsHelp(rest)) return void process.stdout.write(KEYS_USAGE + '\n');
      return keysCommand(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage() + '\n');
      return;
    case 'version':
    case '--version':
    case '-v':
    case '-V':
      process.stdout.write(`${version}\n`);
      return;
    default:
      throw new ConfigError(`unknown command "${cmd}"\n\n${usage()}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  // ConfigError, and a store refused at start (storage/sqlite/check.ts: damaged, or newer): the message
  // says what to do; nothing was changed.
  if (e instanceof ConfigError || (e instanceof Error && e.name === 'StoreRefusedError')) {
    process.stderr.write(`ferry: ${e.message}\n`);
    process.exit(2);
  }
  const cmd = process.argv[2] ?? 'serve';
  // A command's refusal by the store (an import the engine rejects, a missing KMS key): its message is
  // the whole story, no stack.
  if (cmd !== 'serve' && isDomainError(e)) {
    process.stderr.write(`ferry ${cmd}: ${e.kind}: ${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`ferry: ${cmd === 'serve' ? 'failed to start' : `${cmd} failed`}: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
