#!/usr/bin/env node
/**
 * `npm run soak [-- --minutes N] [--storage sqlite|memory] [--sample-seconds S]`: mixed load against a
 * real `ferry serve` for N minutes (default 60), sampling its RSS and event-loop delay every S seconds
 * (default 10), failing (exit code 1) if either trends up — the criterion is in
 * test/reliability/campaigns/soak.ts. Not part of CI; RELIABILITY.md has the latest run.
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let minutes = 60;
let storage = 'sqlite';
let sampleSeconds = 10;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--minutes') minutes = Number(args[++i]);
  else if (args[i] === '--storage') storage = args[++i];
  else if (args[i] === '--sample-seconds') sampleSeconds = Number(args[++i]);
  else {
    process.stderr.write(`unknown argument ${args[i]} (use --minutes N, --storage sqlite|memory, --sample-seconds S)\n`);
    process.exit(2);
  }
}
if (!(minutes > 0) || !(sampleSeconds > 0) || !['sqlite', 'memory'].includes(storage)) {
  process.stderr.write('--minutes and --sample-seconds must be positive, --storage sqlite or memory\n');
  process.exit(2);
}
const { runSoak } = await import(pathToFileURL(resolve(root, 'dist/test/reliability/campaigns/soak.js')).href);
const r = await runSoak({ minutes, storage, sampleMs: sampleSeconds * 1000, log: (l) => process.stderr.write(l + '\n') });
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
process.stdout.write(
  `soak ${minutes} min on ${storage}: ${r.calls} calls, ${r.sends} sends, ${r.deletes} deletes, ${r.errors.length} errors, ${r.samples.length} samples\n` +
    `RSS median MiB, 2nd quarter ${f(r.rss.q2)} -> last quarter ${f(r.rss.q4)}: ${r.rss.ok ? 'flat' : 'TRENDS UP'}\n` +
    `event-loop delay p99 median ms, 2nd quarter ${f(r.lag.q2)} -> last quarter ${f(r.lag.q4)}: ${r.lag.ok ? 'flat' : 'TRENDS UP'}\n` +
    `backlog ${r.backlogOk ? 'kept up' : 'GREW'}; result: ${r.ok ? 'ok' : 'FAILED'}\n`,
);
for (const e of r.errors.slice(0, 10)) process.stderr.write(e + '\n');
process.exitCode = r.ok ? 0 : 1;
