/**
 * Server-side resource figures read from /proc, so that they describe the server process alone:
 * CPU time (utime + stime of all its threads, in clock ticks) and resident memory.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second (`getconf CLK_TCK`, almost always 100). */
export const CLK_TCK: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in clock ticks (fields 14 and 15 of /proc/<pid>/stat), or NaN. */
export function cpuTicks(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14 → rest[11], stime field 15 → rest[12].
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return NaN;
  }
}

/** CPU microseconds of a process (utime + stime). */
export function cpuMicros(pid: number): number {
  return (cpuTicks(pid) * 1e6) / CLK_TCK;
}

function statusField(pid: number, field: string): number {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(s);
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size in bytes (VmHWM). */
export function peakRssBytes(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** The soft limit on open files of this process (children inherit it). */
export function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return NaN;
    return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    return NaN;
  }
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
