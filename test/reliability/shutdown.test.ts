/**
 * Graceful shutdown under load, on SQLite and PostgreSQL (test/reliability/campaigns/shutdown.ts): SIGTERM
 * with ~1,000 requests in flight over both protocols; every one answered or refused retryably, the
 * process exits 0, and after a restart nothing acknowledged is lost or resurrected.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { ENGINES } from '../helpers/matrix.js';
import { runShutdownUnderLoad } from './campaigns/shutdown.js';

for (const storage of ENGINES.filter((e) => e !== 'memory') as Array<'sqlite' | 'postgres'>) {
  it(
    `SIGTERM with ~1,000 requests in flight [${storage}]: each answered or refused retryably, exit 0, nothing acknowledged lost`,
    { timeout: 120_000 },
    async () => {
      const r = await runShutdownUnderLoad({ storage });
      process.stderr.write(
        `# ${storage}: ${r.inFlightAtSigterm} in flight at SIGTERM, exit ${r.exitCode} after ${Math.round(r.exitMs)} ms; ` +
          `outcomes ${JSON.stringify(r.outcomes)}; ${r.calls} calls, ${r.ackedSends} sends and ${r.ackedDeletes} deletes acknowledged; before the SIGTERM ${r.keepAliveResets} kept-alive connections reset and ${r.overloadRefusals} 503s under load\n`,
      );
      assert.equal(r.exitCode, 0);
      assert.ok(r.inFlightAtSigterm >= 900, `only ${r.inFlightAtSigterm} requests in flight at SIGTERM`);
      assert.deepEqual(r.bad.slice(0, 10), [], `${r.bad.length} requests neither answered nor refused retryably`);
      assert.deepEqual(r.serverErrors, []);
      assert.equal(r.answeredClient, r.answeredServer, 'answers the server wrote vs answers the clients received');
      assert.deepEqual(r.lost.slice(0, 10), [], `${r.lost.length} acknowledged sends lost`);
      assert.deepEqual(r.resurrected.slice(0, 10), [], `${r.resurrected.length} acknowledged deletes resurrected`);
      assert.ok(r.ackedSends > 0 && r.ackedDeletes > 0);
    },
  );
}
