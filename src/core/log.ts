import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/**
 * Structured logs with pino: JSON lines when the output is a file or pipe (for log shippers),
 * colourised single lines when it is a terminal (for people).
 */
export function createLogger(level: string, opts: { pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const dest = opts.destination ?? process.stdout;
  const usePretty = opts.pretty ?? Boolean((dest as NodeJS.WriteStream).isTTY);
  const base = { level, base: { service: 'ferry' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (usePretty) {
    // Loaded only for a terminal: a server logging JSON to a pipe (a harness, a supervisor) never pays its import.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino(
      base,
      pretty({ colorize: true, singleLine: true, destination: dest, ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss.l', sync: true }),
    );
  }
  return pino(base, dest as pino.DestinationStream);
}
