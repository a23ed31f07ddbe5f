/**
 * Preloaded into a `ferry serve` process by memory tests (`gcProbeEnv()` in ./memory.ts: node runs with
 * `--expose-gc --import` of this module): on SIGUSR2, two full garbage collections, then one line
 * `gcprobe {process.memoryUsage() in bytes, gcMs}` on stderr. Nothing else; Ferry itself has no such hook.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    process.stderr.write('gcprobe {"error":"node was not started with --expose-gc"}\n');
    return;
  }
  const started = performance.now();
  gc();
  gc();
  const gcMs = Math.round(performance.now() - started);
  process.stderr.write(`gcprobe ${JSON.stringify({ ...process.memoryUsage(), gcMs })}\n`);
});
