/**
 * A process's memory after a forced full GC (see ./gcOnSignal.ts): start it with `env: gcProbeEnv()`,
 * then `memoryAfterGc(f)` signals it and reads its answer. Sampled this way, RSS and the V8 heap say
 * what the process keeps, not how far behind the collector is on a loaded machine.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FerryProcess } from './process.js';

const PRELOAD = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'gcOnSignal.js')).href;

/** The environment that makes a spawned node expose gc() and answer SIGUSR2 (NODE_OPTIONS). */
export function gcProbeEnv(): Record<string, string> {
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import ${PRELOAD}`.trim() };
}

export interface MemoryAfterGc {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** How long the two collections took. */
  gcMs: number;
}

/** Force two full GCs in `f` (started with gcProbeEnv) and resolve with its memory right after (bytes). */
export async function memoryAfterGc(f: FerryProcess, timeoutMs = 30_000): Promise<MemoryAfterGc> {
  const count = () =>
    f
      .output()
      .split('\n')
      .filter((l) => l.startsWith('gcprobe ')).length;
  const before = count();
  f.proc.kill('SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lines = f
      .output()
      .split('\n')
      .filter((l) => l.startsWith('gcprobe '));
    if (lines.length > before) {
      const m = JSON.parse(lines[before]!.slice('gcprobe '.length)) as MemoryAfterGc & { error?: string };
      if (m.error !== undefined) throw new Error(m.error);
      return m;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no gcprobe answer within ${timeoutMs} ms (count ${count()})`);
}
