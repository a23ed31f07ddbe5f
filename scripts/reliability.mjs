#!/usr/bin/env node
/**
 * `npm run reliability [-- --seconds N] [--only <step prefix>] [--seed S]`: the reliability campaign
 * (dist/test/reliability/campaign.js) — fuzz for minutes, slow clients, and whatever other steps are
 * registered — printed as one table. `npm run fuzz -- --seconds N` runs only the fuzz step; `--seed S`
 * replays the inputs of an earlier fuzz run (the seed its row printed).
 * Exit code 1 when any step failed or lost a message.
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let seconds = 180;
let seed;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seconds') seconds = Number(args[++i]);
  else if (args[i] === '--only') only.push(args[++i]);
  else if (args[i] === '--seed') seed = Number(args[++i]);
  else {
    process.stderr.write(`unknown argument ${args[i]} (use --seconds N, --only <step>, --seed S)\n`);
    process.exit(2);
  }
}
if (!Number.isFinite(seconds) || seconds <= 0) {
  process.stderr.write('--seconds must be a positive number\n');
  process.exit(2);
}
if (seed !== undefined && !Number.isSafeInteger(seed)) {
  process.stderr.write('--seed must be an integer\n');
  process.exit(2);
}
const { runCampaign } = await import(pathToFileURL(resolve(root, 'dist/test/reliability/campaign.js')).href);
const r = await runCampaign({ seconds, only, seed });
process.stdout.write(r.table + '\n');
for (const n of r.notes) process.stderr.write(n + '\n');
process.exitCode = r.ok ? 0 : 1;
